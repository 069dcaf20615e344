"""The header and a survey step at phone (390x844) and desk (1366x900) sizes, in both
languages: heights, one row, no horizontal scrolling, axe-core, no CSP report."""

import pytest
from playwright.sync_api import expect

from kb.models import Architecture
from kb.services.docs import save_page
from kb.services.gpus import register_node
from survey.models import Question, Section
from survey.services import submit_response
from tests.e2e.browser import axe_violations, submit
from tests.factories import (
    CoordinatorFactory,
    RegistrationFactory,
    UserFactory,
    build_edition,
    complete_answers,
    doc_page,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1366, "height": 900}
SIZES = pytest.mark.parametrize("viewport", [PHONE, DESK], ids=["phone", "desk"])
LANGUAGES = {"fr": "/", "en": "/en/"}


# Pixels to spare beside the header search box's placeholder (negative: it is cut).
PLACEHOLDER_ROOM = """() => {
  const input = document.querySelector("#header-search-input"), style = getComputedStyle(input);
  const context = document.createElement("canvas").getContext("2d");
  context.font = style.font;
  const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  return room - context.measureText(input.placeholder).width;
}"""


def box(page, selector):
    return page.locator(selector).first.bounding_box()


def check_fit_and_axe(web, page, viewport, user=None):
    """No horizontal scrolling, and axe-core finds nothing (in a context without CSP)."""
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow == 0, f"{page.url}: {overflow} px of horizontal scrolling"
    checker = web.new_page(user=user, for_axe=True, viewport=viewport)
    checker.goto(page.url)
    assert axe_violations(checker) == [], page.url


@SIZES
def test_header_is_one_short_bar_in_both_languages(web, viewport):
    member = UserFactory()
    for user in (None, member):
        page = web.new_page(user=user, viewport=viewport)
        for prefix in LANGUAGES.values():
            page.goto(web.url(prefix + "docs/"))
            header = box(page, ".site-header")
            search = box(page, ".header-search")
            if viewport is PHONE:
                assert header["height"] <= 0.15 * viewport["height"], header
                assert page.locator(".main-nav").is_hidden()
                menu = box(page, ".site-menu-button")
                # Name, search and menu button on one line.
                assert abs(menu["y"] - search["y"]) < 12
                # The placeholder ("Rechercher", the longest) is read whole, not "Recherc".
                assert page.evaluate(PLACEHOLDER_ROOM) >= 0, page.url
            else:
                assert header["height"] <= 64, header
                middle = header["y"] + header["height"] / 2
                items = page.locator(".site-header a:visible, .site-header button:visible").all()
                for item in items:
                    shape = item.bounding_box()
                    assert abs(shape["y"] + shape["height"] / 2 - middle) < 12, (
                        f"{page.url}: {item.inner_text()!r} is not on the header's one row"
                    )
                assert page.locator(".site-menu-button").is_hidden()
            check_fit_and_axe(web, page, viewport, user)


def test_phone_menu_opens_without_javascript(web):
    page = web.new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(web.url("/en/"))
    nav = page.get_by_role("navigation", name="Main menu")
    expect(nav).to_be_hidden()
    page.get_by_text("Menu", exact=True).click()
    expect(nav).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    nav.get_by_role("link", name="Events").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Events")


def test_phone_menu_closes_with_escape(web):
    page = web.new_page(viewport=PHONE)
    page.goto(web.url("/"))
    page.locator(".site-menu-button").click()
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("navigation", name="Menu principal")).to_be_hidden()
    expect(page.locator(".site-menu-button")).to_be_focused()


@SIZES
@pytest.mark.parametrize("submitted", [False, True], ids=["draft", "submitted"])
def test_survey_step_shows_its_first_question_and_a_one_row_action_bar(web, viewport, submitted):
    edition = build_edition()
    # A third section: step 2 then has the widest bar, Previous, Save and Next.
    more = Section.objects.create(edition=edition, position=2, key="more", title_fr="Plus")
    Question.objects.create(
        edition=edition, section=more, position=0, key="more", kind="text", text_fr="Plus ?"
    )
    member = UserFactory()
    if submitted:  # the bar then reads "Save changes"
        submit_response(edition=edition, user=member, answers=complete_answers())
    page = web.new_page(user=member, viewport=viewport)
    for prefix in LANGUAGES.values():
        page.goto(web.url(prefix + "survey/2026/step/2/"))
        bar = box(page, ".survey-actions")
        assert bar["height"] <= 72, bar
        assert bar["y"] + bar["height"] <= viewport["height"] + 1  # sticky at the bottom
        buttons = page.locator(".survey-actions button")
        assert buttons.count() == 3
        tops = {round(button.bounding_box()["y"]) for button in buttons.all()}
        assert len(tops) == 1, tops
        previous, _save, next_ = (button.bounding_box() for button in buttons.all())
        assert previous["x"] < next_["x"]
        title = box(page, "h1")
        question = box(page, ".survey-question")
        assert title["y"] >= 0 and question["y"] + 40 < bar["y"], "first question below the fold"
        check_fit_and_axe(web, page, viewport, member)


def test_enter_in_a_number_goes_to_the_next_step(web):
    build_edition()
    page = web.new_page(user=UserFactory(), viewport=PHONE)
    page.goto(web.url("/en/survey/2026/step/2/"))
    page.get_by_label("5", exact=True).check()
    page.get_by_label("Question years (en)").fill("4")
    submit(page, lambda: page.get_by_label("Question years (en)").press("Enter"))
    assert page.url.endswith("/en/survey/2026/review/")
    expect(page.get_by_role("main")).to_contain_text("Question years (en)")


@SIZES
def test_my_space_fits_both_sizes(web, viewport):
    edition = build_edition()
    member = UserFactory()
    submit_response(edition=edition, user=member, answers=complete_answers())
    RegistrationFactory(user=member, event__title="Prise en main du cluster GPU HAL")
    page = web.new_page(user=member, viewport=viewport)
    for prefix in LANGUAGES.values():
        page.goto(web.url(prefix + "accounts/mine/"))
        expect(page.get_by_role("main")).to_contain_text("Prise en main du cluster GPU HAL")
        check_fit_and_axe(web, page, viewport, member)


def test_coordinator_tables_scroll_in_their_box_on_a_phone(web):
    """History, GPU nodes, curated lists and survey editions: the page never scrolls
    sideways; a table wider than the phone scrolls in its own box, where its last buttons
    stay within reach."""
    coordinator = CoordinatorFactory()
    page_ = doc_page("acces", title="Obtenir un compte et se connecter", body="Texte.")
    for number in range(2):
        page_.refresh_from_db()
        save_page(
            page=page_,
            language="fr",
            base_version=page_.version_fr,
            title=page_.title_fr,
            summary="",
            body=f"Texte {number}.",
            position=page_.position,
            author=coordinator,
            message="Une précision sur les clés SSH et la connexion",
        )
    for number in range(1, 5):
        register_node(name=f"hal{number}", description_fr="2 × RTX 2080 Ti 11 Go", is_demo=True)
    assert Architecture.objects.exists()  # the migration's curated lists
    build_edition(2026, state="open")
    page = web.new_page(user=coordinator, viewport=PHONE)
    for prefix in LANGUAGES.values():
        paths = ("docs/acces/history/?lang=fr", "gpus/nodes/", "projects/lists/", "survey/design/")
        for path in paths:
            page.goto(web.url(prefix + path))
            check_fit_and_axe(web, page, PHONE, coordinator)
        page.goto(web.url(prefix + "docs/acces/history/?lang=fr"))
        radio = page.locator(".history input[type=radio]").first.bounding_box()
        assert radio["width"] >= 24 and radio["height"] >= 24, radio
        restore = page.locator(".history button").last
        restore.scroll_into_view_if_needed()
        shape = restore.bounding_box()
        assert shape["x"] >= 0 and shape["x"] + shape["width"] <= PHONE["width"], shape
