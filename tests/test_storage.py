"""Uploaded files go through the storage API, so an object store shared by servers works."""

import json

import pytest
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from kb.models import Material
from tests.factories import EventFactory
from tests.test_settings import PRODUCTION_ENV, run_python

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def object_store(settings):
    """A storage with no local folder behind it, as an S3 bucket would be."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.MEDIA_ROOT = "/nonexistent-media-root"
    return storages["default"]


def test_materials_are_stored_served_and_deleted_through_the_storage(
    coordinator_client, object_store
):
    event = EventFactory()
    coordinator_client.post(
        f"/events/{event.slug}/materials/",
        {"action": "file", "file-title": "Slides", "file-file": SimpleUploadedFile("s.pdf", PDF)},
    )
    material = Material.objects.get()
    assert object_store.exists(material.file.name)

    response = Client().get(material.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    coordinator_client.post(
        f"/events/{event.slug}/materials/", {"action": "delete", "material": material.pk}
    )
    assert not object_store.exists(material.file.name)


@pytest.mark.django_db(False)
def test_s3_settings_select_the_object_store():
    code = "import json; from espri_ia import settings; print(json.dumps(settings.STORAGES['default']))"
    s3 = {"ESPRI_S3_BUCKET": "espri-media", "ESPRI_S3_ENDPOINT_URL": "https://s3.example.org"}
    default = json.loads(run_python(code, {**PRODUCTION_ENV, **s3}).stdout)
    assert default["BACKEND"] == "storages.backends.s3.S3Storage"
    assert default["OPTIONS"]["bucket_name"] == "espri-media"
    assert default["OPTIONS"]["endpoint_url"] == "https://s3.example.org"
    assert default["OPTIONS"]["default_acl"] == "private"
    local = json.loads(run_python(code, PRODUCTION_ENV).stdout)
    assert local == {"BACKEND": "django.core.files.storage.FileSystemStorage"}
