"""The findings of the probe of the running site, each pinned by a test."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from kb.event_materials import check_material_file
from kb.markdown import render_markdown
from kb.models import Architecture, Project, Task
from kb.search import search
from kb.services import catalogue as catalogue_services
from tests.factories import PASSWORD, EventFactory, ProjectFactory, UserFactory
from tests.test_catalogue_proposals import proposal

pytestmark = pytest.mark.django_db


def queries_for(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


# Page cache: no request header or made-up query shapes what others receive


def test_a_host_header_port_never_reaches_the_cached_events_page(client, settings):
    settings.ESPRI_SITE_URL = "https://espri-ia.example"
    EventFactory()
    client.get("/events/", HTTP_HOST="127.0.0.1:6666")
    page = client.get("/events/").content.decode()
    assert "6666" not in page
    assert 'href="webcal://espri-ia.example/' in page


def test_unknown_query_parameters_are_rendered_but_not_kept(client):
    ProjectFactory()
    client.get("/projects/?utm_source=x")
    _response, count = queries_for(client, "/projects/?utm_source=x")
    assert count > 1
    client.get("/projects/?task=detection")
    _response, count = queries_for(client, "/projects/?task=detection")
    assert count == 1


def test_each_path_keeps_a_bounded_number_of_filtered_pages(client, monkeypatch):
    monkeypatch.setattr("kb.page_cache.MAX_VARIANTS", 3)
    ProjectFactory()
    for word in ["a", "b", "c", "d"]:
        client.get(f"/projects/?q={word}")
    assert queries_for(client, "/projects/?q=a")[1] == 1
    assert queries_for(client, "/projects/?q=d")[1] > 1


def test_a_double_slash_path_gives_no_off_site_link(client):
    response = client.get("/", PATH_INFO="//evil.example/")  # as a raw request line sends it
    assert response.status_code == 404
    page = response.content.decode()
    assert "//evil.example" not in page
    assert 'href="/language/en/?next=/evil.example/" hreflang="en"' in page


# Control characters: refused with a clear 400 on every input path, on both databases


@pytest.mark.parametrize(
    "url",
    [
        "/en/projects/?q=a%00b",
        "/en/projects/?task=%00",
        "/en/projects/?architecture=%00&data=x",
        "/en/projects/?data=%00",
        "/en/search/?q=%00",
        "/en/projects/?laboratory=%01",
        "/en/events/?kind=%00",
        "/en/docs/cluster/a%00b/",
        "/en/projects/?%00=x",
    ],
)
def test_control_characters_in_addresses_get_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "control characters" in response.content.decode()


def test_a_nul_in_a_form_gets_a_400_and_stores_nothing(member_client):
    response = member_client.post(
        "/en/projects/propose/", {"title": "Radar\x00", "summary": "s", "description": "d"}
    )
    assert response.status_code == 400
    assert "control characters" in response.content.decode()
    assert not Project.objects.exists()


def test_a_nul_in_a_multipart_form_gets_a_400(coordinator_client):
    event = EventFactory()
    response = coordinator_client.post(
        f"/en/events/{event.slug}/materials/",
        {"title": "Slides\x00", "file": SimpleUploadedFile("s.pdf", b"%PDF-1.4\n")},
    )
    assert response.status_code == 400


def test_line_breaks_stay_allowed_in_multi_line_text(member_client):
    response = member_client.get("/projects/?q=a%0D%0Ab%09c")
    assert response.status_code == 200


# Proposals: a title on one line, a bounded description, a few a day


def test_a_title_with_a_line_break_is_a_form_error(member_client):
    response = member_client.post(
        "/en/projects/propose/", proposal(title="Header inj\r\nBcc: evil@evil.example")
    )
    assert response.status_code == 200
    assert "Write this on one line." in response.content.decode()
    assert not Project.objects.exists()


def test_a_huge_description_is_a_form_error(member_client):
    response = member_client.post("/en/projects/propose/", proposal(description="x" * 1_000_000))
    assert "Ensure this value has at most 20000 characters" in response.content.decode()
    assert not Project.objects.exists()


def test_a_member_may_propose_five_projects_a_day(member_client, member):
    for number in range(5):
        response = member_client.post("/en/projects/propose/", proposal(title=f"Radar {number}"))
        assert response.status_code == 302
    mail.outbox.clear()
    response = member_client.post("/en/projects/propose/", proposal(title="Radar 6"))
    assert response.status_code == 429
    page = response.content.decode()
    assert "the most a member may" in page and "Radar 6" in page  # the text is kept
    assert Project.objects.filter(proposed_by=member).count() == 5
    assert not mail.outbox


# Markdown, sizes, BibTeX


@pytest.mark.parametrize(
    "text",
    [
        "<b>x</b> \x02klzzwxh:0\x03",
        "`a` \x02klzzwxh:0\x03 <b>x</b>",
        "<div>\nq\n</div>\n\n\x02wzxhzdk:0\x03",
        "## h\x02klzzwxh:0\x03",
    ],
)
def test_markdown_placeholders_never_reach_the_html(text):
    rendered = render_markdown(text)
    for output in [rendered.html, *(entry["title"] for entry in rendered.toc)]:
        assert "klzzwxh" not in output and "wzxhzdk" not in output
        assert "\x02" not in output and "\x03" not in output


def test_a_file_just_over_the_limit_states_both_sizes_in_bytes():
    limit = 50 * 1024 * 1024
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_material_file(name="a.pdf", size=limit + 10, head=b"%PDF-1.4", max_bytes=limit)
    assert error.value.messages == [
        "This file is 52,428,810 bytes; the largest allowed is 52,428,800 bytes."
    ]


# The site search follows admin edits, as the page cache does


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def admin_project_data(project, **changes):
    data = {
        "title": project.title,
        "summary_fr": project.summary_fr,
        "summary_en": project.summary_en,
        "description_fr": project.description_fr,
        "description_en": project.description_en,
        "year": project.year,
        "tasks": [task.pk for task in project.tasks.all()],
        "architectures": [architecture.pk for architecture in project.architectures.all()],
    }
    for prefix in ["references", "contacts", "links"]:
        data.update({f"{prefix}-TOTAL_FORMS": 0, f"{prefix}-INITIAL_FORMS": 0})
    data.update(changes)
    return data


def found(query):
    return [hit.entry.title for hit in search(query).hits]


def test_an_admin_edit_then_a_search_finds_the_new_title(
    staff_client, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = catalogue_services.propose_project(
            proposer=None,
            fields={
                "title": "Grêle",
                "summary_fr": "S",
                "description_fr": "",
                "year": 2020,
                "tasks": list(Task.objects.filter(slug="detection")),
                "architectures": list(Architecture.objects.filter(slug="cnn")),
            },
        )
        catalogue_services.approve_project(project=project, reviewer=coordinator)
    assert found("grele") == ["Grêle"]
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            f"/admin/kb/project/{project.pk}/change/",
            admin_project_data(project, title="Tornades"),
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert found("grele") == []
    assert found("tornades") == ["Tornades"]

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/kb/project/{project.pk}/delete/", {"post": "yes"})
    assert found("tornades") == []


def test_a_relabelled_list_value_is_found_in_its_projects(
    coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        project = catalogue_services.propose_project(
            proposer=None,
            fields={
                "title": "Cyclones",
                "summary_fr": "S",
                "description_fr": "",
                "year": 2020,
                "tasks": list(Task.objects.filter(slug="detection")),
            },
        )
        catalogue_services.approve_project(project=project, reviewer=coordinator)
    assert found("cryodetection") == []
    with django_capture_on_commit_callbacks(execute=True):
        task = Task.objects.get(slug="detection")
        task.label_fr, task.label_en = "Cryodétection", "Cryodetection"
        task.save()
    assert found("cryodetection") == ["Cyclones"]


# The failed-login limit per address holds whatever host and port a request names


def test_failed_logins_count_together_whatever_the_host_port(client, member):
    for port in range(8001, 8006):
        response = client.post(
            "/en/accounts/login/",
            {"login": member.email, "password": "wrong"},
            HTTP_HOST=f"127.0.0.1:{port}",
        )
        assert response.status_code == 200
    response = client.post(
        "/en/accounts/login/", {"login": member.email, "password": PASSWORD}, HTTP_HOST="localhost"
    )
    assert "Too many failed attempts with this address" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_400_page_has_the_layout_and_the_security_headers(member_client, member):
    response = member_client.get("/en/projects/?q=%00")
    assert response.status_code == 400
    assert "Content-Security-Policy" in response.headers
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "Log out" in response.content.decode()  # the member's own menu
