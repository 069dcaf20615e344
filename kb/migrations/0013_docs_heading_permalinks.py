"""Render the documentation's stored HTML again: each heading now has a link to itself.

Going back keeps the new HTML, which the older code shows as well.
"""

from django.db import migrations

from kb.bilingual import LANGUAGES
from kb.services.docs import render_body


def render_pages_again(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    fields = [f"{name}_{language}" for name in ("body_html", "toc") for language in LANGUAGES]
    for page in DocPage.objects.only("id", *(f"body_{language}" for language in LANGUAGES)):
        for language in LANGUAGES:
            rendered = render_body(getattr(page, f"body_{language}"), language)
            setattr(page, f"body_html_{language}", rendered.html)
            setattr(page, f"toc_{language}", rendered.toc)
        page.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [("kb", "0012_gpu_holders_idle_mig_load")]

    operations = [migrations.RunPython(render_pages_again, migrations.RunPython.noop)]
