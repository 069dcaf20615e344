"""Pages of the project catalogue: list with facets, project page, BibTeX, feed,
members' proposals, and the coordinators' review and curated lists."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kb.bibtex import to_bibtex
from kb.bilingual import description_previews
from kb.catalogue_facets import FACETS, SORTS, build_facets, parse_selection
from kb.forms.catalogue import (
    TAXONOMY_MODELS,
    ProjectEditor,
    ReviewForm,
    taxonomy_form_class,
)
from kb.models import Project, Reference
from kb.page_cache import cached_for_readers
from kb.roles import coordinator_required, is_coordinator
from kb.services import catalogue as catalogue_services

PER_PAGE = 20
SECTION = "catalogue"


def _bibtex_response(references, filename):
    text = to_bibtex([reference.as_citation() for reference in references])
    response = HttpResponse(text, content_type="application/x-bibtex; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@cached_for_readers(SECTION, params=(*FACETS, "q", "sort", "page"), members=True)
def project_list(request):
    selection = parse_selection(request.GET)
    published = Project.objects.published()
    projects = published.filtered(selection).sorted_by(selection.sort).for_listing()
    page = Paginator(projects, PER_PAGE).get_page(request.GET.get("page"))
    facets = build_facets(published.facet_counts(selection), selection)
    return render(
        request,
        "kb/catalogue/list.html",
        {
            "section": SECTION,
            "page": page,
            "facets": facets,
            "selection": selection,
            "sorts": SORTS,
            "active_filters": [
                (facet, option) for facet in facets for option in facet.selected_options
            ],
        },
    )


def list_bibtex(request):
    selection = parse_selection(request.GET)
    projects = Project.objects.published().filtered(selection)
    references = Reference.objects.filter(project__in=projects).order_by(
        "project__title", "project_id", "position", "pk"
    )
    return _bibtex_response(references, "espri-ia-projects.bib")


def _visible_project(request, slug):
    return get_object_or_404(Project.objects.visible_to(request.user).for_detail(), slug=slug)


@cached_for_readers(SECTION)
def project_detail(request, slug):
    project = _visible_project(request, slug)
    related = Project.objects.published().related_to(project)[:5]
    coordinator = is_coordinator(request.user)
    return render(
        request,
        "kb/catalogue/detail.html",
        {
            "section": SECTION,
            "project": project,
            "related_projects": related,
            "is_coordinator": coordinator,
            "proposer_may_change": not coordinator and project.can_be_changed_by(request.user),
            "review_form": ReviewForm() if coordinator and not project.is_published else None,
        },
    )


def project_bibtex(request, slug):
    project = _visible_project(request, slug)
    return _bibtex_response(project.references.all(), f"{project.slug}.bib")


def _saving(request, editor):
    """A valid form sent to be stored; "Preview" re-shows it with the descriptions rendered."""
    return request.method == "POST" and "preview" not in request.POST and editor.is_valid()


def _form_page(request, editor, *, project, status=200):
    previews = []
    if "preview" in request.POST and editor.is_valid():
        previews = description_previews(editor.fields())
    return render(
        request,
        "kb/catalogue/form.html",
        {"section": SECTION, "editor": editor, "project": project, "previews": previews},
        status=status,
    )


@login_required
def propose(request):
    editor = ProjectEditor(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST" and catalogue_services.proposal_limit_reached(request.user):
        editor.is_valid()
        editor.project_form.add_error(
            None,
            _(
                "You have proposed %(count)d projects in the last 24 hours, the most a member "
                "may. Please wait until tomorrow; your text is kept below."
            )
            % {"count": catalogue_services.PROPOSALS_PER_DAY},
        )
        status = 429
    elif _saving(request, editor):
        project = catalogue_services.propose_project(
            proposer=request.user,
            fields=editor.fields(),
            references=editor.children("references"),
            contacts=editor.children("contacts"),
            links=editor.children("links"),
        )
        messages.success(
            request,
            _("Thank you: “%(title)s” waits for a coordinator’s review.") % {"title": project},
        )
        return redirect("catalogue:mine")
    return _form_page(request, editor, project=None, status=status)


@login_required
def my_proposals(request):
    return render(
        request,
        "kb/catalogue/mine.html",
        {"section": SECTION, "projects": Project.objects.proposed_by(request.user)},
    )


@coordinator_required
def review_queue(request):
    return render(
        request,
        "kb/catalogue/review_queue.html",
        {"section": SECTION, "projects": Project.objects.pending().select_related("proposed_by")},
    )


@coordinator_required
@require_POST
def review(request, slug):
    project = get_object_or_404(Project, slug=slug)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        related = Project.objects.published().related_to(project)[:5]
        return render(
            request,
            "kb/catalogue/detail.html",
            {
                "section": SECTION,
                "project": Project.objects.for_detail().get(pk=project.pk),
                "related_projects": related,
                "is_coordinator": True,
                "review_form": form,
            },
            status=400,
        )
    message = form.cleaned_data["message"].strip()
    if form.cleaned_data["decision"] == ReviewForm.APPROVE:
        catalogue_services.approve_project(project=project, reviewer=request.user, message=message)
        messages.success(request, _("“%(title)s” is published.") % {"title": project})
    else:
        catalogue_services.reject_project(project=project, reviewer=request.user, message=message)
        messages.success(request, _("“%(title)s” is rejected.") % {"title": project})
    return redirect("catalogue:review_queue")


def _locked_reason(project):
    """Why the proposer may no longer change ``project``."""
    if project.is_published:
        return _(
            "“%(title)s” is published: only a coordinator can change or delete it now. "
            "Write to the coordinators of the group with the change you would like."
        ) % {"title": project}
    return _(
        "“%(title)s” was not accepted, so it can no longer be changed. "
        "Propose the project again with what the coordinator’s message asks for."
    ) % {"title": project}


def _refusal(request, project):
    """None when the user may change ``project``; else the page that says why not.

    Coordinators may change any project, its proposer only while it is pending:
    the proposer is told why not, anyone else gets the plain 403.
    """
    if project.can_be_changed_by(request.user):
        return None
    if not project.is_proposed_by(request.user):
        raise PermissionDenied
    return render(
        request,
        "kb/catalogue/locked.html",
        {"section": SECTION, "project": project, "reason": _locked_reason(project)},
        status=403,
    )


@login_required
def edit(request, slug):
    project = get_object_or_404(Project.objects.for_detail(), slug=slug)
    refusal = _refusal(request, project)
    if refusal and request.method != "POST":
        return refusal
    editor = ProjectEditor(request.POST if request.method == "POST" else None, project=project)
    if refusal:
        # Reviewed while the proposer was editing: what they sent stays on the page.
        editor.is_valid()
        editor.project_form.add_error(None, _locked_reason(project))
        return _form_page(request, editor, project=project, status=403)
    if _saving(request, editor):
        catalogue_services.update_project(
            project=project,
            fields=editor.fields(),
            references=editor.children("references"),
            contacts=editor.children("contacts"),
            links=editor.children("links"),
        )
        messages.success(request, _("Your changes are saved."))
        return redirect(project)
    return _form_page(request, editor, project=project)


@login_required
def delete(request, slug):
    """A coordinator deletes a project; its proposer withdraws it while it is pending."""
    project = get_object_or_404(Project, slug=slug)
    if refusal := _refusal(request, project):
        return refusal
    withdrawing = not is_coordinator(request.user)
    if request.method == "POST":
        catalogue_services.delete_project(project=project)
        if withdrawing:
            messages.success(
                request, _("Your proposal “%(title)s” is withdrawn.") % {"title": project}
            )
            return redirect("catalogue:mine")
        messages.success(request, _("“%(title)s” is deleted.") % {"title": project})
        return redirect("catalogue:list")
    return render(
        request,
        "kb/catalogue/delete.html",
        {"section": SECTION, "project": project, "withdrawing": withdrawing},
    )


def _taxonomy_model(kind):
    if kind not in TAXONOMY_MODELS:
        raise Http404
    return TAXONOMY_MODELS[kind]


@coordinator_required
def lists(request):
    lists = [
        (kind, model._meta.verbose_name_plural, model.objects.annotate(uses=Count("projects")))
        for kind, model in TAXONOMY_MODELS.items()
    ]
    return render(request, "kb/catalogue/lists.html", {"section": SECTION, "lists": lists})


@coordinator_required
def list_value_edit(request, kind, slug=None):
    model = _taxonomy_model(kind)
    value = get_object_or_404(model, slug=slug) if slug else None
    form_class = taxonomy_form_class(model, editing=value is not None)
    form = form_class(request.POST or None, instance=value)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The list is saved."))
        return redirect("catalogue:lists")
    return render(
        request,
        "kb/catalogue/list_value_form.html",
        {"section": SECTION, "form": form, "value": value, "model": model, "kind": kind},
    )


@coordinator_required
@require_POST
def list_value_delete(request, kind, slug):
    value = get_object_or_404(_taxonomy_model(kind), slug=slug)
    if value.projects.exists():
        messages.error(
            request, _("“%(value)s” is used by projects: it cannot be deleted.") % {"value": value}
        )
    else:
        value.delete()
        messages.success(request, _("“%(value)s” is deleted.") % {"value": value})
    return redirect("catalogue:lists")


class ProjectFeed(Feed):
    feed_type = Atom1Feed
    title = gettext_lazy("ESPRI-IA: new deep-learning projects")
    subtitle = gettext_lazy("Projects recently added to the ESPRI-IA catalogue.")
    link = reverse_lazy("catalogue:list")

    def items(self):
        return Project.objects.published().recent()[:20]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at
