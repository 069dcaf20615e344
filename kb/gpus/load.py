"""A week of cluster load: taken cards by hour, as a heat map and its table (pure)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from kb.dates import date_format

DAYS = 7


@dataclass(frozen=True)
class WeekLoad:
    days: list  # the 7 local dates, oldest first
    # rows[day][hour]: mean number of taken cards over that hour, or None with no report.
    rows: list
    peak: float | None
    # The most cards reported in one hour: the top of the colour scale (a dark hour is a full cluster).
    capacity: float | None = None

    @property
    def has_data(self):
        return self.peak is not None

    def table(self):
        """(date, [24 values as text]) for the data table."""
        return [
            (day, ["" if value is None else f"{value:.1f}" for value in row])
            for day, row in zip(self.days, self.rows, strict=True)
        ]


def week_load(*, rows, now, zone):
    """rows: (hour start, busy cards and cards summed over reports, reports) per node and hour.

    Each node's hour counts its mean taken cards (busy_sum / reports); nodes add up.
    Hours are placed in the local time zone (a day has 23 or 25 hours twice a year:
    the hour that repeats adds up, the one that is skipped stays empty).
    """
    today = now.astimezone(zone).date()
    days = [today - timedelta(days=DAYS - 1 - offset) for offset in range(DAYS)]
    position = {day: number for number, day in enumerate(days)}
    cells, sizes = defaultdict(float), defaultdict(float)
    for hour, busy_sum, gpu_sum, report_count in rows:
        if not report_count:
            continue
        local = hour.astimezone(zone)
        if local.date() in position:
            cells[position[local.date()], local.hour] += busy_sum / report_count
            sizes[position[local.date()], local.hour] += gpu_sum / report_count
    grid = [[cells.get((day, hour)) for hour in range(24)] for day in range(DAYS)]
    values = [value for row in grid for value in row if value is not None]
    return WeekLoad(
        days=days,
        rows=grid,
        peak=max(values) if values else None,
        capacity=max(sizes.values()) if sizes else None,
    )


# A day of the week of load (heat map and table), as Django's date format: French writes
# its short months in lower case ("sam 28 nov"), where "M" would give "Nov".
DAY_FORMAT = pgettext_lazy("date format of a day of the week of GPU load", "D j M")

# The heat map's drawing, in SVG user units: the page scales it to its width, and on a
# phone (a card 320 px wide) its 12-unit text still reads at 10 px.
LEFT = 84  # the day labels, "mar 1er déc." in French
CELL_WIDTH, CELL_HEIGHT = 12, 18
HOUR_LABELS_EVERY = 3
LEGEND_WIDTH = 120
# From no card taken to the most reported (the cluster full): light to dark blue.
COLOUR_STOPS = ((0.0, (0xF2, 0xF5, 0xF7)), (0.5, (0x6B, 0x9A, 0xC4)), (1.0, (0x0B, 0x3C, 0x5D)))


def _colour(share):
    """The scale's colour at ``share`` (0 to 1) of the top, as #rrggbb."""
    for (low, low_rgb), (high, high_rgb) in pairwise(COLOUR_STOPS):
        if share <= high:
            along = (share - low) / (high - low)
            channels = [round(a + (b - a) * along) for a, b in zip(low_rgb, high_rgb, strict=True)]
            return "#" + "".join(f"{channel:02x}" for channel in channels)


def heat_map(load):
    """The week as an SVG heat map drawn on the server (no script, no inline style), or
    None with no data: a cell per hour with a report, coloured from none to the top of
    the scale (the most cards reported in one hour), its figures in its tooltip."""
    if not load.has_data:
        return None
    top = max(load.capacity or 0, load.peak, 1)
    rows = []
    for number, (day, values) in enumerate(zip(load.days, load.rows, strict=True)):
        label = date_format(day, str(DAY_FORMAT))
        y = number * CELL_HEIGHT
        cells = [
            {
                "x": LEFT + hour * CELL_WIDTH,
                "fill": _colour(min(value / top, 1)),
                "title": _("%(day)s at %(hour)s: %(cards)s taken cards")
                % {"day": label, "hour": f"{hour:02d}h", "cards": number_format(value, 1)},
            }
            for hour, value in enumerate(values)
            if value is not None
        ]
        rows.append({"label": label, "y": y, "text_y": y + 13, "cells": cells})
    grid_bottom = DAYS * CELL_HEIGHT
    legend_y = grid_bottom + 24
    return {
        "width": LEFT + 24 * CELL_WIDTH + 4,
        "height": legend_y + 24,
        "left": LEFT,
        "label_x": LEFT - 6,
        "cell_width": CELL_WIDTH,
        "cell_height": CELL_HEIGHT,
        "grid_width": 24 * CELL_WIDTH,
        "grid_height": grid_bottom,
        "rows": rows,
        "hours": [
            {"x": LEFT + hour * CELL_WIDTH + CELL_WIDTH // 2, "label": f"{hour:02d}h"}
            for hour in range(0, 24, HOUR_LABELS_EVERY)
        ],
        "hours_y": grid_bottom + 13,
        "legend": {
            "y": legend_y,
            "width": LEGEND_WIDTH,
            "text_y": legend_y + 19,
            "end": LEFT + LEGEND_WIDTH,
            "name_x": LEFT + LEGEND_WIDTH + 6,
            "stops": [
                {"offset": f"{share:.0%}", "colour": _colour(share)} for share, _rgb in COLOUR_STOPS
            ],
            "top": f"{top:g}",
        },
    }
