"""Readers' pages come from the shared cache, and never stale."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kb.page_cache import release
from kb.services import catalogue as catalogue_services
from kb.services import events as events_services
from tests.factories import EventFactory, ProjectFactory

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
    # Session, user, coordinator check, own registrations, events: fresh.
    with django_assert_num_queries(5):
        member_client.get("/events/")


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
