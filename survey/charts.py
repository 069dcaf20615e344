"""From aggregated tables to what the results page shows: labels, summaries, data tables, charts.

Charts are plotly figure specs written as plain dicts (``{"data", "layout"}``),
with no template: ``plotly.express`` costs about 20 ms a figure and its
default template bloats the JSON, where these cost microseconds. The numbers
come only from the tables, already suppressed by ``survey.aggregation``: a
hidden cell has no number here to leak into a tooltip.
"""

from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from survey.aggregation import OTHER

# Okabe and Ito's palette, told apart by colour-blind readers.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
BAR_COLOUR = PALETTE[0]
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14}
CONFIG = {"displayModeBar": False, "responsive": True}


def percent(share):
    value = formats.number_format(round(share * 100), 0)
    return _("%(value)s%%") % {"value": value}


def fewer_than(threshold):
    return _("fewer than %(n)s") % {"n": threshold}


def count_text(row, threshold):
    return fewer_than(threshold) if row["count"] is None else str(row["count"])


def share_text(row, threshold):
    if row["share"] is None:
        return fewer_than(threshold) if row["count"] is None else "—"
    return percent(row["share"])


def number(value):
    return formats.number_format(value, decimal_pos=1 if value % 1 else 0)


def _layout(height, **extra):
    separators = ", " if translation.get_language() == "fr" else ".,"
    return {
        "font": FONT,
        "height": height,
        "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
        "separators": separators,
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "hoverlabel": {"font": FONT},
        **extra,
    }


def figure(data, layout):
    return {"data": data, "layout": layout, "config": CONFIG}


# Labels.


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


# One question.


def bar_chart(rows, labels, threshold, *, horizontal):
    """Bars of the share of respondents, counts on hover; hidden rows keep their label only."""
    names, shares, hovers = [], [], []
    for row in rows:
        label = labels.get(row["option"], row["option"])
        if row["count"] is None:
            label = f"{label} ({fewer_than(threshold)})"
        names.append(label)
        shares.append(None if row["share"] is None else round(row["share"] * 100, 1))
        hovers.append(
            ""
            if row["count"] is None
            else ngettext("%(count)s respondent", "%(count)s respondents", row["count"])
            % {"count": row["count"]}
        )
    trace = {
        "type": "bar",
        "orientation": "h" if horizontal else "v",
        "marker": {"color": BAR_COLOUR},
        "customdata": hovers,
        "text": [None if s is None else percent(s / 100) for s in shares],
        "textposition": "auto",
        "cliponaxis": False,
    }
    if horizontal:
        trace.update(
            x=shares, y=names, hovertemplate="%{y}: %{text}<br>%{customdata}<extra></extra>"
        )
        layout = _layout(
            max(160, 32 * len(rows) + 60),
            xaxis={"ticksuffix": " %", "rangemode": "tozero", "fixedrange": True},
            yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
            bargap=0.25,
        )
    else:
        trace.update(
            x=names, y=shares, hovertemplate="%{x}: %{text}<br>%{customdata}<extra></extra>"
        )
        layout = _layout(
            300,
            yaxis={"ticksuffix": " %", "rangemode": "tozero", "fixedrange": True},
            xaxis={"type": "category", "automargin": True, "fixedrange": True},
            bargap=0.1,
        )
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
        }
        for row in table["rows"]
    ]
    chart = None
    if table["kind"] != "text" and table["answered"] and table["rows"]:
        chart = bar_chart(
            table["rows"], labels, threshold, horizontal=table["kind"] in ("single", "multiple")
        )
        stats = table.get("stats")
        if stats and table["kind"] == "scale":
            _mark_median(chart, table["rows"], stats["median"])
    return {
        "question": question,
        "kind": table["kind"],
        "answered": table["answered"],
        "too_few": table["too_few"],
        "summary": _summary(table, labels, threshold),
        "rows": rows,
        "texts": table.get("texts", []),
        "stats": table.get("stats"),
        "chart": chart,
    }


def _mark_median(chart, rows, median):
    """A line at the median of a scale (its categories are its values, in order)."""
    first = float(rows[0]["option"])
    position = median - first
    chart["layout"]["shapes"] = [
        {
            "type": "line",
            "x0": position,
            "x1": position,
            "y0": 0,
            "y1": 1,
            "yref": "paper",
            "line": {"color": PALETTE[5], "width": 3, "dash": "dash"},
        }
    ]
    chart["layout"]["annotations"] = [
        {
            "x": position,
            "y": 1,
            "yref": "paper",
            "text": _("median"),
            "showarrow": False,
            "yanchor": "bottom",
            "font": {"color": "#8a3500"},
        }
    ]


# Breakdown.


def present_breakdown(by_question, questions_by_key, breakdown, threshold):
    group_labels = option_labels(by_question)
    groups = [
        {
            "label": group_labels.get(group["option"], group["option"]),
            "respondents": fewer_than(threshold)
            if group["respondents"] is None
            else group["respondents"],
            "suppressed": group["suppressed"],
        }
        for group in breakdown["groups"]
    ]
    tables = []
    for table in breakdown["questions"]:
        question = questions_by_key[table["key"]]
        labels = option_labels(question)
        rows = [
            {
                "label": labels.get(row["option"], row["option"]),
                "cells": [
                    {"share": share_text(cell, threshold), "suppressed": cell["suppressed"]}
                    for cell in row["cells"]
                ],
            }
            for row in table["rows"]
        ]
        tables.append(
            {
                "question": question,
                "rows": rows,
                "chart": heat_map(table, labels, groups, threshold),
            }
        )
    return {"by": by_question, "groups": groups, "tables": tables}


def _cell_text(cell, threshold):
    if cell["count"] is None:
        return f"< {threshold}"
    return "—" if cell["share"] is None else percent(cell["share"])


def heat_map(table, labels, groups, threshold):
    """Options down, groups across, the share of each group choosing each option."""
    z, text = [], []
    for row in table["rows"]:
        z.append([None if c["share"] is None else round(c["share"] * 100, 1) for c in row["cells"]])
        text.append([_cell_text(cell, threshold) for cell in row["cells"]])
    trace = {
        "type": "heatmap",
        "z": z,
        "x": [group["label"] for group in groups],
        "y": [labels.get(row["option"], row["option"]) for row in table["rows"]],
        "text": text,
        "texttemplate": "%{text}",
        "hovertemplate": "%{y} · %{x}: %{text}<extra></extra>",
        "colorscale": "Cividis",
        "zmin": 0,
        "zmax": 100,
        "showscale": False,
        "xgap": 2,
        "ygap": 2,
    }
    layout = _layout(
        max(200, 30 * len(table["rows"]) + 120),
        xaxis={"side": "top", "automargin": True, "fixedrange": True, "tickangle": -30},
        yaxis={"autorange": "reversed", "automargin": True, "fixedrange": True},
    )
    return figure([trace], layout)


# Trends.


def trend_chart(trend, labels):
    data = []
    for index, series in enumerate(trend["options"]):
        shares = [
            None if point["share"] is None else round(point["share"] * 100, 1)
            for point in series["points"]
        ]
        if all(share is None for share in shares):
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": labels.get(series["option"], series["option"]),
                "x": [str(year) for year in trend["years"]],
                "y": shares,
                "connectgaps": False,
                "line": {"color": PALETTE[index % len(PALETTE)]},
                "marker": {"symbol": index % 24, "size": 9},
                "hovertemplate": "%{fullData.name} · %{x}: %{y} %<extra></extra>",
            }
        )
    layout = _layout(
        360,
        xaxis={"type": "category", "fixedrange": True},
        yaxis={"ticksuffix": " %", "rangemode": "tozero", "fixedrange": True},
        legend={"orientation": "h", "y": -0.2},
    )
    layout["margin"]["b"] = 120
    return figure(data, layout)


def trend_rows(trend, labels, thresholds):
    """The data table of a trend: one row per option, one cell per year."""
    rows = []
    for series in trend["options"]:
        cells = []
        for point in series["points"]:
            if not point["offered"]:
                cells.append(_("not asked"))
            elif point["count"] is None:
                cells.append(fewer_than(thresholds[point["year"]]))
            elif point["share"] is None:
                cells.append("—")
            else:
                cells.append(percent(point["share"]))
        rows.append({"label": labels.get(series["option"], series["option"]), "cells": cells})
    return rows
