"""Writing the documentation: every save is a revision; concurrent saves never overwrite."""

from django.db import transaction
from django.utils import timezone

from kb.markdown import RenderedMarkdown, render_markdown
from kb.models import DocPage, DocRevision, SearchEntry
from kb.search import index_entry


class EditConflict(Exception):
    """The page was saved by someone else after the editor opened it."""

    def __init__(self, page):
        super().__init__(f"{page.path} changed meanwhile (now version {page.version})")
        self.page = page


def _page_url_or_none(path):
    page = DocPage.objects.filter(path=path).only("path").first()
    return page.get_absolute_url() if page else None


def render_body(body):
    return render_markdown(body, resolve_internal_link=_page_url_or_none)


def _apply(page, *, title, summary, body, position, author, message, now, restored_from=None):
    rendered = render_body(body)
    page.title, page.summary, page.body, page.position = title, summary, body, position
    page.body_html, page.toc = rendered.html, rendered.toc
    page.version += 1
    page.updated_at, page.updated_by = now, author
    page.save()
    DocRevision.objects.create(
        page=page,
        number=page.version,
        title=title,
        summary=summary,
        body=body,
        author=author,
        created_at=now,
        message=message,
        restored_from=restored_from,
    )
    sync_search_entry(page)
    return page


def _rerender_links_to(path):
    """Pages that link to a new page had a broken link: render them again."""
    for page in DocPage.objects.filter(body__contains=f"doc:{path}"):
        page.body_html = render_body(page.body).html
        page.save(update_fields=["body_html"])


@transaction.atomic
def create_page(*, parent, slug, title, summary, body, position, author, message=""):
    path = f"{parent.path}/{slug}" if parent else slug
    page = DocPage(parent=parent, slug=slug, path=path)
    page = _apply(
        page,
        title=title,
        summary=summary,
        body=body,
        position=position,
        author=author,
        message=message,
        now=timezone.now(),
    )
    _rerender_links_to(path)
    return page


@transaction.atomic
def save_page(*, page, base_version, title, summary, body, position, author, message=""):
    """Save a new revision, unless the page changed since ``base_version`` (EditConflict)."""
    locked = DocPage.objects.select_for_update().get(pk=page.pk)
    if locked.version != base_version:
        raise EditConflict(locked)
    unchanged = (locked.title, locked.summary, locked.body, locked.position) == (
        title,
        summary,
        body,
        position,
    )
    if unchanged:
        return locked
    return _apply(
        locked,
        title=title,
        summary=summary,
        body=body,
        position=position,
        author=author,
        message=message,
        now=timezone.now(),
    )


@transaction.atomic
def restore_revision(*, page, number, author):
    """Bring back an old revision's text as a new revision (history is never rewritten)."""
    revision = page.revisions.get(number=number)
    locked = DocPage.objects.select_for_update().get(pk=page.pk)
    return _apply(
        locked,
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
    """Every docs page is in the site search, with the text its readers see."""
    index_entry(
        kind=SearchEntry.Kind.DOC,
        object_id=page.pk,
        url_name="docs:page",
        url_kwargs={"path": page.path},
        title=page.title,
        summary=page.summary,
        text=RenderedMarkdown(html=page.body_html).text,
    )
