"""Coordinators design editions in the site; members and readers cannot."""

import secrets

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from kb.dates import date_format
from survey import services
from survey.models import Answer, Choice, Edition, Question, Response
from tests.factories import UserFactory, build_edition, complete_answers

pytestmark = pytest.mark.django_db

DESIGN_PAGES = [
    "/en/survey/design/",
    "/en/survey/design/new/",
    "/en/survey/design/2026/",
    "/en/survey/design/2026/settings/",
    "/en/survey/design/2026/questions/new/",
    "/en/survey/design/2026/preview/1/",
    "/en/survey/design/2026/import/",
]


@pytest.fixture
def edition():
    return build_edition()


@pytest.mark.parametrize("url", DESIGN_PAGES)
def test_design_pages_by_role(client, member, coordinator, edition, url):
    assert client.get(url)["Location"].startswith("/en/accounts/login/")
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    assert client.get(url).status_code == 200


def test_members_cannot_open_close_or_delete(member_client, edition):
    for url in ["open/", "close/", f"questions/{edition.questions.first().pk}/delete/"]:
        assert member_client.post(f"/en/survey/design/2026/{url}").status_code == 403
    assert Question.objects.count() == 5


def test_edition_list_query_count_with_one_and_many(coordinator_client, django_assert_num_queries):
    build_edition(2020, state="closed")
    # session, user with their role, editions
    with django_assert_num_queries(3):
        text = coordinator_client.get("/en/survey/design/").content.decode()
    assert "Survey 2020" in text
    for year in (2021, 2022, 2023):
        build_edition(year, state="closed")
    with django_assert_num_queries(3):
        coordinator_client.get("/en/survey/design/")


def test_copy_previous_edition_keeps_keys(coordinator_client, edition):
    form = coordinator_client.get("/en/survey/design/new/").content.decode()
    assert 'value="2027"' in form
    response = coordinator_client.post(
        "/en/survey/design/new/",
        {
            "source": edition.pk,
            "year": 2027,
            "opens_at": "2027-06-01T09:00",
            "closes_at": "2027-06-30T18:00",
        },
    )
    assert response["Location"] == "/en/survey/design/2027/"
    copy = Edition.objects.get(year=2027)
    assert list(copy.questions.values_list("key", flat=True)) == list(
        edition.questions.values_list("key", flat=True)
    )
    assert copy.state == Edition.State.DRAFT and not copy.is_published
    again = coordinator_client.post(
        "/en/survey/design/new/",
        {
            "source": edition.pk,
            "year": 2027,
            "opens_at": "2027-06-01T09:00",
            "closes_at": "2027-06-30T18:00",
        },
    )
    assert "There is already an edition for 2027." in again.content.decode()


def choice_rows(rows):
    """The choices editor's fields for ``rows``, (id or None, key, text_fr, text_en) in order."""
    data = {"choices-TOTAL_FORMS": len(rows), "choices-INITIAL_FORMS": 0}
    for index, (pk, key, text_fr, text_en) in enumerate(rows):
        data.update(
            {
                f"choices-{index}-id": pk or "",
                f"choices-{index}-key": key,
                f"choices-{index}-text_fr": text_fr,
                f"choices-{index}-text_en": text_en,
            }
        )
    return data


def question_data(question, **changes):
    """What the question's page posts when saved unchanged, then ``changes``."""
    data = {
        "section": question.section_id,
        "key": question.key,
        "kind": question.kind,
        "text_fr": question.text_fr,
        "text_en": question.text_en,
        "required": "on" if question.required else "",
        "allow_other": "on" if question.allow_other else "",
        "max_choices": question.max_choices or "",
        **choice_rows([(c.pk, c.key, c.text_fr, c.text_en) for c in question.choices.all()]),
    }
    data.update(changes)
    return data


def test_rewording_and_reordering_allowed_after_answers(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    ocean, atmosphere = theme.choices.all()
    response = coordinator_client.post(
        f"/en/survey/design/2026/questions/{theme.pk}/",
        question_data(
            theme,
            text_fr="Thème reformulé",
            **choice_rows(
                [
                    (atmosphere.pk, "atmosphere", "Atmosphère", "Atmosphere"),
                    (ocean.pk, "ocean", "L’océan", "Ocean"),
                ]
            ),
        ),
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert theme.text_fr == "Thème reformulé"
    assert list(theme.choices.values_list("key", "text_fr")) == [
        ("atmosphere", "Atmosphère"),
        ("ocean", "L’océan"),
    ]
    assert Answer.objects.filter(choice=ocean).exists()  # the answers still point at it


def test_type_change_refused_with_a_clear_message(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    response = coordinator_client.post(
        f"/en/survey/design/2026/questions/{theme.pk}/", question_data(theme, kind="multiple")
    )
    assert response.status_code == 200
    assert "its type cannot change" in response.content.decode()
    theme.refresh_from_db()
    assert theme.kind == "single"


def test_deleting_a_chosen_choice_refused_in_the_site(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    atmosphere = theme.choices.get(key="atmosphere")
    # The ocean row left out, as a stale page or a crafted request would.
    data = question_data(
        theme,
        text_fr="Changed too",
        **choice_rows(
            [(atmosphere.pk, "atmosphere", "Atmosphère", ""), (None, "ice", "Glace", "")]
        ),
    )
    response = coordinator_client.post(f"/en/survey/design/2026/questions/{theme.pk}/", data)
    text = response.content.decode()
    assert response.status_code == 200
    assert "was chosen in answers already" in text
    assert 'value="Changed too"' in text and 'value="Glace"' in text  # what was typed, shown again
    assert list(theme.choices.values_list("key", flat=True)) == ["ocean", "atmosphere"]
    theme.refresh_from_db()
    assert theme.text_fr != "Changed too"  # nothing of the refused form was saved


def test_deleting_an_answered_question_refused(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    response = coordinator_client.post(
        f"/en/survey/design/2026/questions/{theme.pk}/delete/", follow=True
    )
    assert "has answers already" in response.content.decode()
    assert Question.objects.filter(pk=theme.pk).exists()


def test_add_a_question_with_choices(coordinator_client, edition):
    section = edition.sections.get(key="about")
    response = coordinator_client.post(
        "/en/survey/design/2026/questions/new/",
        {
            "section": section.pk,
            "key": "gpu",
            "kind": "multiple",
            "text_fr": "Vos GPU",
            **choice_rows(
                [(None, "hal", "HAL", ""), (None, "", "", ""), (None, "jean_zay", "Jean Zay", "")]
            ),
        },
    )
    assert response.status_code == 302
    question = Question.objects.get(key="gpu")
    assert question.edition == edition
    assert list(question.choices.values_list("key", "position")) == [("hal", 0), ("jean_zay", 1)]
    assert question.position == 3  # after the section's three questions


def test_duplicate_question_key_is_a_form_error(coordinator_client, edition):
    section = edition.sections.get(key="about")
    response = coordinator_client.post(
        "/en/survey/design/2026/questions/new/",
        {
            "section": section.pk,
            "key": "theme",
            "kind": "text",
            "text_fr": "x",
            "choices-TOTAL_FORMS": 0,
            "choices-INITIAL_FORMS": 0,
        },
    )
    assert "Another question of this edition has this key." in response.content.decode()


def test_preview_checks_answers_and_stores_nothing(coordinator_client, edition):
    text = coordinator_client.get("/en/survey/design/2026/preview/1/").content.decode()
    assert "Answers are checked but never stored" in text
    response = coordinator_client.post(
        "/en/survey/design/2026/preview/1/",
        {"action": "next", "q_tools": ["vim", "jupyter", "vscode"]},
    )
    assert "at most 2" in response.content.decode()
    response = coordinator_client.post(
        "/en/survey/design/2026/preview/1/", {"action": "next", "q_theme": "ocean"}
    )
    assert response["Location"] == "/en/survey/design/2026/preview/2/"
    assert not Response.objects.exists()


def test_open_and_close_from_the_site(coordinator_client):
    edition = build_edition(state="upcoming")
    coordinator_client.post("/en/survey/design/2026/open/")
    edition.refresh_from_db()
    assert edition.state == Edition.State.OPEN
    coordinator_client.post("/en/survey/design/2026/close/")
    edition.refresh_from_db()
    assert edition.state == Edition.State.CLOSED
    assert edition.closes_at <= timezone.now()


def test_open_now_is_refused_while_another_edition_is_open(coordinator_client, member, edition):
    member_client = Client()
    member_client.force_login(member)
    services.save_draft(edition=edition, user=member, answers={}, questions=[])
    day = timezone.timedelta(days=1)
    later = services.copy_edition(
        source=edition,
        year=2028,
        opens_at=edition.opens_at + day,
        closes_at=edition.closes_at + day,
    )
    for url, refusal in [
        ("/en/survey/design/2028/open/", "This edition was not opened: 2026 is open until"),
        ("/survey/design/2028/open/", "Cette édition n’a pas été ouverte\u202f: 2026 est ouverte"),
    ]:
        page = coordinator_client.post(url, follow=True).content.decode()
        assert refusal in page
        assert "The edition is open" not in page and "L’édition est ouverte" not in page
    later.refresh_from_db()
    assert not later.is_published and later.opens_at == edition.opens_at + day
    # Members halfway through 2026 are still offered it, and 2028 not at all.
    survey_page = member_client.get("/en/survey/").content.decode()
    assert "/en/survey/2026/" in survey_page and "Survey 2028" not in survey_page
    assert member_client.get("/en/survey/2028/").status_code == 404

    coordinator_client.post("/en/survey/design/2026/close/")
    page = coordinator_client.post("/en/survey/design/2028/open/", follow=True).content.decode()
    assert "The edition is open: members can answer it." in page
    later.refresh_from_db()
    assert later.state == Edition.State.OPEN


def test_settings_refuse_closing_before_opening(coordinator_client, edition):
    response = coordinator_client.post(
        "/en/survey/design/2026/settings/",
        {
            "year": 2026,
            "title_fr": "T",
            "opens_at": "2026-06-10T09:00",
            "closes_at": "2026-06-01T09:00",
            "results_visibility": "members",
            "min_group_size": 5,
        },
    )
    assert "The edition must close after it opens." in response.content.decode()


def settings_data(edition, **changes):
    return {
        "year": edition.year,
        "title_fr": edition.title_fr,
        "title_en": edition.title_en,
        "opens_at": timezone.localtime(edition.opens_at).strftime("%Y-%m-%dT%H:%M"),
        "closes_at": timezone.localtime(edition.closes_at).strftime("%Y-%m-%dT%H:%M"),
        "results_visibility": edition.results_visibility,
        "min_group_size": edition.min_group_size,
        **changes,
    }


def test_settings_refuse_a_year_that_has_its_edition_in_plain_words(coordinator_client, edition):
    build_edition(2020, state="closed")
    for url, refusal in [
        ("/en/survey/design/2026/settings/", "There is already an edition for 2020."),
        ("/survey/design/2026/settings/", "Il existe déjà une édition pour 2020."),
    ]:
        response = coordinator_client.post(url, settings_data(edition, year=2020, title_fr="Kept"))
        text = response.content.decode()
        assert refusal in text and "already exists" not in text and "existe déjà." not in text
        assert 'value="Kept"' in text  # what was typed stays
    edition.refresh_from_db()
    assert edition.year == 2026 and edition.title_fr == "Sondage 2026"


def test_settings_refuse_a_smallest_group_below_three_and_say_why(coordinator_client, edition):
    for url, refusal in [
        ("/en/survey/design/2026/settings/", "Enter 3 or more: in a smaller group, members’"),
        ("/survey/design/2026/settings/", "Entrez 3 ou plus\u202f: dans un groupe plus petit"),
    ]:
        for size in (1, 2):
            response = coordinator_client.post(url, settings_data(edition, min_group_size=size))
            assert response.status_code == 200 and refusal in response.content.decode()
    edition.refresh_from_db()
    assert edition.min_group_size == 5
    response = coordinator_client.post(
        "/en/survey/design/2026/settings/", settings_data(edition, min_group_size=3)
    )
    assert response["Location"] == "/en/survey/design/2026/"
    edition.refresh_from_db()
    assert edition.min_group_size == 3


def test_english_design_pages_list_editions_and_sections_in_english(coordinator_client, edition):
    new = coordinator_client.get("/en/survey/design/new/").content.decode()
    assert "2026 — Survey 2026</option>" in new and "Sondage" not in new
    theme = edition.questions.get(key="theme")
    question = coordinator_client.get(f"/en/survey/design/2026/questions/{theme.pk}/")
    text = question.content.decode()
    assert ">Practice</option>" in text and ">You</option>" in text and "Pratique" not in text
    french = coordinator_client.get(f"/survey/design/2026/questions/{theme.pk}/").content.decode()
    assert ">Pratique</option>" in french and ">Practice</option>" not in french


def test_deleting_a_section_asks_first(client, member, coordinator, edition):
    section = edition.sections.get(key="about")
    url = f"/en/survey/design/2026/sections/{section.pk}/delete/"
    assert client.get(url)["Location"].startswith("/en/accounts/login/")
    client.force_login(member)
    assert client.get(url).status_code == 403 and client.post(url).status_code == 403
    client.force_login(coordinator)
    edit = client.get(f"/en/survey/design/2026/sections/{section.pk}/").content.decode()
    assert f'href="{url}"' in edit and f'action="{url}"' not in edit  # a link, not a deletion
    page = client.get(url).content.decode()
    assert "Delete the section “You”?" in page
    assert "The section and its 3 questions, with their choices, are deleted for good." in page
    assert (
        f'<a class="button button-secondary" href="/en/survey/design/2026/sections/{section.pk}/">Cancel</a>'
        in page
    )
    french = client.get(f"/survey/design/2026/sections/{section.pk}/delete/").content.decode()
    assert "Supprimer la rubrique «\u00a0Vous\u00a0»\u202f?" in french
    assert (
        "La rubrique et ses 3 questions, avec leurs choix, sont supprimées définitivement."
        in french
    )
    assert edition.sections.filter(pk=section.pk).exists()  # asking deletes nothing

    response = client.post(url, follow=True)
    assert "The section is deleted." in response.content.decode()
    assert not edition.sections.filter(pk=section.pk).exists()
    assert not edition.questions.filter(key__in=["satisfaction", "years", "remarks"]).exists()


def test_deleting_an_answered_section_or_question_says_why_not_on_the_confirmation(
    coordinator_client, member, edition
):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    section = edition.sections.get(key="practice")
    page = coordinator_client.get(f"/en/survey/design/2026/sections/{section.pk}/delete/")
    text = page.content.decode()
    assert "Questions of “Practice” have answers already: it cannot be deleted." in text
    assert "Delete this section</button>" not in text
    theme = edition.questions.get(key="theme")
    text = coordinator_client.get(
        f"/en/survey/design/2026/questions/{theme.pk}/delete/"
    ).content.decode()
    assert "has answers already: it cannot be deleted. You may reword it." in text
    assert "Delete this question</button>" not in text


def test_deleting_a_question_asks_first(coordinator_client, edition):
    tools = edition.questions.get(key="tools")
    url = f"/en/survey/design/2026/questions/{tools.pk}/delete/"
    edit = coordinator_client.get(f"/en/survey/design/2026/questions/{tools.pk}/").content.decode()
    assert f'href="{url}"' in edit and f'action="{url}"' not in edit
    page = coordinator_client.get(url).content.decode()
    assert "Delete the question “Question tools (en)”?" in page
    assert "The question and its choices are deleted for good." in page
    assert "Delete this question</button>" in page
    french = coordinator_client.get(f"/survey/design/2026/questions/{tools.pk}/delete/")
    assert "La question et ses choix sont supprimés définitivement." in french.content.decode()
    assert Choice.objects.filter(question=tools).count() == 3

    coordinator_client.post(url)
    assert not Question.objects.filter(pk=tools.pk).exists()
    assert not Choice.objects.filter(question_id=tools.pk).exists()


def test_close_now_asks_first(client, member, coordinator, edition):
    url = "/en/survey/design/2026/close/"
    services.save_draft(edition=edition, user=member, answers={}, questions=[])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(coordinator)
    detail = client.get("/en/survey/design/2026/").content.decode()
    assert f'href="{url}"' in detail and f'action="{url}"' not in detail
    page = client.get(url).content.decode()
    assert "Close “Survey 2026” now?" in page
    assert "Members can no longer answer it or change their answers." in page
    assert "1 response was begun and not submitted: it will not count in the results." in page
    assert "Close now</button>" in page and ">Keep it open</a>" in page
    french = client.get("/survey/design/2026/close/").content.decode()
    assert "Clore «\u00a0Sondage 2026\u00a0» maintenant\u202f?" in french
    assert "1 réponse a été commencée sans être envoyée" in french
    edition.refresh_from_db()
    assert edition.is_open  # asking closes nothing

    client.post(url)
    edition.refresh_from_db()
    assert edition.state == Edition.State.CLOSED
    assert "This edition is not open." in client.get(url).content.decode()


def test_admin_refuses_a_type_change_once_answered(client, member, edition):
    from tests.factories import UserFactory

    services.submit_response(edition=edition, user=member, answers=complete_answers())
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    theme = edition.questions.get(key="theme")
    url = f"/admin/survey/question/{theme.pk}/change/"
    page = client.get(url).content.decode()
    assert "Océan" in page
    data = {
        "edition": edition.pk,
        "section": theme.section_id,
        "position": 0,
        "key": "theme",
        "kind": "text",
        "text_fr": "Thème",
        "choices-TOTAL_FORMS": 0,
        "choices-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert "son type ne peut pas changer" in response.content.decode()
    theme.refresh_from_db()
    assert theme.kind == "single"


def admin_edition_data(edition, opens_at, *, is_published=True):
    """The admin's change form of the edition, with these opening date and publication."""
    opens_at = timezone.localtime(opens_at)
    closes_at = timezone.localtime(edition.closes_at)
    data = {
        "year": edition.year,
        "title_fr": edition.title_fr,
        "opens_at_0": opens_at.strftime("%Y-%m-%d"),
        "opens_at_1": opens_at.strftime("%H:%M"),
        "closes_at_0": closes_at.strftime("%Y-%m-%d"),
        "closes_at_1": closes_at.strftime("%H:%M"),
        "results_visibility": edition.results_visibility,
        "min_group_size": edition.min_group_size,
        "sections-TOTAL_FORMS": edition.sections.count(),
        "sections-INITIAL_FORMS": edition.sections.count(),
    }
    if is_published:
        data["is_published"] = "on"
    for index, section in enumerate(edition.sections.all()):
        for name in ("id", "position", "key", "title_fr", "title_en"):
            data[f"sections-{index}-{name}"] = getattr(section, name)
        data[f"sections-{index}-edition"] = edition.pk
    return data


def test_admin_refuses_dates_that_overlap_another_published_edition(client, edition):
    earlier = build_edition(2025, state="closed")
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = f"/admin/survey/edition/{edition.pk}/change/"
    stored = (edition.opens_at, edition.is_published)
    overlapping = earlier.closes_at - timezone.timedelta(days=2)
    response = client.post(url, admin_edition_data(edition, overlapping))
    assert response.status_code == 200
    assert "Ces dates chevauchent celles de 2025 (du " in response.content.decode()
    edition.refresh_from_db()
    assert (edition.opens_at, edition.is_published) == stored
    # As a draft, it may: members do not see it.
    response = client.post(url, admin_edition_data(edition, overlapping, is_published=False))
    assert response.status_code == 302
    edition.refresh_from_db()
    assert not edition.is_published and edition.opens_at < earlier.closes_at


def test_narrowing_bounds_below_stored_answers_refused(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())  # 3 years
    years = edition.questions.get(key="years")
    url = f"/en/survey/design/2026/questions/{years.pk}/"
    response = coordinator_client.post(url, question_data(years, min_value=0, max_value=2))
    assert response.status_code == 200
    assert "Some stored answers fall outside these bounds" in response.content.decode()
    years.refresh_from_db()
    assert years.max_value != 2

    response = coordinator_client.post(url, question_data(years, min_value=0, max_value=80))
    assert response.status_code == 302
    years.refresh_from_db()
    assert years.max_value == 80


def test_edition_page_reads_one_row_per_answered_question_not_per_answer(
    coordinator_client, edition
):
    theme = edition.questions.get(key="theme")
    ocean = theme.choices.get(key="ocean")
    responses = Response.objects.bulk_create(
        Response(edition=edition, key=secrets.token_hex(32), submitted=True) for _ in range(10_000)
    )
    Answer.objects.bulk_create(
        (Answer(response=r, question=theme, choice=ocean) for r in responses), batch_size=2000
    )
    with CaptureQueriesContext(connection) as queries:
        page = coordinator_client.get(f"/en/survey/design/{edition.year}/")
    assert page.status_code == 200
    rows = 0
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute(query["sql"])
                rows += len(cursor.fetchall())
    # Every query of the page together reads a few dozen rows, not the 10,000 answers.
    assert rows < 200


def test_a_copied_edition_is_a_draft_members_do_not_see_until_published(
    coordinator_client, member, edition
):
    member_client = Client()
    member_client.force_login(member)
    now = timezone.now()
    services.close_edition(edition=edition, now=now - timezone.timedelta(hours=2))
    copy = services.copy_edition(
        source=edition,
        year=2027,
        opens_at=now - timezone.timedelta(hours=1),
        closes_at=now + timezone.timedelta(days=3),
    )
    assert "Survey 2027" not in Client().get("/en/survey/").content.decode()
    assert member_client.get("/en/survey/2027/step/1/").status_code == 404
    assert member_client.get("/en/survey/2027/").status_code == 404
    assert Edition.objects.current() is None
    with pytest.raises(services.EditionNotOpen):
        services.save_draft(edition=copy, user=UserFactory(), answers={}, questions=[])
    detail = coordinator_client.get("/en/survey/design/2027/").content.decode()
    assert "This edition is a draft" in detail and "/en/survey/design/2027/publish/" in detail

    response = coordinator_client.post("/en/survey/design/2027/publish/", follow=True)
    copy.refresh_from_db()
    assert copy.is_published and copy.state == Edition.State.OPEN
    assert "The edition is published: members see it." in response.content.decode()
    assert member_client.get("/en/survey/2027/").status_code == 302
    assert "Survey 2027" in Client().get("/en/survey/").content.decode()


def test_publish_is_for_coordinators_only(member_client, edition):
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    assert Client().post("/en/survey/design/2026/publish/").status_code == 302
    assert member_client.post("/en/survey/design/2026/publish/").status_code == 403
    edition.refresh_from_db()
    assert not edition.is_published


def typed(moment):
    """A date as the settings form's field holds it (Paris time, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def shown(moment, language):
    """A date as the site's messages write it in ``language``."""
    with translation.override(language):
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def test_publishing_over_a_published_edition_is_refused_and_changes_nothing(
    coordinator_client, member, edition
):
    member_client = Client()
    member_client.force_login(member)
    opens, closes = services.next_edition_dates(latest=edition)
    draft = services.copy_edition(source=edition, year=2027, opens_at=opens, closes_at=closes)
    # A draft may take dates that overlap a published edition's: members do not see it.
    overlapping = settings_data(draft, opens_at=typed(timezone.now()))
    response = coordinator_client.post("/en/survey/design/2027/settings/", overlapping)
    assert response["Location"] == "/en/survey/design/2027/"
    draft.refresh_from_db()
    stored = (draft.opens_at, draft.closes_at, draft.is_published)
    assert not draft.is_published and draft.opens_at < edition.closes_at

    for url, language, refusal, advice in [
        (
            "/en/survey/design/2027/publish/",
            "en",
            "This edition was not published: its dates overlap those of 2026 (from {} to {}),",
            "First change the dates in its settings so that they do not overlap",
        ),
        (
            "/survey/design/2027/publish/",
            "fr",
            "Cette édition n’a pas été publiée\u202f: ses dates chevauchent celles de 2026 "
            "(du {} au {}),",
            "Changez d’abord ses dates dans ses réglages",
        ),
    ]:
        page = coordinator_client.post(url, follow=True).content.decode()
        dates = (shown(edition.opens_at, language), shown(edition.closes_at, language))
        assert refusal.format(*dates) in page and advice in page
        assert "The edition is published" not in page and "L’édition est publiée" not in page
    draft.refresh_from_db()
    assert (draft.opens_at, draft.closes_at, draft.is_published) == stored
    assert member_client.get("/en/survey/2027/").status_code == 404
    assert Edition.objects.current() == edition

    # Dates after 2026 closes: published.
    response = coordinator_client.post(
        "/en/survey/design/2027/settings/", settings_data(draft, opens_at=typed(opens))
    )
    assert response["Location"] == "/en/survey/design/2027/"
    page = coordinator_client.post("/en/survey/design/2027/publish/", follow=True)
    assert "The edition is published: members see it." in page.content.decode()
    draft.refresh_from_db()
    assert draft.is_published and draft.state == Edition.State.UPCOMING


def test_settings_refuse_dates_that_overlap_another_published_edition(coordinator_client, edition):
    earlier = build_edition(2025, state="closed")
    stored = (edition.opens_at, edition.closes_at, edition.title_fr)
    opens_earlier = edition.opens_at - timezone.timedelta(days=10)
    for url, language, refusal, stored_title in [
        (
            "/en/survey/design/2026/settings/",
            "en",
            "These dates overlap those of 2025 (from {} to {}), which is published: members "
            "are offered only one open edition.",
            "Survey 2026",
        ),
        (
            "/survey/design/2026/settings/",
            "fr",
            "Ces dates chevauchent celles de 2025 (du {} au {}), déjà publiée\u202f: ",
            "Sondage 2026",
        ),
    ]:
        response = coordinator_client.post(
            url, settings_data(edition, opens_at=typed(opens_earlier), title_fr="Kept")
        )
        assert response.status_code == 200
        dates = (shown(earlier.opens_at, language), shown(earlier.closes_at, language))
        form = response.context["form"]
        assert refusal.format(*dates) in form.errors["opens_at"][0]
        assert "2025" in form.errors["closes_at"][0]
        page = response.content.decode()
        assert refusal.format(*dates) in page
        # What was typed stays in the form; the link back names the edition as stored.
        assert f'value="{typed(opens_earlier)}"' in page and 'value="Kept"' in page
        assert f"← {stored_title}</a>" in page
    edition.refresh_from_db()
    assert (edition.opens_at, edition.closes_at, edition.title_fr) == stored

    # Dates that stay clear of 2025's are saved.
    clear = earlier.closes_at + timezone.timedelta(hours=1)
    response = coordinator_client.post(
        "/en/survey/design/2026/settings/",
        settings_data(edition, opens_at=typed(clear), title_fr="Kept"),
    )
    assert response["Location"] == "/en/survey/design/2026/"
    edition.refresh_from_db()
    assert edition.opens_at == clear.replace(second=0, microsecond=0)
    assert edition.title_fr == "Kept"


def test_settings_and_publish_are_for_coordinators_only(client, member, edition):
    build_edition(2025, state="closed")
    draft = build_edition(2027, state="upcoming", is_published=False)
    overlapping = settings_data(
        edition, opens_at=typed(edition.opens_at - timezone.timedelta(days=10))
    )
    stored = Edition.objects.values_list("year", "opens_at", "is_published").order_by("year")
    before = list(stored)
    assert client.post("/en/survey/design/2026/settings/", overlapping)["Location"].startswith(
        "/en/accounts/login/"
    )
    assert client.post("/en/survey/design/2027/publish/")["Location"].startswith(
        "/en/accounts/login/"
    )
    client.force_login(member)
    assert client.post("/en/survey/design/2026/settings/", overlapping).status_code == 403
    assert client.post("/en/survey/design/2027/publish/").status_code == 403
    assert list(stored) == before
    draft.refresh_from_db()
    assert not draft.is_published


def test_new_edition_dates_start_after_the_latest_one_closes(coordinator_client, edition):
    opens, closes = services.next_edition_dates(latest=edition)
    assert opens > edition.closes_at and (opens.hour, opens.minute) == (9, 0)
    assert closes - opens == timezone.timedelta(days=30)
    form = coordinator_client.get("/en/survey/design/new/").content.decode()
    assert timezone.localtime(opens).strftime("%Y-%m-%dT09:00") in form
    assert services.overlapping_editions(opens_at=opens, closes_at=closes) == []


def test_copy_with_overlapping_dates_is_created_with_a_warning(coordinator_client, edition):
    response = coordinator_client.post(
        "/en/survey/design/new/",
        {
            "source": edition.pk,
            "year": 2027,
            "opens_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            "closes_at": timezone.localtime(edition.closes_at).strftime("%Y-%m-%dT%H:%M"),
        },
        follow=True,
    )
    assert "overlap those of 2026" in response.content.decode()
    assert Edition.objects.get(year=2027).state == Edition.State.DRAFT


def test_seeded_current_edition_is_published(db):
    from survey.seed import seed_survey

    _first, current = seed_survey()
    assert current.is_published


def test_new_question_asks_its_type_first_then_shows_only_its_fields(coordinator_client, edition):
    chooser = coordinator_client.get("/en/survey/design/2026/questions/new/").content.decode()
    assert 'name="kind" value="scale"' in chooser and 'name="min_value"' not in chooser
    scale = coordinator_client.get("/en/survey/design/2026/questions/new/?kind=scale")
    text = scale.content.decode()
    assert 'name="min_value"' in text and 'name="max_label_fr"' in text
    assert 'name="max_choices"' not in text and "choices-TOTAL_FORMS" not in text
    single = coordinator_client.get("/en/survey/design/2026/questions/new/?kind=single")
    text = single.content.decode()
    assert "choices-TOTAL_FORMS" in text and 'name="allow_other"' in text
    assert '<option value="single" selected>' in text  # the type chosen, kept when saved
    assert 'name="min_value"' not in text and 'name="max_choices"' not in text


def test_changing_a_question_type_clears_the_old_types_settings(coordinator_client, edition):
    question = Question.objects.get(key="tools")  # multiple choice, max 2, "other"
    Answer.objects.filter(question=question).delete()
    response = coordinator_client.post(
        f"/en/survey/design/2026/questions/{question.pk}/",
        {
            "section": question.section_id,
            "key": "tools",
            "kind": "text",
            "text_fr": "Vos outils",
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.kind == "text"
    assert question.max_choices is None and question.allow_other is False


# Order and the choices editor: buttons that work without JavaScript, positions kept out of sight.


def order_in(text, *needles):
    """The needles sorted by where they first appear in ``text`` (each must appear)."""
    return sorted(needles, key=lambda needle: text.index(needle))


@pytest.mark.parametrize("kind", ["sections", "questions"])
def test_moving_is_for_coordinators_only(client, member, edition, kind):
    item = (
        edition.sections.get(key="about")
        if kind == "sections"
        else edition.questions.get(key="tools")
    )
    url = f"/en/survey/design/2026/{kind}/{item.pk}/move/"
    assert client.post(url, {"direction": "up"})["Location"].startswith("/en/accounts/login/")
    client.force_login(member)
    assert client.post(url, {"direction": "up"}).status_code == 403
    item.refresh_from_db()
    assert item.position == 1


def test_moving_a_question_up_changes_the_order_members_see(coordinator_client, member, edition):
    member_client = Client()
    member_client.force_login(member)
    step = member_client.get("/en/survey/2026/step/1/").content.decode()
    assert order_in(step, "Question tools", "Question theme") == [
        "Question theme",
        "Question tools",
    ]
    tools = edition.questions.get(key="tools")

    response = coordinator_client.post(
        f"/en/survey/design/2026/questions/{tools.pk}/move/", {"direction": "up"}
    )

    anchor = f"question-{tools.pk}"
    assert response["Location"] == f"/en/survey/design/2026/?focus={anchor}-up"
    step = member_client.get("/en/survey/2026/step/1/").content.decode()
    assert order_in(step, "Question theme", "Question tools") == [
        "Question tools",
        "Question theme",
    ]
    # Back on the edition's page, the moved question's button has the focus for the next move;
    # at the top now, it has no "Move up" any more, so "Move down" takes it.
    detail = coordinator_client.get(response["Location"]).content.decode()
    row = detail[detail.index(f'id="{anchor}"') :]
    row = row[: row.index("</li>")]
    assert "Move up" not in row
    assert 'value="down" class="button button-small button-secondary" autofocus' in row
    assert detail.count("autofocus") == 1


def test_moving_a_section_down_changes_the_members_steps(coordinator_client, member, edition):
    member_client = Client()
    member_client.force_login(member)
    practice = edition.sections.get(key="practice")
    coordinator_client.post(
        f"/en/survey/design/2026/sections/{practice.pk}/move/", {"direction": "down"}
    )
    first_step = member_client.get("/en/survey/2026/step/1/").content.decode()
    assert "Question satisfaction" in first_step and "Question theme" not in first_step
    assert "Question theme" in member_client.get("/en/survey/2026/step/2/").content.decode()


def test_move_buttons_name_their_item_and_none_moves_past_an_end(coordinator_client, edition):
    detail = coordinator_client.get("/en/survey/design/2026/").content.decode()
    assert 'Move down<span class="visually-hidden"> Question theme (en)</span>' in detail
    assert 'Move up<span class="visually-hidden"> Question theme (en)</span>' not in detail
    assert 'Move up<span class="visually-hidden"> You</span>' in detail  # the "about" section
    remarks = edition.questions.get(key="remarks")  # last of its section
    url = f"/en/survey/design/2026/questions/{remarks.pk}/move/"
    assert coordinator_client.post(url, {"direction": "down"}).status_code == 302
    assert coordinator_client.post(url, {"direction": "sideways"}).status_code == 400
    assert list(remarks.section.questions.values_list("key", flat=True)) == [
        "satisfaction",
        "years",
        "remarks",
    ]


def test_positions_are_not_shown_to_coordinators(coordinator_client, edition):
    theme = edition.questions.get(key="theme")
    section = edition.sections.get(key="practice")
    for url in [
        f"/en/survey/design/2026/questions/{theme.pk}/",
        "/en/survey/design/2026/questions/new/?kind=single",
        f"/en/survey/design/2026/sections/{section.pk}/",
        "/en/survey/design/2026/sections/new/",
    ]:
        text = coordinator_client.get(url).content.decode()
        assert "position" not in text.lower(), url


def test_a_new_section_goes_after_the_last(coordinator_client, edition):
    response = coordinator_client.post(
        "/en/survey/design/2026/sections/new/", {"key": "platforms", "title_fr": "Plateformes"}
    )
    assert response.status_code == 302
    assert list(edition.sections.values_list("key", flat=True)) == [
        "practice",
        "about",
        "platforms",
    ]
    assert edition.sections.get(key="platforms").position == 2


def test_add_a_choice_keeps_everything_typed_and_stores_nothing(coordinator_client, edition):
    section = edition.sections.get(key="about")
    typed = {
        "section": section.pk,
        "key": "gpu",
        "kind": "multiple",
        "text_fr": "Vos GPU",
        "max_choices": "2",
        "allow_other": "on",
        **choice_rows([(None, "hal", "HAL", "HAL cluster"), (None, "", "Jean Zay", "")]),
        "choice_action": "add",
    }
    response = coordinator_client.post("/en/survey/design/2026/questions/new/", typed)
    text = response.content.decode()
    assert response.status_code == 200
    assert not Question.objects.filter(key="gpu").exists()
    for value in ['value="gpu"', 'value="Vos GPU"', 'value="2"', 'value="HAL cluster"']:
        assert value in text, value
    assert 'name="allow_other" id="id_allow_other" checked' in text
    assert 'value="Jean Zay"' in text
    assert 'name="choices-TOTAL_FORMS" value="3"' in text
    assert 'name="choices-2-key" maxlength="60" autofocus' in text  # the new row, ready to fill
    # Not a submission: the missing key of the second row is not yet an error.
    assert "This field is required" not in text and "Not saved yet" in text


def test_remove_and_move_choice_rows_then_save_in_that_order(coordinator_client, member, edition):
    tools = edition.questions.get(key="tools")
    jupyter, _vim, vscode = tools.choices.all()
    url = f"/en/survey/design/2026/questions/{tools.pk}/"
    data = question_data(tools, text_fr="Vos outils")

    removed = coordinator_client.post(url, {**data, "choice_action": "remove-1"})
    text = removed.content.decode()
    assert 'value="Vim"' not in text and 'value="Vos outils"' in text
    assert 'value="add" formnovalidate class="button button-secondary" autofocus' in text
    assert tools.choices.filter(key="vim").exists()  # only once saved

    rows = choice_rows(
        [(jupyter.pk, "jupyter", "Jupyter", ""), (vscode.pk, "vscode", "VS Code", "")]
    )
    moved = coordinator_client.post(url, {**data, **rows, "choice_action": "up-1"})
    text = moved.content.decode()
    assert order_in(text, 'value="Jupyter"', 'value="VS Code"') == [
        'value="VS Code"',
        'value="Jupyter"',
    ]
    assert 'value="up-0"' not in text and 'value="down-0" formnovalidate' in text

    rows = choice_rows(
        [(vscode.pk, "vscode", "VS Code", ""), (jupyter.pk, "jupyter", "Jupyter", "")]
    )
    assert coordinator_client.post(url, {**data, **rows}).status_code == 302
    assert list(tools.choices.values_list("key", "position")) == [("vscode", 0), ("jupyter", 1)]
    member_client = Client()
    member_client.force_login(member)
    step = member_client.get("/en/survey/2026/step/1/").content.decode()
    assert order_in(step, 'value="jupyter"', 'value="vscode"') == [
        'value="vscode"',
        'value="jupyter"',
    ]


def test_a_chosen_choice_offers_no_remove_button(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    theme = edition.questions.get(key="theme")
    text = coordinator_client.get(f"/en/survey/design/2026/questions/{theme.pk}/").content.decode()
    assert "chosen in answers" in text
    assert 'value="remove-0"' not in text  # ocean, chosen
    assert 'Remove<span class="visually-hidden"> Atmosphère</span>' in text


def test_a_choice_question_needs_a_choice_and_distinct_keys(coordinator_client, edition):
    section = edition.sections.get(key="about")
    base = {"section": section.pk, "key": "gpu", "kind": "single", "text_fr": "Vos GPU"}
    url = "/en/survey/design/2026/questions/new/"
    empty = coordinator_client.post(url, {**base, **choice_rows([(None, "", "", "")])})
    assert "Give this question at least one choice." in empty.content.decode()
    twice = coordinator_client.post(
        url, {**base, **choice_rows([(None, "hal", "HAL", ""), (None, "hal", "HAL 2", "")])}
    )
    text = twice.content.decode()
    assert "Two choices have the key “hal”." in text and 'value="HAL 2"' in text
    assert not Question.objects.filter(key="gpu").exists()


def test_refused_section_deletion_keeps_everything(coordinator_client, member, edition):
    services.submit_response(edition=edition, user=member, answers=complete_answers())
    practice = edition.sections.get(key="practice")
    response = coordinator_client.post(
        f"/en/survey/design/2026/sections/{practice.pk}/delete/", follow=True
    )
    assert "have answers already" in response.content.decode()
    assert practice.questions.count() == 2
    assert Choice.objects.filter(question__section=practice).count() == 5


def test_a_move_renews_the_readers_cached_results_page(
    coordinator, edition, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.clear()
    Edition.objects.filter(pk=edition.pk).update(
        results_visibility=Edition.ResultsVisibility.PUBLIC, closes_at=timezone.now()
    )
    services.store_anonymous_responses(edition=edition, answer_sets=[complete_answers()] * 6)
    reader = Client()
    with django_capture_on_commit_callbacks(execute=True):
        page = reader.get("/en/survey/2026/results/").content.decode()
    assert order_in(page, "Question tools", "Question theme")[0] == "Question theme"
    coordinator_client = Client()
    coordinator_client.force_login(coordinator)
    tools = edition.questions.get(key="tools")
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(
            f"/en/survey/design/2026/questions/{tools.pk}/move/", {"direction": "up"}
        )
    page = reader.get("/en/survey/2026/results/").content.decode()
    assert order_in(page, "Question tools", "Question theme")[0] == "Question tools"
