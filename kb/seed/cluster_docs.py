"""The documentation's first pages, written from the founding talk (kb/seed/docs/*.md).

Each file starts with a header block (path, title, summary, position) between
``---`` lines. Loading creates the pages that do not exist yet and never
touches a page that exists: coordinators' edits win.
"""

from dataclasses import dataclass
from pathlib import Path

from kb.models import DocPage
from kb.services.docs import create_page

SEED_FOLDER = Path(__file__).parent / "docs"


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


def load_cluster_docs():
    """Create the missing seed pages, parents first. Returns how many were created."""
    pages = sorted(
        (read_seed_page(f) for f in SEED_FOLDER.glob("*.md")), key=lambda p: p.path.count("/")
    )
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
            title=seed.title,
            summary=seed.summary,
            body=seed.body,
            position=seed.position,
            author=None,
        )
        existing.add(seed.path)
        created += 1
    return created
