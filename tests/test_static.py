"""Static files: hashed, compressed, cached for long; plotly.js from its own package."""

from pathlib import Path

import plotly
import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

PLOTLY_FILE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def test_plotly_is_found_in_the_plotly_package():
    assert Path(finders.find("vendor/plotly.min.js")) == PLOTLY_FILE


def test_only_the_named_package_files_are_exposed():
    assert finders.find("vendor/widgetbundle.js") is None


@pytest.mark.django_db
def test_plotly_is_served_from_the_package(client):
    response = client.get("/static/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    # Reading the streamed file to its end closes it, as a WSGI server would.
    assert b"".join(response.streaming_content) == PLOTLY_FILE.read_bytes()


@pytest.mark.django_db
def test_plotly_is_collected_for_production(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # plain storage (conftest): a copy, no compression
    call_command("collectstatic", interactive=False, verbosity=0)
    assert (tmp_path / "vendor" / "plotly.min.js").read_bytes() == PLOTLY_FILE.read_bytes()


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_cached(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The site's own files only: compressing plotly's 4.8 MB takes long and proves nothing more.
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)

    hashed = sorted(p.name for p in (tmp_path / "css").glob("site.*.css"))
    assert len(hashed) == 1
    assert (tmp_path / "css" / f"{hashed[0]}.gz").exists()
    assert (tmp_path / "css" / f"{hashed[0]}.br").exists()

    client = Client()  # a new client builds the middleware, which reads STATIC_ROOT
    response = client.get(f"/static/css/{hashed[0]}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    assert b"".join(response.streaming_content)  # read to the end, which closes the file

    page = client.get("/").content.decode()
    assert f"/static/css/{hashed[0]}" in page  # the hashed name, not the plain one
