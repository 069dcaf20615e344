"""GPU board writes: node tokens, report ingestion, history pruning, idle-hold emails."""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from kb.gpus.holders import holds_by_index
from kb.gpus.state import FREE, bucket_start, gpu_state, is_held, next_idle_since
from kb.mail import queue_email
from kb.models import ClusterLogin, Gpu, GpuBoardSettings, GpuLoadHour, GpuNode, GpuSample

TOKEN_PREFIX = "espri-gpu-"  # noqa: S105 - not a secret: lets secret scanners and people recognise a leaked token
# A node may not report more often than this (429 otherwise): the timer sends one
# every 30 s, so this leaves room for jitter and a manual run while stopping floods.
MIN_SECONDS_BETWEEN_REPORTS = 10
HISTORY = timedelta(hours=24)
HISTORY_BUCKET = timedelta(minutes=5)
LOAD_HISTORY = timedelta(days=7)
LOAD_BUCKET = timedelta(hours=1)
# The seeded docs page that says to free GPU memory and not leave sessions open.
GOOD_PRACTICES_DOC = "cluster/bonnes-pratiques"


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
        board_settings = GpuBoardSettings.load()
        thresholds = board_settings.thresholds()
        gpus = _store_gpus(node=node, report=report, now=now, thresholds=thresholds)
        _store_samples(gpus=gpus, bucket=bucket_start(now, HISTORY_BUCKET))
        _store_load(node=node, gpus=gpus, now=now, thresholds=thresholds)
        prune_history(now=now, node=node)
        if board_settings.email_idle_holders:
            _email_idle_holders(node=node, gpus=gpus, now=now, thresholds=thresholds)
    return gpus


def _store_gpus(*, node, report, now, thresholds):
    counts = report.process_counts()
    holds = holds_by_index(report)
    # The idle start and the "already emailed" mark belong to a hold: a card and its
    # holders. When the holders change, the new hold starts with neither.
    previous = {
        index: (holders, idle_since, notified)
        for index, holders, idle_since, notified in node.gpus.values_list(
            "index", "holders", "idle_since", "idle_notified_at"
        )
    }
    gpus = []
    for reading in report.gpus:
        hold = holds.get(reading.index)
        reserved = bool(hold and hold.reserved)
        holders = ",".join(hold.logins) if hold else ""
        held_since = (
            now - timedelta(seconds=hold.seconds) if hold and hold.seconds is not None else None
        )
        was_holders, was_idle_since, notified = previous.get(reading.index, ("", None, None))
        if holders != was_holders:
            was_idle_since, notified = None, None
        idle_since = next_idle_since(
            previous=was_idle_since,
            held=is_held(
                memory_used_mib=reading.memory_used_mib, reserved=reserved, thresholds=thresholds
            ),
            utilization_percent=reading.utilization_percent,
            now=now,
            thresholds=thresholds,
            held_since=held_since,
        )
        gpus.append(
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
                mig_enabled=reading.mig_enabled,
                mig_devices=[
                    {
                        "index": device.index,
                        "profile": device.profile,
                        "memory_used_mib": device.memory_used_mib,
                        "memory_total_mib": device.memory_total_mib,
                    }
                    for device in reading.mig_devices
                ],
                holders=holders,
                held_since=held_since,
                reserved=reserved,
                idle_since=idle_since,
                idle_notified_at=notified if idle_since else None,
                reported_at=now,
            )
        )
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
            "mig_enabled",
            "mig_devices",
            "holders",
            "held_since",
            "reserved",
            "idle_since",
            "idle_notified_at",
            "reported_at",
        ],
    )


def _store_load(*, node, gpus, now, thresholds):
    """Add this report's taken cards to the node's hour (create the row, then one UPDATE)."""
    taken = sum(
        gpu_state(
            memory_used_mib=gpu.memory_used_mib,
            utilization_percent=gpu.utilization_percent,
            in_last_report=True,
            node_silent=False,
            thresholds=thresholds,
            mig_enabled=gpu.mig_enabled,
            reserved=gpu.reserved,
            process_count=gpu.process_count,
        )
        not in (FREE,)
        and gpu.memory_used_mib is not None
        for gpu in gpus
    )
    hour = bucket_start(now, LOAD_BUCKET)
    GpuLoadHour.objects.bulk_create([GpuLoadHour(node=node, hour=hour)], ignore_conflicts=True)
    GpuLoadHour.objects.filter(node=node, hour=hour).update(
        busy_sum=F("busy_sum") + taken,
        gpu_sum=F("gpu_sum") + len(gpus),
        report_count=F("report_count") + 1,
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
    GpuLoadHour.objects.filter(hour__lt=now - LOAD_HISTORY).delete()
    if node is not None:
        Gpu.objects.filter(node=node, reported_at__lt=cutoff).delete()


def _email_idle_holders(*, node, gpus, now, thresholds):
    """Tell the holder of each hold idle for too long, once per hold, after commit.

    Only holders who linked their cluster login to their account are told: logins are
    never matched to accounts any other way.
    """
    due = [
        gpu
        for gpu in gpus
        if gpu.idle_since is not None
        and gpu.idle_notified_at is None
        and now - gpu.idle_since >= thresholds.idle_after
        and gpu.holder_logins
    ]
    if not due:
        return
    links = {
        link.login: link.user
        for link in ClusterLogin.objects.filter(
            login__in={login for gpu in due for login in gpu.holder_logins}
        ).select_related("user")
    }
    for gpu in due:
        users = [links[login] for login in gpu.holder_logins if login in links]
        if not users:
            continue
        Gpu.objects.filter(pk=gpu.pk).update(idle_notified_at=now)
        gpu.idle_notified_at = now
        for user in users:
            # Queued in the report's transaction: stored with it, sent by the worker.
            send_idle_hold_email(user=user, node=node, gpu=gpu, now=now)


def send_idle_hold_email(*, user, node, gpu, now):
    with translation.override(user.email_language):
        context = {
            "user": user,
            "node": node,
            "gpu": gpu,
            "idle_minutes": int((now - gpu.idle_since).total_seconds() // 60),
            "board_url": settings.ESPRI_SITE_URL + reverse("gpu_board"),
            "docs_url": settings.ESPRI_SITE_URL
            + reverse("docs:page", kwargs={"path": GOOD_PRACTICES_DOC}),
        }
        subject = render_to_string("kb/gpus/email/idle_hold_subject.txt", context)
        body = render_to_string("kb/gpus/email/idle_hold_body.txt", context)
    queue_email(
        subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split()),
        body=body,
        to=[user.email],
    )
