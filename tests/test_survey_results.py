"""The results pages, trends and exports through the client: roles, settings, CSP, queries."""

import io
import re

import pandas as pd
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from survey import services
from survey.models import Edition
from survey.results_data import cached_results, questions_of, results_access, rules_for
from tests.factories import build_edition, complete_answers

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


def test_open_edition_results_are_provisional_for_coordinators_only(client, coordinator):
    edition = build_edition(2026, state="open", results_visibility=PUBLIC)
    assert client.get(results_url(edition)).status_code == 404
    client.force_login(coordinator)
    page = client.get(results_url(edition)).content.decode()
    assert "Provisional" in page


def test_results_page_shows_charts_tables_and_explains_shares(client):
    edition = closed_edition(results_visibility=PUBLIC)
    page = client.get(results_url(edition)).content.decode()
    assert "shares add up to more than 100" in page
    assert 'id="chart-tools"' in page and 'type="application/json"' in page
    assert "<table" in page and "Data table" in page
    assert "vendor/plotly.min.js" in page and "js/survey-charts.js" in page
    # 12 respondents: Jupyter and Vim for all (100%), VS Code none.
    assert re.search(r"Jupyter</th>\s*<td class=\"num\">12</td>\s*<td class=\"num\">100%", page)


def test_small_groups_read_fewer_than_n_and_leave_no_number_in_chart_json(client, coordinator):
    edition = closed_edition(count=12, results_visibility=PUBLIC, min_group_size=5)
    services.store_anonymous_responses(
        edition=edition,
        answer_sets=[complete_answers(theme={"choices": [], "other": "Glaciers"})] * 2,
    )
    page = client.get(results_url(edition)).content.decode()
    assert "Other (fewer than 5)" in page
    chart = re.search(r'<script id="chart-theme" type="application/json">(.*?)</script>', page)
    spec = chart.group(1)
    assert '"x": [50.0, 42.9, null]' in spec or "null" in spec
    assert "2 respondents" not in spec
    client.force_login(coordinator)
    revealed = client.get(results_url(edition)).content.decode()
    assert "hidden from others" in revealed


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


def test_only_chart_pages_widen_their_style_policy(client):
    edition = closed_edition(results_visibility=PUBLIC)
    policy = client.get(results_url(edition))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert re.search(r"script-src 'self'(;|$)", policy)
    trends = client.get(reverse("survey:trends"))["Content-Security-Policy"]
    assert "'unsafe-inline'" in trends.split("style-src")[1].split(";")[0]
    for name in ("home", "survey:index"):
        assert "unsafe-inline" not in client.get(reverse(name))["Content-Security-Policy"]


def test_results_page_makes_the_same_queries_for_one_or_many_responses(
    client, django_assert_num_queries
):
    small = closed_edition(count=1, year=2019, results_visibility=PUBLIC)
    large = closed_edition(count=40, year=2020, results_visibility=PUBLIC)
    for edition in (small, large):
        # Cold: edition, questions, choices, cache read; version added (5 with the
        # database cache's culling check); count and answers; tables stored (5).
        with django_assert_num_queries(16):
            client.get(results_url(edition))
        # Warm: edition, questions, choices, one cache read; no answer loaded.
        with django_assert_num_queries(4):
            client.get(results_url(edition))


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


def test_trends_across_editions(client):
    closed_edition(year=2019, results_visibility=PUBLIC)
    closed_edition(year=2020, results_visibility=PUBLIC)
    page = client.get(reverse("survey:trends")).content.decode()
    assert 'id="trend-chart-tools"' in page and "2019" in page and "2020" in page


def test_free_text_shown_only_where_the_edition_allows(client):
    hidden = closed_edition(year=2019, results_visibility=PUBLIC, show_free_text=False)
    shown = closed_edition(year=2020, results_visibility=PUBLIC, show_free_text=True)
    assert "Remark number" not in client.get(results_url(hidden)).content.decode()
    page = client.get(results_url(shown)).content.decode()
    assert page.count("Remark number") == 12


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
