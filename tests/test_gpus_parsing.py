"""The nvidia-smi parser on the outputs of several drivers and GPU models (plain data, no DB)."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from kb.gpus.parsing import (
    MAX_GPUS,
    MAX_NAME,
    PROCESSES_MARKER,
    GpuReading,
    ReportError,
    parse_report,
)

FIXTURES = Path(__file__).parent / "fixtures" / "nvidia_smi"


@pytest.fixture(autouse=True)
def _english():
    # Reasons are written in the active language: these tests read the English.
    with translation.override("en"):
        yield


def fixture(name):
    return (FIXTURES / name).read_text()


def with_processes(gpus, processes):
    return f"{fixture(gpus)}{PROCESSES_MARKER}\n{fixture(processes)}"


HAL3_GPU0 = GpuReading(
    index=0,
    uuid="GPU-5f3c1a2e-8b4d-4e61-9a7c-2d1e0f9b3a41",
    name="GeForce RTX 2080 Ti",
    memory_used_mib=8803,
    memory_total_mib=10989,
    utilization_percent=0,
    temperature_c=31,
    power_draw_w=12.48,
)


@pytest.mark.parametrize(
    "name", ["hal3_rtx2080ti-x4_418.56.csv", "hal3_rtx2080ti-x4_418.56_noheader_nounits.csv"]
)
def test_talk_box_csv_with_and_without_header_and_units(name):
    report = parse_report(fixture(name))
    assert report.source == "csv"
    assert [gpu.index for gpu in report.gpus] == [0, 1, 2, 3]
    assert report.gpus[0] == HAL3_GPU0
    assert [gpu.memory_used_mib for gpu in report.gpus] == [8803, 247, 247, 1918]
    assert report.processes is None
    assert report.process_counts() is None


def test_talk_box_with_its_processes_counts_them_per_gpu():
    report = parse_report(
        with_processes("hal3_rtx2080ti-x4_418.56.csv", "hal3_rtx2080ti-x4_418.56_compute-apps.csv")
    )
    counts = report.process_counts()
    assert [counts[gpu.uuid] for gpu in report.gpus] == [1, 1, 1, 2]
    assert report.processes[3].pid == 79808
    assert report.processes[3].used_memory_mib == 1671


@pytest.mark.parametrize(
    "processes", ["compute-apps_empty_header.csv", "compute-apps_empty_noheader.csv"]
)
def test_empty_process_list_means_zero_processes(processes):
    report = parse_report(with_processes("hal3_rtx2080ti-x4_418.56.csv", processes))
    assert report.processes == ()
    assert set(report.process_counts().values()) == {0}


def test_units_without_header():
    gpus = parse_report(fixture("rtx2080ti-x2_440.33_noheader_units.csv")).gpus
    assert (gpus[0].memory_used_mib, gpus[0].utilization_percent, gpus[0].power_draw_w) == (
        10456,
        97,
        247.12,
    )
    assert gpus[1].memory_used_mib == 0


def test_shuffled_header_with_extra_columns_and_mig_not_available():
    gpus = parse_report(fixture("a100-mig_535.104_shuffled_extra.csv")).gpus
    assert gpus[0] == GpuReading(
        index=0,
        uuid="GPU-3b8e0c5d-1f47-4a29-b6d3-8e2f7a1c9d04",
        name="NVIDIA A100-SXM4-40GB",
        memory_used_mib=11265,
        memory_total_mib=40960,
        utilization_percent=None,
        temperature_c=41,
        power_draw_w=96.27,
        mig_enabled=True,
    )
    assert gpus[1].utilization_percent == 0
    assert not gpus[1].mig_enabled


def test_not_supported_values_are_none():
    (gpu,) = parse_report(fixture("quadro-k620_390.144_not_supported.csv")).gpus
    assert gpu.name == "Quadro K620"
    assert gpu.utilization_percent is None and gpu.power_draw_w is None
    assert gpu.memory_used_mib == 312


def test_lost_gpu_keeps_its_index_and_nothing_else():
    lost = parse_report(fixture("rtx2080ti-x2_470.82_gpu_lost.csv")).gpus[1]
    assert lost == GpuReading(1, "", "", None, None, None, None, None)


def test_xml_v10_power_readings_and_processes():
    report = parse_report(fixture("tesla-v100-x2_450.80_v10.xml"))
    assert report.source == "xml"
    assert [(g.name, g.memory_used_mib, g.utilization_percent) for g in report.gpus] == [
        ("Tesla V100-PCIE-32GB", 30984, 88),
        ("Tesla V100-PCIE-32GB", 2115, 3),
    ]
    assert report.gpus[0].power_draw_w == 214.63
    assert report.gpus[0].temperature_c == 71
    assert list(report.process_counts().values()) == [1, 1]


def test_xml_v12_mig_uses_the_gpu_memory_not_its_mig_devices():
    report = parse_report(fixture("a30-mig_535.129_v12.xml"))
    (gpu,) = report.gpus
    assert (gpu.memory_used_mib, gpu.memory_total_mib) == (37, 24576)
    assert gpu.utilization_percent is None
    assert gpu.power_draw_w == 31.48
    assert report.processes == ()


def test_xml_v13_instant_power_and_index_in_bus_order_not_minor_number():
    report = parse_report(fixture("l40s-x2_580.65_v13.xml"))
    assert [g.uuid for g in report.gpus] == [
        "GPU-2e7a0f93-6b14-4d8c-9a3e-c5f1b7d20e46",
        "GPU-9c3b5e17-a8d0-4f62-8e4b-1d7f0a6c3b59",
    ]
    assert [g.power_draw_w for g in report.gpus] == [344.87, 22.61]
    assert [g.utilization_percent for g in report.gpus] == [100, 0]
    assert list(report.process_counts().values()) == [1, 0]


def test_xml_with_a_compute_apps_section_takes_that_list():
    body = with_processes("l40s-x2_580.65_v13.xml", "compute-apps_empty_header.csv")
    assert parse_report(body).processes == ()


def test_windows_line_endings_and_blank_lines():
    body = fixture("hal3_rtx2080ti-x4_418.56.csv").replace("\n", "\r\n\r\n")
    assert parse_report(body).gpus[0] == HAL3_GPU0


def test_header_subset_without_index_numbers_gpus_in_order():
    body = "uuid, memory.used [MiB]\nGPU-a, 10 MiB\nGPU-b, 20 MiB\n"
    gpus = parse_report(body).gpus
    assert [(g.index, g.uuid, g.memory_used_mib, g.name) for g in gpus] == [
        (0, "GPU-a", 10, ""),
        (1, "GPU-b", 20, ""),
    ]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("", "holds no nvidia-smi output"),
        ("   \n\n", "holds no nvidia-smi output"),
        ("hello world\n", "without a header row, a line must hold exactly these 8 fields"),
        ("index, uuid, memory.used [MiB]\n", "no GPU rows"),
        ("name, memory.used [MiB]\nTesla, 3 MiB\n", "neither index nor uuid"),
        ("index, memory.used [MiB]\n0, lots\n", "line 2: memory.used is not a number: “lots”"),
        ("index, memory.used [MiB]\n0, 3 MiB, 4\n", "line 2: 3 fields where the header names 2"),
        ("index, utilization.gpu [%]\n0, 140 %\n", "utilization.gpu is over 100"),
        ("index, memory.used [MiB]\n0, -3 MiB\n", "memory.used is negative"),
        ("index, uuid\n0, GPU-a\n0, GPU-b\n", "GPU index 0 appears twice"),
        ("index, uuid\n0, GPU-a\n1, GPU-a\n", "the same GPU uuid appears twice"),
        ("<nvidia_smi_log><gpu>", "not readable as XML (line 1, column 21)"),
        ("<html><body>502</body></html>", "expected <nvidia_smi_log>"),
        ("<nvidia_smi_log></nvidia_smi_log>", "no <gpu> element"),
        ("index, uuid\n0, GPU-a\n\x00", "NUL bytes"),
        (
            f"index, uuid\n0, GPU-a\n{PROCESSES_MARKER}\npid\n3\n",
            "header must name gpu_uuid and pid",
        ),
        (
            f"index, uuid\n0, GPU-a\n{PROCESSES_MARKER}\nGPU-a, [N/A], 3\n",
            "a process without a pid",
        ),
    ],
)
def test_unreadable_bodies_say_why(body, reason):
    with pytest.raises(ReportError, match=re.escape(reason)):
        parse_report(body)


def test_a_name_longer_than_a_gpus_is_refused_not_cut():
    name = "N" * (MAX_NAME + 1)
    with pytest.raises(ReportError, match=f"line 2: name is longer than {MAX_NAME} characters"):
        parse_report(f"index, name\n0, {name}\n")
    assert parse_report(f"index, name\n0, {name[1:]}\n").gpus[0].name == name[1:]
    xml = f"<nvidia_smi_log><gpu><product_name>{name}</product_name></gpu></nvidia_smi_log>"
    with pytest.raises(ReportError, match="GPU 0: product_name is longer than"):
        parse_report(xml)


def test_more_memory_used_than_the_card_holds_is_refused():
    body = (
        "index, memory.used [MiB], memory.total [MiB]\n"
        "0, 11264 MiB, 11264 MiB\n"  # full is fine
        "1, 20000 MiB, 11264 MiB\n"
    )
    with pytest.raises(
        ReportError, match=r"line 3: memory.used \(20000 MiB\) is above memory.total \(11264 MiB\)"
    ):
        parse_report(body)
    xml = (
        "<nvidia_smi_log><gpu><fb_memory_usage><used>20000 MiB</used><total>11264 MiB</total>"
        "</fb_memory_usage></gpu></nvidia_smi_log>"
    )
    with pytest.raises(ReportError, match=r"GPU 0: fb_memory_usage/used .* is above"):
        parse_report(xml)


def test_reasons_are_written_in_the_active_language():
    with translation.override("fr"), pytest.raises(ReportError) as refused:
        parse_report("hello world\n")
    assert str(refused.value) == (
        "ligne 1\u202f: 1 champ\u202f; sans ligne d’en-tête, une ligne doit contenir exactement "
        "ces 8 champs dans cet ordre\u202f: index, uuid, name, memory.used, memory.total, "
        "utilization.gpu, temperature.gpu, power.draw"
    )


def test_xml_entity_expansion_is_refused():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><nvidia_smi_log>&b;</nvidia_smi_log>'
    )
    with pytest.raises(ReportError, match="not readable as XML"):
        parse_report(bomb)


def test_too_many_gpus_refused():
    rows = "".join(f"{i}, GPU-{i}, 1 MiB\n" for i in range(MAX_GPUS + 1))
    with pytest.raises(ReportError, match=f"at most {MAX_GPUS}"):
        parse_report("index, uuid, memory.used [MiB]\n" + rows)


def test_processes_of_unknown_gpus_are_not_counted():
    body = f"index, uuid\n0, GPU-a\n{PROCESSES_MARKER}\nGPU-zzz, 12, 3\nGPU-a, 13, [N/A]\n"
    report = parse_report(body)
    assert report.process_counts() == {"GPU-a": 1}
    assert report.processes[1].used_memory_mib is None
