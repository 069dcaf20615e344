"""The findings of the probe of the running site, each pinned by a test."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EventFactory, ProjectFactory

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
    assert 'href="/evil.example/" hreflang="en"' in page
