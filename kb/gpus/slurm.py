"""Read what Slurm says about a node (pure: text in, values out, no Django).

Two outputs, sent by the node script after ``# slurm-node`` and ``# slurm-jobs``:

- ``scontrol -d -o show node $(hostname -s)``: one line of ``Key=value`` pairs (values
  such as ``OS=Linux 5.15 #1 SMP`` hold spaces). ``GresUsed`` says which GPU indexes
  jobs hold: ``gpu:rtx2080ti:1(IDX:0)``, ``gpu:2(IDX:0-1)``, ``gpu:(null):0(IDX:N/A)``,
  ``gpu:a100:3(IDX:0-1,3),mps:0(IDX:N/A)`` across Slurm 19.05 to 25.05.
- ``squeue -h -w $(hostname -s) -t R -o '%i|%u|%M|%b'``: job id, user, time used
  (``[days-][hours:]minutes:seconds``) and GRES per node (``gpu:1`` up to 20.11,
  ``gres:gpu:1`` or ``gres/gpu:a100:1`` later, ``N/A`` or ``(null)`` without GPUs).

Both are read tolerantly: a field missing or unreadable is skipped, never an error,
since Slurm's output changes between versions; only sizes are bounded.
"""

import re
from dataclasses import dataclass

MAX_JOBS = 1024
MAX_INDEX = 1023
_KEY = re.compile(r"(?:^|\s)([A-Za-z][A-Za-z0-9_:.]*)=")
_GRES_ITEM = re.compile(
    r"^gpu(?::(?P<type>[^:(]*))?(?::(?P<count>\d+))?\s*(?:\(IDX:(?P<idx>[^)]*)\))?$"
)
# Bounded digit counts: Python refuses int() of very long digit strings.
_ELAPSED = re.compile(r"^(?:(\d{1,5})-)?(?:(\d{1,6}):)?(\d{1,6}):(\d{1,6})$")


@dataclass(frozen=True)
class SlurmJob:
    job_id: str
    user: str
    seconds: int | None  # time used; None when squeue printed none
    gpus: int  # GPUs per node the job asked for (0 when it names none)


def node_fields(text):
    """{key: value} of the first line of ``scontrol -o show node``."""
    line = next((line for line in (text or "").splitlines() if line.strip()), "")
    matches = list(_KEY.finditer(line))
    fields = {}
    for number, match in enumerate(matches):
        end = matches[number + 1].start() if number + 1 < len(matches) else len(line)
        fields.setdefault(match.group(1), line[match.end() : end].strip())
    return fields


def allocated_gpu_indexes(text):
    """The GPU indexes Slurm has allocated on the node (from GresUsed), as a sorted tuple."""
    used = node_fields(text).get("GresUsed", "")
    indexes = set()
    for item in _split_gres(used):
        match = _GRES_ITEM.match(item.strip())
        if match and match.group("idx"):
            indexes |= index_range(match.group("idx"))
    return tuple(sorted(indexes))


def _split_gres(value):
    """Split ``a(IDX:0,2),b`` on the commas outside parentheses."""
    items, depth, current = [], 0, []
    for char in value:
        if char == "," and depth == 0:
            items.append("".join(current))
            current = []
            continue
        depth += char == "("
        depth -= char == ")" and depth > 0
        current.append(char)
    items.append("".join(current))
    return [item for item in items if item]


def index_range(spec):
    """``0-1,3`` → {0, 1, 3}; ``N/A``, ``(null)`` and junk give nothing."""
    indexes = set()
    for part in spec.split(","):
        first, _dash, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()) or len(first + last) > 8:
            continue
        low, high = int(first), int(last or first)
        if low <= high <= MAX_INDEX:
            indexes.update(range(low, high + 1))
    return indexes


def parse_jobs(text):
    """The running jobs of ``squeue -h -o '%i|%u|%M|%b'`` (lines that do not fit are skipped)."""
    jobs = []
    for line in (text or "").splitlines():
        fields = [field.strip() for field in line.split("|")]
        if len(fields) < 2 or not fields[0] or not fields[1]:
            continue
        jobs.append(
            SlurmJob(
                job_id=fields[0][:40],
                user=fields[1][:32],
                seconds=elapsed_seconds(fields[2]) if len(fields) > 2 else None,
                gpus=job_gpus(fields[3]) if len(fields) > 3 else 0,
            )
        )
        if len(jobs) >= MAX_JOBS:
            break
    return tuple(jobs)


def elapsed_seconds(value):
    """``1-02:03:04``, ``2:03:04``, ``3:04`` → seconds; None for ``INVALID`` and the like."""
    match = _ELAPSED.match(value.strip())
    if not match:
        return None
    days, hours, minutes, seconds = (int(group or 0) for group in match.groups())
    return min(((days * 24 + hours) * 60 + minutes) * 60 + seconds, 100 * 365 * 86400)


def job_gpus(value):
    """GPUs per node in a GRES/TRES field; a bare ``gpu`` counts one."""
    total = 0
    for item in _split_gres(value.strip().lower()):
        name = item.split("(")[0].strip()
        for prefix in ("gres:", "gres/"):
            name = name.removeprefix(prefix)
        parts = name.split(":")
        if parts[0] != "gpu":
            continue
        count = parts[-1]
        total += int(count) if len(parts) > 1 and count.isdigit() and len(count) < 6 else 1
    return min(total, MAX_INDEX + 1)
