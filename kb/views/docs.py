"""Documentation pages: reading for everyone, writing for coordinators."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kb.bilingual import LANGUAGES, current_language, other_language
from kb.diffs import line_diff
from kb.docs_tree import build_tree
from kb.forms.docs import DocPageForm, NewDocPageForm
from kb.models import DocPage
from kb.page_cache import cached_for_readers
from kb.roles import coordinator_required, is_coordinator
from kb.services.docs import (
    EditConflict,
    create_page,
    mark_reviewed,
    render_body,
    restore_revision,
    save_page,
)


def _tree():
    return build_tree(list(DocPage.objects.for_tree()))


@cached_for_readers("docs", members=True)
def docs_index(request):
    return render(
        request,
        "kb/docs/index.html",
        {"section": "docs", "tree": _tree(), "can_edit": is_coordinator(request.user)},
    )


@cached_for_readers("docs", members=True)
def docs_page(request, path):
    page = get_object_or_404(DocPage.objects.for_reading(), path=path)
    tree = _tree()
    previous, following = tree.neighbours(page.path)
    return render(
        request,
        "kb/docs/page.html",
        {
            "section": "docs",
            "page": page,
            "reading": page.reading(),
            "tree": tree,
            "breadcrumbs": tree.breadcrumbs(page.path),
            "previous": previous,
            "next": following,
            "can_edit": is_coordinator(request.user),
        },
    )


def _editor(request, template, context):
    return render(request, template, {"section": "docs", **context})


def _language(request):
    """The language being edited or browsed (``lang``), the interface's by default."""
    asked = request.POST.get("language") or request.GET.get("lang")
    return asked if asked in LANGUAGES else current_language()


def _language_tabs(language):
    return [{"code": code, "current": code == language} for code in LANGUAGES]


@coordinator_required
@require_http_methods(["GET", "POST"])
def docs_new(request):
    language = _language(request)
    parent = DocPage.objects.filter(path=request.GET.get("parent", "")).first()
    form = NewDocPageForm(request.POST or None, initial={"parent": parent}, language=language)
    preview = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_body(data["body"], language).html
        else:
            page = create_page(
                parent=data["parent"],
                language=language,
                slug=data["slug"],
                title=data["title"],
                summary=data["summary"],
                body=data["body"],
                position=data["position"],
                author=request.user,
                message=data["message"],
            )
            messages.success(request, _("The page is published."))
            return redirect(page)
    return _editor(
        request,
        "kb/docs/edit.html",
        {"form": form, "preview": preview, "language": language, "tabs": _language_tabs(language)},
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def docs_edit(request, path):
    page = get_object_or_404(DocPage, path=path)
    language = _language(request)
    initial = {
        "title": getattr(page, f"title_{language}"),
        "summary": getattr(page, f"summary_{language}"),
        "body": getattr(page, f"body_{language}"),
        "position": page.position,
        "base_version": getattr(page, f"version_{language}"),
    }
    form = DocPageForm(request.POST or None, initial=initial, language=language)
    preview = conflict_diff = None
    conflict_author = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_body(data["body"], language).html
        else:
            try:
                save_page(
                    page=page,
                    language=language,
                    base_version=data["base_version"],
                    title=data["title"],
                    summary=data["summary"],
                    body=data["body"],
                    position=data["position"],
                    author=request.user,
                    message=data["message"],
                )
            except EditConflict as conflict:
                # Keep the editor's text; from now on their save builds on the new version.
                bound = request.POST.copy()
                bound["base_version"] = getattr(conflict.page, f"version_{language}")
                form = DocPageForm(bound, language=language)
                form.is_valid()
                page = conflict.page
                conflict_diff = line_diff(getattr(page, f"body_{language}"), data["body"])
                latest = page.revisions.filter(language=language).select_related("author").first()
                author = latest.author if latest else None
                conflict_author = (author.get_full_name() or author.email) if author else ""
            else:
                messages.success(request, _("Your changes are saved."))
                return redirect(page)
    other = other_language(language)
    return _editor(
        request,
        "kb/docs/edit.html",
        {
            "form": form,
            "page": page,
            "preview": preview,
            "conflict_diff": conflict_diff,
            "conflict_author": conflict_author,
            "language": language,
            "tabs": _language_tabs(language),
            # The other version, beside the form, to translate from.
            "other_language": other,
            "other_html": getattr(page, f"body_html_{other}"),
            "other_title": getattr(page, f"title_{other}"),
            "behind": page.translation_behind(language),
        },
    )


@coordinator_required
def docs_history(request, path):
    page = get_object_or_404(DocPage, path=path)
    language = _language(request)
    revisions = page.revisions.filter(language=language).select_related("author")
    return _editor(
        request,
        "kb/docs/history.html",
        {
            "page": page,
            "revisions": revisions,
            "language": language,
            "tabs": _language_tabs(language),
        },
    )


@coordinator_required
def docs_compare(request, path):
    page = get_object_or_404(DocPage, path=path)
    language = _language(request)
    try:
        numbers = sorted({int(request.GET["from"]), int(request.GET["to"])})
    except (KeyError, ValueError):
        messages.error(request, _("Choose two revisions to compare."))
        return redirect(f"{reverse('docs:history', args=[page.path])}?lang={language}")
    revisions = {r.number: r for r in page.revisions.filter(language=language, number__in=numbers)}
    if len(revisions) != len(numbers) or len(numbers) != 2:
        raise Http404(_("No such revision."))
    old, new = revisions[numbers[0]], revisions[numbers[1]]
    return _editor(
        request,
        "kb/docs/compare.html",
        {
            "page": page,
            "language": language,
            "old": old,
            "new": new,
            "title_changed": old.title != new.title,
            "summary_changed": old.summary != new.summary,
            "diff": line_diff(old.body, new.body),
        },
    )


@coordinator_required
@require_POST
def docs_restore(request, path, language, number):
    page = get_object_or_404(DocPage, path=path)
    if not page.revisions.filter(language=language, number=number).exists():
        raise Http404(_("No such revision."))
    restore_revision(page=page, language=language, number=number, author=request.user)
    messages.success(
        request, _("Revision %(number)s is restored as a new revision.") % {"number": number}
    )
    return redirect(page)


@coordinator_required
@require_POST
def docs_review(request, path):
    page = get_object_or_404(DocPage, path=path)
    mark_reviewed(page=page, reviewer=request.user)
    messages.success(request, _("The page is marked as reviewed today."))
    return redirect(page)


@coordinator_required
def docs_stale(request):
    pages = DocPage.objects.stale()
    return _editor(request, "kb/docs/stale.html", {"pages": pages})
