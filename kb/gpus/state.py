"""Whether a GPU is free, busy, reserved or unknown, idle holds, and the history
sparklines (pure: plain values in)."""

from dataclasses import dataclass
from datetime import datetime, timedelta

FREE = "free"
BUSY = "busy"
RESERVED = "reserved"  # allocated by Slurm, no process on it
UNKNOWN = "unknown"
STATES = (FREE, BUSY, RESERVED, UNKNOWN)


@dataclass(frozen=True)
class Thresholds:
    free_memory_below_mib: int = 1024
    free_utilization_below_percent: int = 10
    report_interval_seconds: int = 30
    missed_reports_before_unknown: int = 3
    idle_after_minutes: int = 60

    @property
    def idle_after(self):
        return timedelta(minutes=self.idle_after_minutes)

    @property
    def silence_before_unknown(self):
        return timedelta(seconds=self.report_interval_seconds * self.missed_reports_before_unknown)


def node_is_silent(*, last_report_at, now, thresholds):
    """True when the node never reported or missed too many reports in a row."""
    return last_report_at is None or now - last_report_at > thresholds.silence_before_unknown


def gpu_state(
    *,
    memory_used_mib,
    utilization_percent,
    in_last_report,
    node_silent,
    thresholds,
    mig_enabled=False,
    reserved=False,
    process_count=None,
):
    """free: memory and utilisation below the thresholds (utilisation counts when known);
    busy otherwise, or when processes run on it; reserved: allocated by Slurm with nothing
    on it; unknown when the node is silent, the GPU missed the node's last report, its
    memory use is not known, or it is in MIG mode with no utilisation and nothing on it
    (MIG instances can compute in little memory: such a card is never "free" by default)."""
    if node_silent or not in_last_report or memory_used_mib is None:
        return UNKNOWN
    if memory_used_mib >= thresholds.free_memory_below_mib or process_count:
        return BUSY
    if (
        utilization_percent is not None
        and utilization_percent >= thresholds.free_utilization_below_percent
    ):
        return BUSY
    if reserved:
        return RESERVED
    if mig_enabled and utilization_percent is None:
        return UNKNOWN
    return FREE


def is_held(*, memory_used_mib, reserved, thresholds):
    """Someone holds the card: memory above the free threshold, or a Slurm allocation."""
    return reserved or (
        memory_used_mib is not None and memory_used_mib >= thresholds.free_memory_below_mib
    )


def next_idle_since(*, previous, held, utilization_percent, now, thresholds, held_since=None):
    """When the card's idle hold began: kept while it lasts, None once it ends.

    ``previous`` is the idle start of this same hold (the caller drops it when the holders
    change); a hold cannot be idle since before it began, so the start is never earlier
    than ``held_since``. A card whose utilisation is not known (MIG, old cards) is never
    called idle.
    """
    idle = (
        held
        and utilization_percent is not None
        and utilization_percent < thresholds.free_utilization_below_percent
    )
    if not idle:
        return None
    since = previous or now
    return since if held_since is None else max(since, held_since)


@dataclass(frozen=True)
class Sparkline:
    """SVG polylines (one per run of consecutive samples) on a width x 100 canvas."""

    width: int
    memory: tuple[str, ...]
    utilization: tuple[str, ...]
    peak_memory_percent: int | None
    mean_utilization_percent: int | None


def sparkline(*, samples, memory_total_mib, since, bucket, slots):
    """Place samples [(bucket start, memory max MiB or None, mean utilisation or None)]
    on `slots` columns from `since`; y grows downwards in SVG, so 100 is the bottom."""
    memory_points, utilization_points = [], []
    memory_runs, utilization_runs = [], []
    previous_slot = None
    memory_values, utilization_values = [], []
    for start, memory_mib, utilization in sorted(samples, key=lambda s: s[0]):
        slot = int((start - since) / bucket)
        if not 0 <= slot < slots:
            continue
        if previous_slot is not None and slot != previous_slot + 1:
            _close_run(memory_points, memory_runs)
            _close_run(utilization_points, utilization_runs)
        previous_slot = slot
        if memory_mib is not None and memory_total_mib:
            percent = min(100, 100 * memory_mib / memory_total_mib)
            memory_values.append(percent)
            memory_points.append(f"{slot},{100 - percent:.0f}")
        else:
            _close_run(memory_points, memory_runs)
        if utilization is not None:
            utilization_values.append(utilization)
            utilization_points.append(f"{slot},{100 - utilization:.0f}")
        else:
            _close_run(utilization_points, utilization_runs)
    _close_run(memory_points, memory_runs)
    _close_run(utilization_points, utilization_runs)
    return Sparkline(
        width=slots,
        memory=tuple(memory_runs),
        utilization=tuple(utilization_runs),
        peak_memory_percent=round(max(memory_values)) if memory_values else None,
        mean_utilization_percent=round(sum(utilization_values) / len(utilization_values))
        if utilization_values
        else None,
    )


def _close_run(points, runs):
    """A lone point gets a twin one slot on, so that it draws as a short dash."""
    if len(points) == 1:
        x, y = points[0].split(",")
        points.append(f"{int(x) + 1},{y}")
    if points:
        runs.append(" ".join(points))
    points.clear()


def bucket_start(moment: datetime, bucket: timedelta):
    """The start of the history bucket holding `moment` (buckets align on the epoch)."""
    epoch = datetime(1970, 1, 1, tzinfo=moment.tzinfo)
    return moment - (moment - epoch) % bucket
