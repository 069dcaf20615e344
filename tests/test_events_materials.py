"""Materials: file checks, random stored names, safe serving."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from kb.event_materials import check_material_file
from kb.models import Material
from kb.models.events import EventState
from tests.factories import EventFactory

PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
ZIP = b"PK\x03\x04" + b"\x00" * 40
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


# The pure checks


@pytest.mark.parametrize(
    ("name", "head", "content_type"),
    [
        ("slides.pdf", PDF, "application/pdf"),
        ("Slides.PDF", PDF, "application/pdf"),
        ("figure.png", PNG, "image/png"),
        (
            "talk.pptx",
            ZIP,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("talk.odp", ZIP, "application/vnd.oasis.opendocument.presentation"),
        ("code.zip", ZIP, "application/zip"),
    ],
)
def test_allowed_files_get_our_content_type(name, head, content_type):
    allowed = check_material_file(name=name, size=len(head), head=head, max_bytes=MB)
    assert allowed.content_type == content_type


@pytest.mark.parametrize(
    ("name", "head", "code"),
    [
        ("page.html", b"<html><script>alert(1)</script>", "extension"),
        ("drawing.svg", b"<svg onload=alert(1)>", "extension"),
        ("script.js", b"alert(1)", "extension"),
        ("noextension", PDF, "extension"),
        ("page.pdf", b"<html><script>alert(1)</script>", "content"),
        ("slides.pptx", PDF, "content"),
        ("empty.pdf", b"", "empty"),
    ],
)
def test_dangerous_or_mislabelled_files_are_refused(name, head, code):
    with pytest.raises(ValidationError) as error:
        check_material_file(name=name, size=len(head), head=head, max_bytes=MB)
    assert error.value.code == code


def test_file_over_the_limit_is_refused_with_the_sizes():
    with translation.override("en"), pytest.raises(ValidationError) as error:
        check_material_file(name="big.pdf", size=51 * MB, head=PDF, max_bytes=50 * MB)
    assert error.value.code == "size"
    assert error.value.messages == ["This file is 51.0\xa0MB; the largest allowed is 50.0\xa0MB."]


# Through the pages


@pytest.mark.django_db
def test_coordinator_uploads_a_pdf_stored_under_a_random_name(coordinator_client, tmp_path):
    event = EventFactory()
    upload = SimpleUploadedFile("Slides du cours.pdf", PDF, content_type="text/html")
    response = coordinator_client.post(
        f"/en/events/{event.slug}/materials/",
        {"action": "file", "file-title": "Slides", "file-file": upload},
    )
    assert response.status_code == 302
    material = Material.objects.get()
    assert material.content_type == "application/pdf"  # ours, not the browser's
    assert material.original_name == "Slides du cours.pdf"
    assert "Slides" not in material.file.name
    assert material.file.name.startswith("events/materials/") and material.file.name.endswith(
        ".pdf"
    )
    assert (tmp_path / material.file.name).read_bytes() == PDF
    page = coordinator_client.get(f"/en/events/{event.slug}/").content.decode()
    assert f'href="/en/events/materials/{material.pk}/slides-du-cours.pdf"' in page


@pytest.mark.django_db
def test_refused_upload_shows_why_and_keeps_the_title(coordinator_client, settings):
    settings.ESPRI_EVENT_MATERIAL_MAX_BYTES = 10
    event = EventFactory()
    upload = SimpleUploadedFile("slides.pdf", PDF)
    response = coordinator_client.post(
        f"/en/events/{event.slug}/materials/",
        {"action": "file", "file-title": "My slides", "file-file": upload},
    )
    page = response.content.decode()
    assert "the largest allowed is 10\xa0bytes" in page
    assert 'value="My slides"' in page
    assert not Material.objects.exists()


@pytest.mark.django_db
def test_coordinator_adds_and_removes_a_link(coordinator_client):
    event = EventFactory()
    coordinator_client.post(
        f"/events/{event.slug}/materials/",
        {"action": "link", "link-title": "Recording", "link-url": "https://videos.example.org/1"},
    )
    material = Material.objects.get()
    page = coordinator_client.get(f"/en/events/{event.slug}/").content.decode()
    assert 'href="https://videos.example.org/1"' in page
    coordinator_client.post(
        f"/events/{event.slug}/materials/", {"action": "delete", "material": material.pk}
    )
    assert not Material.objects.exists()


def upload_material(client, event, name, content):
    client.post(
        f"/events/{event.slug}/materials/",
        {"action": "file", "file-title": name, "file-file": SimpleUploadedFile(name, content)},
    )
    return Material.objects.get(original_name=name)


@pytest.mark.django_db
def test_pdf_is_served_inline_with_nosniff(coordinator_client):
    client = Client()  # a reader, beside the coordinator's own client
    event = EventFactory()
    material = upload_material(coordinator_client, event, "slides.pdf", PDF)
    response = client.get(material.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_presentation_is_downloaded_not_shown(coordinator_client):
    client = Client()  # a reader, beside the coordinator's own client
    event = EventFactory()
    material = upload_material(coordinator_client, event, "talk.pptx", ZIP)
    response = client.get(material.get_absolute_url())
    assert response["Content-Disposition"] == 'attachment; filename="talk.pptx"'
    assert response["X-Content-Type-Options"] == "nosniff"
    b"".join(response.streaming_content)


@pytest.mark.django_db
def test_file_of_a_draft_is_hidden_from_readers(coordinator_client):
    client = Client()  # a reader, beside the coordinator's own client
    event = EventFactory(state=EventState.DRAFT)
    material = upload_material(coordinator_client, event, "slides.pdf", PDF)
    assert client.get(material.get_absolute_url()).status_code == 404
    response = coordinator_client.get(material.get_absolute_url())
    assert response.status_code == 200
    b"".join(response.streaming_content)


@pytest.mark.django_db
def test_removing_a_file_deletes_it_from_disk(coordinator_client, tmp_path):
    event = EventFactory()
    material = upload_material(coordinator_client, event, "slides.pdf", PDF)
    path = tmp_path / material.file.name
    assert path.exists()
    coordinator_client.post(
        f"/events/{event.slug}/materials/", {"action": "delete", "material": material.pk}
    )
    assert not path.exists()
