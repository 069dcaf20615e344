"""Readers' pages come from the shared cache, and never stale."""

import re

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb.page_cache import release
from kb.services import catalogue as catalogue_services
from kb.services import events as events_services
from tests.factories import (
    CoordinatorFactory,
    EventFactory,
    ProjectFactory,
    UserFactory,
    doc_page,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url", ["/", "/en/", "/projects/", "/projects/?task=detection&sort=year", "/events/"]
)
def test_warm_reader_page_is_one_cache_read(client, url, django_assert_num_queries):
    ProjectFactory()
    EventFactory()
    first = client.get(url).content
    with django_assert_num_queries(1):
        assert client.get(url).content == first


def test_filters_are_cached_apart(client):
    ProjectFactory(title="Détection de cyclones")
    assert "Détection de cyclones" in client.get("/projects/?q=cyclones").content.decode()
    assert "Détection de cyclones" not in client.get("/projects/?q=radar").content.decode()


def test_members_never_get_a_cached_page(member_client, django_assert_num_queries):
    member_client.get("/events/")
    # Session, user with their role, own registrations, events: fresh.
    with django_assert_num_queries(4):
        member_client.get("/events/")


@pytest.fixture
def docs_page():
    doc_page("cluster", title="Le cluster GPU HAL")
    doc_page("cluster/acces", title="Accès", body="Introduction.")
    return "/docs/cluster/acces/"


def signed_in(user, **options):
    client = Client(**options)
    client.force_login(user)
    return client


def test_members_share_one_copy_of_a_docs_page(docs_page, django_assert_num_queries):
    signed_in(UserFactory()).get(docs_page)
    other = signed_in(UserFactory())
    # Session, user with their role, one cache read.
    with django_assert_num_queries(3):
        page = other.get(docs_page).content.decode()
    assert "Introduction." in page
    assert "Mon espace" in page and "Se connecter" not in page
    reader_page = Client().get(docs_page).content.decode()
    assert "Se connecter" in reader_page and "Mon espace" not in reader_page


def test_a_shared_page_carries_the_members_own_csrf_token(docs_page):
    signed_in(UserFactory()).get(docs_page)
    other = signed_in(UserFactory(), enforce_csrf_checks=True)
    response = other.get(docs_page)
    assert b"\x00" not in response.content
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    # The logout form of the shared copy works for this member.
    assert (
        other.post("/accounts/logout/", {"csrfmiddlewaretoken": token.group(1)}).status_code == 302
    )
    assert "_auth_user_id" not in other.session


def test_coordinators_never_get_the_members_copy(docs_page):
    signed_in(UserFactory()).get(docs_page)
    page = signed_in(CoordinatorFactory()).get(docs_page).content.decode()
    assert "/docs/cluster/acces/edit/" in page


def test_a_member_with_a_message_waiting_gets_a_fresh_page(docs_page, rf):
    signed_in(UserFactory()).get(docs_page)
    member = signed_in(UserFactory())
    # As a view leaves it (the session keeps only what the cookie cannot hold).
    storage = CookieStorage(rf.get("/"))
    storage.add(messages.SUCCESS, "Profil enregistré.")
    left = HttpResponse()
    storage.update(left)
    member.cookies["messages"] = left.cookies["messages"].value
    assert "Profil enregistré." in member.get(docs_page).content.decode()
    assert "Profil enregistré." not in member.get(docs_page).content.decode()


def test_a_new_project_shows_at_once(coordinator, django_capture_on_commit_callbacks):
    reader = Client()
    assert "Grêle" not in reader.get("/projects/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        project = catalogue_services.propose_project(
            proposer=None,
            fields={"title": "Grêle", "summary_fr": "S", "year": 2020},
        )
        catalogue_services.approve_project(project=project, reviewer=coordinator)
    assert "Grêle" in reader.get("/projects/").content.decode()


def test_a_cancelled_event_shows_at_once(django_capture_on_commit_callbacks):
    event = EventFactory(title="Formation Slurm")
    reader = Client()
    assert "Annulé" not in reader.get(f"/events/{event.slug}/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        events_services.cancel_event(event=event)
    assert "Annulé" in reader.get(f"/events/{event.slug}/").content.decode()


def test_home_follows_every_section(django_capture_on_commit_callbacks):
    reader = Client()
    assert "Formation Slurm" not in reader.get("/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        EventFactory(title="Formation Slurm")
    assert "Formation Slurm" in reader.get("/").content.decode()


def test_a_new_release_never_serves_the_previous_release_pages(client, monkeypatch):
    EventFactory(title="Formation Slurm")
    monkeypatch.setattr("kb.page_cache.release", lambda: "previous")
    client.get("/events/")
    with CaptureQueriesContext(connection) as warm:
        client.get("/events/")
    monkeypatch.setattr("kb.page_cache.release", lambda: "new")
    with CaptureQueriesContext(connection) as after_release:
        assert "Formation Slurm" in client.get("/events/").content.decode()
    assert len(warm) == 1  # the previous release's page, from the cache
    assert len(after_release) > 1  # rendered again with the new templates


def test_release_fingerprint_is_stable_and_short():
    assert release() == release()
    assert len(release()) == 16


def test_search_results_follow_new_content(coordinator, django_capture_on_commit_callbacks):
    reader = Client()
    assert "Grêle" not in reader.get("/search/", {"q": "grele"}).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        project = catalogue_services.propose_project(
            proposer=None,
            fields={"title": "Grêle", "summary_fr": "S", "year": 2020},
        )
        catalogue_services.approve_project(project=project, reviewer=coordinator)
    assert "Grêle" in reader.get("/search/", {"q": "grele"}).content.decode()
