"""Answering, submitting, copying editions and refusing destructive edits, at the service level."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from survey import services
from survey.models import Answer, Choice, Edition, Participation, Question, Response
from tests.factories import UserFactory, build_edition, complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def edition():
    return build_edition()


def step_questions(edition, section_key):
    return [q for q in services.edition_questions(edition) if q.section.key == section_key]


def test_draft_saves_a_step_and_resumes_with_the_same_answers(edition, member):
    practice = step_questions(edition, "practice")
    answers = {"tools": {"choices": ["vim", "jupyter"], "other": "Emacs"}}
    with pytest.raises(services.AnswersInvalid):  # three answers: too many
        services.save_draft(edition=edition, user=member, answers=answers, questions=practice)
    answers["tools"]["choices"] = ["vim"]
    response = services.save_draft(
        edition=edition, user=member, answers=answers, questions=practice, step=2
    )
    assert not response.submitted and response.step == 2
    found = services.find_response(edition=edition, user=member)
    assert found == response
    assert services.stored_answers(found) == {"tools": {"choices": ["vim"], "other": "Emacs"}}


def test_multiple_choice_is_one_row_per_chosen_option(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    rows = Answer.objects.filter(question__key="tools")
    assert sorted(rows.values_list("choice__key", flat=True)) == ["jupyter", "vim"]
    assert set(rows.values_list("text", flat=True)) == {""}


def test_invalid_answer_stores_nothing_and_keeps_what_was_saved(edition, member):
    about = step_questions(edition, "about")
    services.save_draft(
        edition=edition, user=member, answers={"years": {"number": 5.0}}, questions=about
    )
    with pytest.raises(services.AnswersInvalid) as refused:
        services.save_draft(
            edition=edition,
            user=member,
            answers={"years": {"number": 99.0}, "remarks": {"text": "new"}},
            questions=about,
        )
    assert refused.value.errors == {"years": ["Enter a number between 0 and 50."]}
    stored = services.stored_answers(services.find_response(edition=edition, user=member))
    assert stored == {"years": {"number": 5.0}}


def test_submit_refused_while_a_required_answer_is_missing(edition, member):
    answers = complete_answers()
    del answers["satisfaction"]
    with pytest.raises(services.AnswersInvalid) as refused:
        services.submit_response(edition=edition, user=member, answers=answers)
    assert refused.value.errors == {"satisfaction": ["This question needs an answer."]}
    assert not Response.objects.filter(submitted=True).exists()


def test_submit_then_edit_until_close_then_refused(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    assert Participation.objects.get(user=member, edition=edition).submitted
    practice = step_questions(edition, "practice")
    changed = {"theme": {"choices": ["atmosphere"], "other": ""}}
    services.save_answers(edition=edition, user=member, answers=changed, questions=practice)
    response = services.find_response(edition=edition, user=member)
    assert services.stored_answers(response)["theme"] == changed["theme"]
    assert "tools" not in services.stored_answers(response)  # cleared on that step
    # A submitted response stays complete: a required answer cannot be removed.
    with pytest.raises(services.AnswersInvalid):
        services.save_answers(edition=edition, user=member, answers={}, questions=practice)

    Edition.objects.filter(pk=edition.pk).update(closes_at=timezone.now())
    edition.refresh_from_db()
    with pytest.raises(services.EditionNotOpen):
        services.save_answers(edition=edition, user=member, answers=changed, questions=practice)
    with pytest.raises(services.EditionNotOpen):
        services.submit_response(edition=edition, user=member)


def test_upcoming_edition_takes_no_answer(member):
    edition = build_edition(state="upcoming")
    with pytest.raises(services.EditionNotOpen):
        services.submit_response(edition=edition, user=member, answers=complete_answers())
    assert not Response.objects.exists()


def test_one_response_per_member_even_when_submitting_twice(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    assert Response.objects.count() == 1
    assert Participation.objects.count() == 1
    assert Answer.objects.count() == 6


def test_response_table_holds_no_identity_and_no_time(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    for model in (Response, Answer):
        columns = {f.column for f in model._meta.concrete_fields}
        assert not any("user" in c or "email" in c or "_at" in c or "date" in c for c in columns)
    participation_columns = {f.column for f in Participation._meta.concrete_fields}
    assert participation_columns == {"id", "user_id", "edition_id", "submitted"}
    # Random primary keys: no insertion order to line the two tables up.
    assert Response._meta.pk.get_internal_type() == "UUIDField"
    assert Participation._meta.pk.get_internal_type() == "UUIDField"
    response = Response.objects.get()
    assert len(response.key) == 64 and member.email not in response.key


def test_response_key_depends_on_the_secret(edition, member, settings):
    key = services.response_key(edition=edition, user=member)
    settings.SECRET_KEY = "another-secret-entirely-for-this-test"
    assert services.response_key(edition=edition, user=member) != key


def test_delete_member_answers_deletes_theirs_only(edition, member):
    other = UserFactory()
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    services.submit_response(edition=edition, user=other, answers=complete_answers())
    assert services.delete_member_answers(user=member) > 0
    assert Response.objects.count() == 1
    assert services.find_response(edition=edition, user=other) is not None
    assert not Participation.objects.filter(user=member).exists()


def test_copy_edition_keeps_keys_texts_and_order_without_answers(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    copy = services.copy_edition(source=edition, year=2027)
    assert copy.title_fr == "Sondage 2027" and copy.title_en == "Survey 2027"
    assert copy.opens_at.year == 2027
    assert copy.closes_at - copy.opens_at == edition.closes_at - edition.opens_at

    def shape(e):
        return [
            (q.section.key, q.key, q.kind, q.text_fr, q.max_choices, [c.key for c in q.choice_list])
            for q in services.edition_questions(e)
        ]

    assert shape(copy) == shape(edition)
    assert not copy.responses.exists()
    assert Question.objects.filter(edition=copy).count() == 5
    assert Choice.objects.filter(question__edition=copy).count() == 5
    assert edition.questions.count() == 5  # the source is untouched


def test_question_type_change_refused_once_answered(edition, member):
    question = edition.questions.get(key="theme")
    question.kind = "multiple"
    services.check_against_answers(question=question)  # no answer yet: allowed
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    with pytest.raises(ValidationError, match="already has answers"):
        services.check_against_answers(question=question)
    question.refresh_from_db()
    question.text_fr = "Votre thème, reformulé"
    services.check_against_answers(question=question)  # rewording stays allowed


def test_deleting_a_chosen_choice_refused_an_unchosen_one_allowed(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    with pytest.raises(services.DesignChangeRefused, match="Ocean"):
        services.delete_choice(choice=Choice.objects.get(key="ocean"))
    services.delete_choice(choice=Choice.objects.get(key="vscode"))
    assert not Choice.objects.filter(key="vscode").exists()
    with pytest.raises(services.DesignChangeRefused):
        services.delete_question(question=edition.questions.get(key="tools"))
    with pytest.raises(services.DesignChangeRefused):
        services.delete_section(section=edition.sections.get(key="practice"))
    assert edition.questions.filter(key="tools").exists()


def test_open_and_close_set_the_dates(member):
    edition = build_edition(state="upcoming")
    now = timezone.now()
    services.open_edition(edition=edition, now=now)
    assert edition.state_at(now + datetime.timedelta(seconds=1)) == Edition.State.OPEN
    services.close_edition(edition=edition, now=now + datetime.timedelta(hours=1))
    assert edition.state_at(now + datetime.timedelta(hours=2)) == Edition.State.CLOSED


def test_opening_an_edition_over_an_open_one_is_refused_and_changes_nothing(edition, member):
    services.save_draft(
        edition=edition, user=member, answers={}, questions=step_questions(edition, "practice")
    )
    day = datetime.timedelta(days=1)
    later = services.copy_edition(
        source=edition,
        year=2028,
        opens_at=edition.opens_at + day,
        closes_at=edition.closes_at + day,
    )
    stored = (later.opens_at, later.closes_at, later.is_published)
    with pytest.raises(services.DesignChangeRefused, match="2026 is open until"):
        services.open_edition(edition=later)
    assert (later.opens_at, later.closes_at, later.is_published) == stored
    later.refresh_from_db()
    assert (later.opens_at, later.closes_at, later.is_published) == stored
    assert Edition.objects.current() == edition
    # Once 2026 is closed, 2028 opens.
    services.close_edition(edition=edition)
    services.open_edition(edition=later)
    assert Edition.objects.current() == later


def test_opening_an_edition_that_an_upcoming_one_would_overlap_is_refused(edition):
    Edition.objects.filter(pk=edition.pk).update(is_published=False)  # a draft: no overlap
    upcoming = build_edition(2027, state="upcoming")
    with pytest.raises(services.DesignChangeRefused, match="2027 opens on"):
        services.open_edition(edition=edition)
    edition.refresh_from_db()
    assert not edition.is_published
    # A draft overlapping it is no obstacle: members do not see drafts.
    Edition.objects.filter(pk=upcoming.pk).update(is_published=False)
    assert services.open_edition(edition=edition).state == Edition.State.OPEN


def test_store_anonymous_responses_all_or_nothing(edition):
    good = complete_answers()
    bad = complete_answers(years={"number": -3.0})
    with pytest.raises(services.AnswersInvalid) as refused:
        services.store_anonymous_responses(edition=edition, answer_sets=[good, bad], is_demo=True)
    assert list(refused.value.errors) == [1]
    assert not Response.objects.exists()
    services.store_anonymous_responses(edition=edition, answer_sets=[good, good], is_demo=True)
    assert Response.objects.filter(is_demo=True, submitted=True).count() == 2


def test_edition_state_follows_the_dates_in_paris_time():
    edition = build_edition(state="closed")
    assert edition.state == Edition.State.CLOSED
    assert Edition.objects.current() is None
    assert connection.vendor in {"sqlite", "postgresql"}


# Design: positions come from the services, and stored answers guard their questions.


def choice_dicts(question):
    return [
        {"id": c.pk, "key": c.key, "text_fr": c.text_fr, "text_en": c.text_en}
        for c in question.choices.all()
    ]


def test_save_section_appends_and_refuses_a_bad_key_storing_nothing(edition):
    section = services.save_section(edition=edition, key="platforms", title_fr="Plateformes")
    assert section.position == 2
    with pytest.raises(ValidationError):
        services.save_section(edition=edition, key="Bad Key", title_fr="x")
    services.save_section(edition=edition, section=section, key="gpus", title_fr="GPU")
    assert list(edition.sections.values_list("key", flat=True)) == ["practice", "about", "gpus"]


def test_save_question_appends_numbers_choices_and_follows_a_new_section(edition):
    practice, about = edition.sections.all()
    question = services.save_question(
        section=practice,
        fields={"key": "gpu", "kind": "single", "text_fr": "Vos GPU"},
        choices=[
            {"key": "hal", "text_fr": "HAL"},
            {"key": "jean_zay", "text_fr": "Jean Zay", "text_en": "Jean Zay"},
        ],
    )
    assert question.edition == edition and question.position == 2
    assert list(question.choices.values_list("key", "position")) == [("hal", 0), ("jean_zay", 1)]
    moved = services.save_question(
        section=about, question=question, fields={}, choices=choice_dicts(question)
    )
    assert moved.section == about and moved.position == 3
    with pytest.raises(ValidationError, match="another edition"):
        other = build_edition(2027).sections.first()
        services.save_question(
            section=other, question=question, fields={}, choices=choice_dicts(question)
        )


def test_save_question_with_answers_rewords_and_reorders_choices(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    ocean, atmosphere = choice_dicts(theme)
    ocean["text_en"] = "The ocean"
    services.save_question(
        section=theme.section,
        question=theme,
        fields={"text_en": "Your theme"},
        choices=[atmosphere, ocean],
    )
    assert list(theme.choices.values_list("key", "text_en")) == [
        ("atmosphere", "Atmosphere"),
        ("ocean", "The ocean"),
    ]
    assert services.stored_answers(Response.objects.get())["theme"]["choices"] == ["ocean"]


def test_save_question_refuses_deleting_a_chosen_choice_and_writes_nothing(edition, member):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    tools = edition.questions.get(key="tools")
    jupyter, vim, vscode = choice_dicts(tools)
    with pytest.raises(services.DesignChangeRefused, match="Vim"):
        services.save_question(
            section=tools.section,
            question=tools,
            fields={"text_fr": "Changé"},
            choices=[jupyter, {"key": "emacs", "text_fr": "Emacs"}],
        )
    assert list(tools.choices.values_list("key", flat=True)) == ["jupyter", "vim", "vscode"]
    tools.refresh_from_db()
    assert tools.text_fr == "Question tools"
    # VS Code was never chosen: it goes, and a new choice may take its key at once.
    services.save_question(
        section=tools.section,
        question=tools,
        fields={},
        choices=[jupyter, vim, {"key": "vscode", "text_fr": "VS Code (new)"}],
    )
    assert tools.choices.get(key="vscode").pk != vscode["id"]


@pytest.mark.parametrize(
    ("key", "fields", "message"),
    [
        ("theme", {"kind": "multiple"}, "its type cannot change"),
        ("years", {"min_value": 0, "max_value": 2}, "fall outside these bounds"),
        ("tools", {"max_choices": 1}, "ticked more choices than this"),
        ("tools", {"allow_other": False}, "must keep offering “other”"),
    ],
)
def test_save_question_refuses_what_stored_answers_forbid(edition, member, key, fields, message):
    answers = complete_answers(tools={"choices": ["jupyter"], "other": "Emacs"})
    services.submit_response(edition=edition, user=member, answers=answers)
    question = edition.questions.get(key=key)
    before = Question.objects.filter(pk=question.pk).values().get()
    with pytest.raises(ValidationError, match=message):
        services.save_question(
            section=question.section,
            question=question,
            fields=fields,
            choices=choice_dicts(question) if question.has_choices else [],
        )
    assert Question.objects.filter(pk=question.pk).values().get() == before


def test_save_question_allows_the_same_changes_without_answers(edition):
    tools = edition.questions.get(key="tools")
    services.save_question(
        section=tools.section,
        question=tools,
        fields={"max_choices": 1, "allow_other": False},
        choices=choice_dicts(tools),
    )
    theme = edition.questions.get(key="theme")
    services.save_question(
        section=theme.section,
        question=theme,
        fields={"kind": "text", "allow_other": False},
        choices=[],
    )
    assert not theme.choices.exists()  # a free-text question keeps no choices


def test_move_question_swaps_with_its_neighbour_and_stops_at_the_ends(edition):
    about = edition.sections.get(key="about")
    years = about.questions.get(key="years")
    assert services.move_question(question=years, offset=-1)
    assert list(about.questions.values_list("key", flat=True)) == [
        "years",
        "satisfaction",
        "remarks",
    ]
    assert not services.move_question(question=years, offset=-1)
    remarks = about.questions.get(key="remarks")
    assert not services.move_question(question=remarks, offset=1)


def test_move_works_across_gaps_and_equal_positions(edition, member):
    about = edition.sections.get(key="about")
    # A deletion leaves a gap; older data may hold equal positions.
    Question.objects.filter(key="years").update(position=7)
    Question.objects.filter(key="remarks").update(position=7)
    remarks = about.questions.get(key="remarks")
    services.move_question(question=remarks, offset=-1)
    assert list(about.questions.values_list("key", flat=True)) == [
        "satisfaction",
        "remarks",
        "years",
    ]
    assert list(about.questions.values_list("position", flat=True)) == [0, 1, 2]


def test_move_section_changes_the_steps_order(edition):
    about = edition.sections.get(key="about")
    assert services.move_section(section=about, offset=-1)
    assert next(q.section.key for q in services.edition_questions(edition)) == "about"
