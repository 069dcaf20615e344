"""Search entries keep a page's section titles, and SQLite searches through FTS5.

Section titles (``headings``) weigh more than a page's text on both databases.
On SQLite, the stem columns give way to an FTS5 table of stems ranked by bm25
(``kb.search_fts5``), filled here from the entries; PostgreSQL needs no table.
"""

import importlib
from html import unescape

from django.db import migrations, models

from kb.search_text import stem_tokens

CREATE_FTS5 = "CREATE VIRTUAL TABLE kb_searchentry_fts USING fts5(title, summary, headings, body)"
INSERT_FTS5 = (
    "INSERT INTO kb_searchentry_fts (rowid, title, summary, headings, body) "
    "VALUES (%s, %s, %s, %s, %s)"
)


def index_headings_and_fill_fts5(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    pages = DocPage.objects.in_bulk()
    sqlite = schema_editor.connection.vendor == "sqlite"
    if sqlite:
        schema_editor.execute(CREATE_FTS5)
    for entry in SearchEntry.objects.all():
        page = pages.get(entry.object_id) if entry.kind == "doc" else None
        if page is not None:
            toc = getattr(page, f"toc_{entry.language}")
            entry.headings = "\n".join(unescape(heading["title"]) for heading in toc)
            entry.save(update_fields=["headings"])
        if sqlite:
            fields = [entry.title, entry.summary, entry.headings, entry.text]
            stems = [stem_tokens(text, entry.language) for text in fields]
            schema_editor.execute(INSERT_FTS5, [entry.pk, *stems])


def drop_fts5_and_fill_stems(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("DROP TABLE kb_searchentry_fts")
    stems_column = importlib.import_module(
        "kb.migrations.0011_content_in_french_and_english"
    ).stems_column
    SearchEntry = apps.get_model("kb", "SearchEntry")
    for entry in SearchEntry.objects.all():
        entry.title_stems = stems_column(entry.title, entry.language)
        entry.stems = stems_column(f"{entry.title} {entry.summary} {entry.text}", entry.language)
        entry.save(update_fields=["title_stems", "stems"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0013_docs_heading_permalinks")]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="headings",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(index_headings_and_fill_fts5, drop_fts5_and_fill_stems),
        migrations.RemoveField(model_name="searchentry", name="title_stems"),
        migrations.RemoveField(model_name="searchentry", name="stems"),
    ]
