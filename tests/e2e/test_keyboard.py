"""The survey and the docs editor with the keyboard alone: Tab, arrows, Space, Enter."""

import pytest
from playwright.sync_api import expect

from kb.models import DocPage
from kb.seed.cluster_docs import load_cluster_docs
from survey.models import Choice, Question
from survey.services import find_response, stored_answers
from tests.e2e.browser import axe_violations, submit
from tests.factories import CoordinatorFactory, UserFactory, build_edition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

FOCUS_IS_VISIBLE = """
() => {
  const style = getComputedStyle(document.activeElement);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== "none";
}
"""


def tab_to(page, selector, limit=60):
    """Press Tab until ``selector`` has the focus, and check that the focus shows."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            assert page.evaluate(FOCUS_IS_VISIBLE), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_survey_answered_and_submitted_with_the_keyboard_alone(web):
    edition = build_edition(2026)
    member = UserFactory()
    page = web.new_page(user=member)
    page.goto(web.url("/en/survey/2026/step/1/"))

    tab_to(page, ".skip-link")
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()

    tab_to(page, "#id_q_theme_0")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_q_theme_1")).to_be_checked()
    tab_to(page, "#id_q_tools_0")
    page.keyboard.press("Space")
    expect(page.locator("#id_q_tools_0")).to_be_checked()
    tab_to(page, "main button[value=next]")
    submit(page, lambda: page.keyboard.press("Enter"))

    expect(page.get_by_role("heading", level=1)).to_have_text("You")
    tab_to(page, "input[name=q_satisfaction]")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    tab_to(page, "#id_q_years")
    page.keyboard.type("3")
    tab_to(page, "#id_q_remarks")
    page.keyboard.type("Answered with the keyboard")
    tab_to(page, "main button[value=next]")
    submit(page, lambda: page.keyboard.press("Enter"))

    expect(page.get_by_role("heading", level=1)).to_have_text("Review your answers")
    tab_to(page, "main button[type=submit]")
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your answers")

    response = find_response(edition=edition, user=member)
    assert response.submitted
    answers = stored_answers(response)
    assert answers["theme"]["choices"] == ["atmosphere"]
    assert answers["tools"]["choices"] == ["jupyter"]
    assert answers["satisfaction"] == {"number": 4.0}
    assert answers["remarks"] == {"text": "Answered with the keyboard"}


def test_docs_editor_previewed_and_saved_with_the_keyboard_alone(web):
    load_cluster_docs()
    page = web.new_page(user=CoordinatorFactory())
    page.goto(web.url("/en/docs/cluster/edit/"))

    tab_to(page, "#id_body")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n\nCheck the free GPUs first:\n\n```bash\nnvidia-smi\n```\n")
    tab_to(page, "#id_message")
    page.keyboard.type("Keyboard only")
    tab_to(page, "button[name=preview]")
    submit(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".preview")).to_contain_text("Check the free GPUs first")

    tab_to(page, "button[name=save]")
    submit(page, lambda: page.keyboard.press("Space"))
    expect(page.get_by_role("main").locator(".prose")).to_contain_text("Check the free GPUs first")
    page_row = DocPage.objects.get(path="cluster")
    # /en/ edits the English version; the French one is untouched.
    assert page_row.body_en.rstrip().endswith("```bash\nnvidia-smi\n```")
    assert "Check the free GPUs first" not in page_row.body_fr
    assert page_row.revisions.filter(language="en").latest("number").message == "Keyboard only"


FOCUS_CLEAR_OF_THE_BAR = """
() => {
  const field = document.activeElement.getBoundingClientRect();
  const bar = document.querySelector(".survey-actions").getBoundingClientRect();
  return field.top >= 0 && field.bottom <= bar.top;
}
"""


def test_tab_never_leaves_the_focus_under_the_sticky_action_bar(web):
    edition = build_edition(2026)
    tools = Question.objects.get(edition=edition, key="tools")
    for position in range(3, 40):  # a long list, as the real survey's methods
        Choice.objects.create(question=tools, position=position, key=f"k{position}", text_fr="x")
    page = web.new_page(user=UserFactory(), viewport={"width": 390, "height": 844})
    page.goto(web.url("/survey/2026/step/1/"))
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.survey-actions') !== null"):
            return
        if page.evaluate("document.activeElement.closest('form') !== null"):
            name = page.evaluate("document.activeElement.id")
            assert page.evaluate(FOCUS_CLEAR_OF_THE_BAR), f"{name} is under the action bar"
    raise AssertionError("Tab never reached the action bar")


@pytest.mark.parametrize("script", [True, False], ids=["script", "no-script"])
def test_a_refused_step_focuses_its_error_summary_and_links_to_the_question(web, script):
    build_edition(2026)
    member = UserFactory()
    page = web.new_page(user=member, java_script_enabled=script)
    page.goto(web.url("/en/survey/2026/step/1/"))
    submit(page, lambda: page.locator(".survey-actions button[value=next]").click())
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    expect(page).to_have_title("1 answer to correct · Practice · Survey 2026 · ESPRI-IA")
    summary.get_by_role("link", name="Question theme (en)").click()
    page.keyboard.press("Tab")
    expect(page.locator("#id_q_theme_0")).to_be_focused()
    if script:
        checker = web.new_page(user=member, for_axe=True)
        checker.goto(web.url("/en/survey/2026/step/1/"))
        submit(checker, lambda: checker.locator(".survey-actions button[value=next]").click())
        assert axe_violations(checker) == []


def test_typing_an_other_answer_ticks_other(web):
    edition = build_edition(2026)
    member = UserFactory()
    page = web.new_page(user=member)
    page.goto(web.url("/en/survey/2026/step/1/"))
    other = page.locator("#question-theme input[value=__other__]")
    box = page.get_by_label("Other: please specify").first
    expect(box).to_be_hidden()
    other.check()
    box.fill("Glaciers")
    page.get_by_label("Ocean").check()
    expect(box).to_be_visible()  # its text is in sight: what is sent is what is seen
    box.press("End")
    box.press_sequentially(" and ice")
    expect(other).to_be_checked()
    expect(page.get_by_label("Ocean")).not_to_be_checked()
    submit(page, lambda: page.locator(".survey-actions button[value=save]").click())
    answers = stored_answers(find_response(edition=edition, user=member))
    assert answers["theme"] == {"choices": [], "other": "Glaciers and ice"}
