"""A week of cluster load: taken cards by hour, as a heat map and its table (pure)."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta

from django.utils.translation import gettext as _

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


def heat_map_figure(load):
    """A plotly heat map spec (JSON-ready) of the week, or None with no data."""
    if not load.has_data:
        return None
    labels = [date_format(day, "D j M") for day in load.days]
    hours = [f"{hour:02d}h" for hour in range(24)]
    return {
        "data": [
            {
                "type": "heatmap",
                "z": [[None if v is None else round(v, 1) for v in row] for row in load.rows],
                "x": hours,
                "y": labels,
                "colorscale": [[0, "#f2f5f7"], [0.5, "#6b9ac4"], [1, "#0b3c5d"]],
                "zmin": 0,
                "zmax": max(load.capacity or 0, load.peak, 1),
                "hoverongaps": False,
                "hovertemplate": _("%(day)s at %(hour)s: %(cards)s taken cards")
                % {"day": "%{y}", "hour": "%{x}", "cards": "%{z}"}
                + "<extra></extra>",
                "colorbar": {"title": {"text": _("taken cards")}},
            }
        ],
        "layout": {
            "height": 360,
            "margin": {"l": 90, "r": 20, "t": 10, "b": 40},
            "yaxis": {"autorange": "reversed", "fixedrange": True},
            "xaxis": {"fixedrange": True, "dtick": 2},
            "font": {"family": "system-ui, sans-serif"},
        },
        "config": {"displayModeBar": False, "responsive": True},
    }
