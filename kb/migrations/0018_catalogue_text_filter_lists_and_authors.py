"""The catalogue's text filter also matches a project's list values (in both languages)
and the authors of its references: store each project's key again with them.

Going back keeps the longer keys, which the older code matches as well.
"""

from django.db import migrations

from kb.models.catalogue import search_key

LISTS = ("tasks", "architectures", "data_types", "laboratories")


def store_keys(apps, schema_editor):
    Project = apps.get_model("kb", "Project")
    for project in Project.objects.prefetch_related(*LISTS, "references"):
        parts = [project.title, project.summary_fr, project.summary_en]
        for name in LISTS:
            for value in getattr(project, name).all():
                parts += [value.label_fr, value.label_en]
        parts += [reference.authors for reference in project.references.all()]
        project.search_key = search_key("\n".join(parts))
        project.save(update_fields=["search_key"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0017_search_text_no_break_spaces")]

    operations = [migrations.RunPython(store_keys, migrations.RunPython.noop)]
