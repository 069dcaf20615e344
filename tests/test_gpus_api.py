"""POST /gpus/report: what a node stores, and every refusal (which stores nothing)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from kb.gpus.parsing import PROCESSES_MARKER, parse_report
from kb.gpus.state import bucket_start
from kb.models import Gpu, GpuNode, GpuSample
from kb.services.gpus import (
    HISTORY,
    HISTORY_BUCKET,
    MIN_SECONDS_BETWEEN_REPORTS,
    hash_token,
    ingest_report,
    register_node,
    revoke_token,
    rotate_token,
)
from kb.views.gpus import MAX_REPORT_BYTES

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "nvidia_smi"
HAL3_CSV = (FIXTURES / "hal3_rtx2080ti-x4_418.56.csv").read_text()
HAL3_BODY = (
    HAL3_CSV
    + PROCESSES_MARKER
    + "\n"
    + (FIXTURES / "hal3_rtx2080ti-x4_418.56_compute-apps.csv").read_text()
)


def post(client, body, token, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return client.post(
        "/gpus/report",
        data=body.encode() if isinstance(body, str) else body,
        content_type="text/plain",
        **{"HTTP_ACCEPT_LANGUAGE": "en", **headers, **extra},
    )


def stored():
    return (
        list(Gpu.objects.order_by("pk").values()),
        list(GpuSample.objects.order_by("pk").values()),
        list(GpuNode.objects.order_by("pk").values("name", "last_report_at", "token_hash")),
    )


@pytest.fixture
def hal3():
    return register_node(name="hal3", description_en="2 x RTX 2080 Ti")


def test_report_stores_gpus_processes_and_history(client, hal3):
    node, token = hal3
    response = post(client, HAL3_BODY, token)
    assert response.status_code == 200
    assert response.content.decode() == "Stored 4 GPUs for hal3.\n"
    gpus = list(node.gpus.order_by("index"))
    assert [(g.index, g.memory_used_mib, g.process_count) for g in gpus] == [
        (0, 8803, 1),
        (1, 247, 1),
        (2, 247, 1),
        (3, 1918, 2),
    ]
    assert gpus[0].name == "GeForce RTX 2080 Ti"
    assert gpus[0].power_draw_w == 12.48
    node.refresh_from_db()
    assert node.last_report_at is not None
    assert GpuSample.objects.filter(gpu__node=node).count() == 4


def test_report_is_csrf_exempt(hal3):
    from django.test import Client

    _node, token = hal3
    assert post(Client(enforce_csrf_checks=True), HAL3_CSV, token).status_code == 200


@pytest.mark.parametrize(
    "name", ["tesla-v100-x2_450.80_v10.xml", "hal3_rtx2080ti-x4_418.56_noheader_nounits.csv"]
)
def test_report_accepts_xml_and_headerless_csv(client, hal3, name):
    node, token = hal3
    assert post(client, (FIXTURES / name).read_text(), token).status_code == 200
    assert node.gpus.count() in (2, 4)


def test_second_report_updates_in_place_and_folds_into_the_bucket(client, hal3):
    node, _token = hal3
    now = bucket_start(timezone.now(), HISTORY_BUCKET) - HISTORY_BUCKET + timedelta(minutes=1)
    ingest_report(node=node, report=parse_report(HAL3_CSV), now=now)
    busier = HAL3_CSV.replace("247 MiB, 10989 MiB, 0 %", "5000 MiB, 10989 MiB, 80 %", 1)
    ingest_report(node=node, report=parse_report(busier), now=now + timedelta(seconds=30))
    assert node.gpus.count() == 4
    gpu1 = node.gpus.get(index=1)
    assert (gpu1.memory_used_mib, gpu1.utilization_percent) == (5000, 80)
    assert gpu1.process_count is None  # this report carried no process list
    sample = GpuSample.objects.get(gpu=gpu1)  # both reports fell in one 5-minute bucket
    assert sample.memory_used_max_mib == 5000
    assert (sample.utilization_sum, sample.utilization_count) == (80, 2)


def test_report_queries_are_few_and_fixed(client, hal3, django_assert_max_num_queries):
    _node, token = hal3
    # Claim, settings, previous idle state, GPU upsert, history (2), hour of load (2),
    # three prunes, and the transaction's savepoints.
    with django_assert_max_num_queries(14):
        assert post(client, HAL3_BODY, token).status_code == 200


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer espri-gpu-wrong", "Basic abc", "espri-gpu-x"],
)
def test_wrong_or_missing_token_is_401_and_stores_nothing(client, hal3, authorization):
    before = stored()
    extra = {"HTTP_AUTHORIZATION": authorization} if authorization else {}
    response = post(client, HAL3_CSV, None, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="gpus"'
    assert "Unknown or revoked token" in response.content.decode()
    assert stored() == before


def test_revoked_and_rotated_tokens_are_refused(client, hal3):
    node, token = hal3
    new_token = rotate_token(node=node)
    assert post(client, HAL3_CSV, token).status_code == 401
    revoke_token(node=node)
    assert post(client, HAL3_CSV, new_token).status_code == 401
    assert not Gpu.objects.exists()


def test_token_is_stored_hashed_only(hal3):
    node, token = hal3
    node.refresh_from_db()
    assert token.startswith("espri-gpu-") and len(token) > 40
    assert node.token_hash == hash_token(token)
    assert token not in str(GpuNode.objects.values().get())


def test_unparsable_body_is_400_with_the_reason(client, hal3):
    node, token = hal3
    response = post(client, "index, memory.used [MiB]\n0, lots\n", token)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode() == (
        "Unreadable report: line 2: memory.used is not a number: “lots”\n"
    )
    node.refresh_from_db()
    assert node.last_report_at is None  # a bad report does not count as one
    assert not Gpu.objects.exists()


def test_refusal_reads_wholly_in_the_requests_language(client, hal3):
    _node, token = hal3
    response = post(client, "hello, world\n", token, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response.content.decode() == (
        "Rapport illisible\u202f: ligne 1\u202f: 2 champs\u202f; sans ligne d’en-tête, une "
        "ligne doit contenir exactement ces 8 champs dans cet ordre\u202f: index, uuid, name, "
        "memory.used, memory.total, utilization.gpu, temperature.gpu, power.draw\n"
    )


ODD_VALUES = [
    (
        HAL3_CSV.replace("GeForce RTX 2080 Ti, 247", "G" * 5000 + ", 247", 1),
        "Unreadable report: line 3: name is longer than 100 characters\n",
        "Rapport illisible\u202f: ligne 3\u202f: name dépasse 100 caractères\n",
    ),
    (
        HAL3_CSV.replace("1918 MiB, 10989 MiB", "20000 MiB, 11264 MiB"),
        "Unreadable report: line 5: memory.used (20000 MiB) is above memory.total (11264 MiB)\n",
        "Rapport illisible\u202f: ligne 5\u202f: memory.used (20000 Mio) dépasse memory.total "
        "(11264 Mio)\n",
    ),
]


@pytest.mark.parametrize(("body", "english", "french"), ODD_VALUES)
def test_odd_values_are_400_naming_the_field_and_store_nothing(client, hal3, body, english, french):
    _node, token = hal3
    before = stored()
    for language, reason in (("en", english), ("fr", french)):
        response = post(client, body, token, HTTP_ACCEPT_LANGUAGE=language)
        assert (response.status_code, response.content.decode()) == (400, reason)
    assert stored() == before


def test_empty_body_is_400(client, hal3):
    _node, token = hal3
    response = post(client, "", token)
    assert response.status_code == 400
    assert "no nvidia-smi output" in response.content.decode()


def test_body_over_the_limit_is_413_before_parsing(client, hal3):
    _node, token = hal3
    body = HAL3_CSV + "#" * MAX_REPORT_BYTES
    response = post(client, body, token)
    assert response.status_code == 413
    assert f"larger than {MAX_REPORT_BYTES} bytes" in response.content.decode()
    assert not Gpu.objects.exists()


def test_declared_length_over_the_limit_is_413(client, hal3):
    _node, token = hal3
    response = post(client, HAL3_CSV, token, CONTENT_LENGTH=str(MAX_REPORT_BYTES + 1))
    assert response.status_code == 413


def test_too_frequent_report_is_429_and_stores_nothing(client, hal3):
    _node, token = hal3
    assert post(client, HAL3_CSV, token).status_code == 200
    before = stored()
    response = post(client, HAL3_CSV.replace("8803 MiB", "1 MiB"), token)
    assert response.status_code == 429
    assert response["Retry-After"] == str(MIN_SECONDS_BETWEEN_REPORTS)
    assert stored() == before


def test_rate_limit_lives_in_the_database_not_the_process(client, hal3):
    node, token = hal3
    GpuNode.objects.filter(pk=node.pk).update(last_report_at=timezone.now())
    assert post(client, HAL3_CSV, token).status_code == 429
    GpuNode.objects.filter(pk=node.pk).update(
        last_report_at=timezone.now() - timedelta(seconds=MIN_SECONDS_BETWEEN_REPORTS + 1)
    )
    assert post(client, HAL3_CSV, token).status_code == 200


def test_get_is_refused(client):
    assert client.get("/gpus/report").status_code == 405


def test_report_never_touches_another_node(client, hal3):
    node, token = hal3
    other, _other_token = register_node(name="hal4")
    ingest_report(node=other, report=parse_report(HAL3_CSV), now=timezone.now())
    other_before = list(Gpu.objects.filter(node=other).values())
    assert post(client, HAL3_CSV.replace("8803 MiB", "1 MiB"), token).status_code == 200
    assert list(Gpu.objects.filter(node=other).values()) == other_before
    assert node.gpus.get(index=0).memory_used_mib == 1


def test_history_older_than_24_hours_is_pruned_on_report(hal3):
    node, _token = hal3
    now = timezone.now()
    ingest_report(node=node, report=parse_report(HAL3_CSV), now=now - HISTORY - timedelta(hours=1))
    assert GpuSample.objects.count() == 4
    ingest_report(node=node, report=parse_report(HAL3_CSV), now=now)
    assert GpuSample.objects.count() == 4
    assert GpuSample.objects.filter(bucket__lt=now - HISTORY).count() == 0


def test_gpu_absent_for_24_hours_leaves_the_board(hal3):
    node, _token = hal3
    now = timezone.now()
    ingest_report(node=node, report=parse_report(HAL3_CSV), now=now - HISTORY - timedelta(hours=1))
    two_gpus = "\n".join(HAL3_CSV.splitlines()[:3])
    ingest_report(node=node, report=parse_report(two_gpus), now=now)
    assert sorted(node.gpus.values_list("index", flat=True)) == [0, 1]


def test_history_stays_bounded_over_a_day_of_reports(hal3):
    node, _token = hal3
    start = timezone.now() - timedelta(hours=30)
    report = parse_report(HAL3_CSV)
    for step in range(0, 30 * 60, 15):  # a report every 15 minutes for 30 hours
        ingest_report(node=node, report=report, now=start + timedelta(minutes=step))
    # 4 GPUs x at most one row per 5-minute bucket over 24 h, reports every 15 min: 4 x 97.
    assert GpuSample.objects.count() <= 4 * 97
