"""Static files: hashed, compressed, cached for long; plotly.js fetched at install, pinned."""

import dataclasses
import hashlib
import io
import tarfile
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client

from espri_ia import vendor

PLOTLY_FILE = vendor.VENDOR_DIR / "plotly" / "plotly.min.js"


def test_plotly_is_the_pinned_cartesian_bundle_with_its_licence():
    assert vendor.is_installed(vendor.PACKAGES[0])  # make install fetched it
    assert Path(finders.find("vendor/plotly/plotly.min.js")) == PLOTLY_FILE
    assert b"plotly.js (cartesian - minified) v4.1.1" in PLOTLY_FILE.read_bytes()[:200]
    assert b"MIT License" in Path(finders.find("vendor/plotly/LICENSE")).read_bytes()


def tarball(tmp_path, script=b"plotly();"):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, content in (
            ("package/plotly-cartesian.min.js", script),
            ("package/LICENSE", b"MIT License"),
            ("package/README.md", b"not wanted"),
        ):
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    path = tmp_path / "package.tgz"
    path.write_bytes(buffer.getvalue())
    return path


def test_install_step_unpacks_only_the_named_files_of_a_checked_tarball(tmp_path):
    path = tarball(tmp_path)
    package = dataclasses.replace(
        vendor.PACKAGES[0], sha256=hashlib.sha256(path.read_bytes()).hexdigest()
    )
    root = tmp_path / "vendor"
    assert vendor.install(package, root=root, url=path.as_uri())
    assert sorted(p.name for p in (root / "plotly").iterdir()) == [
        ".sha256",
        "LICENSE",
        "plotly.min.js",
    ]
    assert (root / "plotly" / "plotly.min.js").read_bytes() == b"plotly();"
    assert not vendor.install(package, root=root, url="file:///nowhere")  # in place: no fetch


def test_install_step_refuses_a_tarball_that_does_not_match_its_pin(tmp_path):
    path = tarball(tmp_path, script=b"tampered();")
    root = tmp_path / "vendor"
    with pytest.raises(vendor.VendorError, match="SHA-256"):
        vendor.install(vendor.PACKAGES[0], root=root, url=path.as_uri())
    assert not root.exists()


def test_only_the_named_package_files_are_exposed():
    assert finders.find("vendor/widgetbundle.js") is None


@pytest.mark.django_db
def test_plotly_is_served_from_the_vendor_folder(client):
    response = client.get("/static/vendor/plotly/plotly.min.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    # Reading the streamed file to its end closes it, as a WSGI server would.
    assert b"".join(response.streaming_content) == PLOTLY_FILE.read_bytes()


@pytest.mark.django_db
def test_plotly_is_collected_for_production(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path  # plain storage (conftest): a copy, no compression
    call_command("collectstatic", interactive=False, verbosity=0)
    collected = tmp_path / "vendor" / "plotly"
    assert (collected / "plotly.min.js").read_bytes() == PLOTLY_FILE.read_bytes()
    assert (collected / "LICENSE").is_file()


@pytest.mark.django_db
def test_collected_static_files_are_hashed_compressed_and_cached(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # The site's own files only: compressing plotly's 1.5 MB takes long and proves nothing more.
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
