"""Rows and tables the site needs before anyone uses it.

- the Coordinators group (each section's migration grants it that section's permissions);
- the database cache table, when the cache is the database (rate limits live there),
  so that ``migrate`` alone prepares a new database.
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

COORDINATORS_GROUP = "Coordinators"


def create_coordinators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).get_or_create(name=COORDINATORS_GROUP)


def delete_coordinators_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name=COORDINATORS_GROUP).delete()


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


def drop_cache_table(apps, schema_editor):
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            table = schema_editor.quote_name(cache["LOCATION"])
            schema_editor.execute(f"DROP TABLE IF EXISTS {table}")


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("kb", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_coordinators_group, delete_coordinators_group),
        migrations.RunPython(create_cache_table, drop_cache_table),
    ]
