"""The survey and the docs editor with the keyboard alone: Tab, arrows, Space, Enter."""

import pytest
from playwright.sync_api import expect

from kb.models import DocPage
from kb.seed.cluster_docs import load_cluster_docs
from survey.services import find_response, stored_answers
from tests.e2e.browser import submit
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
