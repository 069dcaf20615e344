"""Parse what a GPU node sends: `nvidia-smi` output as CSV or XML, plus its compute processes.

Pure module: text in, dataclasses out; of Django, only its translation functions, so
that a refusal's reason reads in the language active when the report is parsed (the
view activates the request's). A report body is:

1. the output of either
   ``nvidia-smi --query-gpu=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw --format=csv``
   (with or without ``noheader`` and ``nounits``; a header row may list any of
   these fields, in any order, among others that are ignored) or ``nvidia-smi -q -x``;
2. optionally a line ``# compute-apps`` followed by the output of
   ``nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv``
   (with or without header and units; an empty list is a header or nothing);
3. optionally more sections, each opened by a line ``# <name>``:
   ``# gpu-list`` (``nvidia-smi -L``, for the MIG devices' profiles),
   ``# process-owners`` (one ``<pid> <login> <seconds running>`` line per GPU process,
   from ``ps -o user=,etimes= -p <pid>``), and ``# slurm-node`` / ``# slurm-jobs``
   (read by kb.gpus.slurm). Sections with other names are ignored, so that a newer
   node script still reports to this server.

Values the driver cannot give (``[N/A]``, ``N/A``, ``[Not Supported]``, ``[Unknown Error]``…)
become ``None``. Anything else that does not parse, a number outside what a GPU can
report, a name or uuid longer than a GPU's, or more memory used than the card holds, raises
``ReportError`` with a reason. The reason names fields as nvidia-smi does (``memory.used``),
in any language.
"""

import csv
import math
import re
from dataclasses import dataclass, replace

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PROCESSES_MARKER = "# compute-apps"
GPU_LIST_MARKER = "# gpu-list"
OWNERS_MARKER = "# process-owners"
SLURM_NODE_MARKER = "# slurm-node"
SLURM_JOBS_MARKER = "# slurm-jobs"
_SECTION = re.compile(r"^# ([a-z][a-z-]{0,40})$")

# The fields of the documented query, in the order used when there is no header.
GPU_FIELDS = (
    "index",
    "uuid",
    "name",
    "memory.used",
    "memory.total",
    "utilization.gpu",
    "temperature.gpu",
    "power.draw",
)
# Read when a header names them; never needed.
OPTIONAL_GPU_FIELDS = ("mig.mode.current",)
PROCESS_FIELDS = ("gpu_uuid", "pid", "used_memory")

# Other names nvidia-smi accepts for the same field, or prints in its header.
GPU_ALIASES = {
    "gpu_uuid": "uuid",
    "gpu_name": "name",
    "power.draw.instant": "power.draw",
}
PROCESS_ALIASES = {"uuid": "gpu_uuid", "used_gpu_memory": "used_memory"}

MAX_GPUS = 64
MAX_PROCESSES = 4096
MAX_MIG_DEVICES = 8  # an A100 or H100 splits into 7 at most
# A POSIX user name, or the uid ps prints when the user has none.
_LOGIN = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$")

# The largest values a real GPU reports, with room to spare; anything above is a broken
# report, refused with a reason rather than stored (the database columns hold less).
LIMITS = {
    "index": 1023,
    "memory": 16 * 1024 * 1024,  # MiB: 16 TiB
    "utilization": 100,
    "temperature": 250,  # °C
    "power": 100_000.0,  # W
    "pid": 2**31 - 1,
    "seconds": 100 * 365 * 24 * 3600,
}
# The longest texts a GPU reports, with room to spare ("NVIDIA RTX 6000 Ada Generation",
# "MIG-GPU-<uuid>/1/0"): a longer one is a broken report, and would not fit the board.
MAX_NAME = 100
MAX_UUID = 100

# "[N/A]", "[Not Supported]", "[Unknown Error]", "[GPU is lost]", "N/A", "" …
_UNAVAILABLE = re.compile(r"^(\[.*\]|N/A|Not Supported|Unknown Error)?$", re.IGNORECASE)
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(MiB|%|W|C)?$", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"\s*\[[^\]]*\]$")


class ReportError(ValueError):
    """The body is not something we can read; the message says why."""


@dataclass(frozen=True)
class MigDevice:
    """One MIG instance of a GPU: its profile (e.g. ``3g.40gb``) and memory, when known."""

    index: int
    profile: str = ""
    memory_used_mib: int | None = None
    memory_total_mib: int | None = None


@dataclass(frozen=True)
class GpuReading:
    index: int
    uuid: str
    name: str
    memory_used_mib: int | None
    memory_total_mib: int | None
    utilization_percent: int | None
    temperature_c: int | None
    power_draw_w: float | None
    mig_enabled: bool = False
    mig_devices: tuple[MigDevice, ...] = ()


@dataclass(frozen=True)
class ProcessOwner:
    pid: int
    login: str
    seconds: int


@dataclass(frozen=True)
class ProcessReading:
    gpu_uuid: str
    pid: int
    used_memory_mib: int | None


@dataclass(frozen=True)
class Report:
    gpus: tuple[GpuReading, ...]
    # None when the node sent no process list; an empty tuple when it sent an empty one.
    processes: tuple[ProcessReading, ...] | None
    source: str  # "csv" or "xml"
    # None when the node sent no such section.
    owners: tuple[ProcessOwner, ...] | None = None
    slurm_node: str | None = None
    slurm_jobs: str | None = None

    def process_counts(self):
        """{gpu uuid: number of processes}; None when the node sent no process list."""
        if self.processes is None:
            return None
        counts = {gpu.uuid: 0 for gpu in self.gpus if gpu.uuid}
        for process in self.processes:
            if process.gpu_uuid in counts:
                counts[process.gpu_uuid] += 1
        return counts


def parse_report(text):
    """Parse a whole report body (see the module docstring) into a Report."""
    if "\x00" in text:
        raise ReportError(_("the body holds NUL bytes: send nvidia-smi’s text output"))
    gpu_part, sections = _split_sections(text)
    if not gpu_part.strip():
        raise ReportError(_("the body holds no nvidia-smi output"))
    if gpu_part.lstrip().startswith("<"):
        gpus, processes = parse_xml_log(gpu_part)
        source = "xml"
    else:
        gpus, processes = parse_gpu_csv(gpu_part), None
        source = "csv"
    if PROCESSES_MARKER in sections:
        processes = parse_processes_csv(sections[PROCESSES_MARKER])
    if GPU_LIST_MARKER in sections:
        gpus = _with_mig_profiles(gpus, parse_gpu_list(sections[GPU_LIST_MARKER]))
    owners = sections.get(OWNERS_MARKER)
    return Report(
        gpus=gpus,
        processes=processes,
        source=source,
        owners=None if owners is None else parse_process_owners(owners),
        slurm_node=sections.get(SLURM_NODE_MARKER),
        slurm_jobs=sections.get(SLURM_JOBS_MARKER),
    )


def _split_sections(text):
    """(the nvidia-smi part, {marker: text of its section}); the first of a name wins."""
    lines = text.splitlines()
    starts = [
        (number, line.strip()) for number, line in enumerate(lines) if _SECTION.match(line.strip())
    ]
    if not starts:
        return text, {}
    sections = {}
    ends = [number for number, _marker in starts[1:]] + [len(lines)]
    for (number, marker), end in zip(starts, ends, strict=True):
        sections.setdefault(marker, "\n".join(lines[number + 1 : end]))
    return "\n".join(lines[: starts[0][0]]), sections


def _rows(text):
    """(line number, fields) of the non-blank CSV lines."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # Line by line: nvidia-smi never spreads a row over several lines.
        try:
            (row,) = csv.reader([line], skipinitialspace=True)
        except csv.Error:
            raise ReportError(
                _("%(where)s: not readable as CSV") % {"where": _where(number)}
            ) from None
        rows.append((number, [field.strip() for field in row]))
    return rows


def _header_names(row, known, aliases):
    """The canonical names of a header row, or None when the row is data."""
    names = [_UNIT_SUFFIX.sub("", field).strip().lower() for field in row]
    names = [aliases.get(name, name) for name in names]
    return names if any(name in known for name in names) else None


def _columns(rows, known, aliases):
    """Split rows into (column position by field name, data rows)."""
    if not rows:
        return None, []
    names = _header_names(rows[0][1], known, aliases)
    if names is None:
        return {name: position for position, name in enumerate(known)}, rows
    positions = {}
    for position, name in enumerate(names):
        positions.setdefault(name, position)  # the first of two equal names wins
    return positions, rows[1:]


def _check_width(number, row, header, fields):
    """Rows as wide as the header; without one, the documented fields in their order."""
    values = {
        "where": _where(number),
        "count": len(row),
        "names": len(header or ()),
        "expected": len(fields),
        "fields": ", ".join(fields),
    }
    if header is not None and len(row) != len(header):
        raise ReportError(
            ngettext(
                "%(where)s: %(count)d field where the header names %(names)d",
                "%(where)s: %(count)d fields where the header names %(names)d",
                len(row),
            )
            % values
        )
    if header is None and len(row) != len(fields):
        raise ReportError(
            ngettext(
                "%(where)s: %(count)d field; without a header row, a line must hold exactly "
                "these %(expected)d fields in this order: %(fields)s",
                "%(where)s: %(count)d fields; without a header row, a line must hold exactly "
                "these %(expected)d fields in this order: %(fields)s",
                len(row),
            )
            % values
        )


def parse_gpu_csv(text):
    """Parse the output of ``nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]``."""
    rows = _rows(text)
    positions, data = _columns(rows, GPU_FIELDS + OPTIONAL_GPU_FIELDS, GPU_ALIASES)
    if data is rows:  # no header: the documented fields only, in their order
        positions = {name: position for position, name in enumerate(GPU_FIELDS)}
    has_header = data is not rows
    if positions is None or not data:
        raise ReportError(_("no GPU rows: the nvidia-smi output lists no GPU"))
    if has_header and "index" not in positions and "uuid" not in positions:
        raise ReportError(
            _("the header names neither index nor uuid: the GPUs cannot be told apart")
        )
    header = rows[0][1] if has_header else None
    if len(data) > MAX_GPUS:
        raise ReportError(
            _("%(count)d GPU rows; at most %(limit)d are accepted")
            % {"count": len(data), "limit": MAX_GPUS}
        )

    gpus = []
    for position, (number, row) in enumerate(data):
        _check_width(number, row, header, GPU_FIELDS)

        def field(name, row=row):
            at = positions.get(name)
            return None if at is None else row[at]

        index = _integer(field("index"), "index", number, LIMITS["index"])
        used, total = _memory(
            (field("memory.used"), "memory.used"), (field("memory.total"), "memory.total"), number
        )
        gpus.append(
            GpuReading(
                index=position if index is None else index,
                uuid=_text(field("uuid"), "uuid", number, MAX_UUID),
                name=_text(field("name"), "name", number, MAX_NAME),
                memory_used_mib=used,
                memory_total_mib=total,
                utilization_percent=_percent(field("utilization.gpu"), "utilization.gpu", number),
                temperature_c=_integer(
                    field("temperature.gpu"), "temperature.gpu", number, LIMITS["temperature"]
                ),
                power_draw_w=_number(field("power.draw"), "power.draw", number, LIMITS["power"]),
                mig_enabled=_text(field("mig.mode.current")).lower() == "enabled",
            )
        )
    return _checked(gpus)


def parse_processes_csv(text):
    """Parse ``nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv[…]``."""
    rows = _rows(text)
    positions, data = _columns(rows, PROCESS_FIELDS, PROCESS_ALIASES)
    if positions is None:
        return ()
    has_header = data is not rows
    if has_header and ("gpu_uuid" not in positions or "pid" not in positions):
        raise ReportError(_("the compute-apps header must name gpu_uuid and pid"))
    if len(data) > MAX_PROCESSES:
        raise ReportError(
            _("%(count)d process rows; at most %(limit)d are accepted")
            % {"count": len(data), "limit": MAX_PROCESSES}
        )
    header = rows[0][1] if has_header else None
    processes = []
    for number, row in data:
        _check_width(number, row, header, PROCESS_FIELDS)
        used = positions.get("used_memory")
        pid = _integer(row[positions["pid"]], "pid", number, LIMITS["pid"])
        if pid is None:
            raise ReportError(_("%(where)s: a process without a pid") % {"where": _where(number)})
        processes.append(
            ProcessReading(
                gpu_uuid=_text(row[positions["gpu_uuid"]], "gpu_uuid", number, MAX_UUID),
                pid=pid,
                used_memory_mib=None
                if used is None
                else _integer(row[used], "used_memory", number, LIMITS["memory"]),
            )
        )
    return tuple(processes)


def parse_xml_log(text):
    """Parse ``nvidia-smi -q -x`` into (GPUs, processes).

    nvidia-smi numbers GPUs in the order this log lists them (PCI bus order), which
    is not always the order of ``minor_number``: the index is the position here.
    """
    try:
        root = parse_xml(text.encode("utf-8"))
    except ParseError as error:
        line, column = error.position
        raise ReportError(
            _("not readable as XML (line %(line)d, column %(column)d)")
            % {"line": line, "column": column}
        ) from None
    except DefusedXmlException:
        raise ReportError(
            _("not readable as XML: entity and DTD declarations are refused")
        ) from None
    if root.tag != "nvidia_smi_log":
        raise ReportError(
            _("XML root is <%(tag)s>, expected <nvidia_smi_log> (nvidia-smi -q -x)")
            % {"tag": root.tag[:40]}
        )
    gpu_elements = root.findall("gpu")
    if not gpu_elements:
        raise ReportError(_("no <gpu> element: the nvidia-smi log lists no GPU"))
    if len(gpu_elements) > MAX_GPUS:
        raise ReportError(
            _("%(count)d GPUs; at most %(limit)d are accepted")
            % {"count": len(gpu_elements), "limit": MAX_GPUS}
        )

    gpus, processes = [], []
    memory = LIMITS["memory"]
    for index, element in enumerate(gpu_elements):
        where = _("GPU %(index)d") % {"index": index}
        uuid = _text(element.findtext("uuid"), "uuid", where, MAX_UUID)
        # The GPU's own fb_memory_usage, not those of its MIG devices.
        used, total = _memory(
            (element.findtext("fb_memory_usage/used"), "fb_memory_usage/used"),
            (element.findtext("fb_memory_usage/total"), "fb_memory_usage/total"),
            where,
        )
        gpus.append(
            GpuReading(
                index=index,
                uuid=uuid,
                name=_text(element.findtext("product_name"), "product_name", where, MAX_NAME),
                memory_used_mib=used,
                memory_total_mib=total,
                utilization_percent=_percent(
                    element.findtext("utilization/gpu_util"), "gpu_util", where
                ),
                temperature_c=_integer(
                    element.findtext("temperature/gpu_temp"),
                    "gpu_temp",
                    where,
                    LIMITS["temperature"],
                ),
                power_draw_w=_number(
                    _xml_power_draw(element), "power_draw", where, LIMITS["power"]
                ),
                mig_enabled=_text(element.findtext("mig_mode/current_mig")).lower() == "enabled",
                mig_devices=_xml_mig_devices(element, where),
            )
        )
        for info in element.findall("processes/process_info"):
            pid = _integer(info.findtext("pid"), "pid", where, LIMITS["pid"])
            if pid is None:
                raise ReportError(_("%(where)s: a process without a pid") % {"where": where})
            processes.append(
                ProcessReading(
                    gpu_uuid=uuid,
                    pid=pid,
                    used_memory_mib=_integer(
                        info.findtext("used_memory"), "used_memory", where, memory
                    ),
                )
            )
    if len(processes) > MAX_PROCESSES:
        raise ReportError(
            _("%(count)d processes; at most %(limit)d are accepted")
            % {"count": len(processes), "limit": MAX_PROCESSES}
        )
    return _checked(gpus), tuple(processes)


def _xml_mig_devices(gpu, where):
    """The MIG instances of ``<mig_devices>``: their memory (the profile comes from -L)."""
    devices = []
    for position, device in enumerate(gpu.findall("mig_devices/mig_device")[:MAX_MIG_DEVICES]):
        index = _integer(device.findtext("index"), "mig_device/index", where, LIMITS["index"])
        used, total = _memory(
            (device.findtext("fb_memory_usage/used"), "mig_device/fb_memory_usage/used"),
            (device.findtext("fb_memory_usage/total"), "mig_device/fb_memory_usage/total"),
            where,
        )
        devices.append(
            MigDevice(
                index=position if index is None else index,
                memory_used_mib=used,
                memory_total_mib=total,
            )
        )
    return tuple(devices)


# "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-…)" and "  MIG 3g.40gb     Device  0: (UUID: MIG-…)"
# At most 4 digits: Python refuses int() of very long digit strings (a 500).
_LIST_GPU = re.compile(r"^GPU (\d{1,4}): ")
_LIST_MIG = re.compile(r"^\s+MIG ([0-9a-z.+]{1,40})\s+Device\s+(\d{1,4}):", re.IGNORECASE)


def parse_gpu_list(text):
    """{GPU index: [(MIG device index, profile)]} from ``nvidia-smi -L``; other lines ignored."""
    profiles, current = {}, None
    for line in text.splitlines():
        gpu = _LIST_GPU.match(line)
        if gpu:
            current = min(int(gpu.group(1)), LIMITS["index"] + 1)
            profiles.setdefault(current, [])
            continue
        mig = _LIST_MIG.match(line)
        if mig and current is not None and len(profiles[current]) < MAX_MIG_DEVICES:
            profiles[current].append((min(int(mig.group(2)), LIMITS["index"]), mig.group(1)))
    return profiles


def _with_mig_profiles(gpus, profiles):
    """Name the MIG devices with the profiles of ``-L`` (matched by device index)."""
    merged = []
    for gpu in gpus:
        listed = profiles.get(gpu.index)
        if not listed:
            merged.append(gpu)
            continue
        known = {device.index: device for device in gpu.mig_devices}
        devices = tuple(
            replace(known.get(index, MigDevice(index=index)), profile=profile)
            for index, profile in listed
        )
        merged.append(replace(gpu, mig_enabled=True, mig_devices=devices))
    return tuple(merged)


def parse_process_owners(text):
    """``<pid> <login> <seconds>`` lines (``ps -o user=,etimes=`` after the pid).

    A process that ended between nvidia-smi and ps leaves a line with the pid alone:
    skipped. Logins are what ps prints (a number when the user has no name).
    """
    owners = []
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if len(fields) < 3:
            continue
        where = _("process-owners line %(number)d") % {"number": number}
        expected = _("%(where)s: expected <pid> <login> <seconds>") % {"where": where}
        if len(fields) > 3:
            raise ReportError(expected)
        pid = _integer(fields[0], "pid", where, LIMITS["pid"])
        seconds = _integer(fields[2], "seconds", where, LIMITS["seconds"])
        if pid is None or seconds is None or not _LOGIN.match(fields[1]):
            raise ReportError(expected)
        owners.append(ProcessOwner(pid=pid, login=fields[1], seconds=seconds))
        if len(owners) > MAX_PROCESSES:
            raise ReportError(_("more than %(limit)d process owners") % {"limit": MAX_PROCESSES})
    return tuple(owners)


def _xml_power_draw(gpu):
    """The board's power draw across DTD versions (v11 power_readings, v12+ gpu_power_readings)."""
    for path in (
        "gpu_power_readings/power_draw",
        "gpu_power_readings/instant_power_draw",
        "gpu_power_readings/average_power_draw",
        "power_readings/power_draw",
    ):
        value = gpu.findtext(path)
        if value is not None and not _UNAVAILABLE.match(value.strip()):
            return value
    return None


def _checked(gpus):
    indexes = [gpu.index for gpu in gpus]
    duplicates = sorted({i for i in indexes if indexes.count(i) > 1})
    if duplicates:
        raise ReportError(_("GPU index %(index)d appears twice") % {"index": duplicates[0]})
    uuids = [gpu.uuid for gpu in gpus if gpu.uuid]
    if len(set(uuids)) != len(uuids):
        raise ReportError(_("the same GPU uuid appears twice"))
    return tuple(sorted(gpus, key=lambda gpu: gpu.index))


def _text(raw, field=None, where=None, limit=200):
    """The text, "" when the driver could not give it; one over ``limit`` is refused
    (when the field is named) or cut."""
    if raw is None:
        return ""
    value = raw.strip()
    if _UNAVAILABLE.match(value):
        return ""
    if len(value) > limit and field is not None:
        raise ReportError(
            _("%(where)s: %(field)s is longer than %(limit)d characters")
            % {"where": _where(where), "field": field, "limit": limit}
        )
    return value[:limit]


def _memory(used, total, where):
    """(used MiB, total MiB) from two (raw value, field name) pairs; more used than the
    card holds is a broken report."""
    (used_raw, used_field), (total_raw, total_field) = used, total
    used_mib = _integer(used_raw, used_field, where, LIMITS["memory"])
    total_mib = _integer(total_raw, total_field, where, LIMITS["memory"])
    if used_mib is not None and total_mib is not None and used_mib > total_mib:
        raise ReportError(
            _("%(where)s: %(used_field)s (%(used)d MiB) is above %(total_field)s (%(total)d MiB)")
            % {
                "where": _where(where),
                "used_field": used_field,
                "used": used_mib,
                "total_field": total_field,
                "total": total_mib,
            }
        )
    return used_mib, total_mib


def _where(where):
    """A CSV line number, or a place already written out ("GPU 0")."""
    return _("line %(number)d") % {"number": where} if isinstance(where, int) else where


def _quoted(value):
    return _("“%(value)s”") % {"value": value[:40]}


def _number(raw, field, where, limit):
    """A float within [0, limit] (negative values are refused by _integer only)."""
    if raw is None:
        return None
    value = raw.strip()
    if _UNAVAILABLE.match(value):
        return None
    match = _NUMBER.match(value)
    values = {"where": _where(where), "field": field, "value": _quoted(value), "limit": limit}
    if not match:
        raise ReportError(_("%(where)s: %(field)s is not a number: %(value)s") % values)
    number = float(match.group(1))
    # A 400-digit number is infinite as a float; anything that large is refused here.
    if not math.isfinite(number) or abs(number) > limit:
        raise ReportError(_("%(where)s: %(field)s is out of range: %(value)s > %(limit)d") % values)
    return number


def _integer(raw, field, where, limit):
    number = _number(raw, field, where, limit)
    if number is None:
        return None
    if number < 0:
        raise ReportError(
            _("%(where)s: %(field)s is negative: %(number)s")
            % {"where": _where(where), "field": field, "number": f"{number:g}"}
        )
    return round(number)


def _percent(raw, field, where):
    number = _integer(raw, field, where, LIMITS["pid"])
    if number is not None and number > 100:
        raise ReportError(
            _("%(where)s: %(field)s is over 100%%: %(number)d")
            % {"where": _where(where), "field": field, "number": number}
        )
    return number
