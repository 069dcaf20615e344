"""Writing the documentation: every save is a revision; concurrent saves never overwrite.

Each language of a page is saved on its own: its own revisions, version number
and conflict check, so that a translator never blocks (or is blocked by) the
author of the other version.
"""

from html import unescape

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from kb.bilingual import LANGUAGES
from kb.markdown import render_markdown
from kb.models import DocPage, DocRevision, SearchEntry
from kb.models.docs import validate_doc_slug
from kb.search import index_entry, remove_entry


class EditConflict(Exception):
    """The page's version in that language was saved by someone else after the editor opened it."""

    def __init__(self, page, language):
        version = getattr(page, f"version_{language}")
        super().__init__(f"{page.path} [{language}] changed meanwhile (now version {version})")
        self.page = page
        self.language = language


def _page_url_or_none(path):
    page = DocPage.objects.filter(path=path).only("path").first()
    return page.get_absolute_url() if page else None


def render_body(body, language):
    """HTML of a body; its links to other pages lead to their version in ``language``,
    and its headings' links to themselves are named in that language."""
    with translation.override(language):
        return render_markdown(
            body,
            resolve_internal_link=_page_url_or_none,
            permalink_label=gettext("Link to this section: %(title)s"),
            language=language,
        )


def index_page(page, language, text=None):
    """Keep the page's search entry in ``language`` (none when that version is empty)."""
    if not page.has_language(language):
        remove_entry(kind=SearchEntry.Kind.DOC, object_id=page.pk, language=language)
        return
    if text is None:
        text = render_body(getattr(page, f"body_{language}"), language).text
    index_entry(
        kind=SearchEntry.Kind.DOC,
        object_id=page.pk,
        language=language,
        url_name="docs:page",
        url_kwargs={"path": page.path},
        title=getattr(page, f"title_{language}") or page.path,
        summary=getattr(page, f"summary_{language}"),
        headings="\n".join(
            unescape(heading["title"]) for heading in getattr(page, f"toc_{language}")
        ),
        text=text,
    )


def _apply(page, *, language, title, summary, body, position, author, message, now, **revision):
    rendered = render_body(body, language)
    # A change makes the other version "may be out of date", unless it writes this
    # version for the first time or brings it up to date with the other: translating.
    previous = getattr(page, f"body_{language}")
    if previous and previous != body and not page.translation_behind(language):
        setattr(page, f"body_changed_at_{language}", now)
    for name, value in {
        "title": title,
        "summary": summary,
        "body": body,
        "body_html": rendered.html,
        "toc": rendered.toc,
        "saved_at": now,
        "version": getattr(page, f"version_{language}") + 1,
    }.items():
        setattr(page, f"{name}_{language}", value)
    page.position = position
    page.updated_at, page.updated_by = now, author
    page.save()
    DocRevision.objects.create(
        page=page,
        language=language,
        number=getattr(page, f"version_{language}"),
        title=title,
        summary=summary,
        body=body,
        author=author,
        created_at=now,
        message=message,
        **revision,
    )
    index_page(page, language, rendered.text)
    return page


def _rerender_links_to(path):
    """Pages that link to a new page had a broken link: render them again."""
    link = f"doc:{path}"
    for page in DocPage.objects.filter(Q(body_fr__contains=link) | Q(body_en__contains=link)):
        page.body_html_fr = render_body(page.body_fr, "fr").html
        page.body_html_en = render_body(page.body_en, "en").html
        page.save(update_fields=["body_html_fr", "body_html_en"])


@transaction.atomic
def create_page(
    *,
    parent,
    slug,
    language,
    title,
    summary,
    body,
    position,
    author,
    message="",
    is_initial_content=False,
):
    """A new page, written in one language; the other is added later (or never)."""
    validate_doc_slug(slug)  # a page the docs' URLs cannot serve would break the whole tree
    path = f"{parent.path}/{slug}" if parent else slug
    page = DocPage(parent=parent, slug=slug, path=path)
    page = _apply(
        page,
        language=language,
        title=title,
        summary=summary,
        body=body,
        position=position,
        author=author,
        message=message,
        now=timezone.now(),
        is_initial_content=is_initial_content,
    )
    _rerender_links_to(path)
    return page


@transaction.atomic
def save_page(
    *,
    page,
    language,
    base_version,
    title,
    summary,
    body,
    position,
    author,
    message="",
    is_initial_content=False,
):
    """Save a new revision of one language, unless that language changed since ``base_version``."""
    locked = DocPage.objects.select_for_update().get(pk=page.pk)
    if getattr(locked, f"version_{language}") != base_version:
        raise EditConflict(locked, language)
    current = tuple(getattr(locked, f"{name}_{language}") for name in ("title", "summary", "body"))
    if (*current, locked.position) == (title, summary, body, position):
        if locked.translation_behind(language):
            # Saving a flagged version unchanged says "checked: still a faithful translation".
            setattr(locked, f"saved_at_{language}", timezone.now())
            locked.save(update_fields=[f"saved_at_{language}"])
        return locked
    return _apply(
        locked,
        language=language,
        title=title,
        summary=summary,
        body=body,
        position=position,
        author=author,
        message=message,
        now=timezone.now(),
        is_initial_content=is_initial_content,
    )


@transaction.atomic
def restore_revision(*, page, language, number, author):
    """Bring back an old revision's text as a new revision (history is never rewritten)."""
    revision = page.revisions.get(language=language, number=number)
    locked = DocPage.objects.select_for_update().get(pk=page.pk)
    return _apply(
        locked,
        language=language,
        title=revision.title,
        summary=revision.summary,
        body=revision.body,
        position=locked.position,
        author=author,
        message="",
        now=timezone.now(),
        restored_from=number,
    )


def mark_reviewed(*, page, reviewer, when=None):
    page.last_reviewed_at, page.last_reviewed_by = when or timezone.now(), reviewer
    page.save(update_fields=["last_reviewed_at", "last_reviewed_by"])


def sync_search_entry(page):
    """Every docs page is in the site search, in each language it is written in."""
    for language in LANGUAGES:
        index_page(page, language)
