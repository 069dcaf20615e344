"""Writes of the project catalogue: propose, update, approve, reject, delete.

These functions are the only places where a project changes state, so that
anything that must follow a change (emails, the search index) hangs on them. Each validates what it stores (``full_clean``): bad data from any
caller raises ``ValidationError`` and nothing is written.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kb.accounts import remember_language
from kb.bilingual import LANGUAGES
from kb.mail import queue_email
from kb.models import Contact, Link, Project, Reference, SearchEntry
from kb.roles import COORDINATORS_GROUP
from kb.search import index_entry, remove_entry

SCALAR_FIELDS = [
    "title",
    "summary_fr",
    "summary_en",
    "description_fr",
    "description_en",
    "year",
]
LIST_FIELDS = ["tasks", "architectures", "data_types", "laboratories"]
# Paths of the catalogue that a project's address must not take.
RESERVED_SLUGS = {"propose", "mine", "review", "lists", "feed"}
CHILDREN = [("references", Reference), ("contacts", Contact), ("links", Link)]
# Proposals one member may make in a day: each one emails every coordinator.
PROPOSALS_PER_DAY = 5


def slug_base(title, max_length=70):
    slug = slugify(title)
    if len(slug) > max_length:
        # Cut between words, not inside one.
        slug = slug[: max_length + 1].rsplit("-", 1)[0]
    return slug.strip("-") or "project"


def unique_slug(title):
    base = slug_base(title)
    taken = RESERVED_SLUGS | set(
        Project.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


def _store(project, *, fields, references, contacts, links):
    for name in SCALAR_FIELDS:
        if name in fields:
            setattr(project, name, fields[name])
    project.full_clean(exclude=["slug"] if not project.slug else None)
    project.save()
    for name in LIST_FIELDS:
        if name in fields:
            getattr(project, name).set(fields[name])
    # Children are replaced as a whole: the form always sends the full list.
    for (related_name, model), rows in zip(CHILDREN, (references, contacts, links), strict=True):
        getattr(project, related_name).all().delete()
        children = [model(project=project, position=i, **row) for i, row in enumerate(rows)]
        for child in children:
            child.full_clean()
        model.objects.bulk_create(children)
    sync_search_entry(project)
    return project


def sync_search_entry(project):
    """Bring both searches up to date with ``project``: the catalogue's text filter, whose
    key also holds the lists and references stored after the project, and the site
    search, where published projects are (in each language they are written in) and no
    other project ever is."""
    key = project.text_search_key()
    if key != project.search_key:
        Project.objects.filter(pk=project.pk).update(search_key=key)
        project.search_key = key
    if project.status != Project.Status.PUBLISHED:
        remove_entry(kind=SearchEntry.Kind.PROJECT, object_id=project.pk)
        return
    for language in LANGUAGES:
        summary = getattr(project, f"summary_{language}")
        if not (summary or getattr(project, f"description_{language}")):
            remove_entry(kind=SearchEntry.Kind.PROJECT, object_id=project.pk, language=language)
            continue
        index_entry(
            kind=SearchEntry.Kind.PROJECT,
            object_id=project.pk,
            language=language,
            url_name="catalogue:detail",
            url_kwargs={"slug": project.slug},
            title=project.title,
            summary=summary,
            text=project.search_text(language),
        )


def proposal_limit_reached(user):
    since = timezone.now() - timedelta(days=1)
    return (
        Project.objects.filter(proposed_by=user, created_at__gte=since).count() >= PROPOSALS_PER_DAY
    )


@transaction.atomic
def propose_project(*, proposer, fields, references=(), contacts=(), links=()):
    """Store a member's proposal as pending and tell the coordinators."""
    project = Project(status=Project.Status.PENDING, proposed_by=proposer)
    project.slug = unique_slug(fields["title"])
    _store(project, fields=fields, references=references, contacts=contacts, links=links)
    if proposer is not None:
        # The decision will be written in the language the proposal was made in.
        remember_language(proposer, translation.get_language())
        _notify_coordinators(project)
    return project


@transaction.atomic
def update_project(*, project, fields, references=(), contacts=(), links=()):
    """Replace a project's content; its slug (and so its address) stays."""
    return _store(project, fields=fields, references=references, contacts=contacts, links=links)


@transaction.atomic
def approve_project(*, project, reviewer, message=""):
    """Publish a project and tell its proposer."""
    now = timezone.now()
    project.status = Project.Status.PUBLISHED
    project.reviewed_by = reviewer
    project.reviewed_at = now
    project.review_message = message
    project.published_at = project.published_at or now
    project.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_message", "published_at"]
    )
    sync_search_entry(project)
    _notify_proposer(project)
    return project


@transaction.atomic
def reject_project(*, project, reviewer, message):
    """Reject a proposal with a message for its proposer; it stays out of every public list."""
    if not message.strip():
        raise ValueError("A rejection needs a message for the proposer.")
    project.status = Project.Status.REJECTED
    project.reviewed_by = reviewer
    project.reviewed_at = timezone.now()
    project.review_message = message
    project.published_at = None
    project.save(
        update_fields=["status", "reviewed_by", "reviewed_at", "review_message", "published_at"]
    )
    sync_search_entry(project)
    _notify_proposer(project)
    return project


@transaction.atomic
def delete_project(*, project):
    remove_entry(kind=SearchEntry.Kind.PROJECT, object_id=project.pk)
    project.delete()


def _notify_proposer(project):
    proposer = project.proposed_by
    if proposer is None or not proposer.email:
        return
    # In the proposer's language, not in that of the coordinator who decided.
    with translation.override(proposer.email_language):
        if project.is_published:
            subject = _("Your project “%(title)s” is published") % {"title": project.title}
        else:
            subject = _("Your project proposal “%(title)s” was not accepted") % {
                "title": project.title
            }
        body = render_to_string(
            "kb/catalogue/email/decision.txt",
            {
                "project": project,
                "project_url": settings.ESPRI_SITE_URL + project.get_absolute_url(),
                "mine_url": settings.ESPRI_SITE_URL + reverse("catalogue:mine"),
            },
        )
    queue_email(subject=f"[ESPRI-IA] {subject}", body=body, to=[proposer.email])


def _notify_coordinators(project):
    """One email per language, each to the coordinators who use the site in it."""
    coordinators = (
        get_user_model()
        .objects.filter(groups__name=COORDINATORS_GROUP, is_active=True)
        .exclude(email="")
        .order_by("email")
    )
    by_language = {}
    for coordinator in coordinators:
        by_language.setdefault(coordinator.email_language, []).append(coordinator.email)
    for language, recipients in by_language.items():
        with translation.override(language):
            subject = _("New project proposal: %(title)s") % {"title": project.title}
            body = render_to_string(
                "kb/catalogue/email/proposal.txt",
                {
                    "project": project,
                    "review_url": settings.ESPRI_SITE_URL + reverse("catalogue:review_queue"),
                },
            )
        queue_email(subject=f"[ESPRI-IA] {subject}", body=body, to=recipients)
