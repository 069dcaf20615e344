"""The documentation's search entries again: their text now marks where a heading, a
list item or a table cell ends (" · "), so search passages do not run blocks together.

The words, hence the stems and the SQLite FTS5 rows, stay the same. Projects and
events get the new text when next saved. Going back keeps it.
"""

from django.db import migrations

from kb.markdown import html_text


def mark_block_ends(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    pages = DocPage.objects.only("id", "body_html_fr", "body_html_en").in_bulk()
    for entry in SearchEntry.objects.filter(kind="doc").only("id", "object_id", "language"):
        page = pages.get(entry.object_id)
        if page is not None:
            entry.text = html_text(getattr(page, f"body_html_{entry.language}"))
            entry.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0014_search_headings_and_sqlite_fts5")]

    operations = [migrations.RunPython(mark_block_ends, migrations.RunPython.noop)]
