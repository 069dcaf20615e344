"""The results pages, trends and exports through the client: roles, settings, CSP, queries."""

import io
import json
import re
from datetime import timedelta
from urllib.parse import urlencode

import pandas as pd
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from kb.page_cache import generation_key
from survey import results_data, results_views, services
from survey.models import Answer, Edition
from survey.results_data import (
    cached_results,
    edition_results,
    load_many,
    questions_of,
    results_access,
    rules_for,
)
from survey.results_versions import RESULTS_SECTION
from tests.factories import UserFactory, build_edition, complete_answers

pytestmark = pytest.mark.django_db

PUBLIC = Edition.ResultsVisibility.PUBLIC
MEMBERS = Edition.ResultsVisibility.MEMBERS
COORDINATORS = Edition.ResultsVisibility.COORDINATORS


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    with translation.override("en"):
        yield


def answers_for(index):
    themes = ["ocean", "atmosphere"]
    return complete_answers(
        theme={"choices": [themes[index % 2]], "other": ""},
        remarks={"text": f"Remark number {index}"},
    )


def closed_edition(count=12, year=2020, **fields):
    edition = build_edition(year, state="closed", **fields)
    services.store_anonymous_responses(
        edition=edition, answer_sets=[answers_for(i) for i in range(count)]
    )
    return edition


def results_url(edition, query=""):
    return reverse("survey:results", args=[edition.year]) + query


@pytest.mark.parametrize(
    ("visibility", "who", "status"),
    [
        (PUBLIC, "anonymous", 200),
        (MEMBERS, "anonymous", 302),
        (MEMBERS, "member", 200),
        (COORDINATORS, "member", 403),
        (COORDINATORS, "coordinator", 200),
    ],
)
def test_results_visible_as_the_edition_says(visibility, who, status, client, member, coordinator):
    edition = closed_edition(results_visibility=visibility)
    if who != "anonymous":
        client.force_login(member if who == "member" else coordinator)
    response = client.get(results_url(edition))
    assert response.status_code == status
    if status == 200:
        assert "12 respondents" in response.content.decode()


def test_open_edition_results_say_when_they_will_be_published(client, member, coordinator):
    edition = build_edition(2026, state="open", results_visibility=PUBLIC)
    services.store_anonymous_responses(edition=edition, answer_sets=[answers_for(0)] * 6)
    response = client.get(results_url(edition))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This edition is open until" in page and "can be read by everyone" in page
    assert "respondent" not in page and "See my answers" not in page
    client.force_login(member)
    assert "See my answers" not in client.get(results_url(edition)).content.decode()
    services.submit_response(edition=edition, user=member, answers=answers_for(1))
    page = client.get(results_url(edition)).content.decode()
    assert reverse("survey:review", args=[2026]) in page and "See my answers" in page
    client.force_login(coordinator)
    page = client.get(results_url(edition)).content.decode()
    assert "Provisional" in page and "7 respondents" in page


def test_results_never_published_are_refused_with_the_reason(client, member):
    edition = closed_edition(results_visibility=COORDINATORS)
    client.force_login(member)
    response = client.get(results_url(edition))
    assert response.status_code == 403
    assert "for the coordinators only" in response.content.decode()


def with_small_other(count=12, **fields):
    """12 respondents, 6 ocean and 6 atmosphere, and 2 who wrote another theme."""
    edition = closed_edition(count=count, results_visibility=PUBLIC, min_group_size=5, **fields)
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(theme={"choices": [], "other": "Glaciers"})] * 2,
    )
    return edition


def data_row(page, label):
    """The count and share cells of one row of a results data table."""
    found = re.search(
        rf">{label}(?:</th>| <span)(?:.*?</span></th>)?\s*<td class=\"num\">(.*?)</td>\s*"
        rf"<td class=\"num\">(.*?)</td>",
        page,
        re.S,
    )
    return found.groups()


def chart_spec(page, chart_id):
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page)
    return json.loads(found.group(1))


def chart_notes(spec):
    """The texts written on a chart: where a hidden bar would be, what it hides."""
    return [note["text"] for note in spec["layout"].get("annotations", [])]


def test_small_groups_read_fewer_than_n_and_leave_no_number_in_chart_json(client, coordinator):
    edition = with_small_other()
    page = client.get(results_url(edition)).content.decode()
    assert data_row(page, "Other") == ("fewer than 5", "fewer than 5")
    spec = chart_spec(page, "chart-theme")
    assert "<i>fewer than 5</i>" in chart_notes(spec) and "2 respondents" not in json.dumps(spec)
    client.force_login(coordinator)
    revealed = client.get(results_url(edition)).content.decode()
    assert "hidden from others: fewer than the smallest group" in revealed


@pytest.mark.parametrize(("language", "suffix"), [("en", "%"), ("fr", "\u00a0%")])
def test_chart_axes_write_shares_as_the_tables_do(client, language, suffix):
    edition = with_small_other()
    with translation.override(language):
        page = client.get(results_url(edition)).content.decode()
    assert f">43{suffix}</td>" in page  # Ocean: 6 of 14
    assert chart_spec(page, "chart-theme")["layout"]["xaxis"]["ticksuffix"] == suffix
    with translation.override(language):
        broken_down = client.get(results_url(edition, "?by=theme")).content.decode()
    assert f"<span>0{suffix}</span>" in broken_down  # the colour scale's ends
    assert f"<span>100{suffix}</span>" in broken_down


def test_a_count_hidden_to_protect_another_reads_hidden_not_fewer_than_n(client, coordinator):
    edition = with_small_other()
    page = client.get(results_url(edition)).content.decode()
    # Atmosphere (6) would give away "other" (14 - 6 - 6 = 2): hidden, and said so.
    assert data_row(page, "Atmosphere") == ("hidden", "hidden")
    assert data_row(page, "Ocean") == ("6", "43%")
    assert "hidden so that a smaller group cannot be worked out" in page
    assert "<i>hidden</i>" in chart_notes(chart_spec(page, "chart-theme"))
    client.force_login(coordinator)
    revealed = client.get(results_url(edition)).content.decode()
    assert re.search(
        r"Atmosphere <span[^>]*>hidden from others: would give away a hidden number by "
        r"subtraction</span>\s*</th>\s*<td class=\"num\">6</td>",
        revealed,
    )


def test_readers_see_fewer_than_n_only_where_coordinators_see_1_to_n_minus_1(member, coordinator):
    from survey.seed import seed_survey

    seed_survey(demo=True)
    edition = Edition.objects.get(year=2020)
    edition.results_visibility = PUBLIC
    edition.save()
    threshold = edition.min_group_size
    checked = {"small": 0, "hidden": 0}
    for query in ({}, {"by": "languages"}, {"by": "research_theme", "f": "languages:python"}):
        shown = edition_results(edition, member, QueryDict(urlencode(query, doseq=True)))
        known = edition_results(edition, coordinator, QueryDict(urlencode(query, doseq=True)))
        pairs = []
        for seen, true in zip(shown.summary["questions"], known.summary["questions"], strict=True):
            truth = {row["option"]: row for row in true["rows"]}
            pairs += [(row, truth[row["option"]]) for row in seen["rows"]]
        if shown.breakdown:
            pairs += list(zip(shown.breakdown["groups"], known.breakdown["groups"], strict=True))
            for seen, true in zip(
                shown.breakdown["questions"], known.breakdown["questions"], strict=True
            ):
                for row, true_row in zip(seen["rows"], true["rows"], strict=True):
                    pairs += list(zip(row["cells"], true_row["cells"], strict=True))
        for seen, true in pairs:
            count = seen.get("count", seen.get("respondents"))
            true_count = true.get("count", true.get("respondents"))
            if seen["mark"] is None:
                assert count == true_count
                continue
            assert count is None and true["suppressed"]
            checked[seen["mark"]] += 1
            if seen["mark"] == "small":
                assert 0 < true_count < threshold
    assert checked["small"] and checked["hidden"]


def with_partial_vim():
    """15 respondents: 9 chose ocean, of whom 3 do not use Vim; everyone uses Jupyter."""
    edition = closed_edition(count=12, results_visibility=PUBLIC, min_group_size=5)
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(tools={"choices": ["jupyter"], "other": ""})] * 3,
    )
    return edition


def filter_option(page, value):
    return re.search(rf'<input type="checkbox" name="f" value="{value}"[^>]*>', page).group(0)


def test_filters_are_checkboxes_that_say_which_answers_can_be_added(client):
    edition = with_partial_vim()
    page = client.get(results_url(edition, "?f=theme:ocean")).content.decode()
    assert "checked" in filter_option(page, "theme:ocean")
    assert "disabled" not in filter_option(page, "tools:jupyter")
    # Ocean with Vim would leave ocean without Vim: 3 people.
    assert "disabled" in filter_option(page, "tools:vim")
    assert "would single out fewer than 5 people" in page
    assert "disabled" in filter_option(page, "tools:vscode")  # nobody
    assert "nobody in this selection" in page
    assert "Ctrl" not in page


def test_a_refused_combination_says_why_and_links_to_the_nearest_views(client):
    edition = with_partial_vim()
    response = client.get(results_url(edition, "?f=theme:ocean&f=tools:vim&by=tools"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This selection cannot be shown" in page
    assert "would single out fewer than 5 people in one of its parts" in page
    assert 'id="chart-tools"' not in page
    # Without Vim: ocean alone (9 and 6) can be shown; without ocean, Vim alone (12 and 3) not.
    links = re.findall(r'<li><a href="([^"]+)">Without', page)
    assert links == [results_url(edition, "?by=tools&amp;f=theme%3Aocean")]


def test_a_refused_combination_gives_no_reason_per_answer(client):
    edition = with_partial_vim()
    page = client.get(results_url(edition, "?f=theme:ocean&f=tools:vim")).content.decode()
    # Reasons computed inside the few people of the selection would list their answers.
    reasons = re.findall(r'<small class="results-filter-why"[^>]*>([^<]*)</small>', page)
    assert reasons and set(reasons) == {"remove a filter first"}
    with translation.override("fr"):
        french = client.get(results_url(edition, "?f=theme:ocean&f=tools:vim"))
    reasons = re.findall(
        r'<small class="results-filter-why"[^>]*>([^<]*)</small>', french.content.decode()
    )
    assert reasons and set(reasons) == {"retirez d’abord un filtre"}


def test_a_filter_cannot_show_a_count_the_table_hides(client):
    """Ocean 10, atmosphere 3, other 12: the 3 are hidden, and the 10 with them, else 25 - 10
    - 12 gives 3; the filter "ocean" would say "10 respondents"."""
    edition = build_edition(2020, state="closed", results_visibility=PUBLIC, min_group_size=5)
    theme = {"ocean": 10, "atmosphere": 3}
    answer_sets = [
        complete_answers(theme={"choices": [key], "other": ""})
        for key, count in theme.items()
        for _ in range(count)
    ]
    answer_sets += [complete_answers(theme={"choices": [], "other": "glaciers"})] * 12
    services.store_anonymous_responses(edition=edition, answer_sets=answer_sets)
    page = client.get(results_url(edition, "?f=theme:ocean")).content.decode()
    assert "number of people in this combination is hidden in the tables" in page
    assert "10 respondents" not in page and 'id="chart-tools"' not in page
    page = client.get(results_url(edition)).content.decode()
    assert "its number is hidden in this selection" in page  # ocean, in the filter list
    assert "disabled" in filter_option(page, "theme:ocean")


def test_free_text_on_the_results_page_is_a_sample_with_a_link_to_all(client):
    edition = closed_edition(count=26, results_visibility=PUBLIC, show_free_text=True)
    page = client.get(results_url(edition, "?f=theme:ocean")).content.decode()
    assert page.count("Remark number") == 13  # the 13 ocean respondents: all shown
    page = client.get(results_url(edition)).content.decode()
    assert page.count("Remark number") == 20 and "20 answers of 26" in page
    every = reverse("survey:results_texts", args=[edition.year, "remarks"])
    assert f'href="{every}"' in page
    listing = client.get(every).content.decode()
    assert listing.count("Remark number") == 26 and "26 answers, in random order" in listing
    ocean = client.get(every + "?f=theme:ocean").content.decode()
    assert ocean.count("Remark number") == 13 and "Question theme (en) → Ocean" in ocean


def test_free_text_pages_follow_the_results_rules(client, member):
    shown = closed_edition(count=26, results_visibility=MEMBERS, show_free_text=True)
    every = reverse("survey:results_texts", args=[shown.year, "remarks"])
    assert client.get(every).status_code == 302  # members only: log in first
    client.force_login(member)
    assert client.get(every).status_code == 200
    assert (
        client.get(reverse("survey:results_texts", args=[shown.year, "theme"])).status_code == 404
    )
    kept = closed_edition(year=2019, count=26, results_visibility=PUBLIC, show_free_text=False)
    assert (
        client.get(reverse("survey:results_texts", args=[kept.year, "remarks"])).status_code == 404
    )


@pytest.mark.parametrize(
    ("selection", "english", "french"),
    [
        # 2 wrote another theme.
        (
            "?f=theme:_other",
            "This combination selects fewer than 5 people",
            "sélectionne moins de 5",
        ),
        # Ocean and Vim: 12 people, which leaves the 3 ocean respondents without Vim.
        (
            "?f=theme:ocean&f=tools:vim",
            "would single out fewer than 5 people",
            "isolerait moins de 5",
        ),
        # 3 answered the question: with no filter at all.
        ("", "Fewer than 5 people answered this question", "Moins de 5 personnes ont répondu"),
    ],
)
def test_free_text_page_of_a_hidden_selection_says_why(client, selection, english, french):
    edition = closed_edition(count=12, results_visibility=PUBLIC, show_free_text=True)
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(theme={"choices": [], "other": "Glaciers"})] * 2
        + [complete_answers(tools={"choices": ["jupyter"], "other": ""})] * 3,
    )
    if not selection:
        Answer.objects.filter(response__edition=edition, question__key="remarks").exclude(
            text__in=["Remark number 1", "Remark number 2", "Remark number 3"]
        ).delete()
    every = reverse("survey:results_texts", args=[edition.year, "remarks"])
    response = client.get(every + selection)
    page = response.content.decode()
    assert response.status_code == 200
    assert english in page and "Remark number" not in page and "More GPUs" not in page
    assert f'href="{results_url(edition)}' in page  # to the results of the same selection
    without = f'<a href="{every}">All respondents, without filters</a>'
    assert (without in page) == bool(selection)
    with translation.override("fr"):
        every = reverse("survey:results_texts", args=[edition.year, "remarks"])
        assert french in client.get(every + selection).content.decode()


def test_free_text_pages_are_paginated(client):
    edition = closed_edition(count=60, results_visibility=PUBLIC, show_free_text=True)
    every = reverse("survey:results_texts", args=[edition.year, "remarks"])
    first = client.get(every).content.decode()
    second = client.get(every + "?page=2").content.decode()
    assert first.count("Remark number") == 50 and second.count("Remark number") == 10
    assert "Page 1 of 2" in first and 'rel="next"' in first
    numbers = set(re.findall(r"Remark number (\d+)", first + second))
    assert numbers == {str(n) for n in range(60)}


def test_filter_that_leaves_a_small_group_shows_a_message(client):
    edition = closed_edition(count=12, results_visibility=PUBLIC, min_group_size=7)
    page = client.get(results_url(edition, "?f=theme:ocean")).content.decode()
    assert "fewer than 7" in page and 'id="chart-tools"' not in page


def test_bad_query_parameters_get_a_message_not_an_error(client):
    edition = closed_edition(results_visibility=PUBLIC)
    response = client.get(results_url(edition, "?by=nope&f=theme:zzz&colour=red"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Unknown parameters, ignored: colour." in page
    assert "This part was ignored." in page
    assert "12 respondents" in page


def test_breakdown_is_kept_in_the_address_and_drawn_as_a_heat_map(client):
    edition = closed_edition(count=20, results_visibility=PUBLIC)
    page = client.get(results_url(edition, "?by=theme")).content.decode()
    assert "Broken down by: Question theme (en)" in page
    assert 'id="breakdown-tools"' in page and '"heatmap"' in page
    assert '<option value="theme" selected>' in page
    # Nobody wrote another theme: its group is listed with its size but not drawn.
    assert "No respondent in the group Other: it is left out of the charts." in page
    assert re.search(r"<th scope=\"row\">Other</th><td class=\"num\">0</td>", page)
    chart = chart_spec(page, "breakdown-tools")
    assert [trace["x"] for trace in chart["data"]] == [["Ocean", "Atmosphere"]] * 2
    assert "Other · " not in page  # no empty list on a phone


def test_only_chart_pages_widen_their_style_policy(client):
    edition = closed_edition(results_visibility=PUBLIC)
    policy = client.get(results_url(edition))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert re.search(r"script-src 'self'(;|$)", policy)
    for name in ("home", "survey:index", "survey:trends"):
        assert "unsafe-inline" not in client.get(reverse(name))["Content-Security-Policy"]


def test_results_page_makes_the_same_queries_for_one_or_many_responses(
    client, django_assert_num_queries
):
    small = closed_edition(count=1, year=2019, results_visibility=PUBLIC)
    large = closed_edition(count=40, year=2020, results_visibility=PUBLIC)
    cache.set(generation_key(RESULTS_SECTION), "current")
    for edition in (small, large):
        # Cold: edition; the reader's page read; questions, choices, cache read; version
        # added (5 with the database cache's culling check); count and answers; tables
        # stored (5); rendered results read (1) and stored (5); the reader's page stored (5).
        with django_assert_num_queries(28):
            client.get(results_url(edition))
        # Warm: the edition (its state), then the reader's page in one cache read.
        with django_assert_num_queries(2):
            client.get(results_url(edition))


def test_rendered_results_are_kept_per_version_language_reader_and_query(
    client, coordinator, django_capture_on_commit_callbacks
):
    edition = closed_edition(count=12, results_visibility=PUBLIC)
    english, french = f"/en/survey/{edition.year}/results/", f"/survey/{edition.year}/results/"
    first = client.get(english).content.decode()
    assert "12 respondents" in first
    assert client.get(english).content.decode() == first  # from the cache
    assert "12 répondants" in client.get(french).content.decode()
    assert "6 respondents" in client.get(english + "?f=theme:ocean").content.decode()
    client.force_login(coordinator)
    assert "As a coordinator you see every number" in client.get(english).content.decode()
    client.logout()
    assert "As a coordinator" not in client.get(english).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.store_anonymous_responses(
            edition=edition, answer_sets=[answers_for(i) for i in range(3)]
        )
    assert "15 respondents" in client.get(english).content.decode()


def test_members_share_one_copy_of_the_results(django_assert_num_queries):
    edition = closed_edition(count=12, results_visibility=MEMBERS)
    first, second = Client(), Client()
    first.force_login(UserFactory())
    second.force_login(UserFactory())
    assert "12 respondents" in first.get(results_url(edition)).content.decode()
    # Edition, session, user with their role, one cache read.
    with django_assert_num_queries(4):
        page = second.get(results_url(edition)).content.decode()
    assert "12 respondents" in page
    assert Client().get(results_url(edition)).status_code == 302  # readers: log in first


def test_a_reworded_question_shows_at_once_to_readers(client, django_capture_on_commit_callbacks):
    edition = closed_edition(count=12, results_visibility=PUBLIC)
    client.get(results_url(edition))
    question = edition.questions.get(key="theme")
    with django_capture_on_commit_callbacks(execute=True):
        question.text_en = "Your main research field"
        question.save()
    assert "Your main research field" in client.get(results_url(edition)).content.decode()


def test_whether_a_member_answered_is_never_shown_to_another(django_capture_on_commit_callbacks):
    edition = build_edition(2026, state="open", results_visibility=MEMBERS)
    answered, other = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_response(edition=edition, user=answered, answers=answers_for(0))
    for user, button in ((answered, "See my answers"), (other, "Answer the survey")):
        client = Client()
        client.force_login(user)
        page = client.get(results_url(edition)).content.decode()
        assert button in page


def test_results_published_when_the_edition_closes_replace_the_notice(client, monkeypatch):
    edition = build_edition(2026, state="open", results_visibility=PUBLIC)
    services.store_anonymous_responses(edition=edition, answer_sets=[answers_for(0)] * 12)
    before = client.get(results_url(edition)).content.decode()
    assert "published once it closes" in before and "12 respondents" not in before
    later = edition.closes_at + timedelta(minutes=1)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert "12 respondents" in client.get(results_url(edition)).content.decode()


def test_cache_is_renewed_when_answers_change(member, django_capture_on_commit_callbacks):
    edition = build_edition(2026, state="open", results_visibility=PUBLIC)
    questions = questions_of([edition])[edition.pk]
    rules = {edition.pk: rules_for(edition, reveal=True)}

    def ocean_count():
        summary = cached_results([(edition, questions)], rules)[edition.pk]["summary"]
        theme = next(t for t in summary["questions"] if t["key"] == "theme")
        return summary["respondents"], next(
            r["count"] for r in theme["rows"] if r["option"] == "ocean"
        )

    with django_capture_on_commit_callbacks(execute=True):
        services.store_anonymous_responses(edition=edition, answer_sets=[answers_for(0)] * 6)
        services.submit_response(edition=edition, user=member, answers=answers_for(1))
    assert ocean_count() == (7, 6)
    assert ocean_count() == (7, 6)  # from the cache
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_response(edition=edition, user=member, answers=answers_for(0))
    assert ocean_count() == (7, 7)


def test_menu_results_goes_to_the_latest_results_the_user_may_see(client, member):
    closed_edition(year=2019, results_visibility=PUBLIC)
    closed_edition(year=2020, results_visibility=MEMBERS)
    response = client.get(reverse("survey:results_latest"))
    assert response["Location"].endswith("/survey/2019/results/")
    client.force_login(member)
    assert client.get(reverse("survey:results_latest"))["Location"].endswith("/2020/results/")


def trend_chart_svg(page, key):
    """The SVG of a trend chart as the page draws it."""
    return re.search(rf'<svg class="trend-chart" id="trend-chart-{key}".*?</svg>', page, re.S)[0]


def test_trends_are_drawn_on_the_server_in_both_languages(client):
    closed_edition(year=2019, results_visibility=PUBLIC)
    closed_edition(year=2020, results_visibility=PUBLIC)
    response = client.get(reverse("survey:trends"))
    page = response.content.decode()
    chart = trend_chart_svg(page, "theme")
    assert "<title>Ocean · 2019: 50%</title>" in chart and ">60%</text>" in chart
    assert re.findall(r"<tspan[^>]*>(.*?)</tspan>", chart) == ["2019", "n = 12", "2020", "n = 12"]
    # No chart script, so no inline style either: the picker's few lines alone.
    assert "plotly" not in page and "survey-charts.js" not in page and "trend-picker.js" in page
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    with translation.override("fr"):
        french = trend_chart_svg(client.get(reverse("survey:trends")).content.decode(), "theme")
    # Shares as the site writes them in French: "50 %", a no-break space before the sign.
    assert "<title>Océan · 2019\u202f: 50\u00a0%</title>" in french
    assert ">60\u00a0%</text>" in french


def trend_table(page, key):
    """The data table of a trend: its head and rows of cell texts, tags stripped."""
    found = re.search(rf'id="trend-{key}".*?<table[^>]*>(.*?)</table>', page, re.S).group(1)
    rows = re.findall(r"<tr>(.*?)</tr>", found, re.S)

    def text(cell):
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()

    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows
    ]


def test_trends_mark_the_open_edition_the_answered_and_what_others_do_not_see(
    client, member, coordinator
):
    with_small_other(year=2019)  # 14 answered the theme, 2 of them "other"
    edition = build_edition(2020, state="open", results_visibility=PUBLIC)
    services.store_anonymous_responses(
        edition=edition, answer_sets=[answers_for(i) for i in range(8)]
    )
    client.force_login(coordinator)
    page = client.get(reverse("survey:trends")).content.decode()
    assert "Provisional" in page and "The 2020 edition is not closed" in page
    assert "in charts, an asterisk (*) marks them" in page
    table = trend_table(page, "theme")
    assert table[0] == ["Answer", "2019", "2020 (provisional)"]
    assert table[1] == ["Answered the question", "14", "8"]
    assert table[-1] == ["Other", "14% hidden from others: fewer than the smallest group", "0%"]
    chart = trend_chart_svg(page, "theme")
    ticks = re.findall(r"<tspan[^>]*>(.*?)</tspan>", chart)
    assert ticks == ["2019", "n = 14", "2020", "(provisional)", "n = 8"]
    assert "<title>Other · 2019: 14% *</title>" in chart and 'class="trend-mark"' in chart
    with translation.override("fr"):
        french = client.get(reverse("survey:trends")).content.decode()
    assert trend_table(french, "theme")[0][2] == "2020 (provisoire)"
    assert "masqué aux autres\u202f: moins que le plus petit groupe" in french
    # Members do not see the open edition, nor the number others do not see.
    client.force_login(member)
    closed_edition(year=2021, results_visibility=PUBLIC)
    page = client.get(reverse("survey:trends")).content.decode()
    assert "Provisional" not in page and "hidden from others" not in page
    table = trend_table(page, "theme")
    assert table[0] == ["Answer", "2019", "2021"]
    assert table[-1] == ["Other", "fewer than 5", "0%"]
    chart = trend_chart_svg(page, "theme")
    assert "Other · 2019" not in chart and "trend-mark" not in chart  # a gap, no asterisk


def test_trend_years_say_how_many_answered_even_when_it_is_hidden():
    from survey import charts

    trend = {
        "years": [2019, 2020, 2021],
        "answered": [
            {"count": 40, "suppressed": False},
            {"count": None, "suppressed": True},  # readers: too few answered
            {"count": 3, "suppressed": True},  # coordinators
        ],
    }
    years = charts.trend_years(trend, {2019: 5, 2020: 5, 2021: 5}, {2021})
    assert [year["tick"] for year in years] == [
        ["2019", "n = 40"],
        ["2020", "n < 5"],
        ["2021", "(provisional)", "n = 3 *"],
    ]
    assert [year["answered"] for year in years] == ["40", "fewer than 5", "3"]
    assert years[2]["rule"] == "too few answered the question"


def trend_of(shares_by_option, years=(2019, 2020, 2021), hidden=()):
    """A trend as survey.aggregation gives it: ``hidden`` holds the (option, year) whose
    share others do not see."""
    return {
        "years": list(years),
        "answered": [{"count": 40, "suppressed": False}] * len(years),
        "options": [
            {
                "option": option,
                "points": [
                    {"share": share, "suppressed": (option, year) in hidden}
                    for share, year in zip(shares, years, strict=True)
                ],
            }
            for option, shares in shares_by_option.items()
        ],
    }


TREND = {
    "a": [0.1, 0.2, 0.6],
    "b": [0.5, None, 0.5],  # not offered in 2020
    "c": [None, 0.3, 0.4],  # new in 2020
    "d": [0.2, 0.3, 0.3],
    "e": [0.1, 0.1, 0.2],
    "f": [0.3, 0.2, 0.1],  # the sixth most chosen in 2021: grey
    "g": [0.04, 0.05, 0.05],
    "gone": [None, None, None],  # never offered: no line
}


def draw_trend(trend, colours=None):
    from survey import charts

    years = charts.trend_years(trend, dict.fromkeys(trend["years"], 5), set())
    labels = {option: option.upper() for option in TREND}
    return charts.trend_chart(trend, labels, colours, years)


def test_trend_chart_breaks_lines_at_gaps_and_colours_the_most_chosen():
    from survey.charts import MUTED, PALETTE

    chart = draw_trend(trend_of(TREND))
    lines = {line["label"]: line for line in chart["series"]}
    assert list(lines) == ["A", "B", "C", "D", "E", "F", "G"]
    # The years evenly spaced; the shares from the bottom gridline, 0, to the top one, at
    # the first of 20, 40, 60, 80 and 100 % above them all (here A's 60 %).
    xs = [point["x"] for point in lines["A"]["points"]]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    grid = {line["label"]: line["y"] for line in chart["grid"]}
    assert list(grid) == ["0%", "15%", "30%", "45%", "60%"]
    assert lines["A"]["points"][2]["y"] == grid["60%"]
    assert lines["D"]["points"][1]["y"] == grid["30%"]
    assert lines["A"]["points"][0]["y"] > lines["A"]["points"][1]["y"] > grid["30%"]
    # A year without a share breaks the line: two single points for B, no zero.
    assert [len(segment.split()) for segment in lines["B"]["segments"]] == [1, 1]
    assert [point["x"] for point in lines["C"]["points"]] == xs[1:]
    assert len(lines["C"]["segments"]) == 1
    # The five most chosen in 2021 take the palette in turn, the others grey, under them.
    assert [lines[name]["colour"] for name in "ABCDEFG"] == [*PALETTE[:5], MUTED, MUTED]
    assert [line["label"] for line in chart["drawn"][:2]] == ["F", "G"]
    assert chart["palette"] == PALETTE
    own = draw_trend(trend_of(TREND), colours={"a": "#111111", "f": "#222222"})
    assert own["series"][0]["colour"] == "#111111" and own["palette"] is None
    assert own["series"][5]["colour"] == MUTED and own["series"][5]["own"] == "#222222"


def test_trend_chart_titles_each_point_and_marks_what_others_do_not_see():
    trend = trend_of(TREND, hidden={("g", 2019)})
    chart = draw_trend(trend)
    g = chart["series"][-1]
    assert [point["mark"] for point in g["points"]] == ["*", "", ""]
    assert g["points"][0]["title"] == "G · 2019: 4% *"
    with translation.override("fr"):
        french = draw_trend(trend)
    assert french["series"][-1]["points"][1]["title"] == "G · 2020\u202f: 5\u00a0%"
    assert french["grid"][-1]["label"] == "60\u00a0%"


@pytest.mark.parametrize(
    ("highest", "labels"),
    [
        (0.12, ["0%", "5%", "10%", "15%", "20%"]),
        (0.2, ["0%", "5%", "10%", "15%", "20%"]),
        (0.21, ["0%", "10%", "20%", "30%", "40%"]),
        (1.0, ["0%", "25%", "50%", "75%", "100%"]),
    ],
)
def test_trend_chart_scale_ends_just_above_the_highest_share(highest, labels):
    chart = draw_trend(trend_of({"a": [0.05, highest, 0.1], "b": [0.01, 0.02, 0.03]}))
    assert [line["label"] for line in chart["grid"]] == labels
    top = chart["grid"][-1]["y"]
    assert min(point["y"] for line in chart["series"] for point in line["points"]) >= top


def test_trend_chart_labels_every_year_unless_their_labels_would_overlap():
    chart = draw_trend(trend_of(TREND))
    assert [tick["lines"] for tick in chart["ticks"]] == [
        ["2019", "n = 40"],
        ["2020", "n = 40"],
        ["2021", "n = 40"],
    ]
    # Eight years on a phone's width: every other one labelled, the latest always.
    years = range(2013, 2021)
    many = draw_trend(trend_of({"a": [0.5] * 8}, years=years))
    assert [tick["lines"][0] for tick in many["ticks"]] == ["2014", "2016", "2018", "2020"]


def test_free_text_shown_only_where_the_edition_allows(client):
    hidden = closed_edition(year=2019, results_visibility=PUBLIC, show_free_text=False)
    shown = closed_edition(year=2020, results_visibility=PUBLIC, show_free_text=True)
    assert "Remark number" not in client.get(results_url(hidden)).content.decode()
    page = client.get(results_url(shown)).content.decode()
    assert page.count("Remark number") == 12


def test_respondents_are_numbered_per_edition_in_the_order_of_their_random_ids():
    editions = [closed_edition(count=5, year=2019), closed_edition(count=7, year=2020)]
    empty = editions[1]
    services.store_anonymous_responses(
        edition=empty, answer_sets=[{}], require_all=False
    )  # submitted with no answer: counted, but numbers no row
    questions = questions_of(editions)
    loaded = load_many(editions, questions)
    for edition in editions:
        remarks = dict(
            Answer.objects.filter(response__edition=edition, question__key="remarks").values_list(
                "response_id", "text"
            )
        )
        in_id_order = [remarks[pk] for pk in sorted(remarks)]
        answers = loaded[edition.pk].answers
        texts = answers[answers["question"] == "remarks"].sort_values("respondent")
        assert list(texts["text"]) == in_id_order
        assert sorted(set(answers["respondent"])) == list(range(1, len(remarks) + 1))
    assert loaded[empty.pk].respondent_count == 8


def test_texts_and_numbers_load_exactly_as_stored():
    edition = closed_edition(count=2)
    response = edition.responses.first()
    remarks, years = (edition.questions.get(key=key) for key in ("remarks", "years"))
    Answer.objects.filter(response=response, question__in=[remarks, years]).delete()
    tricky = 'Comma, "quote"\nnew line, été, \\ , [1, 2], null'
    Answer.objects.create(response=response, question=remarks, text=tricky)
    Answer.objects.create(response=response, question=years, number=0.1 + 0.2)
    answers = load_many([edition], questions_of([edition]))[edition.pk].answers
    assert tricky in set(answers["text"])
    assert 0.1 + 0.2 in set(answers["number"]) and 3.0 in set(answers["number"])
    assert len(answers) == Answer.objects.filter(response__edition=edition).count()


def test_a_choice_or_question_added_while_loading_never_garbles_the_other_rows():
    edition = closed_edition(count=3)
    questions = questions_of([edition])
    before = load_many([edition], questions)[edition.pk].answers
    tools = edition.questions.get(key="tools")
    late_choice = tools.choices.create(key="emacs", text_fr="Emacs", position=9)
    late_question = edition.questions.create(
        key="late", kind="text", section=tools.section, text_fr="Tard", position=9
    )
    response = edition.responses.first()
    Answer.objects.create(response=response, question=tools, choice=late_choice)
    Answer.objects.create(response=response, question=late_question, text="Late")
    after = load_many([edition], questions)[edition.pk].answers  # the questions read before
    assert "late" not in set(after["question"]) and "Late" not in set(after["text"])
    expected = before["question"].value_counts()
    expected["tools"] += 1  # the late choice's row, read as no choice
    assert after["question"].value_counts().equals(expected)
    assert after["choice"].isna().sum() == before["choice"].isna().sum() + 1
    chosen = [frame.dropna(subset="choice").reset_index(drop=True) for frame in (after, before)]
    assert chosen[0].equals(chosen[1])


# Exports


EXPORTS = ["survey:export_csv", "survey:export_tidy_csv", "survey:export_xlsx"]


@pytest.mark.parametrize("name", EXPORTS)
def test_exports_are_for_coordinators(name, client, member):
    edition = closed_edition(results_visibility=PUBLIC)
    url = reverse(name, args=[edition.year])
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 403


def test_csv_export_one_row_per_response_one_column_per_option(coordinator_client):
    edition = closed_edition(count=12)
    response = coordinator_client.get(reverse("survey:export_csv", args=[edition.year]))
    assert 'filename="espri-ia-survey-2020-answers.csv"' in response["Content-Disposition"]
    frame = pd.read_csv(io.StringIO(response.content.decode()))
    assert list(frame["respondent"]) == list(range(1, 13))
    assert frame["tools[jupyter]"].sum() == 12 and frame["tools[vscode]"].sum() == 0
    assert sorted(frame["theme"].value_counts().to_dict().items()) == [
        ("atmosphere", 6),
        ("ocean", 6),
    ]
    assert frame["satisfaction"].tolist() == [4.0] * 12


def test_exports_carry_no_identity(coordinator_client, member):
    edition = build_edition(2026, state="open")
    services.submit_response(edition=edition, user=member, answers=answers_for(3))
    response_row = edition.responses.get()
    contents = []
    for name in ("survey:export_csv", "survey:export_tidy_csv"):
        contents.append(coordinator_client.get(reverse(name, args=[edition.year])).content.decode())
    xlsx = coordinator_client.get(reverse("survey:export_xlsx", args=[edition.year])).content
    sheets = pd.read_excel(io.BytesIO(xlsx), sheet_name=None)
    assert set(sheets) == {"answers", "codebook"}
    contents.append(sheets["answers"].to_csv())
    for content in contents:
        for secret in (member.email, member.last_name, str(response_row.pk), response_row.key):
            assert secret not in content
    assert "Remark number 3" in contents[0]
    codebook = sheets["codebook"]
    assert {"tools[jupyter]", "theme"} <= set(codebook["column"])


def test_tidy_export_has_one_row_per_answer(coordinator_client):
    edition = closed_edition(count=3)
    content = coordinator_client.get(reverse("survey:export_tidy_csv", args=[edition.year]))
    assert content.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert (
        ",satisfaction,,,4\r\n" in content.content.decode()
        and ".0\r\n" not in content.content.decode()
    )
    frame = pd.read_csv(io.StringIO(content.content.decode()))
    assert list(frame.columns) == ["respondent", "question", "choice", "text", "number"]
    assert len(frame[frame["question"] == "tools"]) == 6


def test_results_access_for_anonymous_user():
    edition = closed_edition(results_visibility=COORDINATORS)
    assert results_access(edition, AnonymousUser()) is None


def test_exports_never_hand_a_formula_to_a_spreadsheet(coordinator_client):
    edition = build_edition(2020, state="closed")
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(remarks={"text": '=HYPERLINK("http://evil.example","x")'})],
    )
    wide = coordinator_client.get(reverse("survey:export_csv", args=[edition.year]))
    frame = pd.read_csv(io.StringIO(wide.content.decode()))
    assert frame["remarks"][0] == '\'=HYPERLINK("http://evil.example","x")'

    xlsx = coordinator_client.get(reverse("survey:export_xlsx", args=[edition.year])).content
    cell = next(
        c
        for row in load_workbook(io.BytesIO(xlsx))["answers"].iter_rows()
        for c in row
        if isinstance(c.value, str) and "HYPERLINK" in c.value
    )
    assert cell.data_type == "s"  # text, not a formula


def test_coordinators_charts_mark_what_others_do_not_see(client, coordinator):
    edition = with_small_other()
    client.force_login(coordinator)
    page = client.get(results_url(edition)).content.decode()
    bars = chart_spec(page, "chart-theme")["data"][0]
    values = dict(zip(bars["y"], bars["text"], strict=True))
    assert values["Other"] == "14% *" and values["Atmosphere"] == "43% *"
    assert values["Ocean"] == "43%"
    assert "an asterisk (*) marks them" in page


@pytest.mark.parametrize(
    ("language", "mark", "wrong"),
    [
        ("en", "hidden from others: would give away a hidden number by subtraction", "others :"),
        ("fr", "masqué aux autres\u202f: trahirait un nombre masqué par soustraction", "autres:"),
    ],
)
def test_coordinators_hidden_marks_follow_the_language_typography(
    client, coordinator, language, mark, wrong
):
    edition = with_small_other()
    client.force_login(coordinator)
    with translation.override(language):
        page = client.get(results_url(edition)).content.decode()
        broken_down = client.get(results_url(edition, "?by=theme")).content.decode()
    assert mark in page and mark in broken_down
    assert wrong not in page and wrong not in broken_down


def test_phone_charts_carry_the_desk_charts_settings(client):
    """Scales and histograms have a phone version: no plotly toolbar nor zoom there either."""
    edition = with_small_other()
    page = client.get(results_url(edition)).content.decode()
    for chart_id in ("chart-satisfaction", "chart-years"):
        spec = chart_spec(page, chart_id)
        assert spec["narrow"]["config"] == spec["config"]
        assert spec["narrow"]["config"]["displayModeBar"] is False
        assert all(spec["narrow"]["layout"][axis]["fixedrange"] for axis in ("xaxis", "yaxis"))


def scale_edition(values):
    """A public closed edition whose satisfaction answers are ``values``."""
    edition = build_edition(2020, state="closed", results_visibility=PUBLIC, min_group_size=5)
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(satisfaction={"number": value}) for value in values],
    )
    return edition


def test_the_median_line_stops_short_of_the_value_it_passes(client):
    # 6 answered 2, 12 answered 4, 6 answered 5: the median is 4, whose bar holds 50%.
    edition = scale_edition([2.0] * 6 + [4.0] * 12 + [5.0] * 6)
    spec = chart_spec(client.get(results_url(edition)).content.decode(), "chart-satisfaction")
    for chart, along in ((spec, "y"), (spec["narrow"], "x")):
        assert chart["data"][0][along][3] == 50 and chart["data"][0]["text"][3] == "50%"
        through_bar, past_value = chart["layout"]["shapes"]
        assert (through_bar[f"{along}0"], through_bar[f"{along}1"]) == (0, 50)
        # Past the value: from some pixels beyond the bar's end ("50%" is written there).
        assert past_value[f"{along}sizemode"] == "pixel" and past_value[f"{along}anchor"] == 50
        assert past_value[f"{along}0"] >= 24
        across = "x" if along == "y" else "y"
        assert all(
            shape[f"{across}0"] == shape[f"{across}1"] == 3 for shape in (through_bar, past_value)
        )


def test_the_median_line_between_two_values_runs_whole(client):
    edition = scale_edition([2.0] * 6 + [3.0] * 6)  # the median, 2.5, is between two bars
    spec = chart_spec(client.get(results_url(edition)).content.decode(), "chart-satisfaction")
    (line,) = spec["layout"]["shapes"]
    assert (line["x0"], line["yref"], line["y0"], line["y1"]) == (1.5, "paper", 0, 1)


def test_hidden_bars_of_a_scale_are_noted_at_their_own_place(client):
    """A scale's values are labels such as "2", which plotly would read as positions."""
    edition = scale_edition([4.0] * 12 + [2.0] * 2)  # 2 is small, 4 hidden with it
    spec = chart_spec(client.get(results_url(edition)).content.decode(), "chart-satisfaction")
    for chart, across in ((spec, "x"), (spec["narrow"], "y")):
        bars = chart["data"][0]
        notes = {
            bars[across][note[across]]: note["text"]
            for note in chart["layout"]["annotations"]
            if note["text"].startswith("<i>")
        }
        assert notes == {"2": "<i>fewer than 5</i>", "4": "<i>hidden</i>"}


def test_upcoming_edition_results_say_when_it_opens_and_closes(client):
    edition = build_edition(2027, state="upcoming", results_visibility=MEMBERS)
    response = client.get(results_url(edition))
    page = response.content.decode()
    assert response.status_code == 200
    assert "This edition opens on" in page and "can be read by members" in page
    assert "Answer the survey" not in page


def test_draft_edition_results_are_unknown_to_all_but_coordinators(client, member, coordinator):
    edition = build_edition(2027, state="upcoming", results_visibility=PUBLIC)
    Edition.objects.filter(pk=edition.pk).update(is_published=False)
    assert client.get(results_url(edition)).status_code == 404
    client.force_login(member)
    assert client.get(results_url(edition)).status_code == 404
    client.force_login(coordinator)
    assert client.get(results_url(edition)).status_code == 200


def test_a_new_release_renders_the_results_afresh(coordinator_client, monkeypatch):
    edition = closed_edition(results_visibility=PUBLIC)
    computed, rendered = [], []
    for module, name, calls in (
        (results_data, "_compute", computed),
        (results_views, "_results_body", rendered),
    ):
        original = getattr(module, name)

        def counted(*args, _original=original, _calls=calls, **kwargs):
            _calls.append(1)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)
    for release in ("this", "this", "next"):
        for module in (results_data, results_views):
            monkeypatch.setattr(module, "release", lambda release=release: release, raising=False)
        assert coordinator_client.get(results_url(edition)).status_code == 200
    # Cached within a release; the next one's code and templates compute and render anew.
    assert (len(computed), len(rendered)) == (2, 2)
