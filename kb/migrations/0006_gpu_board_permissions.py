"""Coordinators manage the GPU board: nodes (and their tokens) and the thresholds."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATORS_GROUP = "Coordinators"
PERMISSIONS = [
    "add_gpunode",
    "change_gpunode",
    "delete_gpunode",
    "view_gpunode",
    "change_gpuboardsettings",
    "view_gpuboardsettings",
]


def grant(apps, schema_editor):
    # Permissions are normally created after migrate; the group needs them now.
    create_permissions(global_apps.get_app_config("kb"), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    database = schema_editor.connection.alias
    group, _ = Group.objects.using(database).get_or_create(name=COORDINATORS_GROUP)
    group.permissions.add(
        *Permission.objects.using(database).filter(
            content_type__app_label="kb", codename__in=PERMISSIONS
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    database = schema_editor.connection.alias
    group = Group.objects.using(database).filter(name=COORDINATORS_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.using(database).filter(
                content_type__app_label="kb", codename__in=PERMISSIONS
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("kb", "0005_gpu_board"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
