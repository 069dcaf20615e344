"""From aggregated tables to what the results page shows: labels, summaries, data tables, charts.

Charts are plotly figure specs written as plain dicts (``{"data", "layout"}``),
with no template: ``plotly.express`` costs about 20 ms a figure and its
default template bloats the JSON, where these cost microseconds. Trend charts
are SVG drawn by a template from their geometry (``trend_chart``): that page
loads no chart script. The numbers
come only from the tables, already suppressed by ``survey.aggregation``: a
hidden cell has no number here to leak into a tooltip. Every hidden number
reads the same way in charts, tooltips and tables: "fewer than N" when it is
itself 1 to N-1, "hidden" when it protects another (``mark_text``).
"""

from itertools import groupby
from math import ceil

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kb.numbers import percent_text
from survey.aggregation import OTHER

# Okabe and Ito's palette, told apart by colour-blind readers; the yellow is darkened
# so that bars and lines keep a 3:1 contrast on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#B8A600", "#000000"]
ORDERED_COLOUR = PALETTE[0]  # scales and histograms: one colour, their options are ordered
MUTED = "#BDBDBD"  # trend lines not picked out
HIDDEN_COLOUR = "#9E9E9E"  # hidden cells: a neutral grey, never a shade of the scale
INK_SOFT = "#555555"
# Light for 0 %, dark for 100 %: the eye goes to the large shares, not to the zeros.
SHARE_SCALE = [[0, "#F4F8FB"], [0.5, "#5B9BC8"], [1, "#08306B"]]
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14}
CONFIG = {"displayModeBar": False, "responsive": True}
TRENDS_PICKED = 5  # options drawn in colour on a trend chart at first; the rest in grey
BAR_HEIGHT = 34

# Why coordinators see a number marked "hidden from others".
RULE_TEXTS = {
    "question": gettext_lazy("too few answered the question"),
    "group": gettext_lazy("its group is hidden"),
    "small": gettext_lazy("fewer than the smallest group"),
    "atom": gettext_lazy("small in another part of the selection"),
    "complement": gettext_lazy("would give away a hidden number by subtraction"),
}


def percent(share):
    return percent_text(formats.number_format(round(share * 100), 0))


def percent_suffix():
    return percent_text("")


def fewer_than(threshold):
    return _("fewer than %(n)s") % {"n": threshold}


def mark_text(mark, threshold):
    """What readers read in place of a hidden number."""
    return fewer_than(threshold) if mark == "small" else _("hidden")


def count_text(row, threshold):
    return mark_text(row["mark"], threshold) if row["count"] is None else str(row["count"])


def share_text(row, threshold):
    if row["count"] is None:
        return mark_text(row["mark"], threshold)
    return "—" if row["share"] is None else percent(row["share"])


def chart_value(row, threshold):
    """A number written on a chart; coordinators' numbers that others do not see carry a *."""
    return share_text(row, threshold) + (" *" if row["suppressed"] else "")


def rule_text(row):
    return RULE_TEXTS.get(row.get("rule"), "")


def number(value):
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0)


def _respondents(count):
    return ngettext("%(count)s respondent", "%(count)s respondents", count) % {"count": count}


def _axis(**extra):
    return {"automargin": True, "fixedrange": True, **extra}


def _percent_axis(**extra):
    # 0 to 100 % always, so that two charts side by side compare at a glance; the
    # ticks written as the shares are ("50%", "50 %" with a no-break space in French).
    return _axis(range=[0, 100], ticksuffix=percent_suffix(), dtick=25, **extra)


def _layout(height, **extra):
    separators = ", " if translation.get_language() == "fr" else ".,"
    return {
        "font": FONT,
        "height": height,
        # Room above for the half of the top tick label ("100 %") that stands over the plot.
        "margin": {"l": 8, "r": 8, "t": 16, "b": 8, "pad": 4},
        "separators": separators,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": FONT},
        **extra,
    }


def figure(data, layout):
    return {"data": data, "layout": layout, "config": CONFIG}


# Labels and colours.


def option_labels(question):
    labels = {choice.key: choice.text for choice in question.choice_list}
    labels[OTHER] = _("Other")
    if question.kind == question.Kind.SCALE:
        for value in question.scale_values():
            labels[str(value)] = str(value)
        if question.min_label:
            labels[f"{question.min_value:g}"] = f"{question.min_value:g} ({question.min_label})"
        if question.max_label:
            labels[f"{question.max_value:g}"] = f"{question.max_value:g} ({question.max_label})"
    return labels


def option_colours(question):
    """One colour per option of a choice question, the same in each of its charts.

    None when the question has more options than the palette has colours: a
    colour shared by two options would say they belong together.
    """
    keys = [choice.key for choice in question.choice_list]
    if question.allow_other:
        keys.append(OTHER)
    if len(keys) > len(PALETTE):
        return None
    return dict(zip(keys, PALETTE, strict=False))


# One question.


def bar_chart(rows, labels, threshold, *, horizontal, colours=None):
    """Bars of the share of respondents, each with its value; hidden rows say why, in grey."""
    names, shares, texts, hovers, bar_colours, notes = [], [], [], [], [], []
    for position, row in enumerate(rows):
        label = labels.get(row["option"], row["option"])
        names.append(label)
        share = None if row["share"] is None else round(row["share"] * 100, 1)
        shares.append(share)
        texts.append("" if row["count"] is None else chart_value(row, threshold))
        hovers.append(
            [label, mark_text(row["mark"], threshold)]
            if row["count"] is None
            else [label, f"{share_text(row, threshold)} · {_respondents(row['count'])}"]
        )
        bar_colours.append((colours or {}).get(row["option"], ORDERED_COLOUR))
        if row["count"] is None:
            # At the bar's position, not its label: plotly reads a label such as "2" (a
            # scale's value) as the position of the third bar.
            notes.append((position, mark_text(row["mark"], threshold)))
    trace = {
        "type": "bar",
        "orientation": "h" if horizontal else "v",
        "marker": {"color": bar_colours},
        "customdata": hovers,
        "text": texts,
        "textposition": "outside",
        "cliponaxis": False,
        "hovertemplate": "%{customdata[0]}<br>%{customdata[1]}<extra></extra>",
    }
    note = {"showarrow": False, "font": {"color": INK_SOFT, "size": 13}}
    if horizontal:
        trace.update(x=shares, y=names)
        annotations = [
            {**note, "x": 0, "y": position, "text": f"<i>{text}</i>", "xanchor": "left"}
            for position, text in notes
        ]
        layout = _layout(
            BAR_HEIGHT * len(rows) + 50,
            xaxis=_percent_axis(side="top"),
            yaxis=_axis(autorange="reversed", type="category"),
            bargap=0.3,
            annotations=annotations,
        )
        # Room on the right for the value of a bar near 100 %.
        layout["margin"]["r"] = 44
    else:
        trace.update(x=names, y=shares)
        annotations = [
            {**note, "x": position, "y": 0, "text": f"<i>{text}</i>", "yanchor": "bottom"}
            for position, text in notes
        ]
        layout = _layout(
            320,
            yaxis=_percent_axis(),
            xaxis=_axis(type="category"),
            bargap=0.15,
            annotations=annotations,
        )
        layout["margin"]["t"] = 28  # room for a value above a bar near 100 %
    return figure([trace], layout)


def _summary(table, labels, threshold):
    if table["too_few"]:
        return _("Fewer than %(n)s people answered this question: nothing is shown.") % {
            "n": threshold
        }
    answered = table["answered"] or 0
    if not answered:
        return _("Nobody answered this question.")
    parts = []
    if table["kind"] in ("single", "multiple"):
        top = [row for row in table["rows"] if row["share"] is not None and row["count"]][:3]
        if top:
            parts.append(
                _("Most chosen: %(list)s.")
                % {
                    "list": ", ".join(
                        f"{labels.get(row['option'], row['option'])} ({percent(row['share'])})"
                        for row in top
                    )
                }
            )
    stats = table.get("stats")
    if stats and table["kind"] == "scale":
        parts.append(_("Median: %(median)s.") % {"median": number(stats["median"])})
    elif stats:
        parts.append(
            _("Quartiles: %(q1)s, median %(median)s, %(q3)s.")
            % {
                "q1": number(stats["q1"]),
                "median": number(stats["median"]),
                "q3": number(stats["q3"]),
            }
        )
    return " ".join(parts)


def present_question(question, table, threshold):
    """What the template needs for one question: texts, table rows, chart spec."""
    labels = option_labels(question)
    rows = [
        {
            "label": labels.get(row["option"], row["option"]),
            "count": count_text(row, threshold),
            "share": share_text(row, threshold),
            "suppressed": row["suppressed"],
            "mark": row["mark"],
            "rule": rule_text(row),
        }
        for row in table["rows"]
    ]
    chart = None
    if table["kind"] != "text" and table["answered"] and table["rows"]:
        chart = _question_chart(question, table, labels, threshold)
    return {
        "question": question,
        "kind": table["kind"],
        "answered": table["answered"],
        "too_few": table["too_few"],
        "summary": _summary(table, labels, threshold),
        "rows": rows,
        "marks": {row["mark"] for row in table["rows"]} - {None},
        "texts": table.get("texts", []),
        "text_count": table.get("text_count", 0),
        "stats": table.get("stats"),
        "chart": chart,
    }


def _question_chart(question, table, labels, threshold):
    """Choice questions as horizontal bars; scales and histograms upright, and on a phone
    (``narrow``) horizontal too, so that every label reads in full."""
    stats = table.get("stats")
    median = stats["median"] if stats and table["kind"] == "scale" else None
    if table["kind"] in ("single", "multiple"):
        return bar_chart(
            table["rows"], labels, threshold, horizontal=True, colours=option_colours(question)
        )
    chart = bar_chart(table["rows"], labels, threshold, horizontal=False)
    narrow = bar_chart(table["rows"], labels, threshold, horizontal=True)
    if median is not None:
        _mark_median(chart, table["rows"], median, threshold, horizontal=False)
        _mark_median(narrow, table["rows"], median, threshold, horizontal=True)
    chart["narrow"] = {"data": narrow["data"], "layout": narrow["layout"], "config": CONFIG}
    return chart


def _mark_median(chart, rows, median, threshold, *, horizontal):
    """A dashed line at the median of a scale (its categories are its values, in order).

    Between two values the line runs whole, in the gap between their bars. On a value it
    would cross that bar's value ("39 %" read as struck out): it runs through the bar,
    stops, and goes on a few pixels past the value (shapes on the axes are cut at the
    plot's edge, so "on" means to the edge).
    """
    position = median - float(rows[0]["option"])
    style = {"type": "line", "line": {"color": PALETTE[5], "width": 3, "dash": "dash"}}
    label = {
        "text": _("median"),
        "showarrow": False,
        "font": {"color": "#8a3500"},
        "bgcolor": "rgba(255,255,255,0.85)",
    }
    # The line runs ``along`` the value axis, at the median's place on the category axis.
    if horizontal:
        along, line = "x", {"y0": position, "y1": position}
        label.update(x=1, xref="paper", xanchor="right", y=position, yanchor="bottom")
    else:
        along, line = "y", {"x0": position, "x1": position}
        label.update(x=position, y=1, yref="paper", yanchor="top", xanchor="left")
    if not position.is_integer():
        shapes = [{**style, **line, f"{along}ref": "paper", f"{along}0": 0, f"{along}1": 1}]
    else:
        trace = chart["data"][0]
        share = trace[along][int(position)] or 0
        written = trace["text"][int(position)] or mark_text(rows[int(position)]["mark"], threshold)
        # The pixels the value takes past the bar's end: its width across, a line of text up.
        gap = len(written) * 8 + 12 if horizontal else 24
        past = {f"{along}sizemode": "pixel", f"{along}anchor": share}
        shapes = [{**style, **line, **past, f"{along}0": gap, f"{along}1": 5000}]
        if share:
            shapes.insert(0, {**style, **line, f"{along}0": 0, f"{along}1": share})
        # A long bar's value reaches where "median" is written: the word moves clear of it.
        if horizontal and share >= 60:
            label["yshift"] = 10
        elif not horizontal and share >= 80:
            label["xshift"] = len(written) * 4 + 6
    chart["layout"]["shapes"] = shapes
    chart["layout"]["annotations"].append(label)


# Breakdown.


def present_breakdown(by_question, questions_by_key, breakdown, threshold):
    group_labels = option_labels(by_question)
    groups = [
        {
            "label": group_labels.get(group["option"], group["option"]),
            "respondents": (
                mark_text(group["mark"], threshold)
                if group["respondents"] is None
                else group["respondents"]
            ),
            "suppressed": group["suppressed"],
            "mark": group["mark"],
            "rule": rule_text(group),
        }
        for group in breakdown["groups"]
    ]
    # A group nobody is in has nothing to draw: the group sizes and the data tables list
    # it, the heat map and the phone's lists leave it out (the page says so).
    drawn = [index for index, group in enumerate(groups) if group["respondents"] != 0]
    tables = []
    marks = {group["mark"] for group in breakdown["groups"]}
    for table in breakdown["questions"]:
        question = questions_by_key[table["key"]]
        labels = option_labels(question)
        rows = [
            {
                "label": labels.get(row["option"], row["option"]),
                "cells": [_breakdown_cell(cell, threshold) for cell in row["cells"]],
            }
            for row in table["rows"]
        ]
        marks |= {cell["mark"] for row in table["rows"] for cell in row["cells"]}
        tables.append(
            {
                "question": question,
                "rows": rows,
                # The same numbers group by group, for screens too narrow for a heat map.
                "by_group": [
                    {**groups[index], "rows": [(row["label"], row["cells"][index]) for row in rows]}
                    for index in drawn
                ],
                "chart": heat_map(
                    _columns(table, drawn), labels, [groups[index] for index in drawn], threshold
                ),
            }
        )
    return {
        "by": by_question,
        "groups": groups,
        "empty": [group["label"] for group in groups if group["respondents"] == 0],
        "tables": tables,
        "marks": marks - {None},
    }


def _columns(table, kept):
    """The breakdown table with only the groups (columns) at the indexes ``kept``."""
    rows = [{**row, "cells": [row["cells"][index] for index in kept]} for row in table["rows"]]
    return {**table, "rows": rows}


def _breakdown_cell(cell, threshold):
    return {
        "share": share_text(cell, threshold),
        "suppressed": cell["suppressed"],
        "mark": cell["mark"],
        "rule": rule_text(cell),
    }


def heat_map(table, labels, groups, threshold):
    """Options down, groups across, the share of each group choosing each option.

    Two traces: hidden cells in grey underneath (with what they hide as text),
    the shares on top on a light-to-dark scale, hidden cells left empty.
    """
    shares, hidden, texts, hidden_texts = [], [], [], []
    for row in table["rows"]:
        shares.append(
            [
                None if cell["share"] is None else round(cell["share"] * 100, 1)
                for cell in row["cells"]
            ]
        )
        hidden.append([1 if cell["count"] is None else None for cell in row["cells"]])
        texts.append(
            ["" if cell["count"] is None else chart_value(cell, threshold) for cell in row["cells"]]
        )
        hidden_texts.append(
            [
                mark_text(cell["mark"], threshold) if cell["count"] is None else ""
                for cell in row["cells"]
            ]
        )
    common = {
        "type": "heatmap",
        "x": [group["label"] for group in groups],
        "y": [labels.get(row["option"], row["option"]) for row in table["rows"]],
        "texttemplate": "%{text}",
        "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
        "hoverongaps": False,
    }
    greyed = {
        **common,
        "z": hidden,
        "text": hidden_texts,
        "colorscale": [[0, HIDDEN_COLOUR], [1, HIDDEN_COLOUR]],
        "textfont": {"color": "#000000"},
    }
    shown = {
        **common,
        "z": shares,
        "text": texts,
        "colorscale": SHARE_SCALE,
        "zmin": 0,
        "zmax": 100,
    }
    layout = _layout(
        max(200, 34 * len(table["rows"]) + 90),
        xaxis=_axis(side="top", type="category", tickangle=0),
        yaxis=_axis(autorange="reversed", type="category"),
    )
    return figure([greyed, shown], layout)


# Trends.


def trend_years(trend, thresholds, provisional):
    """Each year of a trend as the table's head and the chart's axis write it.

    ``provisional`` holds the years of editions not closed yet (coordinators alone
    see them). Each year says how many answered the question that year, hidden
    (with the rule, for coordinators) when too few did.
    """
    years = []
    for year, answered in zip(trend["years"], trend["answered"], strict=True):
        label = str(year)
        if year in provisional:
            label = _("%(year)s (provisional)") % {"year": year}
        if answered["count"] is None:
            count, axis_count = (
                fewer_than(thresholds[year]),
                _("n < %(n)s") % {"n": thresholds[year]},
            )
        else:
            count = str(answered["count"])
            axis_count = _("n = %(n)s") % {"n": count + (" *" if answered["suppressed"] else "")}
        years.append(
            {
                "year": year,
                "label": label,
                # Under the chart's axis, a line each: the year, whether it is provisional
                # (on a line of its own, so that three years' labels fit on a phone), n.
                "tick": [
                    str(year),
                    *([_("(provisional)")] if year in provisional else []),
                    axis_count,
                ],
                "answered": count,
                "suppressed": answered["suppressed"],
                "rule": RULE_TEXTS["question"] if answered["suppressed"] else "",
            }
        )
    return years


# A trend chart is drawn on the server as SVG, in user units: the page scales it to the
# card's width, and on a phone (a card about 316 px wide) its 14-unit text reads at 10.5 px.
TREND_WIDTH = 420
TREND_LEFT = 56  # the percent labels, "100 %" with its space in French
TREND_RIGHT = 14  # room for a "*" beside the last year's points
TREND_TOP = 10  # half of the "100 %" label stands above the plot
TREND_PLOT_HEIGHT = 200
TREND_FONT = 14
TREND_LINE_GAP = 17  # between the lines of a year's label
# The percent axis ends at the first of these at or above every share of the chart, so
# that shares near 10 % do not lie flat along its foot; a gridline every quarter of it.
TREND_TOPS = (20, 40, 60, 80, 100)
# Wide enough for a character of the labels: years whose labels would run into each
# other's are left unlabelled, every other one or more, the latest always labelled.
TREND_CHAR_WIDTH = 0.55 * TREND_FONT


def trend_chart(trend, labels, colours, years):
    """Each option's share by year, as an SVG line chart drawn on the server.

    The years (``trend_years``) are evenly spaced categories, the shares from 0 to the
    first of ``TREND_TOPS`` above them all.
    Each option is a line broken where a year has no share (not asked: a gap, never
    zero), each point titled with its share; a share others do not see (coordinators
    alone have it) carries a *, as on the results page. The most chosen options
    (``picked``) are drawn in colour, their own or the palette in turn (``palette``),
    the others thin and grey; the reader picks others (``trend-picker.js``).
    """
    band = (TREND_WIDTH - TREND_LEFT - TREND_RIGHT) / len(years)
    xs = [round(TREND_LEFT + band * (position + 0.5), 1) for position in range(len(years))]
    top = _trend_top(trend)
    series = []
    for option in trend["options"]:
        if all(point["share"] is None for point in option["points"]):
            continue
        label = labels.get(option["option"], option["option"])
        points = [
            None if point["share"] is None else _trend_point(label, year, point, x, top)
            for point, year, x in zip(option["points"], years, xs, strict=True)
        ]
        series.append(
            {
                "index": len(series),
                "label": label,
                "own": (colours or {}).get(option["option"], ORDERED_COLOUR),
                "segments": [
                    " ".join(f"{point['x']:g},{point['y']:g}" for point in run)
                    for drawn, run in groupby(points, key=lambda point: point is not None)
                    if drawn
                ],
                "points": [point for point in points if point is not None],
            }
        )
    _pick_trend_lines(series, own_colours=colours is not None)
    lines = max(len(year["tick"]) for year in years) - 1  # below the first
    return {
        "width": TREND_WIDTH,
        "height": TREND_TOP + TREND_PLOT_HEIGHT + 6 + TREND_FONT + TREND_LINE_GAP * lines + 6,
        "left": TREND_LEFT,
        "right": TREND_WIDTH - TREND_RIGHT,
        "label_x": TREND_LEFT - 6,
        "grid": [
            {"y": _trend_y(value, top), "label": percent(value / 100)}
            for value in (top * quarter / 4 for quarter in range(5))
        ],
        "ticks": _trend_ticks(years, xs, band),
        "tick_y": TREND_TOP + TREND_PLOT_HEIGHT + 6 + TREND_FONT,
        "line_gap": TREND_LINE_GAP,
        "series": series,
        # Drawn in this order: the lines in colour over the grey ones.
        "drawn": sorted(series, key=lambda line: line["picked"]),
        "palette": None if colours else PALETTE,
        "muted": MUTED,
    }


def _trend_top(trend):
    shares = [p["share"] for option in trend["options"] for p in option["points"]]
    highest = max((share * 100 for share in shares if share is not None), default=0)
    return next((top for top in TREND_TOPS if top >= highest), TREND_TOPS[-1])


def _trend_y(value, top):
    return round(TREND_TOP + TREND_PLOT_HEIGHT * (top - value) / top, 1)


def _trend_point(label, year, point, x, top):
    marked = point["suppressed"]
    share = percent(point["share"]) + (" *" if marked else "")
    return {
        "x": x,
        "y": _trend_y(point["share"] * 100, top),
        "share": point["share"],
        "mark": "*" if marked else "",
        "title": _("%(answer)s · %(year)s: %(share)s")
        % {"answer": label, "year": year["year"], "share": share},
    }


def _pick_trend_lines(series, *, own_colours):
    """The options most chosen in the latest year they have a share: in colour."""
    latest = [line["points"][-1]["share"] for line in series]
    ranked = sorted(range(len(series)), key=lambda index: -latest[index])
    picked = sorted(ranked[:TRENDS_PICKED])
    for line in series:
        line["picked"] = line["index"] in picked
        if not own_colours:
            # No colour of their own: the picked options take the palette in turn.
            line["own"] = PALETTE[picked.index(line["index"])] if line["picked"] else ""
        line["colour"] = line["own"] if line["picked"] else MUTED


def _trend_ticks(years, xs, band):
    widest = max(len(line) for year in years for line in year["tick"]) * TREND_CHAR_WIDTH
    every = max(1, ceil(widest / band))
    last = len(years) - 1
    return [
        {"x": x, "lines": year["tick"]}
        for position, (year, x) in enumerate(zip(years, xs, strict=True))
        if (last - position) % every == 0
    ]


def trend_rows(trend, labels, thresholds):
    """The data table of a trend: one row per option, one cell per year.

    Each cell is ``{"text", "suppressed", "rule"}``: coordinators read the share and,
    where others do not see it, the rule that hides it.
    """
    rows = []
    for series in trend["options"]:
        cells = []
        for point in series["points"]:
            if not point["offered"]:
                text = _("not asked")
            elif point["count"] is None:
                text = mark_text(point["mark"], thresholds[point["year"]])
            elif point["share"] is None:
                text = "—"
            else:
                text = percent(point["share"])
            cells.append(
                {"text": text, "suppressed": point["suppressed"], "rule": rule_text(point)}
            )
        rows.append({"label": labels.get(series["option"], series["option"]), "cells": cells})
    return rows
