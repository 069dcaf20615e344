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
def test_collected_static_files_are_hashed_compressed_and_cached(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)

    hashed = sorted(p.name for p in (tmp_path / "vendor").glob("plotly.min.*.js"))
    assert len(hashed) == 1
    assert (tmp_path / "vendor" / f"{hashed[0]}.gz").exists()
    assert (tmp_path / "vendor" / f"{hashed[0]}.br").exists()

    client = Client()  # a new client builds the middleware, which reads STATIC_ROOT
    response = client.get(f"/static/vendor/{hashed[0]}", HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in response["Cache-Control"]
    assert "immutable" in response["Cache-Control"]
    # Read to the end, as a WSGI server does: the test client then closes the streamed
    # file without firing request_finished, which would close the test's database connection.
    b"".join(response.streaming_content)

    page = client.get("/").content.decode()
    assert "/static/css/site." in page
    assert "/static/css/site.css" not in page  # the hashed name, not the plain one
