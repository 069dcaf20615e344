import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db


def test_health_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Cache-Control"] == "no-store"


def test_health_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr("django.db.backends.base.base.BaseDatabaseWrapper.cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert b"database unavailable" in response.content


def test_health_answers_a_probe_by_ip_address(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200  # not 400 (host) nor 301 (HTTPS redirect)
    assert response.content == b"ok\n"
