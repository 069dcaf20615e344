"""Demo GPU nodes for a newcomer's first look at the board (seed --demo, debug only).

Four made-up nodes shaped like the talk's cluster (hal1…hal4, 2 x RTX 2080 Ti 11 GB
each), fed 6 h of reports (enough to show the history, quick to seed) through the same parser and service as a real node's.
They are flagged as demo and the board says so; on a development server the board
keeps them reporting (``refresh_demo_gpu_nodes``).
"""

import random
from datetime import timedelta

from django.utils import timezone

from kb.gpus.parsing import (
    OWNERS_MARKER,
    PROCESSES_MARKER,
    SLURM_JOBS_MARKER,
    SLURM_NODE_MARKER,
    parse_report,
)
from kb.gpus.state import bucket_start
from kb.models import GpuNode
from kb.services.gpus import HISTORY_BUCKET, ReportTooFrequent, ingest_report, register_node

TOTAL_MIB = 10989
DEMO_HISTORY = timedelta(hours=6)
# (node, French and English descriptions, minutes since its last report,
#  [(memory MiB, utilisation %) per GPU]).
# hal3 holds the talk's forgotten session: 8.8 GB held by an idle python process.
DEMO_NODES = [
    (
        "hal1",
        ("Nœud de démonstration · 2 × RTX 2080 Ti 11 Go", "Demo node · 2 × RTX 2080 Ti 11 GB"),
        0,
        [(9870, 96), (0, 0)],
    ),
    (
        "hal2",
        ("Nœud de démonstration · 2 × RTX 2080 Ti 11 Go", "Demo node · 2 × RTX 2080 Ti 11 GB"),
        0,
        [(6120, 58), (247, 0)],
    ),
    (
        "hal3",
        ("Nœud de démonstration · 2 × RTX 2080 Ti 11 Go", "Demo node · 2 × RTX 2080 Ti 11 GB"),
        0,
        [(8803, 0), (247, 0)],
    ),
    (
        "hal4",
        (
            "Nœud de démonstration · 2 × RTX 2080 Ti 11 Go · ne répond plus",
            "Demo node · 2 × RTX 2080 Ti 11 GB · stopped reporting",
        ),
        20,
        [(10400, 99), (10400, 99)],
    ),
]


# Made-up cluster logins holding each node's cards ("demo-" so no one takes them for real).
DEMO_HOLDERS = {"hal1": "demo-lea", "hal2": "demo-marc", "hal3": "demo-ines", "hal4": "demo-paul"}
# hal2 runs Slurm: its GPU 1 is allocated to a job that runs nothing yet.
DEMO_SLURM = {
    "hal2": (
        "NodeName=hal2 Arch=x86_64 Gres=gpu:rtx2080ti:2 GresUsed=gpu:rtx2080ti:2(IDX:0-1) State=MIXED",
        "5012|demo-marc|{held}|gres:gpu:1\n5020|demo-yann|{held}|gres:gpu:1",
    )
}
SESSION_HOURS = 5


def _csv_report(node_name, gpus, moment, final, session_start):
    """nvidia-smi CSV (header and units) plus compute apps, their owners and, for the
    nodes that run Slurm, its state: what the report script sends."""
    rows, apps = [], []
    for index, (memory, utilization) in enumerate(gpus):
        rng = random.Random(f"{node_name}-{index}-{moment.timestamp()}")  # noqa: S311 - demo values
        if not final:  # vary the past a little so the history looks lived-in
            memory = max(0, min(TOTAL_MIB, memory + rng.randint(-1500, 1500) * (memory > 300)))
            utilization = max(0, min(100, utilization + rng.randint(-15, 15) * (utilization > 0)))
        uuid = f"GPU-demo-{node_name}-{index}"
        rows.append(
            f"{index}, {uuid}, NVIDIA GeForce RTX 2080 Ti, {memory} MiB, {TOTAL_MIB} MiB, "
            f"{utilization} %, {35 + utilization // 3}, {20 + utilization * 2.3:.2f} W"
        )
        if memory > 300:
            apps.append(f"{uuid}, {10000 + index}, {memory - 10} MiB")
    held = max(0, int((moment - session_start).total_seconds()))
    owners = "\n".join(
        f"{10000 + index} {DEMO_HOLDERS[node_name]} {held}"
        for index, (memory, _utilization) in enumerate(gpus)
        if memory > 300
    )
    body = (
        "index, uuid, name, memory.used [MiB], memory.total [MiB], utilization.gpu [%], "
        "temperature.gpu, power.draw [W]\n"
        + "\n".join(rows)
        + f"\n{PROCESSES_MARKER}\ngpu_uuid, pid, used_gpu_memory [MiB]\n"
        + "\n".join(apps)
        + f"\n{OWNERS_MARKER}\n{owners}\n"
    )
    if node_name in DEMO_SLURM:
        node_line, jobs = DEMO_SLURM[node_name]
        hours, rest = divmod(held, 3600)
        jobs = jobs.format(held=f"{hours}:{rest // 60:02d}:{rest % 60:02d}")
        body += f"{SLURM_NODE_MARKER}\n{node_line}\n{SLURM_JOBS_MARKER}\n{jobs}\n"
    return body


def create_demo_gpu_nodes(now=None):
    """Create the demo nodes once, and bring their reports up to now (nothing twice)."""
    for name, description, _silent_minutes, _gpus in DEMO_NODES:
        if not GpuNode.objects.filter(name=name).exists():  # a real node of that name stays
            register_node(
                name=name,
                description_fr=description[0],
                description_en=description[1],
                is_demo=True,
            )
    refresh_demo_gpu_nodes(now)


def refresh_demo_gpu_nodes(now=None):
    """Bring the demo nodes' reports up to ``now``, as if they had kept reporting.

    For a development server's board (DEBUG only): without it the demo went silent,
    every card "unknown", a minute and a half after ``seed --demo``.
    """
    now = now or timezone.now()
    nodes = {node.name: node for node in GpuNode.objects.filter(is_demo=True)}
    for name, _description, silent_minutes, gpus in DEMO_NODES:
        if name in nodes:
            try:
                _report_up_to(nodes[name], gpus, now, now - timedelta(minutes=silent_minutes))
            except ReportTooFrequent:
                return  # another request is bringing them up to date


def _report_up_to(node, gpus, now, last):
    """The node's reports every history bucket since its last one, then one at ``last``."""
    session_start = now - timedelta(hours=SESSION_HOURS)
    moment = bucket_start(now - DEMO_HISTORY, HISTORY_BUCKET) + HISTORY_BUCKET
    if node.last_report_at:
        moment = max(moment, node.last_report_at + HISTORY_BUCKET)
    while moment < last:
        ingest_report(
            node=node,
            report=parse_report(_csv_report(node.name, gpus, moment, False, session_start)),
            now=moment,
        )
        moment += HISTORY_BUCKET
    if node.last_report_at is None or node.last_report_at < last - timedelta(seconds=10):
        ingest_report(
            node=node,
            report=parse_report(_csv_report(node.name, gpus, last, True, session_start)),
            now=last,
        )
