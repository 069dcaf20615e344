"""A reader's journey through the survey results, at a desk and on a phone: filters,
breakdown and trends (drawn on the server, their lines picked); charts whose labels stay
inside them, no sideways scrolling, axe and CSP clean; and the printed report."""

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from survey.models import Edition
from survey.seed import seed_survey
from tests.e2e.browser import axe_violations, submit
from tests.factories import CoordinatorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every text plotly wrote in a drawn chart (ticks, legend, notes) against the chart's own
# SVG box: the boxes that stick out, as readable lines.
LABELS_OUTSIDE = """
() => {
  const outside = [];
  document.querySelectorAll(".results-chart.is-drawn").forEach((chart) => {
    const svg = chart.querySelector("svg.main-svg").getBoundingClientRect();
    chart.querySelectorAll(".xtick text, .ytick text, .legendtext, .annotation-text")
      .forEach((label) => {
        const box = label.getBoundingClientRect();
        if (!box.width) { return; }
        if (box.left < svg.left - 1 || box.right > svg.right + 1 ||
            box.top < svg.top - 1 || box.bottom > svg.bottom + 1) {
          outside.push(chart.dataset.chart + ": " + label.textContent);
        }
      });
  });
  return outside;
}
"""


# Tick labels of one axis of a drawn chart whose boxes run into each other.
LABELS_OVERLAPPING = """
() => {
  const found = [];
  document.querySelectorAll(".results-chart.is-drawn").forEach((chart) => {
    for (const ticks of [".xtick text", ".ytick text"]) {
      const labels = Array.from(chart.querySelectorAll(ticks))
        .map((label) => [label.textContent, label.getBoundingClientRect()])
        .filter(([, box]) => box.width);
      labels.forEach(([text, box], index) => {
        labels.slice(index + 1).forEach(([other, next]) => {
          if (box.left < next.right - 1 && next.left < box.right - 1 &&
              box.top < next.bottom - 1 && next.top < box.bottom - 1) {
            found.push(chart.dataset.chart + ": " + text + " / " + other);
          }
        });
      });
    }
  });
  return found;
}
"""


@pytest.fixture
def seeded():
    first, current = seed_survey(demo=True)
    assert first.state == Edition.State.CLOSED and current.state == Edition.State.OPEN
    return first


def expect_first_chart_drawn(page):
    # Charts are drawn as they come into view: bring the first one there.
    page.locator(".results-chart").filter(visible=True).first.scroll_into_view_if_needed()
    expect(page.locator(".results-chart.is-drawn svg.main-svg").first).to_be_attached()


def check_page(web, page, viewport):
    """The page as a reader sees it: charts drawn, labels inside, no sideways scroll, axe."""
    expect_first_chart_drawn(page)
    assert page.evaluate(LABELS_OUTSIDE) == []
    assert page.evaluate(LABELS_OVERLAPPING) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url}: {width} px wide"
    checker = web.new_page(for_axe=True, viewport=viewport)
    checker.goto(page.url, wait_until="load")
    assert axe_violations(checker) == [], page.url


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_reader_filters_and_breaks_down(web, seeded, viewport):
    page = web.new_page(viewport=viewport)
    page.goto(web.url(f"/en/survey/{seeded.year}/results/"))
    expect(page.locator(".results-count")).to_contain_text("120 respondents")
    check_page(web, page, viewport)

    # Filters are checkboxes; what cannot be added is disabled and says why.
    languages = page.locator("details.results-filter", has_text="programming languages")
    languages.locator("summary").click()
    languages.get_by_label("Python", exact=True).check()
    refused = page.locator("input[name=f]:disabled").first
    expect(refused).to_be_attached()
    reason = page.locator(f"#{refused.get_attribute('aria-describedby')}")
    expect(reason).to_have_text(re.compile("nobody|fewer than 5"))
    submit(page, page.get_by_role("button", name="Show").click)
    assert "f=languages%3Apython" in page.url
    expect(page.locator(".results-count")).to_contain_text("in this selection")
    check_page(web, page, viewport)

    # A refused pair reached by its address says why and offers the nearest views.
    page.goto(page.url + "&f=languages%3Ar")
    expect(page.locator(".results-refused")).to_contain_text("fewer than 5 people")
    submit(page, page.locator(".results-refused a").first.click)
    expect_first_chart_drawn(page)

    # Break down by language: a heat map at a desk, a list per group on a phone.
    page.goto(web.url(f"/en/survey/{seeded.year}/results/"))
    page.get_by_label("Break the answers down by").select_option("languages")
    submit(page, page.get_by_role("button", name="Show").click)
    heat_map = page.locator(".results-heatmap").first
    by_group = page.locator(".results-by-group").first
    if viewport is DESK:
        heat_map.scroll_into_view_if_needed()  # charts are drawn as they come into view
        expect(heat_map.locator("svg.main-svg").first).to_be_attached()
        expect(by_group).to_be_hidden()
        hidden = heat_map.evaluate("node => node.data[0].text.flat().filter(Boolean)")
        assert set(hidden) <= {"fewer than 5", "hidden"} and hidden
    else:
        expect(heat_map).to_be_hidden()
        expect(by_group).to_be_visible()
    check_page(web, page, viewport)
    if viewport is DESK:
        # Twelve research themes, some with words wider than a column: heads stand upright.
        page.goto(web.url(f"/en/survey/{seeded.year}/results/?by=research_theme"))
        themes = page.locator(".results-heatmap").first
        themes.scroll_into_view_if_needed()
        expect(themes.locator("svg.main-svg").first).to_be_attached()
        assert page.evaluate(LABELS_OVERLAPPING) == []
        assert page.evaluate(LABELS_OUTSIDE) == []


# The texts of each trend chart (tick lines, percent labels) whose boxes run into each
# other's or out of the chart.
TREND_TEXTS_CLASHING = """
() => {
  const found = [];
  document.querySelectorAll("svg.trend-chart").forEach((chart) => {
    const frame = chart.getBoundingClientRect();
    const texts = Array.from(chart.querySelectorAll("tspan, text:not(.trend-tick)"))
      .map((text) => [text.textContent, text.getBoundingClientRect()])
      .filter(([, box]) => box.width);
    texts.forEach(([text, box], index) => {
      if (box.left < frame.left - 1 || box.right > frame.right + 1 ||
          box.top < frame.top - 1 || box.bottom > frame.bottom + 1) {
        found.push(chart.id + ": " + text + " outside");
      }
      texts.slice(index + 1).forEach(([other, next]) => {
        if (box.left < next.right - 1 && next.left < box.right - 1 &&
            box.top < next.bottom - 1 && next.top < box.bottom - 1) {
          found.push(chart.id + ": " + text + " / " + other);
        }
      });
    });
  });
  return found;
}
"""


@pytest.mark.parametrize("viewport", [DESK, PHONE], ids=["desk", "phone"])
def test_trends_are_drawn_without_a_chart_library_and_the_reader_picks_lines(web, seeded, viewport):
    # 2026 is still open: a coordinator sees it, provisional.
    page = web.new_page(user=CoordinatorFactory(), viewport=viewport)
    scripts = []
    page.on("request", lambda request: scripts.append(request.url))
    page.goto(web.url("/en/survey/results/trends/"))
    chart = page.locator("svg#trend-chart-languages")
    expect(chart.locator(".trend-line").first).to_be_attached()
    assert not [url for url in scripts if "plotly" in url or "survey-charts" in url]
    assert page.evaluate(TREND_TEXTS_CLASHING) == []
    # As wide as its card, and the page no wider than the screen.
    box = chart.bounding_box()
    assert 300 <= box["width"] <= viewport["width"]
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= viewport["width"], f"{page.url}: {width} px wide"
    checker = web.new_page(user=CoordinatorFactory(), for_axe=True, viewport=viewport)
    checker.goto(page.url, wait_until="load")
    assert axe_violations(checker) == []

    # The picker replaces the fixed legend; the most chosen answers in colour, the reader
    # picks another one and its line takes a colour over the grey ones.
    picker = page.locator('[data-picker="trend-chart-languages"]')
    expect(picker).to_be_visible()
    expect(page.locator('[data-legend="trend-chart-languages"]')).to_be_hidden()
    colours = chart.locator(".trend-line").evaluate_all(
        "lines => lines.map((line) => line.getAttribute('stroke'))"
    )
    assert len(set(colours)) > 2  # not a tangle: a few colours and grey
    index = picker.locator("input:not(:checked)").first.get_attribute("value")
    unpicked = picker.locator(f'input[value="{index}"]')
    line = chart.locator(f'.trend-line[data-index="{index}"]')
    assert line.get_attribute("stroke") == "#BDBDBD"
    unpicked.check()
    picked = line.get_attribute("stroke")
    assert picked != "#BDBDBD" and "is-picked" in line.get_attribute("class")
    assert picker.locator(f'input[value="{index}"] + label rect').get_attribute("fill") == picked
    # The lines in colour are drawn over the grey ones: after them.
    order = chart.locator(".trend-line").evaluate_all(
        "lines => lines.map((line) => line.classList.contains('is-picked'))"
    )
    assert order == sorted(order)
    unpicked.uncheck()
    assert line.get_attribute("stroke") == "#BDBDBD"


@pytest.mark.parametrize(("viewport", "orientation"), [(DESK, "v"), (PHONE, "h")])
def test_scales_and_histograms_turn_sideways_on_a_phone(web, seeded, viewport, orientation):
    coordinator = CoordinatorFactory()
    page = web.new_page(user=coordinator, viewport=viewport)
    page.goto(web.url("/en/survey/2026/results/"))
    for key in ("gpu_access_satisfaction", "ml_experience_years"):
        chart = page.locator(f'[data-chart="chart-{key}"]')
        chart.scroll_into_view_if_needed()
        expect(chart.locator("svg.main-svg").first).to_be_attached()
        assert chart.evaluate("node => node.data[0].orientation") == orientation
        chart.hover()
        expect(chart.locator(".modebar")).to_have_count(0)  # no toolbar over the axis
    check_page(web, page, viewport)


def test_printed_results_are_a_clean_report(web, seeded):
    page = web.new_page(viewport={"width": 794, "height": 1123})
    page.goto(web.url(f"/en/survey/{seeded.year}/results/"))
    expect_first_chart_drawn(page)
    page.emulate_media(media="print")
    for hidden in (".site-header", ".site-footer", ".results-query", "button"):
        assert not page.locator(hidden).first.is_visible(), hidden
    # The data tables print even though they are folded on screen.
    expect(page.locator("#question-languages table.results-table")).to_be_visible()
    text = "\n".join(
        sheet.extract_text() for sheet in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    )
    assert "Results · Where do you stand?" in text and "120 respondents" in text
    for question in ("Which programming languages do you use?", "What is your main research"):
        assert question in text
    assert re.search(r"Python\s+\d+\s+\d+%", text)  # a table row, with its numbers
    for absent in ("Log in", "Break down and filter", "Show", "Skip to main content"):
        assert absent not in text
