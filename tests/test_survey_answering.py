"""The member's journey through the client: steps, save and resume, review, submit, edit, close."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.utils import timezone

from survey import services
from survey.models import Answer, Edition, Question, Response
from tests.factories import build_edition, complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def edition():
    return build_edition()


def page(response):
    return response.content.decode()


def test_survey_page_for_a_reader_explains_and_asks_to_log_in(client, edition):
    text = page(client.get("/en/survey/"))
    assert "Survey 2026" in text
    assert "Log in to answer" in text
    assert "What is stored, and who sees what" in text
    assert "cannot tell whose answers are whose" in text


def test_survey_page_in_french_by_default(client, edition):
    text = page(client.get("/survey/"))
    assert "Sondage 2026" in text
    assert "Ce qui est conservé" in text


def test_answering_needs_a_login(client, edition):
    response = client.get("/en/survey/2026/step/1/")
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_answering_needs_a_verified_email(member_client, member, edition):
    assert member_client.get("/en/survey/2026/step/1/").status_code == 200
    EmailAddress.objects.filter(user=member).update(verified=False)
    assert member_client.get("/en/survey/2026/step/1/").status_code == 403
    EmailAddress.objects.filter(user=member).update(verified=True)  # confirmed meanwhile
    assert member_client.get("/en/survey/2026/step/1/").status_code == 200


def test_start_goes_to_the_first_step_then_resumes_where_left(member_client, edition):
    assert member_client.get("/en/survey/2026/")["Location"] == "/en/survey/2026/step/1/"
    response = member_client.post(
        "/en/survey/2026/step/1/", {"action": "next", "q_theme": "ocean", "q_tools": ["vim"]}
    )
    assert response["Location"] == "/en/survey/2026/step/2/"
    assert member_client.get("/en/survey/2026/")["Location"] == "/en/survey/2026/step/2/"


def test_step_shows_progress_questions_and_stored_answers(member_client, member, edition):
    services.save_draft(
        edition=edition,
        user=member,
        answers={"tools": {"choices": ["vim"], "other": "Emacs"}},
        questions=[q for q in services.edition_questions(edition) if q.key == "tools"],
    )
    text = page(member_client.get("/en/survey/2026/step/1/"))
    assert '<progress max="3" value="1"' in text
    assert "Step 1 of 3" in text
    assert "Question theme (en)" in text
    assert 'value="vim"' in text and 'value="vim"\n' not in text
    assert "checked" in text and 'value="Emacs"' in text
    assert "Save and continue later" in text
    assert "<script>" not in text and 'style="' not in text


def test_save_and_continue_later_keeps_an_incomplete_step(member_client, member, edition):
    response = member_client.post("/en/survey/2026/step/1/", {"action": "save", "q_tools": ["vim"]})
    assert response["Location"] == "/en/survey/"
    stored = services.stored_answers(services.find_response(edition=edition, user=member))
    assert stored == {"tools": {"choices": ["vim"], "other": ""}}
    text = page(member_client.get("/en/survey/"))
    assert "Started, not submitted" in text and "Continue where I left off" in text


def test_next_requires_the_required_questions(member_client, edition):
    response = member_client.post("/en/survey/2026/step/1/", {"action": "next", "q_tools": ["vim"]})
    assert response.status_code == 200
    text = page(response)
    # The message by its question (the error summary above the questions repeats it).
    error_at = text.index("This question needs an answer.", text.index('class="survey-question'))
    assert text.rindex('id="question-theme"', 0, error_at) > text.rfind(
        'id="question-tools"', 0, error_at
    )
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("data", "question", "message"),
    [
        ({"q_theme": "__other__", "q_theme_other": ""}, "theme", "please say what it is"),
        ({"q_theme": "ocean", "q_tools": ["vim", "jupyter", "vscode"]}, "tools", "at most 2"),
        (
            {"q_theme": "ocean", "q_tools": ["vim", "jupyter", "__other__"], "q_tools_other": "x"},
            "tools",
            "at most 2",
        ),
    ],
)
def test_choice_errors_sit_next_to_their_question(member_client, edition, data, question, message):
    text = page(member_client.post("/en/survey/2026/step/1/", {"action": "save", **data}))
    block = text[text.index(f'id="question-{question}"') :]
    block = (
        block[: block.index("survey-question", 30)] if "survey-question" in block[30:] else block
    )
    assert message in block
    assert "nothing from this page was saved yet" in text


def test_errors_keep_what_was_saved_before_and_the_input(member_client, member, edition):
    member_client.post("/en/survey/2026/step/2/", {"action": "save", "q_years": "7"})
    text = page(
        member_client.post(
            "/en/survey/2026/step/2/", {"action": "save", "q_years": "70", "q_remarks": "kept"}
        )
    )
    assert "Enter a number between 0 and 50." in text
    assert "kept</textarea>" in text and 'value="70"' in text
    assert Answer.objects.get(question__key="years").number == 7
    text = page(member_client.post("/en/survey/2026/step/2/", {"action": "save", "q_years": "abc"}))
    assert "Enter a number." in text
    assert Answer.objects.get(question__key="years").number == 7


def test_review_lists_answers_and_missing_then_submit(member_client, member, edition):
    member_client.post(
        "/en/survey/2026/step/1/",
        {"action": "next", "q_theme": "__other__", "q_theme_other": "Glaciers"},
    )
    text = page(member_client.get("/en/survey/2026/review/"))
    assert "Other: Glaciers" in text
    assert "These required questions have no answer yet" in text
    assert 'href="/en/survey/2026/step/2/#question-satisfaction"' in text
    response = member_client.post("/en/survey/2026/review/")
    assert "Some required questions have no answer yet." in page(response)
    assert not Response.objects.filter(submitted=True).exists()

    member_client.post("/en/survey/2026/step/2/", {"action": "next", "q_satisfaction": "4"})
    response = member_client.post("/en/survey/2026/review/", follow=True)
    assert "Thank you! Your answers are submitted." in page(response)
    assert Response.objects.get().submitted


def test_after_submit_member_edits_until_close_then_reads_only(member_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    assert member_client.get("/en/survey/2026/")["Location"] == "/en/survey/2026/review/"
    text = page(member_client.get("/en/survey/2026/step/1/"))
    assert "changes you save here replace them" in text
    response = member_client.post(
        "/en/survey/2026/step/1/", {"action": "save", "q_theme": "atmosphere", "q_tools": ["vim"]}
    )
    assert response["Location"] == "/en/survey/"
    assert services.stored_answers(Response.objects.get())["theme"]["choices"] == ["atmosphere"]
    # Removing a required answer of a submitted response is refused.
    text = page(member_client.post("/en/survey/2026/step/1/", {"action": "save"}))
    assert "This question needs an answer." in text

    Edition.objects.filter(pk=edition.pk).update(closes_at=timezone.now())
    response = member_client.post("/en/survey/2026/step/1/", {"action": "save", "q_theme": "ocean"})
    assert response["Location"] == "/en/survey/2026/review/"
    text = page(member_client.get("/en/survey/2026/review/"))
    assert "your answers can be read, not changed" in text
    assert "Atmosphere" in text
    assert "Submit my answers" not in text and "/step/1/" not in text
    assert services.stored_answers(Response.objects.get())["theme"]["choices"] == ["atmosphere"]


def test_closed_edition_without_answers_sends_back(member_client):
    build_edition(state="closed")
    response = member_client.get("/en/survey/2026/review/")
    assert response["Location"] == "/en/survey/"


def test_upcoming_edition_cannot_be_answered(member_client):
    build_edition(state="upcoming")
    assert member_client.get("/en/survey/2026/step/1/")["Location"] == "/en/survey/"
    assert member_client.get("/en/survey/2026/review/").status_code == 404


def test_unknown_step_is_404(member_client, edition):
    assert member_client.get("/en/survey/2026/step/9/").status_code == 404


def test_member_sees_only_their_own_answers(client, member, edition):
    from tests.factories import UserFactory

    other = UserFactory()
    services.submit_response(
        edition=edition, user=other, answers=complete_answers(remarks={"text": "secret of other"})
    )
    client.force_login(member)
    text = page(client.get("/en/survey/2026/review/"))
    assert "secret of other" not in text
    assert "Answer the survey" in page(client.get("/en/survey/"))


@pytest.mark.usefixtures("uncached_pages")  # closing by the clock: cached pages live 5 min
def test_home_calls_to_answer_an_open_edition(client, edition):
    assert "Answer the survey" in page(client.get("/en/"))
    Edition.objects.update(closes_at=timezone.now())
    assert "Answer the survey" not in page(client.get("/en/"))


def test_survey_page_query_count_with_one_and_many_editions(
    member_client, django_assert_num_queries
):
    build_edition(2025, state="closed")
    with django_assert_num_queries(5):
        member_client.get("/en/survey/")
    for year in (2022, 2023, 2024):
        build_edition(year, state="closed")
    with django_assert_num_queries(5):
        member_client.get("/en/survey/")


def test_account_deletion_can_take_the_answers_along(client, member, edition):
    from tests.factories import PASSWORD

    services.submit_response(edition=edition, user=member, answers=complete_answers())
    client.force_login(member)
    assert "Also delete my survey answers" in page(client.get("/en/accounts/delete/"))
    client.post("/en/accounts/delete/", {"password": PASSWORD, "delete_survey_answers": "on"})
    assert not Response.objects.exists()


def test_account_deletion_keeps_anonymous_answers_by_default(client, member, edition):
    from tests.factories import PASSWORD

    services.submit_response(edition=edition, user=member, answers=complete_answers())
    client.force_login(member)
    client.post("/en/accounts/delete/", {"password": PASSWORD})
    assert Response.objects.filter(submitted=True).count() == 1
    assert Answer.objects.count() == 6


def _step_buttons(text):
    """The visible action buttons of a step, in reading order."""
    bar = text[text.index('class="survey-actions"') :]
    return re.findall(r'name="action" value="(\w+)"', bar[: bar.index("</div>")])


def test_step_action_bar_reads_previous_save_next_and_enter_goes_on(member_client, edition):
    text = page(member_client.get("/en/survey/2026/step/2/"))
    assert _step_buttons(text) == ["previous", "save", "next"]
    # The first submit button of the form is the one Enter presses: it must go on.
    first = re.search(r'<button type="submit" name="action" value="(\w+)"', text)
    assert first.group(1) == "next"
    assert _step_buttons(page(member_client.get("/en/survey/2026/step/1/"))) == ["save", "next"]


def test_optional_scale_and_single_choice_offer_no_answer_and_required_ones_do_not(
    member_client, edition
):
    Question.objects.filter(key="theme").update(required=False)
    text = page(member_client.get("/en/survey/2026/step/1/"))
    assert text.count('name="q_theme" value=""') == 1 and "No answer" in text
    satisfaction = page(member_client.get("/en/survey/2026/step/2/"))
    assert "No answer" not in satisfaction  # the scale question is required


def test_no_answer_clears_a_stored_optional_scale_answer(member_client, member, edition):
    Question.objects.filter(key="satisfaction").update(required=False)
    services.save_draft(
        edition=edition,
        user=member,
        answers={"satisfaction": {"number": 4.0}, "years": {"number": 3.0}},
        questions=services.edition_questions(edition),
    )
    text = page(member_client.get("/en/survey/2026/step/2/"))
    assert re.search(r'value="4"[^>]*checked', text)
    response = member_client.post(
        "/en/survey/2026/step/2/", {"action": "save", "q_satisfaction": "", "q_years": "3"}
    )
    assert response.status_code == 302
    stored = services.stored_answers(services.find_response(edition=edition, user=member))
    assert stored == {"years": {"number": 3.0}}


def test_review_shows_scale_labels_and_whole_numbers_as_given(member_client, member, edition):
    Question.objects.filter(key="satisfaction").update(
        min_label_en="Never", max_label_en="Every day", min_label_fr="Jamais"
    )
    services.save_draft(
        edition=edition,
        user=member,
        answers=complete_answers(satisfaction={"number": 5.0}, years={"number": 4.0}),
        questions=services.edition_questions(edition),
    )
    text = page(member_client.get("/en/survey/2026/review/"))
    assert "5 — Every day" in text
    assert "<dd>4</dd>" in text and "4.0" not in text
    assert 'value="4"' in page(member_client.get("/en/survey/2026/step/2/"))
    services.save_draft(
        edition=edition,
        user=member,
        answers={"satisfaction": {"number": 1.0}, "years": {"number": 2.5}},
        questions=services.edition_questions(edition),
    )
    french = page(member_client.get("/survey/2026/review/"))
    assert "1 — Jamais" in french and "<dd>2,5</dd>" in french


def test_final_submit_reads_only_what_it_stores(
    member_client, member, edition, django_assert_num_queries
):
    questions = services.edition_questions(edition)
    services.save_draft(
        edition=edition, user=member, answers=complete_answers(), questions=questions
    )
    member_client.get("/en/survey/2026/review/")  # where members submit from
    # Session, user with their role and address, edition (the design this process keeps
    # since the review page); in one transaction the locked response and its answers,
    # then two updates.
    with django_assert_num_queries(9):
        response = member_client.post("/en/survey/2026/review/")
    assert response.status_code == 302
    assert Response.objects.get().submitted


def test_a_step_saved_reads_the_response_once(
    member_client, member, edition, django_assert_num_queries
):
    services.save_draft(
        edition=edition, user=member, answers={}, questions=services.edition_questions(edition)
    )
    member_client.get("/en/survey/2026/step/1/")
    # Session, user, edition (the design this process keeps since the page was shown); in
    # one transaction the locked response, its step's answers replaced, its step moved on.
    # No read before the lock.
    with django_assert_num_queries(9):
        response = member_client.post(
            "/en/survey/2026/step/1/", {"action": "next", "q_theme": "ocean", "q_tools": ["vim"]}
        )
    assert response["Location"] == "/en/survey/2026/step/2/"
    assert services.stored_answers(Response.objects.get())["theme"]["choices"] == ["ocean"]


def _question_block(text, key):
    block = text[text.index(f'id="question-{key}"') :]
    end = block.find('class="survey-question', 30)
    return block if end < 0 else block[:end]


def test_other_text_typed_without_ticking_other_counts_on_a_multiple_choice(
    member_client, member, edition
):
    """No script, or "Other" unticked while its box kept the text in sight."""
    response = member_client.post(
        "/en/survey/2026/step/1/",
        {"action": "next", "q_theme": "ocean", "q_tools": ["vim"], "q_tools_other": " Emacs "},
    )
    assert response["Location"] == "/en/survey/2026/step/2/"
    stored = services.stored_answers(services.find_response(edition=edition, user=member))
    assert stored["tools"] == {"choices": ["vim"], "other": "Emacs"}
    assert "Other: Emacs" in page(member_client.get("/en/survey/2026/review/"))
    text = page(member_client.get("/en/survey/2026/step/1/"))
    assert re.search(r'value="__other__"[^>]*checked', text) and 'value="Emacs"' in text


def test_other_text_typed_with_nothing_chosen_answers_a_single_choice(
    member_client, member, edition
):
    member_client.post("/en/survey/2026/step/1/", {"action": "save", "q_theme_other": "Glaciers"})
    stored = services.stored_answers(services.find_response(edition=edition, user=member))
    assert stored["theme"] == {"choices": [], "other": "Glaciers"}


@pytest.mark.parametrize(
    ("prefix", "chosen", "message"),
    [
        ("/en/", "ocean", "You wrote an “other” answer but chose another option"),
        ("/", "ocean", "cochez «\u00a0Autre\u00a0» pour garder votre texte"),
        ("/en/", "", "tick “Other” to keep your text, or empty this box."),
    ],
)
def test_other_text_typed_with_another_single_choice_is_refused_and_kept(
    member_client, edition, prefix, chosen, message
):
    Question.objects.filter(key="theme").update(required=False)  # "No answer" is an option
    response = member_client.post(
        f"{prefix}survey/2026/step/1/",
        {"action": "save", "q_theme": chosen, "q_theme_other": "Glaciers"},
    )
    assert response.status_code == 200
    block = _question_block(page(response), "theme")
    assert message in block
    assert 'value="Glaciers"' in block
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/en/", "Your session had ended: the answers of that page were not saved."),
        ("/", "Votre session était terminée\u202f: les réponses de cette page n’ont pas été"),
    ],
)
def test_answers_sent_after_the_session_ended_are_said_lost_on_the_login_page(
    client, edition, prefix, message
):
    response = client.post(
        f"{prefix}survey/2026/step/1/", {"action": "next", "q_theme": "ocean"}, follow=True
    )
    assert response.redirect_chain[0][0].startswith(f"{prefix}accounts/login/?next=")
    assert page(response).count(message) == 1
    assert not Response.objects.exists()
    # Opening a step logged out loses nothing: no such message.
    assert message not in page(client.get(f"{prefix}survey/2026/step/1/", follow=True))


def test_submitting_after_the_session_ended_is_said_not_done_on_the_login_page(
    client, member, edition
):
    services.save_draft(
        edition=edition,
        user=member,
        answers=complete_answers(),
        questions=services.edition_questions(edition),
    )
    text = page(client.post("/en/survey/2026/review/", follow=True))
    assert "Your session had ended: your answers were not submitted." in text
    assert not Response.objects.get().submitted


def test_step_errors_are_summed_up_at_the_top_with_links_and_in_the_title(member_client, edition):
    response = member_client.post(
        "/en/survey/2026/step/1/",
        {"action": "next", "q_tools": ["vim", "__other__"], "q_tools_other": ""},
    )
    text = page(response)
    summary = text[text.index('id="error-summary"') : text.index('class="survey-question')]
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    assert "nothing from this page was saved yet" in summary
    assert '<a href="#question-theme">Question theme (en)</a> — This question needs an answer.' in (
        summary
    )
    assert '<a href="#question-tools">Question tools (en)</a> — You ticked “other”' in summary
    assert "<title>2 answers to correct · Practice · Survey 2026 · ESPRI-IA</title>" in text
    # Said once: the summary, not also a message at the top of the page.
    assert text.count("nothing from this page was saved yet") == 1
    french = page(
        member_client.post("/survey/2026/step/1/", {"action": "next", "q_tools": ["vim"]})
    )
    assert "<title>1 réponse à corriger · Pratique · Sondage 2026 · ESPRI-IA</title>" in french
    assert '<a href="#question-theme">Question theme</a>' in french
    # A page without errors has neither.
    text = page(member_client.get("/en/survey/2026/step/1/"))
    assert 'id="error-summary"' not in text and "to correct" not in text


def test_after_submitting_save_changes_has_a_short_label_for_a_phone(
    member_client, member, edition
):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    for prefix, long, short in [
        ("/en/", "Save changes", "Save"),
        ("/", "Enregistrer les modifications", "Enregistrer"),
    ]:
        text = page(member_client.get(f"{prefix}survey/2026/step/2/"))
        bar = text[text.index('class="survey-actions"') :]
        assert f'<span class="survey-label-long">{long}</span>' in bar
        assert f'<span class="survey-label-short">{short}</span>' in bar


@pytest.mark.parametrize(
    ("prefix", "closed", "not_answered"),
    [
        ("/en/", "can be read, not changed", "This edition is closed and you did not answer it."),
        ("/", "peuvent être lues, pas modifiées", "Cette édition est close et vous n’y avez pas"),
    ],
)
def test_closed_edition_not_answered_says_so_once(member_client, prefix, closed, not_answered):
    build_edition(2020, state="closed")
    for address in ("survey/2020/", "survey/2020/step/1/", "survey/2020/review/"):
        response = member_client.get(f"{prefix}{address}", follow=True)
        assert response.redirect_chain[-1][0] == f"{prefix}survey/"
        text = page(response)
        assert text.count(not_answered) == 1
        assert closed not in text


def test_answers_sent_as_the_edition_closed_are_said_lost_once(member_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    Edition.objects.filter(pk=edition.pk).update(closes_at=timezone.now())
    response = member_client.post(
        "/en/survey/2026/step/1/", {"action": "save", "q_theme": "atmosphere"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/en/survey/2026/review/"
    text = page(response)
    assert text.count("This edition has closed: the answers of that page were not saved.") == 1
    assert text.count("your answers can be read, not changed.") == 1
    # Opening a page of the closed edition loses nothing: only the page's own line.
    text = page(member_client.get("/en/survey/2026/step/1/", follow=True))
    assert "were not saved" not in text
    assert text.count("your answers can be read, not changed.") == 1


def test_submitting_as_the_edition_closed_is_said_not_done(member_client, member, edition):
    services.save_draft(
        edition=edition,
        user=member,
        answers=complete_answers(),
        questions=services.edition_questions(edition),
    )
    Edition.objects.filter(pk=edition.pk).update(closes_at=timezone.now())
    text = page(member_client.post("/survey/2026/review/", follow=True))
    assert text.count("Cette édition est maintenant close\u202f: vos réponses n’ont pas été") == 1
    assert text.count("vos réponses peuvent être lues, pas modifiées.") == 1
    assert not Response.objects.get().submitted


@pytest.mark.parametrize("prefix", ["/en/", "/"])
def test_results_to_come_ask_only_an_anonymous_visitor_to_log_in(client, member, prefix):
    build_edition(results_visibility="members")
    login = {"/en/": "(log in with your account)", "/": "(connectez-vous avec votre compte)"}[
        prefix
    ]
    assert login in page(client.get(f"{prefix}survey/2026/results/"))
    client.force_login(member)
    text = page(client.get(f"{prefix}survey/2026/results/"))
    assert login not in text
    assert {"/en/": "can be read by members.", "/": "peuvent être lus par les membres."}[
        prefix
    ] in text
