"""Demo GPU nodes for a newcomer's first look at the board (seed --demo, debug only).

Four made-up nodes shaped like the talk's cluster (hal1…hal4, 2 x RTX 2080 Ti 11 GB
each), fed 6 h of reports (enough to show the history, quick to seed) through the same parser and service as a real node's.
They are flagged as demo and the board says so.
"""

import random
from datetime import timedelta

from django.utils import timezone

from kb.gpus.parsing import PROCESSES_MARKER, parse_report
from kb.gpus.state import bucket_start
from kb.models import GpuNode
from kb.services.gpus import HISTORY_BUCKET, ingest_report, register_node

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


def _csv_report(node_name, gpus, moment, final):
    """nvidia-smi CSV (header and units) plus compute apps, as the report script sends."""
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
    return (
        "index, uuid, name, memory.used [MiB], memory.total [MiB], utilization.gpu [%], "
        "temperature.gpu, power.draw [W]\n"
        + "\n".join(rows)
        + f"\n{PROCESSES_MARKER}\ngpu_uuid, pid, used_gpu_memory [MiB]\n"
        + "\n".join(apps)
    )


def create_demo_gpu_nodes(now=None):
    """Create the demo nodes once, and bring their reports up to now (nothing twice)."""
    now = now or timezone.now()
    for name, description, silent_minutes, gpus in DEMO_NODES:
        node = GpuNode.objects.filter(name=name).first()
        if node is None:
            node, _token = register_node(
                name=name,
                description_fr=description[0],
                description_en=description[1],
                is_demo=True,
            )
        if not node.is_demo:
            continue  # a real node of that name: leave it alone
        last = now - timedelta(minutes=silent_minutes)
        moment = bucket_start(now - DEMO_HISTORY, HISTORY_BUCKET) + HISTORY_BUCKET
        if node.last_report_at:
            moment = max(moment, node.last_report_at + HISTORY_BUCKET)
        while moment < last:
            ingest_report(
                node=node, report=parse_report(_csv_report(name, gpus, moment, False)), now=moment
            )
            moment += HISTORY_BUCKET
        if node.last_report_at is None or node.last_report_at < last - timedelta(seconds=10):
            ingest_report(
                node=node, report=parse_report(_csv_report(name, gpus, last, True)), now=last
            )
