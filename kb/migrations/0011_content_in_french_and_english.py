"""Texts coordinators and members write get a French and an English version.

Existing texts keep their column, renamed to the language they were written in:
documentation pages are French (the seed and every page so far), project
summaries and descriptions English (as seeded from the papers); an event, or a
project, whose text reads as the other language (``kb.bilingual.guess_language``)
is moved there. Revisions and search entries gain a language; PostgreSQL gets
an ``english_unaccent`` search configuration beside ``french_unaccent``.
"""

from django.db import migrations, models

from kb.bilingual import guess_language
from kb.search_text import WORD, stem

CREATE_ENGLISH_UNACCENT = """
CREATE EXTENSION IF NOT EXISTS unaccent;
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'english_unaccent') THEN
    CREATE TEXT SEARCH CONFIGURATION english_unaccent (COPY = english);
    ALTER TEXT SEARCH CONFIGURATION english_unaccent
      ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
  END IF;
END
$$;
"""


def stems_column(text, language):
    """The stems stored at this point (for SQLite's search): " stem1 stem2 …", each once."""
    seen = dict.fromkeys(
        s for word in WORD.findall(text or "") for s in sorted(stem(word, language))
    )
    return "".join(f" {s}" for s in seen)


EVENT_TEXTS = ["title", "summary", "description", "description_html", "place"]
PROJECT_TEXTS = ["summary", "description", "description_html"]


def _move(obj, fields, source, target):
    for name in fields:
        setattr(obj, f"{name}_{target}", getattr(obj, f"{name}_{source}"))
        setattr(obj, f"{name}_{source}", "")


def file_texts_under_their_language(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    DocRevision = apps.get_model("kb", "DocRevision")
    Event = apps.get_model("kb", "Event")
    Project = apps.get_model("kb", "Project")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    for page in DocPage.objects.all():
        page.saved_at_fr = page.updated_at
        page.save(update_fields=["saved_at_fr"])
    # The seed wrote each page's first revision with no account.
    DocRevision.objects.filter(author=None, number=1, message="").update(is_initial_content=True)
    for event in Event.objects.all():
        if guess_language(f"{event.title_fr} {event.summary_fr} {event.description_fr}") == "en":
            _move(event, EVENT_TEXTS, "fr", "en")
            event.save()
    for project in Project.objects.all():
        text = f"{project.summary_en} {project.description_en}"
        if guess_language(text, default="en") == "fr":
            _move(project, PROJECT_TEXTS, "en", "fr")
            project.save()
    GpuNode = apps.get_model("kb", "GpuNode")
    for node in GpuNode.objects.exclude(description_fr=""):
        # Node descriptions are mostly hardware ("2 x RTX 2080 Ti"): English unless French.
        if guess_language(node.description_fr, default="en") == "en":
            node.description_en, node.description_fr = node.description_fr, ""
            node.save(update_fields=["description_fr", "description_en"])
    for entry in SearchEntry.objects.all():
        entry.language = guess_language(f"{entry.title} {entry.summary} {entry.text}")
        entry.title_stems = stems_column(entry.title, entry.language)
        entry.stems = stems_column(f"{entry.title} {entry.summary} {entry.text}", entry.language)
        entry.save()


def keep_one_language(apps, schema_editor):
    """Going back: one revision number and one search entry per thing, as before.

    English revisions go, and English search entries of things also indexed in
    French; the English columns themselves go with the fields.
    """
    DocRevision = apps.get_model("kb", "DocRevision")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    DocRevision.objects.exclude(language="fr").delete()
    french = set(SearchEntry.objects.filter(language="fr").values_list("kind", "object_id"))
    for entry in SearchEntry.objects.exclude(language="fr"):
        if (entry.kind, entry.object_id) in french:
            entry.delete()


def create_english_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_ENGLISH_UNACCENT)


def drop_english_unaccent(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS english_unaccent")


class Migration(migrations.Migration):
    dependencies = [("kb", "0010_search_events")]

    operations = [
        migrations.RenameField("docpage", "title", "title_fr"),
        migrations.RenameField("docpage", "summary", "summary_fr"),
        migrations.RenameField("docpage", "body", "body_fr"),
        migrations.RenameField("docpage", "body_html", "body_html_fr"),
        migrations.RenameField("docpage", "toc", "toc_fr"),
        migrations.RenameField("docpage", "version", "version_fr"),
        migrations.RenameField("event", "title", "title_fr"),
        migrations.RenameField("event", "summary", "summary_fr"),
        migrations.RenameField("event", "description", "description_fr"),
        migrations.RenameField("event", "description_html", "description_html_fr"),
        migrations.RenameField("event", "place", "place_fr"),
        migrations.RenameField("project", "summary", "summary_en"),
        migrations.RenameField("project", "description", "description_en"),
        migrations.RenameField("project", "description_html", "description_html_en"),
        migrations.RenameField("gpunode", "description", "description_fr"),
        migrations.RemoveConstraint(
            model_name="docrevision",
            name="docrevision_unique_number",
        ),
        migrations.RemoveConstraint(
            model_name="searchentry",
            name="searchentry_unique_object",
        ),
        migrations.AddField(
            model_name="docpage",
            name="body_changed_at_en",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="docpage",
            name="body_changed_at_fr",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="docpage",
            name="body_en",
            field=models.TextField(blank=True, verbose_name="text (English, Markdown)"),
        ),
        migrations.AddField(
            model_name="docpage",
            name="body_html_en",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="docpage",
            name="saved_at_en",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="docpage",
            name="saved_at_fr",
            field=models.DateTimeField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="docpage",
            name="summary_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (English)"),
        ),
        migrations.AddField(
            model_name="docpage",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="docpage",
            name="toc_en",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.AddField(
            model_name="docpage",
            name="version_en",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="docrevision",
            name="is_initial_content",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name="docrevision",
            name="language",
            field=models.CharField(
                choices=[("fr", "Français"), ("en", "English")], default="fr", max_length=2
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="description_en",
            field=models.TextField(
                blank=True,
                help_text="Markdown: programme, audience, prerequisites…",
                verbose_name="description (English)",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="description_html_en",
            field=models.TextField(blank=True, editable=False),
        ),
        migrations.AddField(
            model_name="event",
            name="place_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="place (English)"),
        ),
        migrations.AddField(
            model_name="event",
            name="summary_en",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences shown in listings.",
                max_length=300,
                verbose_name="summary (English)",
            ),
        ),
        migrations.AddField(
            model_name="event",
            name="title_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (English)"),
        ),
        migrations.AddField(
            model_name="project",
            name="description_fr",
            field=models.TextField(
                blank=True,
                help_text="Markdown: objectives, method, data, results.",
                verbose_name="description (French)",
            ),
        ),
        migrations.AddField(
            model_name="project",
            name="description_html_fr",
            field=models.TextField(default="", editable=False),
        ),
        migrations.AddField(
            model_name="project",
            name="summary_fr",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences, shown in the list.",
                max_length=300,
                verbose_name="short summary (French)",
            ),
        ),
        migrations.AddField(
            model_name="reference",
            name="translated_title",
            field=models.CharField(
                blank=True,
                help_text="Optional: the title in the other language. The title above stays as published.",
                max_length=300,
                verbose_name="translated title",
            ),
        ),
        migrations.AddField(
            model_name="searchentry",
            name="language",
            field=models.CharField(default="fr", max_length=2),
        ),
        migrations.AlterField(
            model_name="docpage",
            name="body_fr",
            field=models.TextField(blank=True, verbose_name="text (French, Markdown)"),
        ),
        migrations.AlterField(
            model_name="docpage",
            name="summary_fr",
            field=models.CharField(blank=True, max_length=300, verbose_name="summary (French)"),
        ),
        migrations.AlterField(
            model_name="docpage",
            name="title_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (French)"),
        ),
        migrations.AlterField(
            model_name="event",
            name="description_fr",
            field=models.TextField(
                blank=True,
                help_text="Markdown: programme, audience, prerequisites…",
                verbose_name="description (French)",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="place_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="place (French)"),
        ),
        migrations.AlterField(
            model_name="event",
            name="summary_fr",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences shown in listings.",
                max_length=300,
                verbose_name="summary (French)",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="title_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="title (French)"),
        ),
        migrations.AlterField(
            model_name="project",
            name="description_en",
            field=models.TextField(
                blank=True,
                help_text="Markdown: objectives, method, data, results.",
                verbose_name="description (English)",
            ),
        ),
        migrations.AlterField(
            model_name="project",
            name="summary_en",
            field=models.CharField(
                blank=True,
                help_text="One or two sentences, shown in the list.",
                max_length=300,
                verbose_name="short summary (English)",
            ),
        ),
        migrations.AddConstraint(
            model_name="docrevision",
            constraint=models.UniqueConstraint(
                fields=("page", "language", "number"), name="docrevision_unique_number"
            ),
        ),
        migrations.AddConstraint(
            model_name="searchentry",
            constraint=models.UniqueConstraint(
                fields=("kind", "object_id", "language"), name="searchentry_unique_object"
            ),
        ),
        migrations.AddField(
            model_name="gpunode",
            name="description_en",
            field=models.CharField(
                blank=True, max_length=200, verbose_name="description (English)"
            ),
        ),
        migrations.AlterField(
            model_name="gpunode",
            name="description_fr",
            field=models.CharField(blank=True, max_length=200, verbose_name="description (French)"),
        ),
        migrations.RunPython(file_texts_under_their_language, keep_one_language),
        migrations.RunPython(create_english_unaccent, drop_english_unaccent),
    ]
