"""Render the stored HTML of docs, events and projects again: each word of an inline
code with a hyphen or a slash is now a ``span.code-word``, kept whole on a line, and
French text gets no-break spaces before : ; ? ! and inside « ».

The words are the same, so search entries stay as they are. Going back keeps the new
HTML, which the older code shows as well (without the style, as before).
"""

from django.db import migrations

from kb.bilingual import LANGUAGES
from kb.markdown import render_markdown
from kb.services.docs import render_body


def render_again(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    for page in DocPage.objects.only("id", *(f"body_{language}" for language in LANGUAGES)):
        for language in LANGUAGES:
            rendered = render_body(getattr(page, f"body_{language}"), language)
            setattr(page, f"body_html_{language}", rendered.html)
        page.save(update_fields=[f"body_html_{language}" for language in LANGUAGES])
    for model in (apps.get_model("kb", "Event"), apps.get_model("kb", "Project")):
        fields = [f"description_{language}" for language in LANGUAGES]
        for item in model.objects.only("id", *fields):
            for language in LANGUAGES:
                text = getattr(item, f"description_{language}")
                html = render_markdown(text, language=language).html
                setattr(item, f"description_html_{language}", html)
            item.save(update_fields=[f"description_html_{language}" for language in LANGUAGES])


class Migration(migrations.Migration):
    dependencies = [("kb", "0015_search_text_block_ends")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
