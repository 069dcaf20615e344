"""Coordinators design editions (in the site and the admin): grant them the design models.

They get no permission on responses, answers or participations: those are read
only through the results pages, which never show identities.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATORS_GROUP = "Coordinators"
DESIGN_MODELS = ["edition", "section", "question", "choice"]
ACTIONS = ["add", "change", "delete", "view"]


def codenames():
    return [f"{action}_{model}" for model in DESIGN_MODELS for action in ACTIONS]


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    survey_config = apps.get_app_config("survey")
    survey_config.models_module = True
    create_permissions(survey_config, verbosity=0)
    survey_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=COORDINATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="survey", codename__in=codenames())
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=COORDINATORS_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="survey", codename__in=codenames())
        )


class Migration(migrations.Migration):
    dependencies = [
        ("survey", "0001_initial"),
        ("kb", "0002_coordinators_and_cache"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
