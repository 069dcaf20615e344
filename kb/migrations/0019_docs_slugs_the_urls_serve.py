"""Doc page addresses hold only what the docs' URLs serve: lowercase letters, digits, hyphens.

The page form used to accept an underscore ("jean_zay"); such a page could not be
linked to, and since the docs' tree links every page, /docs/ and /search/ failed for
everyone. Such an address becomes its nearest servable one ("jean-zay", or
"jean-zay-2" when a page of the section already has that one), with the paths of
the pages under it and their search entries. Going back keeps the new addresses:
the old ones could not be served.
"""

import re

import django.core.validators
from django.db import migrations, models
from django.utils.text import slugify

SLUG = re.compile(r"[a-z0-9-]+")
# The editing URLs under a page (kb.forms.docs.RESERVED_SLUGS when this was written).
RESERVED = {"new", "edit", "history", "compare", "restore", "review", "stale"}


def servable_slug(slug, taken):
    base = slugify(slug).replace("_", "-").strip("-") or "page"
    candidate, number = base, 2
    while candidate in taken or candidate in RESERVED:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def repair_addresses(apps, schema_editor):
    DocPage = apps.get_model("kb", "DocPage")
    SearchEntry = apps.get_model("kb", "SearchEntry")
    pages = DocPage.objects.only("id", "parent_id", "slug", "path").in_bulk()
    children = {}
    for page in pages.values():
        children.setdefault(page.parent_id, []).append(page)
    for siblings in children.values():
        taken = {page.slug for page in siblings}
        for page in sorted(siblings, key=lambda page: page.pk):
            if not SLUG.fullmatch(page.slug):
                page.slug = servable_slug(page.slug, taken)
                taken.add(page.slug)
    changed = []
    # Parents first: a page's path is its parent's path and its own slug.
    queue = list(children.get(None, []))
    while queue:
        page = queue.pop()
        parent = pages.get(page.parent_id)
        path = f"{parent.path}/{page.slug}" if parent else page.slug
        if path != page.path:
            page.path = path
            changed.append(page)
        queue.extend(children.get(page.pk, []))
    for page in changed:
        page.save(update_fields=["slug", "path"])
        SearchEntry.objects.filter(kind="doc", object_id=page.pk).update(
            url_kwargs={"path": page.path}
        )


class Migration(migrations.Migration):
    dependencies = [("kb", "0018_catalogue_text_filter_lists_and_authors")]

    operations = [
        migrations.RunPython(repair_addresses, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="docpage",
            name="slug",
            field=models.SlugField(
                max_length=80,
                validators=[
                    django.core.validators.RegexValidator(
                        "\\A[a-z0-9-]+\\Z", "Use only lowercase letters, digits and hyphens."
                    )
                ],
                verbose_name="slug",
            ),
        ),
    ]
