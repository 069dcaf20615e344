"""Cost of GPU reports: queries per report, reports per second, board queries, history size.

Posts the talk's 4-GPU RTX 2080 Ti report through the real URL (test client, full
middleware) for 8 nodes, then simulates a day of reports every 30 s to show the
history stays bounded.

    python bench/gpu_reports.py [--nodes 8] [--reports 400]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/espri_bench python bench/gpu_reports.py

Uses a throw-away SQLite file unless DATABASE_URL is set (its tables are created
with migrate; use an empty database).
"""

import argparse
import sys
import time
from datetime import timedelta

from throwaway_site import ROOT, start_throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=8)
    parser.add_argument("--reports", type=int, default=400, help="reports posted over HTTP")
    args = parser.parse_args()

    start_throwaway_site()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kb.gpus.parsing import OWNERS_MARKER, PROCESSES_MARKER, parse_report
    from kb.models import Gpu, GpuLoadHour, GpuNode, GpuSample
    from kb.services.gpus import ingest_report, register_node

    fixtures = ROOT / "tests" / "fixtures" / "nvidia_smi"
    body = (
        (fixtures / "hal3_rtx2080ti-x4_418.56.csv").read_text()
        + PROCESSES_MARKER
        + "\n"
        + (fixtures / "hal3_rtx2080ti-x4_418.56_compute-apps.csv").read_text()
        + OWNERS_MARKER
        + "\n"
        + (fixtures / "hal3_process-owners.txt").read_text()
    ).encode()
    tokens = [register_node(name=f"bench{n}-{time.time_ns()}")[1] for n in range(args.nodes)]
    client = Client()

    def post(token):
        # Each node's previous report is pushed back so the rate limit lets it through.
        GpuNode.objects.update(last_report_at=timezone.now() - timedelta(minutes=1))
        return client.post(
            "/gpus/report",
            data=body,
            content_type="text/plain",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    with CaptureQueriesContext(connection) as queries:
        response = post(tokens[0])
    if response.status_code != 200:
        sys.exit(f"report refused: {response.status_code} {response.content.decode()}")
    per_report = len(queries) - 1  # minus the bench's own UPDATE

    started = time.perf_counter()
    for number in range(args.reports):
        response = post(tokens[number % len(tokens)])
        if response.status_code != 200:
            sys.exit(f"report refused: {response.status_code} {response.content.decode()}")
    elapsed = time.perf_counter() - started

    with CaptureQueriesContext(connection) as queries:
        client.get("/en/gpus/")
    board_queries = len(queries)
    started = time.perf_counter()
    for _ in range(20):
        client.get("/en/gpus/")
    board_ms = (time.perf_counter() - started) / 20 * 1000

    # A simulated 25 h of reports every 30 s from every node, through the service.
    GpuSample.objects.all().delete()
    GpuLoadHour.objects.all().delete()
    GpuNode.objects.update(last_report_at=None)
    nodes = list(GpuNode.objects.all())
    report = parse_report(body.decode())
    start = timezone.now() - timedelta(hours=25)
    started = time.perf_counter()
    for step in range(0, 25 * 3600, 30):
        for node in nodes:
            ingest_report(node=node, report=report, now=start + timedelta(seconds=step))
    samples = GpuSample.objects.count()
    load_hours = GpuLoadHour.objects.count()
    simulated = len(nodes) * 25 * 120
    simulated_rate = simulated / (time.perf_counter() - started)

    print(f"database: {connection.vendor}")
    print(f"queries per report (4 GPUs + 5 processes and their owners, over HTTP): {per_report}")
    print(
        f"reports per second (one process, full middleware): {args.reports / elapsed:.0f} "
        f"({elapsed / args.reports * 1000:.1f} ms each)"
    )
    print(f"board page: {board_queries} queries, {board_ms:.1f} ms with {Gpu.objects.count()} GPUs")
    print(
        f"history after 25 h of reports every 30 s from {len(nodes)} nodes "
        f"({simulated} reports, {simulated_rate:.0f}/s through the service): {samples} rows "
        f"({samples / Gpu.objects.count():.0f} per GPU; bounded at 24 h / 5 min = 288 + 1)"
    )
    print(
        f"hours of load kept: {load_hours} rows ({load_hours / len(nodes):.0f} per node; "
        "bounded at 7 days = 168 + 1)"
    )


if __name__ == "__main__":
    main()
