"""The documentation's first pages, written from the founding talk (kb/seed/docs/*.md).

Each page has a French file (``01-cluster.md``) and its English translation
(``01-cluster.en.md``, the same facts). Each file starts with a header block
(path, title, summary, position) between ``---`` lines. Loading creates the
pages that do not exist yet, and adds the English version to a page that has
none; it never changes a version that exists: coordinators' edits win.
"""

from dataclasses import dataclass
from pathlib import Path

from kb.models import DocPage
from kb.services.docs import create_page, save_page

SEED_FOLDER = Path(__file__).parent / "docs"
ENGLISH_SUFFIX = ".en.md"


@dataclass
class SeedPage:
    path: str
    title: str
    summary: str
    position: int
    body: str


def read_seed_page(file):
    text = file.read_text(encoding="utf-8")
    _, header, body = text.split("---\n", 2)
    fields = dict(line.split(":", 1) for line in header.strip().splitlines())
    fields = {key.strip(): value.strip() for key, value in fields.items()}
    return SeedPage(
        path=fields["path"],
        title=fields["title"],
        summary=fields.get("summary", ""),
        position=int(fields.get("position", 100)),
        body=body.strip() + "\n",
    )


def seed_files(language):
    files = sorted(SEED_FOLDER.glob("*.md"))
    if language == "en":
        return [f for f in files if f.name.endswith(ENGLISH_SUFFIX)]
    return [f for f in files if not f.name.endswith(ENGLISH_SUFFIX)]


def load_cluster_docs():
    """Create the missing seed pages (parents first) and their missing English versions.

    Returns how many pages were created.
    """
    pages = sorted((read_seed_page(f) for f in seed_files("fr")), key=lambda p: p.path.count("/"))
    existing = set(DocPage.objects.values_list("path", flat=True))
    created = 0
    for seed in pages:
        if seed.path in existing:
            continue
        parent_path, _, slug = seed.path.rpartition("/")
        parent = DocPage.objects.get(path=parent_path) if parent_path else None
        create_page(
            parent=parent,
            slug=slug,
            language="fr",
            title=seed.title,
            summary=seed.summary,
            body=seed.body,
            position=seed.position,
            author=None,
            is_initial_content=True,
        )
        existing.add(seed.path)
        created += 1
    untranslated = {page.path: page for page in DocPage.objects.filter(version_en=0)}
    for seed in map(read_seed_page, seed_files("en")):
        page = untranslated.get(seed.path)
        if page is None:
            continue
        save_page(
            page=page,
            language="en",
            base_version=0,
            title=seed.title,
            summary=seed.summary,
            body=seed.body,
            position=page.position,
            author=None,
            is_initial_content=True,
        )
    return created
