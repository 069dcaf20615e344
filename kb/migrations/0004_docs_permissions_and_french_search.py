"""Coordinators write the docs; PostgreSQL searches French without accents.

The ``french_unaccent`` text search configuration is French stemming after
removing accents (the ``unaccent`` extension, which PostgreSQL 13+ lets a
database owner create). Other databases need nothing.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

COORDINATORS_GROUP = "Coordinators"
DOCS_PERMISSIONS = [
    "add_docpage",
    "change_docpage",
    "view_docpage",
    "view_docrevision",
]

CREATE_FRENCH_UNACCENT = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
    ALTER TEXT SEARCH CONFIGURATION french_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
  END IF;
END
$$;
"""


def grant_docs_permissions(apps, schema_editor):
    # Permissions are normally created after migrate; the stub app config needs
    # models_module set for create_permissions to look at it.
    app_config = apps.get_app_config("kb")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=COORDINATORS_GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="kb", codename__in=DOCS_PERMISSIONS)
    )


def revoke_docs_permissions(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.get(name=COORDINATORS_GROUP)
    group.permissions.remove(
        *Permission.objects.filter(content_type__app_label="kb", codename__in=DOCS_PERMISSIONS)
    )


def create_french_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_FRENCH_UNACCENT)


def drop_french_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("kb", "0003_docs_and_search"),
    ]

    operations = [
        migrations.RunPython(grant_docs_permissions, revoke_docs_permissions),
        migrations.RunPython(create_french_unaccent, drop_french_unaccent),
    ]
