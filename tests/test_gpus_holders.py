"""Holders, Slurm and MIG from report bodies (plain data, no DB): the fixtures stand for
Slurm 19.05 to 25.05 and an H100 in MIG mode (see tests/fixtures/*/README.md)."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from kb.gpus.holders import holds_by_index
from kb.gpus.load import heat_map, week_load
from kb.gpus.parsing import (
    GPU_LIST_MARKER,
    OWNERS_MARKER,
    PROCESSES_MARKER,
    SLURM_JOBS_MARKER,
    SLURM_NODE_MARKER,
    MigDevice,
    ReportError,
    parse_report,
)
from kb.gpus.slurm import allocated_gpu_indexes, elapsed_seconds, job_gpus, parse_jobs

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def _english():
    # Refusal reasons are written in the active language: these tests read the English.
    with translation.override("en"):
        yield


def text(name):
    return (FIXTURES / name).read_text()


def body(gpus, **sections):
    markers = {
        "processes": PROCESSES_MARKER,
        "owners": OWNERS_MARKER,
        "gpu_list": GPU_LIST_MARKER,
        "slurm_node": SLURM_NODE_MARKER,
        "slurm_jobs": SLURM_JOBS_MARKER,
    }
    parts = [text(gpus)]
    for name, fixture in sections.items():
        parts.append(f"{markers[name]}\n{text(fixture)}")
    return "\n".join(parts)


HAL3 = "nvidia_smi/hal3_rtx2080ti-x4_418.56.csv"
HAL3_APPS = "nvidia_smi/hal3_rtx2080ti-x4_418.56_compute-apps.csv"


@pytest.mark.parametrize(
    ("fixture", "indexes"),
    [
        ("slurm/node_19.05_typed.txt", (0, 2)),
        ("slurm/node_20.11_untyped_null.txt", ()),
        ("slurm/node_23.02_range.txt", (0, 1, 3)),
        ("slurm/node_25.05_no_gresused.txt", ()),
    ],
)
def test_allocated_indexes_across_slurm_versions(fixture, indexes):
    assert allocated_gpu_indexes(text(fixture)) == indexes


@pytest.mark.parametrize(
    ("line", "indexes"),
    [
        ("NodeName=a GresUsed=gpu:2(IDX:0-1)", (0, 1)),
        ("NodeName=a GresUsed=gpu:tesla:1(IDX:3),gpu:rtx:1(IDX:5)", (3, 5)),
        ("NodeName=a GresUsed=gpu:1(IDX:9999999)", ()),
        ("NodeName=a GresUsed=gpu:1(IDX:3-1)", ()),
        ("NodeName=a GresUsed=", ()),
        ("", ()),
        ("garbage with no equals sign", ()),
    ],
)
def test_allocated_indexes_tolerate_odd_values(line, indexes):
    assert allocated_gpu_indexes(line) == indexes


def test_jobs_of_slurm_19_and_23():
    old = parse_jobs(text("slurm/jobs_19.05.txt"))
    assert [(j.job_id, j.user, j.seconds, j.gpus) for j in old] == [
        ("48213", "mlefevre", 5400, 1),
        ("48220", "akone", 95, 1),
        ("48231", "pdurand", 724, 0),
    ]
    new = parse_jobs(text("slurm/jobs_23.02.txt"))
    assert [(j.job_id, j.seconds, j.gpus) for j in new] == [
        ("812_3", 93784, 2),
        ("815", 2710, 1),
        ("816", 180, 0),
        ("817", None, 0),
    ]


@pytest.mark.parametrize(
    ("value", "gpus"),
    [("gpu", 1), ("gpu:2", 2), ("gpu:2080ti", 1), ("gres:gpu:rtx:2,gres:mps:10", 2), ("", 0)],
)
def test_job_gpus(value, gpus):
    assert job_gpus(value) == gpus


def test_elapsed_refuses_junk():
    assert elapsed_seconds("NOT_SET") is None
    assert elapsed_seconds("0:07") == 7


def test_holders_from_process_owners():
    report = parse_report(
        body(HAL3, processes=HAL3_APPS, owners="nvidia_smi/hal3_process-owners.txt")
    )
    holds = holds_by_index(report)
    assert holds[0].logins == ("mlefevre",) and holds[0].seconds == 5400
    assert holds[3].logins == ("akone", "mlefevre") and holds[3].seconds == 5400
    assert not any(hold.reserved for hold in holds.values())


def test_report_without_owners_keeps_processes_but_no_logins():
    holds = holds_by_index(parse_report(body(HAL3, processes=HAL3_APPS)))
    assert holds[0].logins == () and holds[0].has_process


def test_slurm_reserved_card_without_process_goes_to_the_job_left_over():
    apps = "gpu_uuid, pid, used_gpu_memory [MiB]\nGPU-5f3c1a2e-8b4d-4e61-9a7c-2d1e0f9b3a41, 369237, 8793 MiB\n"
    report = parse_report(
        text(HAL3)
        + f"{PROCESSES_MARKER}\n{apps}{OWNERS_MARKER}\n369237 mlefevre 5400\n"
        + f"{SLURM_NODE_MARKER}\n{text('slurm/node_19.05_typed.txt')}"
        + f"{SLURM_JOBS_MARKER}\n{text('slurm/jobs_19.05.txt')}"
    )
    holds = holds_by_index(report)
    assert holds[0] == holds[0].__class__(("mlefevre",), 5400, True, True)
    # GPU 2 is allocated, nothing runs there: akone's job is the one not accounted for.
    assert holds[2].logins == ("akone",) and holds[2].seconds == 95
    assert holds[2].reserved and not holds[2].has_process
    assert 1 not in holds and 3 not in holds


def test_two_candidate_jobs_are_both_named_without_a_duration():
    node = "NodeName=hal3 GresUsed=gpu:2(IDX:0-1)"
    jobs = "1|alice|10:00|gpu:1\n2|bob|20:00|gpu:1\n"
    report = parse_report(text(HAL3) + f"{SLURM_NODE_MARKER}\n{node}\n{SLURM_JOBS_MARKER}\n{jobs}")
    holds = holds_by_index(report)
    assert holds[0].logins == ("alice", "bob") and holds[0].seconds is None


def test_h100_mig_with_profiles_from_the_gpu_list():
    report = parse_report(
        body(
            "nvidia_smi/h100-mig_590.48.csv",
            processes="nvidia_smi/h100-mig_590.48_compute-apps.csv",
            gpu_list="nvidia_smi/h100-mig_590.48_list.txt",
        )
    )
    (gpu,) = report.gpus
    assert gpu.mig_enabled and gpu.utilization_percent is None
    assert [d.profile for d in gpu.mig_devices] == ["3g.40gb", "2g.20gb", "1g.10gb", "1g.10gb"]
    assert report.process_counts() == {gpu.uuid: 2}


def test_xml_mig_devices_carry_their_memory():
    report = parse_report(text("nvidia_smi/a30-mig_535.129_v12.xml"))
    (gpu,) = report.gpus
    assert gpu.mig_enabled
    assert gpu.mig_devices and all(isinstance(d, MigDevice) for d in gpu.mig_devices)
    assert all(d.memory_total_mib for d in gpu.mig_devices)


def test_unknown_sections_are_ignored_for_newer_scripts():
    report = parse_report(text(HAL3) + "# something-new\nwhatever, it, says\n")
    assert len(report.gpus) == 4 and report.owners is None


@pytest.mark.parametrize(
    ("owners", "reason"),
    [
        ("12 alice 5 extra\n", "expected <pid> <login> <seconds>"),
        ("12 al;ce 5\n", "expected <pid> <login> <seconds>"),
        ("12 alice 99999999999999999999999\n", "seconds is out of range"),
        ("99999999999 alice 5\n", "pid is out of range"),
    ],
)
def test_bad_owner_lines_say_why(owners, reason):
    with pytest.raises(ReportError, match=reason):
        parse_report(text(HAL3) + f"{OWNERS_MARKER}\n{owners}")


def test_week_load_adds_nodes_per_local_hour_and_keeps_gaps():
    paris = ZoneInfo("Europe/Paris")
    now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    rows = [
        # Two nodes in the same hour (09:00 UTC = 11:00 in Paris, summer time).
        (datetime(2026, 3, 30, 9, tzinfo=UTC), 20, 40, 10),  # 2 of 4 cards taken on average
        (datetime(2026, 3, 30, 9, tzinfo=UTC), 3, 6, 3),  # 1 of 2
        (datetime(2026, 3, 24, 8, tzinfo=UTC), 4, 4, 2),  # 6 days ago, 09:00 winter time
        (datetime(2026, 3, 30, 10, tzinfo=UTC), 0, 0, 0),  # no report: stays a gap
        (datetime(2026, 3, 20, 9, tzinfo=UTC), 9, 9, 1),  # older than the week: left out
    ]
    load = week_load(rows=rows, now=now, zone=paris)
    assert load.days[-1].isoformat() == "2026-03-30" and len(load.days) == 7
    assert load.rows[-1][11] == 3.0
    assert load.rows[0][9] == 2.0
    assert load.rows[-1][12] is None
    assert (load.peak, load.capacity) == (3.0, 6.0)
    assert load.table()[-1][1][11] == "3.0"


def test_heat_map_colours_hours_up_to_the_most_cards_and_leaves_gaps_blank():
    paris = ZoneInfo("Europe/Paris")
    now = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    rows = [
        (datetime(2026, 3, 30, 9, tzinfo=UTC), 4, 4, 1),  # 11:00 in Paris: all 4 cards taken
        (datetime(2026, 3, 30, 10, tzinfo=UTC), 2, 4, 1),  # 12:00: half of them
        (datetime(2026, 3, 30, 8, tzinfo=UTC), 0, 4, 1),  # 10:00: none, yet a report
    ]
    with translation.override("en"):
        drawn = heat_map(week_load(rows=rows, now=now, zone=paris))
    today = drawn["rows"][-1]
    assert [row["cells"] for row in drawn["rows"][:-1]] == [[]] * 6  # no report: no cell
    by_hour = {(cell["x"] - drawn["left"]) // drawn["cell_width"]: cell for cell in today["cells"]}
    assert sorted(by_hour) == [10, 11, 12]
    assert [by_hour[hour]["fill"] for hour in (10, 12, 11)] == ["#f2f5f7", "#6b9ac4", "#0b3c5d"]
    assert by_hour[11]["title"] == "Mon 30 Mar at 11h: 4.0 taken cards"
    with translation.override("fr"):
        french = heat_map(week_load(rows=rows, now=now, zone=paris))["rows"][-1]
    assert french["cells"][1]["title"].endswith("4,0 cartes prises")
    assert french["label"] == "lun 30 mar"  # French short months in lower case
    assert drawn["legend"]["top"] == "4"
    assert heat_map(week_load(rows=[], now=now, zone=paris)) is None


def test_very_long_numbers_in_optional_sections_never_raise():
    digits = "9" * 5000
    body = (
        f"{text(HAL3)}{GPU_LIST_MARKER}\nGPU {digits}: X\n  MIG 1g.10gb Device {digits}: (UUID: M)\n"
        f"{SLURM_NODE_MARKER}\nNodeName=a GresUsed=gpu:1(IDX:{digits}-{digits},{digits})\n"
        f"{SLURM_JOBS_MARKER}\n1|alice|{digits}:00|gpu:{digits}\n2|bob|1:{digits}:00:00|gpu\n"
    )
    report = parse_report(body)
    assert holds_by_index(report) == {}
    assert [job.gpus for job in parse_jobs(report.slurm_jobs)] == [1, 1]
