"""Curated lists (from the migration, managed by coordinators) and the seed of the talk."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from kb.models import Architecture, DataType, Laboratory, Project, Reference, Task
from kb.roles import COORDINATORS_GROUP
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_migration_creates_the_talks_lists_in_both_languages():
    assert list(Task.objects.values_list("slug", flat=True)) == [
        "detection", "classification", "segmentation", "prediction", "denoising",
        "dimension-reduction", "downscaling",
    ]  # fmt: skip
    assert Task.objects.get(slug="downscaling").label_fr == "Descente d’échelle"
    assert (
        Architecture.objects.filter(slug__in=["cnn-3d-encoder-decoder", "u-net", "gan"]).count()
        == 3
    )
    assert set(DataType.objects.values_list("slug", flat=True)) == {
        "climate-simulations", "radar", "satellite", "in-situ-stations", "reanalysis",
    }  # fmt: skip
    assert {"latmos", "locean", "lsce", "lmd"} <= set(
        Laboratory.objects.values_list("slug", flat=True)
    )


def test_coordinators_hold_the_catalogue_permissions():
    codenames = set(
        Group.objects.get(name=COORDINATORS_GROUP).permissions.values_list("codename", flat=True)
    )
    for model in ["project", "reference", "contact", "link", "task", "laboratory"]:
        assert {f"add_{model}", f"change_{model}", f"delete_{model}"} <= codenames
    assert Permission.objects.filter(codename="change_project").count() == 1


def test_coordinator_adds_edits_and_deletes_a_list_value(coordinator_client):
    response = coordinator_client.post(
        "/en/projects/lists/tasks/add/",
        {
            "slug": "super-resolution",
            "label_en": "Super-resolution",
            "label_fr": "Super-résolution",
            "position": "70",
        },
    )
    assert response.status_code == 302
    html = coordinator_client.get("/en/projects/lists/").content.decode()
    assert "Super-resolution" in html and "Super-résolution" in html

    response = coordinator_client.post(
        "/en/projects/lists/tasks/super-resolution/",
        {
            "slug": "changed",
            "label_en": "Super resolution",
            "label_fr": "Super-résolution",
            "position": "5",
        },
    )
    value = Task.objects.get(slug="super-resolution")  # the slug does not change
    assert value.label_en == "Super resolution" and value.position == 5

    coordinator_client.post("/en/projects/lists/tasks/super-resolution/delete/")
    assert not Task.objects.filter(slug="super-resolution").exists()


def test_a_used_value_cannot_be_deleted(coordinator_client):
    ProjectFactory()  # uses the task "detection"
    response = coordinator_client.post("/en/projects/lists/tasks/detection/delete/", follow=True)
    assert "is used by projects" in response.content.decode()
    assert Task.objects.filter(slug="detection").exists()


def test_duplicate_slug_is_a_clear_error(coordinator_client):
    response = coordinator_client.post(
        "/en/projects/lists/laboratories/add/",
        {"slug": "latmos", "label_en": "LATMOS", "label_fr": "LATMOS", "position": "0"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Laboratory.objects.filter(slug="latmos").count() == 1


def test_unknown_list_is_not_found(coordinator_client):
    assert coordinator_client.get("/en/projects/lists/colours/add/").status_code == 404


def test_lists_page_query_count(coordinator_client, django_assert_num_queries):
    ProjectFactory()
    # Session, user with their role, one query per list.
    with django_assert_num_queries(6):
        coordinator_client.get("/en/projects/lists/")


def snapshot():
    return (
        list(Project.objects.values_list("slug", "title", "status", "year", "published_at")),
        list(Reference.objects.values_list("authors", "title", "venue", "year", "doi", "url")),
    )


def test_seed_publishes_the_talks_seven_projects_once():
    call_command("seed")
    first = snapshot()
    call_command("seed")
    assert snapshot() == first
    assert Project.objects.published().count() == 7
    # No DOI or URL that the talk does not give.
    assert not Reference.objects.exclude(doi="").exists()
    assert not Reference.objects.exclude(url="").exists()
    extreme = Project.objects.get(slug="extremeweather")
    assert extreme.year == 2017
    assert list(extreme.tasks.values_list("slug", flat=True)) == ["detection"]
    assert list(extreme.architectures.values_list("slug", flat=True)) == ["cnn-3d-encoder-decoder"]
    assert (
        extreme.references.get().authors == "Evan Racah; Christopher Beckham; Tegan Maharaj; et al."
    )
    radar = Project.objects.get(title__startswith="Using Deep Learning for Restoration")
    assert list(radar.laboratories.values_list("slug", flat=True)) == ["latmos"]
    assert radar.references.get().venue == "IEEE Transactions on Geoscience and Remote Sensing"
    stoffer = Project.objects.get(title="LES subgrid modelling using neural networks")
    assert list(stoffer.tasks.values_list("slug", flat=True)) == ["downscaling"]
    assert list(stoffer.architectures.values_list("slug", flat=True)) == ["mlp"]


def test_seed_keeps_a_coordinators_edit():
    call_command("seed")
    Project.objects.filter(slug="extremeweather").update(title="ExtremeWeather (edited)")
    call_command("seed")
    assert Project.objects.count() == 7


def test_admin_edits_content_but_not_the_review_state(client, django_user_model):
    admin_user = django_user_model.objects.create_superuser(email="root@lab.example", password="x")
    client.force_login(admin_user)
    project = ProjectFactory()
    html = client.get(f"/admin/kb/project/{project.pk}/change/").content.decode()
    assert 'name="title"' in html and 'name="status"' not in html
    assert client.get("/admin/kb/task/").status_code == 200
