"""Backups: an archive of the database and the uploaded files, and back, on both databases."""

import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.management import CommandError, call_command

from kb.models import Project
from survey.models import Answer, Response
from tests.factories import ProjectFactory, build_edition, complete_answers


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return storages["default"]


def snapshot():
    return {
        "projects": sorted(Project.objects.values_list("slug", "title")),
        "responses": Response.objects.count(),
        "answers": Answer.objects.count(),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_delete_restore_gives_back_the_same_rows_and_files(media, tmp_path, capsys):
    from survey import services

    ProjectFactory(title="Cyclones")
    ProjectFactory(title="Grêle")
    edition = build_edition(2019, state="closed")
    services.store_anonymous_responses(edition=edition, answer_sets=[complete_answers()] * 3)
    media.save("events/2026/slides.pdf", ContentFile(b"%PDF-1.4 slides"))
    media.save("top.txt", ContentFile(b"top"))
    before = snapshot()

    call_command("backup", "--output", str(tmp_path / "backups"))
    archive = capsys.readouterr().out.strip()
    assert archive.endswith(".tar.gz") and "espri-ia-" in archive
    with tarfile.open(archive) as content:
        names = content.getnames()
    assert "files/events/2026/slides.pdf" in names and "manifest.json" in names

    Project.objects.filter(title="Grêle").delete()
    Response.objects.all().delete()
    media.delete("events/2026/slides.pdf")
    media.save("later.txt", ContentFile(b"stored after the backup"))
    assert snapshot() != before

    call_command("restore", archive, "--noinput")
    assert snapshot() == before
    for name, content in [("events/2026/slides.pdf", b"%PDF-1.4 slides"), ("top.txt", b"top")]:
        with media.open(name) as restored:
            assert restored.read() == content
    assert not media.exists("later.txt")


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    with tarfile.open(bogus, "w:gz"):
        pass
    with pytest.raises(CommandError, match=r"has no manifest\.json"):
        call_command("restore", str(bogus), "--noinput")
    with pytest.raises(CommandError, match="not a readable backup archive"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), "--noinput")


@pytest.mark.django_db(transaction=True)
def test_a_site_with_no_upload_yet_backs_up(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "never-created"
    call_command("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").iterdir()
    with tarfile.open(archive) as content:
        assert not [name for name in content.getnames() if name.startswith("files/")]
