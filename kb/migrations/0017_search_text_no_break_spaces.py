"""The documentation's search entries again: their text keeps the no-break spaces of
French typography (before : ; ? ! and inside « »), which it turned into plain spaces,
so that a search passage could start a line with ":".

The words, hence the stems and the SQLite FTS5 rows, stay the same. Projects and
events get the new text when next saved. Going back keeps it.
"""

from django.db import migrations

from kb.markdown import html_text


def keep_no_break_spaces(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    pages = DocPage.objects.only("id", "body_html_fr", "body_html_en").in_bulk()
    for entry in SearchEntry.objects.filter(kind="doc").only("id", "object_id", "language"):
        page = pages.get(entry.object_id)
        if page is not None:
            entry.text = html_text(getattr(page, f"body_html_{entry.language}"))
            entry.save(update_fields=["text"])


class Migration(migrations.Migration):
    dependencies = [("kb", "0016_inline_code_whole_words")]

    operations = [migrations.RunPython(keep_no_break_spaces, migrations.RunPython.noop)]
