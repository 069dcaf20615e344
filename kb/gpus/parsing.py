"""Parse what a GPU node sends: `nvidia-smi` output as CSV or XML, plus its compute processes.

Pure module: text in, dataclasses out, no Django. A report body is:

1. the output of either
   ``nvidia-smi --query-gpu=index,uuid,name,memory.used,memory.total,utilization.gpu,temperature.gpu,power.draw --format=csv``
   (with or without ``noheader`` and ``nounits``; a header row may list any of
   these fields, in any order, among others that are ignored) or ``nvidia-smi -q -x``;
2. optionally a line ``# compute-apps`` followed by the output of
   ``nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv``
   (with or without header and units; an empty list is a header or nothing).

Values the driver cannot give (``[N/A]``, ``N/A``, ``[Not Supported]``, ``[Unknown Error]``…)
become ``None``. Anything else that does not parse raises ``ReportError`` with a reason.
"""

import csv
import re
from dataclasses import dataclass

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as parse_xml

PROCESSES_MARKER = "# compute-apps"

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

# "[N/A]", "[Not Supported]", "[Unknown Error]", "[GPU is lost]", "N/A", "" …
_UNAVAILABLE = re.compile(r"^(\[.*\]|N/A|Not Supported|Unknown Error)?$", re.IGNORECASE)
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)\s*(MiB|%|W|C)?$", re.IGNORECASE)
_UNIT_SUFFIX = re.compile(r"\s*\[[^\]]*\]$")


class ReportError(ValueError):
    """The body is not something we can read; the message says why."""


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
        raise ReportError("the body holds NUL bytes: send nvidia-smi's text output")
    gpu_part, marker, process_part = _split_sections(text)
    if not gpu_part.strip():
        raise ReportError("the body holds no nvidia-smi output")
    if gpu_part.lstrip().startswith("<"):
        gpus, processes = parse_xml_log(gpu_part)
        source = "xml"
    else:
        gpus, processes = parse_gpu_csv(gpu_part), None
        source = "csv"
    if marker:
        processes = parse_processes_csv(process_part)
    return Report(gpus=gpus, processes=processes, source=source)


def _split_sections(text):
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if line.strip() == PROCESSES_MARKER:
            return "\n".join(lines[:number]), True, "\n".join(lines[number + 1 :])
    return text, False, ""


def _rows(text):
    """(line number, fields) of the non-blank CSV lines."""
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        # Line by line: nvidia-smi never spreads a row over several lines.
        try:
            (row,) = csv.reader([line], skipinitialspace=True)
        except csv.Error as error:
            raise ReportError(f"line {number}: not readable as CSV: {error}") from None
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
    if header is not None and len(row) != len(header):
        raise ReportError(f"line {number}: {len(row)} fields where the header names {len(header)}")
    if header is None and len(row) != len(fields):
        raise ReportError(
            f"line {number}: {len(row)} fields; without a header row, a line must hold "
            f"exactly these {len(fields)} fields in this order: {', '.join(fields)}"
        )


def parse_gpu_csv(text):
    """Parse the output of ``nvidia-smi --query-gpu=… --format=csv[,noheader][,nounits]``."""
    rows = _rows(text)
    positions, data = _columns(rows, GPU_FIELDS, GPU_ALIASES)
    has_header = data is not rows
    if positions is None or not data:
        raise ReportError("no GPU rows: the nvidia-smi output lists no GPU")
    if has_header and "index" not in positions and "uuid" not in positions:
        raise ReportError("the header names neither index nor uuid: the GPUs cannot be told apart")
    header = rows[0][1] if has_header else None
    if len(data) > MAX_GPUS:
        raise ReportError(f"{len(data)} GPU rows; at most {MAX_GPUS} are accepted")

    gpus = []
    for position, (number, row) in enumerate(data):
        _check_width(number, row, header, GPU_FIELDS)

        def field(name, row=row):
            at = positions.get(name)
            return None if at is None else row[at]

        index = _integer(field("index"), "index", number)
        gpus.append(
            GpuReading(
                index=position if index is None else index,
                uuid=_text(field("uuid")),
                name=_text(field("name")),
                memory_used_mib=_integer(field("memory.used"), "memory.used", number),
                memory_total_mib=_integer(field("memory.total"), "memory.total", number),
                utilization_percent=_percent(field("utilization.gpu"), "utilization.gpu", number),
                temperature_c=_integer(field("temperature.gpu"), "temperature.gpu", number),
                power_draw_w=_number(field("power.draw"), "power.draw", number),
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
        raise ReportError("the compute-apps header must name gpu_uuid and pid")
    if len(data) > MAX_PROCESSES:
        raise ReportError(f"{len(data)} process rows; at most {MAX_PROCESSES} are accepted")
    header = rows[0][1] if has_header else None
    processes = []
    for number, row in data:
        _check_width(number, row, header, PROCESS_FIELDS)
        used = positions.get("used_memory")
        pid = _integer(row[positions["pid"]], "pid", number)
        if pid is None:
            raise ReportError(f"line {number}: a process without a pid")
        processes.append(
            ProcessReading(
                gpu_uuid=_text(row[positions["gpu_uuid"]]),
                pid=pid,
                used_memory_mib=None
                if used is None
                else _integer(row[used], "used_memory", number),
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
    except (ParseError, DefusedXmlException) as error:
        raise ReportError(f"not readable as XML: {error}") from None
    if root.tag != "nvidia_smi_log":
        raise ReportError(f"XML root is <{root.tag}>, expected <nvidia_smi_log> (nvidia-smi -q -x)")
    gpu_elements = root.findall("gpu")
    if not gpu_elements:
        raise ReportError("no <gpu> element: the nvidia-smi log lists no GPU")
    if len(gpu_elements) > MAX_GPUS:
        raise ReportError(f"{len(gpu_elements)} GPUs; at most {MAX_GPUS} are accepted")

    gpus, processes = [], []
    for index, element in enumerate(gpu_elements):
        uuid = _text(element.findtext("uuid"))
        where = f"GPU {index}"
        gpus.append(
            GpuReading(
                index=index,
                uuid=uuid,
                name=_text(element.findtext("product_name")),
                # The GPU's own fb_memory_usage, not those of its MIG devices.
                memory_used_mib=_integer(element.findtext("fb_memory_usage/used"), "used", where),
                memory_total_mib=_integer(
                    element.findtext("fb_memory_usage/total"), "total", where
                ),
                utilization_percent=_percent(
                    element.findtext("utilization/gpu_util"), "gpu_util", where
                ),
                temperature_c=_integer(element.findtext("temperature/gpu_temp"), "gpu_temp", where),
                power_draw_w=_number(_xml_power_draw(element), "power_draw", where),
            )
        )
        for info in element.findall("processes/process_info"):
            pid = _integer(info.findtext("pid"), "pid", where)
            if pid is None:
                raise ReportError(f"{where}: a process without a pid")
            processes.append(
                ProcessReading(
                    gpu_uuid=uuid,
                    pid=pid,
                    used_memory_mib=_integer(info.findtext("used_memory"), "used_memory", where),
                )
            )
    if len(processes) > MAX_PROCESSES:
        raise ReportError(f"{len(processes)} processes; at most {MAX_PROCESSES} are accepted")
    return _checked(gpus), tuple(processes)


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
        raise ReportError(f"GPU index {duplicates[0]} appears twice")
    uuids = [gpu.uuid for gpu in gpus if gpu.uuid]
    if len(set(uuids)) != len(uuids):
        raise ReportError("the same GPU uuid appears twice")
    return tuple(sorted(gpus, key=lambda gpu: gpu.index))


def _text(raw):
    if raw is None:
        return ""
    value = raw.strip()
    return "" if _UNAVAILABLE.match(value) else value[:200]


def _number(raw, field, where):
    if raw is None:
        return None
    value = raw.strip()
    if _UNAVAILABLE.match(value):
        return None
    match = _NUMBER.match(value)
    if not match:
        prefix = f"line {where}" if isinstance(where, int) else where
        raise ReportError(f"{prefix}: {field} is not a number: {value[:40]!r}")
    return float(match.group(1))


def _integer(raw, field, where):
    number = _number(raw, field, where)
    if number is None:
        return None
    if number < 0:
        prefix = f"line {where}" if isinstance(where, int) else where
        raise ReportError(f"{prefix}: {field} is negative: {number:g}")
    return round(number)


def _percent(raw, field, where):
    number = _integer(raw, field, where)
    if number is not None and number > 100:
        prefix = f"line {where}" if isinstance(where, int) else where
        raise ReportError(f"{prefix}: {field} is over 100 %: {number}")
    return number
