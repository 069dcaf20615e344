"""Holders, idle holds, MIG and a week of load through the database and the pages,
for each role; and every out-of-range number refused with 400 on both databases."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone

from kb.gpus.parsing import (
    GPU_LIST_MARKER,
    OWNERS_MARKER,
    PROCESSES_MARKER,
    SLURM_JOBS_MARKER,
    SLURM_NODE_MARKER,
    parse_report,
)
from kb.models import ClusterLogin, Gpu, GpuBoardSettings, GpuLoadHour, GpuNode, GpuSample
from kb.services.gpus import LOAD_HISTORY, ingest_report, register_node
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def text(name):
    return (FIXTURES / name).read_text()


HAL3_CSV = text("nvidia_smi/hal3_rtx2080ti-x4_418.56.csv")
HELD = (
    HAL3_CSV
    + f"{PROCESSES_MARKER}\n{text('nvidia_smi/hal3_rtx2080ti-x4_418.56_compute-apps.csv')}"
    + f"{OWNERS_MARKER}\n{text('nvidia_smi/hal3_process-owners.txt')}"
)
# GPU 2 allocated by Slurm with no process: akone's job is the one left over.
RESERVED = (
    HAL3_CSV
    + f"{PROCESSES_MARKER}\ngpu_uuid, pid, used_gpu_memory [MiB]\n"
    + "GPU-5f3c1a2e-8b4d-4e61-9a7c-2d1e0f9b3a41, 369237, 8793 MiB\n"
    + f"{OWNERS_MARKER}\n369237 mlefevre 5400\n"
    + f"{SLURM_NODE_MARKER}\n{text('slurm/node_19.05_typed.txt')}"
    + f"{SLURM_JOBS_MARKER}\n{text('slurm/jobs_19.05.txt')}"
)
H100 = (
    text("nvidia_smi/h100-mig_590.48_idle.csv")
    + f"{GPU_LIST_MARKER}\n{text('nvidia_smi/h100-mig_590.48_list.txt')}"
)


@pytest.fixture
def hal3():
    return register_node(name="hal3")


def ingest(node, body, minutes_ago=0):
    now = timezone.now() - timedelta(minutes=minutes_ago)
    return ingest_report(node=node, report=parse_report(body), now=now)


def post(client, body, token, **extra):
    return client.post(
        "/gpus/report",
        data=body.encode() if isinstance(body, str) else body,
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
        **extra,
    )


def stored():
    return (
        list(Gpu.objects.order_by("pk").values()),
        list(GpuSample.objects.order_by("pk").values()),
        list(GpuLoadHour.objects.order_by("pk").values()),
        list(GpuNode.objects.order_by("pk").values("name", "last_report_at")),
    )


# Intake: out-of-range numbers are 400 with the reason, and store nothing.

OUT_OF_RANGE = [
    (
        "index, memory.used [MiB]\n0, 99999999999999999999999999 MiB\n",
        "memory.used is out of range",
    ),
    (f"index, memory.used [MiB]\n0, {2**63} MiB\n", "memory.used is out of range"),
    ("index, memory.used [MiB]\n0, 3000000000 MiB\n", "memory.used is out of range"),
    ("index, memory.used [MiB]\n0, " + "9" * 400 + "\n", "memory.used is out of range"),
    ("index, uuid\n99999999999999999999, GPU-a\n", "index is out of range"),
    ("index, uuid\n40000, GPU-a\n", "index is out of range"),
    ("index, temperature.gpu\n0, 70000\n", "temperature.gpu is out of range"),
    ("index, power.draw [W]\n0, 1e9 W\n", "power.draw is not a number"),
    ("index, power.draw [W]\n0, 99999999 W\n", "power.draw is out of range"),
    ("index, utilization.gpu [%]\n0, 99999999999999999999 %\n", "utilization.gpu is out of"),
    (f"index, uuid\n0, GPU-a\n{PROCESSES_MARKER}\nGPU-a, 99999999999, 3\n", "pid is out of range"),
    (
        f"index, uuid\n0, GPU-a\n{PROCESSES_MARKER}\nGPU-a, 12, 3000000000\n",
        "used_memory is out of range",
    ),
    (
        "<nvidia_smi_log><gpu><fb_memory_usage><used>3000000000 MiB</used></fb_memory_usage>"
        "</gpu></nvidia_smi_log>",
        "used is out of range",
    ),
]


@pytest.mark.parametrize(("body", "reason"), OUT_OF_RANGE)
def test_out_of_range_numbers_are_400_and_store_nothing(client, hal3, body, reason):
    _node, token = hal3
    before = stored()
    response = post(client, body, token)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert stored() == before


def test_largest_accepted_values_store_on_this_database(client, hal3):
    node, token = hal3
    body = (
        "index, uuid, memory.used [MiB], memory.total [MiB], temperature.gpu, power.draw [W]\n"
        "1023, GPU-a, 16777216 MiB, 16777216 MiB, 250, 100000 W\n"
        f"{PROCESSES_MARKER}\nGPU-a, 2147483647, 16777216\n"
        f"{OWNERS_MARKER}\n2147483647 alice 3153600000\n"
    )
    assert post(client, body, token).status_code == 200
    gpu = node.gpus.get()
    assert (gpu.index, gpu.memory_used_mib, gpu.holders) == (1023, 16777216, "alice")


def test_chunked_body_is_read(client, hal3):
    node, token = hal3
    # What gunicorn hands Django for a chunked request: no Content-Length, decoded stream.
    response = client.generic(
        "POST",
        "/gpus/report",
        b"",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_TRANSFER_ENCODING="chunked",
        HTTP_ACCEPT_LANGUAGE="en",
        **{"wsgi.input": io.BytesIO(HAL3_CSV.encode())},
    )
    assert response.status_code == 200, response.content
    assert node.gpus.count() == 4


def test_chunked_body_over_the_limit_is_413(client, hal3):
    _node, token = hal3
    response = client.generic(
        "POST",
        "/gpus/report",
        b"",
        content_type="text/plain",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": io.BytesIO(b"#" * (2 * 1024 * 1024))},
    )
    assert response.status_code == 413
    assert not Gpu.objects.exists()


# Holders, reservations, MIG.


def test_report_stores_holders_and_since_when(hal3):
    node, _token = hal3
    ingest(node, HELD)
    gpus = {gpu.index: gpu for gpu in node.gpus.all()}
    assert gpus[0].holders == "mlefevre"
    assert gpus[3].holder_logins == ["akone", "mlefevre"]
    held_for = timezone.now() - gpus[0].held_since
    assert timedelta(minutes=89) < held_for < timedelta(minutes=91)


def test_slurm_reserved_card_shows_reserved_with_its_holder(client, member_client, hal3):
    node, _token = hal3
    ingest(node, RESERVED)
    gpu2 = node.gpus.get(index=2)
    assert gpu2.reserved and gpu2.holders == "akone"
    page = member_client.get("/en/gpus/").content.decode()
    assert "reserved by akone" in page and "no process" in page
    assert "1 reserved" in page


def test_readers_see_states_only(client, hal3):
    node, _token = hal3
    ingest(node, RESERVED)
    page = client.get("/en/gpus/").content.decode()
    assert "reserved" in page
    assert "mlefevre" not in page and "akone" not in page
    assert "Held by" not in page
    fragment = client.get("/en/gpus/fragment/").content.decode()
    assert "mlefevre" not in fragment


def test_members_see_logins_and_durations(member_client, hal3):
    node, _token = hal3
    ingest(node, HELD)
    page = member_client.get("/en/gpus/").content.decode()
    assert "mlefevre" in page and "akone, mlefevre" in page
    assert "since " in page
    assert "idle hold" not in page  # the coordinators' list


def test_mig_card_with_no_utilisation_is_never_free(member_client, hal3):
    node, _token = hal3
    ingest(node, H100)
    gpu = node.gpus.get()
    assert gpu.mig_enabled and [d["profile"] for d in gpu.mig_devices][:2] == ["3g.40gb", "2g.20gb"]
    page = member_client.get("/en/gpus/").content.decode()
    assert "0 of 1 GPU free" in page
    assert "gpu-row-unknown" in page and "3g.40gb" in page


def test_mig_card_with_processes_is_busy(member_client, hal3):
    node, _token = hal3
    body = text("nvidia_smi/h100-mig_590.48.csv") + (
        f"{PROCESSES_MARKER}\n{text('nvidia_smi/h100-mig_590.48_compute-apps.csv')}"
    )
    ingest(node, body)
    assert "gpu-row-busy" in member_client.get("/en/gpus/").content.decode()


# Idle holds.


def test_idle_hold_is_flagged_after_the_coordinators_duration(coordinator_client, hal3):
    node, _token = hal3
    GpuBoardSettings.objects.create(pk=1, idle_after_minutes=30)
    ingest(node, HELD, minutes_ago=40)
    ingest(node, HELD)
    gpu0 = node.gpus.get(index=0)
    assert timezone.now() - gpu0.idle_since > timedelta(minutes=39)
    page = coordinator_client.get("/en/gpus/").content.decode()
    # 0 % on every card; 0, 3 hold memory over 1024 MiB; 1, 2 hold 247 MiB only.
    assert "2 idle holds" in page
    assert "idle since" in page
    assert "<strong>hal3 GPU 0</strong>:" in page
    french = coordinator_client.get("/gpus/").content.decode()
    assert "<strong>hal3 GPU 0</strong>\u202f:" in french  # the colon not alone on a line


def test_idle_hold_ends_when_the_card_computes(hal3):
    node, _token = hal3
    ingest(node, HELD, minutes_ago=40)
    ingest(node, HELD.replace("8803 MiB, 10989 MiB, 0 %", "8803 MiB, 10989 MiB, 97 %"))
    assert node.gpus.get(index=0).idle_since is None
    assert node.gpus.get(index=3).idle_since is not None


def test_members_do_not_get_the_idle_list(member_client, hal3):
    node, _token = hal3
    ingest(node, HELD, minutes_ago=120)
    ingest(node, HELD)
    page = member_client.get("/en/gpus/").content.decode()
    assert "idle holds" not in page
    assert "idle since" in page  # the flag on the card itself


def test_idle_email_is_off_by_default(hal3, django_capture_on_commit_callbacks):
    node, _token = hal3
    ClusterLogin.objects.create(user=UserFactory(), login="mlefevre")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(node, HELD, minutes_ago=120)
        ingest(node, HELD)
    assert mail.outbox == []


def test_idle_email_once_per_hold_to_linked_holders_only(hal3, django_capture_on_commit_callbacks):
    node, _token = hal3
    GpuBoardSettings.objects.create(pk=1, email_idle_holders=True)
    holder = UserFactory(email="m.lefevre@ipsl.fr")
    ClusterLogin.objects.create(user=holder, login="mlefevre")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(node, HELD, minutes_ago=120)
        ingest(node, HELD, minutes_ago=1)
        ingest(node, HELD)
    # GPUs 0 and 3 are idle holds of mlefevre (akone has no linked login): one email each.
    assert sorted(message.to[0] for message in mail.outbox) == ["m.lefevre@ipsl.fr"] * 2
    assert "GPU 0 of hal3" in mail.outbox[0].subject or "GPU 0 de hal3" in mail.outbox[0].subject
    assert "/docs/cluster/bonnes-pratiques" in mail.outbox[0].body
    assert node.gpus.get(index=0).idle_notified_at is not None


GPU0_UUID = "GPU-5f3c1a2e-8b4d-4e61-9a7c-2d1e0f9b3a41"


def held_by(login, seconds):
    """hal3 with GPU 0 held by one process of `login`, running for `seconds`."""
    return (
        HAL3_CSV
        + f"{PROCESSES_MARKER}\ngpu_uuid, pid, used_gpu_memory [MiB]\n"
        + f"{GPU0_UUID}, 4242, 8793 MiB\n"
        + f"{OWNERS_MARKER}\n4242 {login} {seconds}\n"
    )


def test_a_new_holder_starts_a_fresh_idle_hold(coordinator_client, hal3):
    node, _token = hal3
    ingest(node, held_by("mlefevre", 600), minutes_ago=120)
    ingest(node, held_by("mlefevre", 4200), minutes_ago=60)
    # jdupont's process is older than the last report says (ps and nvidia-smi disagree):
    # still, jdupont's hold began when the board first saw it.
    ingest(node, held_by("jdupont", 7200), minutes_ago=10)
    ingest(node, held_by("jdupont", 7800))
    gpu0 = node.gpus.get(index=0)
    assert gpu0.holders == "jdupont"
    assert timezone.now() - gpu0.idle_since < timedelta(minutes=11)
    page = coordinator_client.get("/en/gpus/").content.decode()
    assert "hal3 GPU 0</strong>" not in page  # not in the idle holds list


def test_an_idle_hold_never_starts_before_the_hold(member_client, hal3):
    """The auditor's case: "reserved by demo-yann since 14:21 — idle since 13:05"."""
    node, _token = hal3
    GpuBoardSettings.objects.create(pk=1, idle_after_minutes=30)
    # mlefevre's first job ran idle from two hours ago; a new one started 40 minutes ago.
    ingest(node, held_by("mlefevre", 60), minutes_ago=120)
    ingest(node, held_by("mlefevre", 60), minutes_ago=41)
    ingest(node, held_by("mlefevre", 40 * 60))
    gpu0 = node.gpus.get(index=0)
    assert gpu0.idle_since >= gpu0.held_since
    assert timedelta(minutes=39) < timezone.now() - gpu0.idle_since < timedelta(minutes=41)
    page = member_client.get("/en/gpus/").content.decode()
    since = timezone.localtime(gpu0.held_since).strftime("%H:%M")
    assert f"since {since}" in page
    assert f"idle since {since}" in page


def test_the_next_holder_is_emailed_though_the_previous_one_was(
    hal3, django_capture_on_commit_callbacks
):
    node, _token = hal3
    GpuBoardSettings.objects.create(pk=1, email_idle_holders=True)
    ClusterLogin.objects.create(user=UserFactory(email="m.lefevre@ipsl.fr"), login="mlefevre")
    ClusterLogin.objects.create(user=UserFactory(email="j.dupont@ipsl.fr"), login="jdupont")
    with django_capture_on_commit_callbacks(execute=True):
        ingest(node, held_by("mlefevre", 7200), minutes_ago=130)
        ingest(node, held_by("mlefevre", 7200 + 60 * 60), minutes_ago=70)
        ingest(node, held_by("jdupont", 0), minutes_ago=65)
        ingest(node, held_by("jdupont", 65 * 60))
    assert [message.to for message in mail.outbox] == [
        ["m.lefevre@ipsl.fr"],
        ["j.dupont@ipsl.fr"],
    ]
    assert node.gpus.get(index=0).idle_notified_at is not None


# A week of load.


def test_load_hours_count_taken_cards_and_stay_bounded(hal3):
    node, _token = hal3
    ingest(node, HELD, minutes_ago=8 * 24 * 60)
    ingest(node, HELD, minutes_ago=30)
    ingest(node, HAL3_CSV)
    hours = GpuLoadHour.objects.filter(node=node)
    assert not hours.filter(hour__lt=timezone.now() - LOAD_HISTORY).exists()
    assert sum(hours.values_list("report_count", flat=True)) == 2
    # HELD: four cards with processes, all taken; HAL3_CSV alone: two over 1024 MiB.
    assert sum(hours.values_list("busy_sum", flat=True)) == 6


def test_week_page_for_members_with_a_heat_map_and_its_table(
    member_client, hal3, django_assert_num_queries
):
    node, _token = hal3
    ingest(node, HELD)
    with django_assert_num_queries(3):  # session, user, the hours
        response = member_client.get("/en/gpus/week/")
    page = response.content.decode()
    # Drawn on the server: the hour's cell is there, its figures in its tooltip, and the
    # page loads no chart script, so it needs no inline styles either.
    hour = timezone.localtime().strftime("%Hh")
    assert '<svg class="gpu-week-map"' in page and f"at {hour}: 4.0 taken cards</title>" in page
    assert "plotly" not in page and "survey-charts.js" not in page
    assert "Data table" in page and "4.0" in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_week_page_needs_an_account(client):
    response = client.get("/en/gpus/week/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_week_page_without_reports_says_so(coordinator_client):
    page = coordinator_client.get("/en/gpus/week/").content.decode()
    assert "No report in the last 7 days yet." in page and "gpu-week-map" not in page


# The cluster login link.


def test_member_links_changes_and_unlinks_their_cluster_login(member_client, member):
    response = member_client.post("/en/accounts/cluster-login/", {"login": " MLefevre "})
    assert response.status_code == 302
    assert ClusterLogin.objects.get(user=member).login == "mlefevre"
    member_client.post("/en/accounts/cluster-login/", {"login": "mlef"})
    assert ClusterLogin.objects.get(user=member).login == "mlef"
    member_client.post("/en/accounts/cluster-login/", {"unlink": "1"})
    assert not ClusterLogin.objects.filter(user=member).exists()


def test_a_login_linked_by_someone_else_is_refused(member_client):
    ClusterLogin.objects.create(user=UserFactory(), login="mlefevre")
    response = member_client.post("/en/accounts/cluster-login/", {"login": "mlefevre"})
    assert response.status_code == 200
    assert "Another account has linked this login" in response.content.decode()


@pytest.mark.parametrize("login", ["", "root;rm", "x" * 40, "Ünïcode"])
def test_bad_cluster_logins_are_form_errors(member_client, member, login):
    response = member_client.post("/en/accounts/cluster-login/", {"login": login})
    assert response.status_code == 200
    assert not ClusterLogin.objects.filter(user=member).exists()


def test_cluster_login_page_needs_an_account(client):
    assert client.get("/en/accounts/cluster-login/").status_code == 302


# The board's query count does not grow with the cards.


@pytest.mark.parametrize("nodes", [1, 4])
def test_board_queries_are_fixed_for_every_role(
    coordinator_client, nodes, django_assert_num_queries
):
    for number in range(nodes):
        node, _token = register_node(name=f"hal{number}")
        ingest(node, HELD)
    # Session, user with their role, settings, nodes, GPUs, samples.
    with django_assert_num_queries(6):
        coordinator_client.get("/en/gpus/")
