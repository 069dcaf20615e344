"""GPU board writes: node tokens, report ingestion, history pruning."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from kb.gpus.state import bucket_start
from kb.models import Gpu, GpuNode, GpuSample

TOKEN_PREFIX = "espri-gpu-"  # noqa: S105 - not a secret: lets secret scanners and people recognise a leaked token
# A node may not report more often than this (429 otherwise): the timer sends one
# every 30 s, so this leaves room for jitter and a manual run while stopping floods.
MIN_SECONDS_BETWEEN_REPORTS = 10
HISTORY = timedelta(hours=24)
HISTORY_BUCKET = timedelta(minutes=5)


class ReportTooFrequent(Exception):
    retry_after = MIN_SECONDS_BETWEEN_REPORTS


def hash_token(token):
    return hashlib.sha256(token.encode()).hexdigest()


def _new_token():
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def register_node(*, name, description_fr="", description_en="", is_demo=False):
    """Create a node and return (node, token); the token is shown once and never stored."""
    token = _new_token()
    node = GpuNode.objects.create(
        name=name,
        description_fr=description_fr,
        description_en=description_en,
        is_demo=is_demo,
        token_hash=hash_token(token),
        token_created_at=timezone.now(),
    )
    return node, token


def rotate_token(*, node):
    """Give the node a new token (the old one stops working at once) and return it."""
    token = _new_token()
    node.token_hash = hash_token(token)
    node.token_created_at = timezone.now()
    node.save(update_fields=["token_hash", "token_created_at"])
    return token


def revoke_token(*, node):
    """The node keeps its history but can no longer report until its token is rotated."""
    node.token_hash = ""
    node.token_created_at = None
    node.save(update_fields=["token_hash", "token_created_at"])


def authenticate_node(*, token):
    """The node whose token this is, or None (revoked and unknown tokens alike)."""
    if not token or len(token) > 200:
        return None
    token_hash = hash_token(token)
    node = GpuNode.objects.with_token_hash(token_hash).first()
    # The lookup is by hash, so its timing tells nothing of the token; compare anyway.
    if node is None or not hmac.compare_digest(node.token_hash, token_hash):
        return None
    return node


def ingest_report(*, node, report, now=None):
    """Store a parsed report for `node`: its GPUs' latest values and their history bucket.

    A handful of queries whatever the number of GPUs. Raises ReportTooFrequent (and
    stores nothing) when the node reported less than MIN_SECONDS_BETWEEN_REPORTS ago;
    the check is one conditional UPDATE, so it holds across worker processes.
    """
    now = now or timezone.now()
    with transaction.atomic():
        claimed = (
            GpuNode.objects.filter(pk=node.pk)
            .filter(
                Q(last_report_at__isnull=True)
                | Q(last_report_at__lte=now - timedelta(seconds=MIN_SECONDS_BETWEEN_REPORTS))
            )
            .update(last_report_at=now)
        )
        if not claimed:
            raise ReportTooFrequent
        node.last_report_at = now
        gpus = _store_gpus(node=node, report=report, now=now)
        _store_samples(gpus=gpus, bucket=bucket_start(now, HISTORY_BUCKET))
        prune_history(now=now, node=node)
    return gpus


def _store_gpus(*, node, report, now):
    counts = report.process_counts()
    gpus = [
        Gpu(
            node=node,
            index=reading.index,
            uuid=reading.uuid,
            name=reading.name,
            memory_used_mib=reading.memory_used_mib,
            memory_total_mib=reading.memory_total_mib,
            utilization_percent=reading.utilization_percent,
            temperature_c=reading.temperature_c,
            power_draw_w=reading.power_draw_w,
            process_count=None if counts is None else counts.get(reading.uuid),
            reported_at=now,
        )
        for reading in report.gpus
    ]
    # One upsert on (node, index): a report can only ever touch its own node's rows.
    return Gpu.objects.bulk_create(
        gpus,
        update_conflicts=True,
        unique_fields=["node", "index"],
        update_fields=[
            "uuid",
            "name",
            "memory_used_mib",
            "memory_total_mib",
            "utilization_percent",
            "temperature_c",
            "power_draw_w",
            "process_count",
            "reported_at",
        ],
    )


def _store_samples(*, gpus, bucket):
    """Fold the readings into the bucket's rows: create empty rows, then one UPDATE."""
    GpuSample.objects.bulk_create(
        [GpuSample(gpu_id=gpu.pk, bucket=bucket) for gpu in gpus], ignore_conflicts=True
    )
    with_memory = [gpu for gpu in gpus if gpu.memory_used_mib is not None]
    with_utilization = [gpu for gpu in gpus if gpu.utilization_percent is not None]
    integer = IntegerField()
    GpuSample.objects.filter(bucket=bucket, gpu_id__in=[gpu.pk for gpu in gpus]).update(
        memory_used_max_mib=Case(
            *[
                When(
                    gpu_id=gpu.pk,
                    then=Greatest(Coalesce("memory_used_max_mib", 0), Value(gpu.memory_used_mib)),
                )
                for gpu in with_memory
            ],
            default=F("memory_used_max_mib"),
            output_field=integer,
        ),
        utilization_sum=F("utilization_sum")
        + Case(
            *[When(gpu_id=gpu.pk, then=Value(gpu.utilization_percent)) for gpu in with_utilization],
            default=Value(0),
            output_field=integer,
        ),
        utilization_count=F("utilization_count")
        + Case(
            *[When(gpu_id=gpu.pk, then=Value(1)) for gpu in with_utilization],
            default=Value(0),
            output_field=integer,
        ),
    )


def prune_history(*, now, node=None):
    """Drop history older than HISTORY, and the node's GPUs absent from reports as long.

    Runs on every report: with an index on the bucket, it costs one DELETE that
    usually finds a few rows, and the history stays at GPUs x 24 h / bucket rows.
    """
    cutoff = now - HISTORY
    GpuSample.objects.filter(bucket__lt=cutoff).delete()
    if node is not None:
        Gpu.objects.filter(node=node, reported_at__lt=cutoff).delete()
