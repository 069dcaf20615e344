"""The design each process keeps for the members' pages: read once, read again after any change."""

import pytest

from survey import services
from survey.edition_design import kept_design
from survey.models import Choice, Edition, Question, Section
from tests.factories import build_edition

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return build_edition()


def step_one(member_client):
    return member_client.get("/en/survey/2026/step/1/").content.decode()


def test_a_members_page_reads_the_design_once(member_client, edition, django_assert_num_queries):
    step_one(member_client)
    # Session, user, edition, their response: not the sections, questions and choices.
    with django_assert_num_queries(4):
        text = step_one(member_client)
    assert "Question theme (en)" in text and "Atmosphere" in text


def _theme():
    return Question.objects.get(key="theme")


def add_question(edition):
    services.save_question(
        section=Section.objects.get(key="practice"),
        fields={"key": "gpus", "kind": "text", "text_fr": "Vos GPU", "text_en": "Your GPUs"},
    )
    return "Your GPUs"


def reword_question(edition):
    services.save_question(
        section=Section.objects.get(key="practice"),
        question=_theme(),
        fields={"text_en": "Your research theme"},
        choices=[
            {"id": c.pk, "key": c.key, "text_fr": c.text_fr, "text_en": c.text_en}
            for c in _theme().choices.all()
        ],
    )
    return "Your research theme"


def reword_choice_in_the_admin(edition):
    choice = Choice.objects.get(key="atmosphere")
    choice.text_en = "Air"  # the admin saves the row, as here
    choice.save()
    return "Air"


def add_choice(edition):
    Choice.objects.create(question=_theme(), position=5, key="ice", text_fr="Glace", text_en="Ice")
    return "Ice"


def retitle_section(edition):
    section = Section.objects.get(key="practice")
    services.save_section(edition=edition, section=section, title_en="Your practice")
    return "Your practice"


@pytest.mark.parametrize(
    "change", [add_question, reword_question, reword_choice_in_the_admin, add_choice,
               retitle_section],
)  # fmt: skip
def test_every_change_of_design_reaches_members_at_once(member_client, edition, change):
    step_one(member_client)
    shown = change(edition)
    assert shown in step_one(member_client)


def test_removed_and_moved_questions_and_choices_reach_members_at_once(member_client, edition):
    step_one(member_client)
    services.delete_choice(choice=Choice.objects.get(key="vscode"))
    services.move_question(question=Question.objects.get(key="tools"), offset=-1)
    text = step_one(member_client)
    assert "VS Code" not in text
    assert text.index("Question tools (en)") < text.index("Question theme (en)")
    services.delete_question(question=Question.objects.get(key="tools"))
    assert "Question tools (en)" not in step_one(member_client)


def test_answers_are_checked_against_the_design_as_it_is_now(member_client, edition):
    """A choice added after the page was kept is accepted, a deleted one refused."""
    step_one(member_client)
    add_choice(edition)
    response = member_client.post("/en/survey/2026/step/1/", {"action": "next", "q_theme": "ice"})
    assert response.status_code == 302
    services.delete_choice(choice=Choice.objects.get(key="vscode"))
    response = member_client.post(
        "/en/survey/2026/step/1/", {"action": "save", "q_theme": "ocean", "q_tools": ["vscode"]}
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()


def test_the_kept_design_belongs_to_its_token(edition):
    first = kept_design(Edition.objects.get())
    assert kept_design(Edition.objects.get()) is first
    add_question(edition)
    again = kept_design(Edition.objects.get())
    assert again is not first and "gpus" in [q.key for q in again.questions]


def test_saving_an_edition_read_before_a_change_keeps_the_new_design(member_client, edition):
    """A coordinator's settings (or the admin) save an edition they read earlier."""
    read_earlier = Edition.objects.get()
    step_one(member_client)
    shown = add_question(edition)
    read_earlier.title_en = "Survey 2026, second call"
    read_earlier.save()
    text = step_one(member_client)
    assert shown in text and "Survey 2026, second call" in text
