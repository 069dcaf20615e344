"""The GPU board's compact table in a real browser, at a desk and on a phone: 16 cards
fit one desk screen, a phone shows one short row per card with no sideways scroll, the
columns sort, and axe-core finds nothing; the week of load shows its heat map."""

import pytest
from playwright.sync_api import expect

from kb.gpus.parsing import OWNERS_MARKER, PROCESSES_MARKER, parse_report
from kb.models import Gpu
from kb.services.gpus import ingest_report, register_node
from tests.e2e.browser import axe_violations
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

HEADER = "index, uuid, name, memory.used [MiB], memory.total [MiB], utilization.gpu [%]\n"


def four_cards(node_number):
    """Four cards: free, busy with a process, held idle, busy computing."""
    figures = [(0, 0), (9500, 97), (8803, 0), (4000, 64)]
    rows = "".join(
        f"{index}, GPU-{node_number}-{index}, NVIDIA A100-SXM4-80GB, {memory} MiB, 81920 MiB, {use} %\n"
        for index, (memory, use) in enumerate(figures)
    )
    apps = "".join(
        f"GPU-{node_number}-{index}, {1000 + index}, {memory} MiB\n"
        for index, (memory, _use) in enumerate(figures)
        if memory
    )
    owners = "".join(f"{1000 + index} user{node_number}{index} 3600\n" for index in range(1, 4))
    return f"{HEADER}{rows}{PROCESSES_MARKER}\n{apps}{OWNERS_MARKER}\n{owners}"


@pytest.fixture
def sixteen_cards(db):
    for number in range(4):
        node, _token = register_node(name=f"gpu{number}")
        ingest_report(node=node, report=parse_report(four_cards(number)))


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_compact_board_fits_reads_and_sorts(web, sixteen_cards, width, height):
    member = UserFactory()
    viewport = {"viewport": {"width": width, "height": height}}
    page = web.new_page(user=member, **viewport)
    page.goto(web.url("/en/gpus/"))
    rows = page.locator(".gpu-grid tbody tr")
    expect(rows).to_have_count(16)
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    expect(rows.nth(1)).to_contain_text("user01")
    expect(rows.nth(1)).to_contain_text("busy")
    first, last = rows.first.bounding_box(), rows.last.bounding_box()
    if width > 1000:
        # The 16 rows, header included, take less than one screen's height.
        table = page.locator(".gpu-grid").bounding_box()
        assert table["height"] < height, table
        # Sort by memory, largest first: a click for ascending, a second for descending.
        memory = page.get_by_role("button", name="Memory")
        memory.click()
        memory.click()
        expect(page.locator(".gpu-grid thead th[aria-sort=descending]")).to_have_text("Memory")
        expect(rows.first.locator(".gpu-col-memory")).to_contain_text("9,500 / 81,920 MiB")
    else:
        # One short row per card: the model and the chart give way on a phone.
        assert last["y"] - first["y"] < 16 * 110, (first, last)
        expect(rows.first.locator(".gpu-col-history")).to_be_hidden()

    axe_page = web.new_page(user=member, for_axe=True, **viewport)
    axe_page.goto(web.url("/en/gpus/"))
    assert axe_violations(axe_page) == []


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_a_long_stored_model_name_never_stretches_the_board(web, sixteen_cards, width, height):
    # Reports with names over 100 characters are refused; rows stored before may hold 200.
    Gpu.objects.filter(index=0).update(name="N" * 200)
    page = web.new_page(viewport={"width": width, "height": height})
    for view in ("", "?view=cards"):
        page.goto(web.url(f"/en/gpus/{view}"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, view
        if width > 1000 and not view:
            # Every column still shows at a desk: the name wraps in its own.
            expect(page.locator(".gpu-grid thead th").last).to_be_in_viewport()


@pytest.mark.parametrize(("width", "height"), [(1366, 900), (390, 844)], ids=["desk", "phone"])
def test_week_of_load_shows_its_heat_map_at_both_sizes(web, sixteen_cards, width, height):
    page = web.new_page(user=UserFactory(), viewport={"width": width, "height": height})
    page.goto(web.url("/en/gpus/week/"))
    heat_map = page.locator(".gpu-week-map")
    expect(heat_map).to_be_visible()
    expect(heat_map.locator("rect title").first).to_contain_text("taken cards")
    box = heat_map.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width, box
    # Its day labels still read on a phone, scaled down with the drawing.
    label = heat_map.locator("text").first.bounding_box()
    assert label["height"] >= 9, label
    assert page.evaluate("document.documentElement.scrollWidth") <= width
