"""What the board shows, computed from already-loaded nodes, GPUs and history rows."""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from kb.gpus.state import STATES, Sparkline, gpu_state, node_is_silent, sparkline


@dataclass
class GpuCard:
    gpu: object  # a Gpu row
    state: str
    in_last_report: bool
    history: Sparkline
    # Held with utilisation under the threshold for longer than the coordinators' limit.
    idle: bool = False
    node: object = None  # the GpuNode row, for the one-row-per-card table
    stale: bool = False  # the node stopped reporting: figures are old

    @property
    def idle_since(self):
        return self.gpu.idle_since if self.idle else None


@dataclass
class NodeCard:
    node: object  # a GpuNode row, GPUs prefetched
    silent: bool
    reported_within_a_minute: bool
    gpus: list[GpuCard] = field(default_factory=list)


@dataclass
class Board:
    nodes: list[NodeCard]
    counts: dict[str, int]
    # The span the sparklines cover: the history kept, or less when it holds less, so
    # that every line fills its box on one shared scale.
    history_hours: int = 24

    @property
    def cards(self):
        """Every card of every node, in node then index order (the table's rows)."""
        return [card for node in self.nodes for card in node.gpus]

    @property
    def idle_holds(self):
        return [card for card in self.cards if card.idle]

    @property
    def total(self):
        return sum(self.counts.values())

    @property
    def has_demo(self):
        return any(card.node.is_demo for card in self.nodes)


def build_board(*, nodes, sample_rows, thresholds, now, history, bucket):
    """nodes: GpuNode rows with `gpus` prefetched; sample_rows: (gpu id, bucket start,
    memory max MiB, utilisation sum, utilisation count) of the last `history`."""
    samples = defaultdict(list)
    for gpu_id, start, memory, utilization_sum, utilization_count in sample_rows:
        mean = utilization_sum / utilization_count if utilization_count else None
        samples[gpu_id].append((start, memory, mean))
    earliest = min((s[0] for rows in samples.values() for s in rows), default=None)
    since = now - history
    if earliest is not None and earliest > since:
        # At least an hour, so that a new node's first minutes do not fill the box.
        since = min(earliest, now - timedelta(hours=1))
    slots = max(1, math.ceil((now - since) / bucket))

    counts = dict.fromkeys(STATES, 0)
    cards = []
    for node in nodes:
        silent = node_is_silent(last_report_at=node.last_report_at, now=now, thresholds=thresholds)
        card = NodeCard(
            node=node,
            silent=silent,
            reported_within_a_minute=node.last_report_at is not None
            and (now - node.last_report_at).total_seconds() < 60,
        )
        for gpu in node.gpus.all():
            # The ingestion stamps a node and the GPUs of its report with the same time.
            in_last_report = (
                node.last_report_at is not None and gpu.reported_at >= node.last_report_at
            )
            state = gpu_state(
                memory_used_mib=gpu.memory_used_mib,
                utilization_percent=gpu.utilization_percent,
                in_last_report=in_last_report,
                node_silent=silent,
                thresholds=thresholds,
                mig_enabled=gpu.mig_enabled,
                reserved=gpu.reserved,
                process_count=gpu.process_count,
            )
            counts[state] += 1
            card.gpus.append(
                GpuCard(
                    gpu=gpu,
                    state=state,
                    in_last_report=in_last_report,
                    idle=not silent
                    and in_last_report
                    and gpu.idle_since is not None
                    and now - gpu.idle_since >= thresholds.idle_after,
                    node=node,
                    stale=silent or not in_last_report,
                    history=sparkline(
                        samples=samples.get(gpu.pk, ()),
                        memory_total_mib=gpu.memory_total_mib,
                        since=since,
                        bucket=bucket,
                        slots=slots,
                    ),
                )
            )
        cards.append(card)
    return Board(
        nodes=cards, counts=counts, history_hours=max(1, round((now - since) / timedelta(hours=1)))
    )
