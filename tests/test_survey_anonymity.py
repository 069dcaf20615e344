"""No admin page, coordinator page or stored row puts a respondent's identity next to answers."""

import pytest

from survey import services
from survey.models import Participation, Response
from tests.factories import UserFactory, build_edition, complete_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(member):
    edition = build_edition()
    member.first_name, member.last_name = "Zoé", "Unmistakable"
    member.save()
    services.submit_response(
        edition=edition,
        user=member,
        answers=complete_answers(remarks={"text": "distinctive remark"}),
    )
    return edition


@pytest.fixture
def admin_client(client):
    admin = UserFactory(email="admin@lab.ipsl.example", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_admin_response_pages_show_answers_without_identity(admin_client, answered, member):
    response = Response.objects.get()
    listing = admin_client.get("/admin/survey/response/").content.decode()
    detail = admin_client.get(f"/admin/survey/response/{response.pk}/change/").content.decode()
    assert "distinctive remark" in detail
    for page in (listing, detail):
        assert member.email not in page and "Unmistakable" not in page
        assert response.key not in page


def test_admin_participation_pages_show_identity_without_answers(admin_client, answered, member):
    participation = Participation.objects.get()
    listing = admin_client.get("/admin/survey/participation/").content.decode()
    detail = admin_client.get(
        f"/admin/survey/participation/{participation.pk}/change/"
    ).content.decode()
    assert "Unmistakable" in listing
    for page in (listing, detail):
        assert "distinctive remark" not in page
        assert str(Response.objects.get().pk) not in page


def test_admin_cannot_add_or_change_responses(admin_client, answered):
    response = Response.objects.get()
    assert admin_client.get("/admin/survey/response/add/").status_code == 403
    page = admin_client.get(f"/admin/survey/response/{response.pk}/change/").content.decode()
    assert 'name="_save"' not in page


def test_coordinator_pages_show_no_identity(coordinator_client, answered, member):
    for url in [
        "/en/survey/design/",
        "/en/survey/design/2026/",
        "/en/survey/design/2026/import/",
        "/en/survey/",
    ]:
        page = coordinator_client.get(url).content.decode()
        assert member.email not in page and "Unmistakable" not in page, url
        assert "distinctive remark" not in page, url


def test_coordinator_review_page_shows_only_their_own_answers(coordinator_client, answered):
    page = coordinator_client.get("/en/survey/2026/review/").content.decode()
    assert "distinctive remark" not in page


def test_stored_rows_cannot_be_joined_without_the_secret(answered, member, settings):
    response = Response.objects.get()
    participation = Participation.objects.get()
    response_values = {str(v) for v in Response.objects.values().get().values()}
    assert str(member.pk) not in response_values - {str(response.edition_id)}
    assert str(participation.pk) not in response_values
    settings.SECRET_KEY = "the database alone, without the server's secret"
    assert services.find_response(edition=answered, user=member) is None
