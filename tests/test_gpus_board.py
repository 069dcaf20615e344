"""The board as readers see it, the coordinators' pages, the gpunode command, the states."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.template import Context, Template
from django.utils import timezone, translation

from kb.gpus.parsing import parse_report
from kb.gpus.state import BUSY, FREE, UNKNOWN, Thresholds, bucket_start, gpu_state, sparkline
from kb.models import Gpu, GpuBoardSettings, GpuNode, GpuSample
from kb.seed.gpus import create_demo_gpu_nodes
from kb.services.gpus import hash_token, ingest_report, register_node, revoke_token
from tests.factories import CoordinatorFactory, UserFactory

FIXTURES = Path(__file__).parent / "fixtures" / "nvidia_smi"
HAL3_CSV = (FIXTURES / "hal3_rtx2080ti-x4_418.56.csv").read_text()
TWO_GPUS = (FIXTURES / "rtx2080ti-x2_440.33_noheader_units.csv").read_text()


# --- states (pure) ---


def state(memory=100, utilization=0, in_last_report=True, silent=False, **thresholds):
    return gpu_state(
        memory_used_mib=memory,
        utilization_percent=utilization,
        in_last_report=in_last_report,
        node_silent=silent,
        thresholds=Thresholds(**thresholds),
    )


def test_state_free_below_both_thresholds():
    assert state(memory=1023, utilization=9) == FREE


def test_state_busy_on_memory_or_utilization():
    assert state(memory=1024, utilization=0) == BUSY
    assert state(memory=0, utilization=10) == BUSY
    assert state(memory=8803, utilization=0, free_memory_below_mib=9000) == FREE


def test_state_without_utilization_decides_on_memory():
    assert state(memory=37, utilization=None) == FREE


def test_state_unknown_when_silent_missing_or_memory_unknown():
    assert state(silent=True) == UNKNOWN
    assert state(in_last_report=False) == UNKNOWN
    assert state(memory=None) == UNKNOWN


def test_sparkline_breaks_at_gaps_and_summarises():
    since = datetime(2025, 1, 1, tzinfo=UTC)
    step = timedelta(minutes=5)
    samples = [
        (since, 500, 10.0),
        (since + step, 1000, 30.0),
        (since + 5 * step, 250, None),
    ]
    line = sparkline(samples=samples, memory_total_mib=1000, since=since, bucket=step, slots=288)
    assert line.memory == ("0,50 1,0", "5,75 6,75")
    assert line.utilization == ("0,90 1,70",)
    assert (line.peak_memory_percent, line.mean_utilization_percent) == (100, 20)


def test_bucket_start_aligns_on_five_minutes():
    moment = datetime(2025, 1, 1, 10, 7, 31, tzinfo=UTC)
    assert bucket_start(moment, timedelta(minutes=5)) == moment.replace(minute=5, second=0)


# --- the board ---

pytestmark = pytest.mark.django_db


def report(node, body, minutes_ago=0):
    ingest_report(
        node=node,
        report=parse_report(body),
        now=timezone.now() - timedelta(minutes=minutes_ago),
    )


def test_board_shows_cards_states_and_summary(client):
    hal3, _ = register_node(name="hal3", description_en="The talk's node")
    report(hal3, HAL3_CSV)
    page = client.get("/en/gpus/?view=cards").content.decode()
    assert "2 of 4 GPUs free" in page  # 8803 and 1918 MiB busy, 247 MiB free (1024 threshold)
    assert "hal3" in page and "The talk&#x27;s node" in page
    assert page.count('class="gpu gpu-busy"') == 2
    assert page.count('class="gpu gpu-free"') == 2  # GPUs 1 and 2
    assert "8,803 / 10,989 MiB" in page
    assert "31 °C" in page
    assert "last report less than a minute ago" in page
    assert '<rect class="gpu-bar-fill" width="80" height="10"/>' in page


@pytest.mark.parametrize(("prefix", "percent"), [("/en", "97%"), ("", "97\u00a0%")])
def test_board_writes_percentages_as_the_language_does(client, prefix, percent):
    hal3, _ = register_node(name="hal3")
    report(hal3, HAL3_CSV.replace("10989 MiB, 0 %", "10989 MiB, 97 %", 1))
    for view in ("cards", "table"):
        page = client.get(f"{prefix}/gpus/?view={view}").content.decode()
        assert f">{percent}</" in page, view  # GPU 0's utilisation
        assert f"{percent.replace('97', '10')}." in page  # the free threshold, explained
    assert f"<span>{percent.replace('97', '100')}</span>" in page  # the table's history scale


@pytest.mark.parametrize(
    ("prefix", "counts", "memory", "legend"),
    [
        ("/en", "(1 busy, 0 reserved, 0 unknown)", "8,803 / 10,989 MiB", "less than 1,024 MiB"),
        (
            "",
            "(1 occupée, 0 réservée, 0 inconnue)",
            "8\u00a0803 / 10\u00a0989 Mio",
            "moins de 1\u00a0024 Mio",
        ),
    ],
)
def test_board_counts_and_memory_read_as_the_language_writes_them(
    client, prefix, counts, memory, legend
):
    hal3, _ = register_node(name="hal3")
    report(hal3, HAL3_CSV.replace("1918 MiB", "247 MiB"))  # GPU 0 busy, the others free
    for view in ("cards", "table"):
        page = client.get(f"{prefix}/gpus/?view={view}").content.decode()
        assert counts in page, view
        assert memory in page, view
        assert legend in page, view


def test_board_counts_in_french_take_the_plural_above_one(client):
    hal1, _ = register_node(name="hal1")
    report(hal1, TWO_GPUS, minutes_ago=7)
    assert "(0 occupée, 0 réservée, 2 inconnues)" in client.get("/gpus/").content.decode()


def test_mig_instances_memory_reads_as_the_language_writes_it():
    template = Template('{% include "kb/gpus/_mig.html" %}')
    gpu = Gpu(
        mig_enabled=True,
        mig_devices=[
            {"index": 0, "profile": "3g.40gb", "memory_used_mib": 1500, "memory_total_mib": 40192}
        ],
    )
    for language, written in (
        ("en", "3g.40gb 1,500 / 40,192 MiB"),
        ("fr", "3g.40gb 1\u00a0500 / 40\u00a0192 Mio"),
    ):
        with translation.override(language):
            assert written in template.render(Context({"item": {"gpu": gpu}}))


def test_a_figure_the_node_did_not_give_reads_as_a_dash():
    template = Template("{% load numbers %}{{ given|percent }} {{ missing|percent }}")
    for language, written in (("en", "2.5%"), ("fr", "2,5\u00a0%")):
        with translation.override(language):
            assert template.render(Context({"given": 2.5, "missing": None})) == f"{written} —"


def test_board_marks_a_silent_node_unknown_with_its_age(client):
    hal1, _ = register_node(name="hal1")
    report(hal1, TWO_GPUS, minutes_ago=7)
    page = client.get("/en/gpus/?view=cards").content.decode()
    assert "0 of 2 GPUs free" in page
    assert "(0 busy, 0 reserved, 2 unknown)" in page
    assert "Not reporting:" in page
    assert "last report 7\xa0minutes ago" in page


def test_board_thresholds_come_from_the_settings(client):
    hal3, _ = register_node(name="hal3")
    report(hal3, HAL3_CSV)
    GpuBoardSettings.objects.create(pk=1, free_memory_below_mib=9000)
    assert "4 of 4 GPUs free" in client.get("/en/gpus/").content.decode()


def test_board_without_nodes_says_so(client):
    page = client.get("/en/gpus/").content.decode()
    assert "0 of 0 GPUs free" in page
    assert "No node is registered yet" in page


def test_board_in_french_and_in_the_menu(client):
    page = client.get("/gpus/").content.decode()
    assert '<html lang="fr">' in page
    assert "Quelle carte GPU est libre" in page
    assert 'href="/gpus/" aria-current="page"' in page


def test_board_has_no_inline_script_and_loads_its_js_and_css(client):
    page = client.get("/en/gpus/").content.decode()
    assert '<script src="/static/js/gpus.js" defer></script>' in page
    assert "/static/css/gpus.css" in page
    assert "<script>" not in page and "style=" not in page
    assert 'data-refresh-url="/en/gpus/fragment/"' in page
    assert 'href="/static/gpus/espri-gpu-report.sh" download' in page


def test_fragment_is_the_board_alone(client):
    hal3, _ = register_node(name="hal3")
    report(hal3, HAL3_CSV)
    response = client.get("/en/gpus/fragment/")
    page = response.content.decode()
    assert "2 of 4 GPUs free" in page
    assert "<html" not in page and "<header" not in page
    assert "no-cache" in response["Cache-Control"]


def test_board_history_draws_the_last_day(client):
    hal3, _ = register_node(name="hal3")
    report(hal3, HAL3_CSV, minutes_ago=60)
    report(hal3, HAL3_CSV)
    page = client.get("/en/gpus/").content.decode()
    assert page.count('<polyline class="gpu-history-memory"') == 8  # two dashes per GPU
    assert "memory peak 80" in page


def make_nodes(count):
    for number in range(count):
        node, _ = register_node(name=f"node{number}")
        report(node, HAL3_CSV)


@pytest.mark.parametrize("count", [1, 6])
def test_board_query_count_is_fixed(client, django_assert_num_queries, count):
    make_nodes(count)
    # settings, nodes, their GPUs, the history
    with django_assert_num_queries(4):
        assert client.get("/en/gpus/").status_code == 200
    with django_assert_num_queries(4):
        assert client.get("/en/gpus/fragment/").status_code == 200


@pytest.mark.parametrize("count", [1, 6])
def test_nodes_page_query_count_is_fixed(coordinator_client, django_assert_num_queries, count):
    make_nodes(count)
    # session, user with their role, nodes
    with django_assert_num_queries(3):
        assert coordinator_client.get("/en/gpus/nodes/").status_code == 200


# --- coordinators' pages ---

# (path, anonymous, member, coordinator); 302 means "to the login page".
ACCESS_RULES = [
    ("/gpus/", 200, 200, 200),
    ("/gpus/fragment/", 200, 200, 200),
    ("/gpus/nodes/", 302, 403, 200),
    ("/gpus/nodes/add/", 302, 403, 200),
    ("/gpus/settings/", 302, 403, 200),
    ("/gpus/nodes/hal3/delete/", 302, 403, 200),
    ("/gpus/nodes/hal3/rotate/", 302, 403, 200),
    ("/gpus/nodes/hal3/revoke/", 302, 403, 200),
]


@pytest.mark.parametrize(("path", "anonymous", "as_member", "as_coordinator"), ACCESS_RULES)
def test_gpu_pages_access_by_role(client, path, anonymous, as_member, as_coordinator):
    register_node(name="hal3")
    response = client.get(path)
    assert response.status_code == anonymous
    if anonymous == 302:
        assert response["Location"].startswith("/accounts/login/")
    client.force_login(UserFactory())
    assert client.get(path).status_code == as_member
    client.force_login(CoordinatorFactory())
    assert client.get(path).status_code == as_coordinator


@pytest.mark.parametrize("action", ["rotate", "revoke", "delete"])
def test_member_cannot_change_nodes(member_client, action):
    node, _ = register_node(name="hal3")
    response = member_client.post(f"/en/gpus/nodes/hal3/{action}/")
    assert response.status_code == 403
    assert GpuNode.objects.get().token_hash == node.token_hash


def test_coordinator_adds_a_node_and_sees_its_token_once(coordinator_client):
    response = coordinator_client.post(
        "/en/gpus/nodes/add/",
        {"name": "HAL2", "description_fr": "", "description_en": "second node"},
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    node = GpuNode.objects.get()
    assert (node.name, node.description) == ("hal2", "second node")
    token = response.context["token"]
    assert node.token_hash == hash_token(token)
    page = response.content.decode()
    assert f'value="{token}"' in page
    assert f"ESPRI_GPU_TOKEN={token}" in page
    assert "ESPRI_GPU_URL=http://testserver/gpus/report" in page
    assert token not in coordinator_client.get("/en/gpus/nodes/").content.decode()


def test_coordinator_add_refuses_bad_and_duplicate_names(coordinator_client):
    register_node(name="hal1")
    response = coordinator_client.post("/en/gpus/nodes/add/", {"name": "hal1"})
    assert "A node with this name is already registered." in response.content.decode()
    response = coordinator_client.post("/en/gpus/nodes/add/", {"name": "hal 1!"})
    assert "Use a host name" in response.content.decode()
    assert GpuNode.objects.count() == 1


def test_coordinator_rotates_revokes_and_removes(coordinator_client, client):
    node, old_token = register_node(name="hal3")
    response = coordinator_client.post("/en/gpus/nodes/hal3/rotate/")
    new_token = response.context["token"]
    assert new_token != old_token
    node.refresh_from_db()
    assert node.token_hash == hash_token(new_token)

    response = coordinator_client.post("/en/gpus/nodes/hal3/revoke/", follow=True)
    assert "The token of hal3 is revoked" in response.content.decode()
    node.refresh_from_db()
    assert node.token_hash == ""

    report(node, HAL3_CSV)
    coordinator_client.post("/en/gpus/nodes/hal3/delete/")
    assert not GpuNode.objects.exists()
    assert not Gpu.objects.exists() and not GpuSample.objects.exists()


@pytest.mark.parametrize(
    ("action", "english", "french"),
    [
        (
            "revoke",
            ["Revoke the token of hal3", "its reports are refused", "Revoke token"],
            ["Révoquer le jeton de hal3", "ses rapports sont refusés", "Révoquer le jeton"],
        ),
        (
            "rotate",
            ["Rotate the token of hal3", "Its current token stops working", "Rotate token"],
            ["Renouveler le jeton de hal3", "Son jeton actuel cesse", "Renouveler le jeton"],
        ),
    ],
)
def test_token_changes_ask_first_and_change_nothing(coordinator_client, action, english, french):
    node, token = register_node(name="hal3")
    nodes_page = coordinator_client.get("/en/gpus/nodes/").content.decode()
    assert f'href="/en/gpus/nodes/hal3/{action}/"' in nodes_page  # a link, not a form
    for prefix, words in (("/en", english), ("", french)):
        response = coordinator_client.get(f"{prefix}/gpus/nodes/hal3/{action}/")
        page = response.content.decode()
        assert response.status_code == 200
        for word in words:
            assert word in page
        assert '<form class="form" method="post">' in page
        assert f'href="{prefix}/gpus/nodes/"' in page  # Cancel
    node.refresh_from_db()
    assert node.token_hash == hash_token(token)


def test_a_revoked_node_gets_a_new_token_in_one_click(coordinator_client):
    node, _token = register_node(name="hal3")
    revoke_token(node=node)
    nodes_page = coordinator_client.get("/en/gpus/nodes/").content.decode()
    assert 'action="/en/gpus/nodes/hal3/rotate/"' in nodes_page
    assert "/en/gpus/nodes/hal3/revoke/" not in nodes_page
    response = coordinator_client.post("/en/gpus/nodes/hal3/rotate/")
    node.refresh_from_db()
    assert node.token_hash == hash_token(response.context["token"])


def test_coordinator_edits_thresholds(coordinator_client):
    response = coordinator_client.post(
        "/en/gpus/settings/",
        {
            "free_memory_below_mib": 2048,
            "free_utilization_below_percent": 5,
            "report_interval_seconds": 60,
            "missed_reports_before_unknown": 2,
            "idle_after_minutes": 90,
        },
    )
    assert response.status_code == 302
    settings = GpuBoardSettings.load()
    assert settings.thresholds() == Thresholds(2048, 5, 60, 2, 90)
    assert not settings.email_idle_holders


def test_thresholds_refuse_nonsense(coordinator_client):
    response = coordinator_client.post(
        "/en/gpus/settings/",
        {
            "free_memory_below_mib": 0,
            "free_utilization_below_percent": 5,
            "report_interval_seconds": 1,
            "missed_reports_before_unknown": 2,
            "idle_after_minutes": 90,
        },
    )
    assert response.status_code == 200
    assert not GpuBoardSettings.objects.exists()


def test_coordinators_group_holds_the_gpu_permissions(coordinator):
    assert coordinator.has_perm("kb.add_gpunode")
    assert coordinator.has_perm("kb.change_gpuboardsettings")


# --- the gpunode command ---


def test_gpunode_add_prints_the_token_rotate_revoke_list(capsys):
    call_command("gpunode", "add", "hal1", "--description", "first node")
    token = capsys.readouterr().out.strip()
    node = GpuNode.objects.get(name="hal1")
    assert node.token_hash == hash_token(token)

    call_command("gpunode", "rotate", "hal1")
    new_token = capsys.readouterr().out.strip()
    assert new_token != token
    node.refresh_from_db()
    assert node.token_hash == hash_token(new_token)

    call_command("gpunode", "list")
    assert capsys.readouterr().out.split("\t")[:3] == ["hal1", "token active", "never reported"]

    call_command("gpunode", "revoke", "hal1")
    node.refresh_from_db()
    assert node.token_hash == ""


def test_gpunode_errors_are_clear():
    call_command("gpunode", "add", "hal1")
    with pytest.raises(CommandError, match="exists already"):
        call_command("gpunode", "add", "hal1")
    with pytest.raises(CommandError, match="not a valid node name"):
        call_command("gpunode", "add", "hal_1")
    with pytest.raises(CommandError, match="No node named hal9"):
        call_command("gpunode", "rotate", "hal9")


# --- seed ---


def test_seed_demo_creates_labelled_demo_nodes_once(settings, client):
    settings.DEBUG = True
    call_command("seed", "--demo")
    nodes = list(GpuNode.objects.values_list("name", "is_demo"))
    assert nodes == [("hal1", True), ("hal2", True), ("hal3", True), ("hal4", True)]
    gpus = list(Gpu.objects.order_by("pk").values())
    call_command("seed", "--demo")
    assert Gpu.objects.count() == 8
    assert list(Gpu.objects.order_by("pk").values_list("pk", flat=True)) == [g["id"] for g in gpus]
    page = client.get("/en/gpus/").content.decode()
    # hal2's second card is reserved by a Slurm job with nothing on it.
    assert "2 of 8 GPUs free" in page and "1 reserved" in page
    assert "Demo data" in page


@pytest.mark.parametrize("debug", [True, False])
def test_a_development_servers_board_keeps_the_demo_nodes_reporting(settings, client, debug):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    create_demo_gpu_nodes(now=an_hour_ago)
    real, _token = register_node(name="hal5")
    report(real, TWO_GPUS, minutes_ago=30)
    seeded = dict(GpuNode.objects.values_list("name", "last_report_at"))
    settings.DEBUG = debug
    page = client.get("/en/gpus/").content.decode()
    last = dict(GpuNode.objects.values_list("name", "last_report_at"))
    if debug:
        # Brought up to now, history included; hal4 stays silent 20 minutes, as seeded.
        assert timezone.now() - last["hal1"] < timedelta(seconds=10)
        assert timedelta(minutes=19) < timezone.now() - last["hal4"] < timedelta(minutes=21)
        assert GpuSample.objects.filter(gpu__node__name="hal1", bucket__gt=an_hour_ago).count() > 20
        assert "2 of 10 GPUs free" in page
    else:  # a production server writes nothing on a GET
        assert last == seeded
        assert "0 of 10 GPUs free" in page
    assert timezone.now() - last["hal5"] > timedelta(minutes=29)  # a real node: its own reports


def test_seed_without_demo_creates_no_node(settings):
    settings.DEBUG = False
    call_command("seed")
    assert not GpuNode.objects.exists()


# --- the report script ---


def test_report_script_is_served_as_a_static_file(client):
    response = client.get("/static/gpus/espri-gpu-report.sh")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    response.close()
    assert body.startswith("#!/bin/sh")
    assert "/etc/espri-gpu-report.conf" in body


@pytest.mark.django_db
def test_board_and_docs_link_to_each_other(client, settings):
    from django.core.management import call_command

    call_command("seed")
    board = client.get("/gpus/").content.decode()
    assert 'href="/docs/cluster/gpu/"' in board
    docs = client.get("/docs/cluster/gpu/").content.decode()
    assert 'href="/gpus/"' in docs


def test_nodes_page_title_starts_with_a_capital(coordinator_client):
    page = coordinator_client.get("/gpus/nodes/").content.decode()
    assert "<h1>Nœuds GPU</h1>" in page and "<title>Nœuds GPU" in page
