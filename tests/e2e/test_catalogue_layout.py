"""The catalogue at phone (390x844) and desk (1366x900) sizes: the facets folded on a
phone with nothing moving after load, a member's proposals without sideways
scrolling, and the proposal form's list of errors taking the focus."""

import pytest

from kb.models import Project
from tests.e2e.browser import axe_violations, submit
from tests.factories import PendingProjectFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SIZES = pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
# Layout shifts since the page started, as the browser reports them.
LAYOUT_SHIFT = """() => new Promise((resolve) => {
  let total = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (!entry.hadRecentInput) { total += entry.value; }
    }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 500);
})"""


def overflow(page):
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@SIZES
def test_facets_fold_on_a_phone_and_stand_as_a_column_on_a_desk(web, viewport):
    for number in range(3):
        ProjectFactory(title=f"Project {number}")
    page = web.new_page(viewport=viewport)
    for prefix in ("/", "/en/"):
        page.goto(web.url(f"{prefix}projects/?task=detection"))
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
        facets = page.locator(".catalogue-facets")
        first_project = page.locator(".project-list > li").first.bounding_box()
        if viewport is PHONE:
            assert not facets.evaluate("panel => panel.open")
            assert page.locator(".facet").first.is_hidden()
            assert first_project["y"] < 844  # the results start on the first screen
            page.locator(".catalogue-facets > summary").click()
            assert page.locator(".facet").first.is_visible()
        else:
            assert page.locator(".catalogue-facets > summary").is_hidden()
            assert page.locator(".facet").first.is_visible()
            assert first_project["y"] < 400
        assert overflow(page) == 0


@SIZES
def test_my_proposals_fit_with_their_actions(web, viewport):
    member = UserFactory()
    PendingProjectFactory(
        title="Détection de tempêtes de sable dans les images satellite à haute résolution",
        proposed_by=member,
    )
    PendingProjectFactory(
        status=Project.Status.REJECTED,
        proposed_by=member,
        review_message="Il manque une référence publiée et un contact au laboratoire.",
    )
    page = web.new_page(user=member, viewport=viewport)
    for prefix in ("/", "/en/"):
        page.goto(web.url(f"{prefix}projects/mine/"))
        assert overflow(page) == 0, f"{page.url}: sideways scrolling"
        assert page.locator(".proposal .button").count() == 2
    checker = web.new_page(user=member, for_axe=True, viewport=viewport)
    checker.goto(page.url)
    assert axe_violations(checker) == []


def test_failed_proposal_focuses_the_list_of_errors_whose_links_lead_to_fields(web):
    page = web.new_page(user=UserFactory(), viewport=PHONE)
    page.goto(web.url("/en/projects/propose/"))
    page.fill("#id_title", "Sand storms")
    page.fill("#id_summary_en", "Detecting them.")
    submit(page, lambda: page.get_by_role("button", name="Send the proposal").click())
    assert page.evaluate("document.activeElement.id") == "error-summary"
    page.get_by_role("link", name="Tasks: Choose at least one task.").click()
    assert page.evaluate("document.activeElement.id") == "id_tasks_0"
    legend = page.locator("legend", has_text="Tasks").bounding_box()
    assert legend["y"] >= 0  # the group's legend shows above the box
    assert not Project.objects.exists()
