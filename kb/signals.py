"""Any change to a section's content makes its cached reader pages stale.

Signals rather than calls in each service, because content also changes
through the admin and the coordinators' list pages.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from kb import models
from kb.page_cache import renew_generation
from kb.search import remove_entry
from survey.models import Choice, Edition, Question, Section
from survey.results_versions import RESULTS_SECTION

CACHED_SECTIONS = {
    "docs": [models.DocPage],
    "catalogue": [
        models.Project,
        models.Reference,
        models.Contact,
        models.Link,
        models.Task,
        models.Architecture,
        models.DataType,
        models.Laboratory,
    ],
    "events": [models.Event, models.Registration, models.Material],
    "survey": [Edition],
    RESULTS_SECTION: [Edition, Section, Question, Choice],
    "search": [models.SearchEntry],
}
# The home page shows a little of these sections.
HOME = "home"
ON_HOME = {"docs", "catalogue", "events", "survey"}


def connect_page_cache_signals():
    for section, section_models in CACHED_SECTIONS.items():

        def renew(sender, section=section, **kwargs):
            renew_generation(section)
            if section in ON_HOME:
                renew_generation(HOME)

        for model in section_models:
            post_save.connect(renew, sender=model, weak=False, dispatch_uid=f"{section}-{model}")
            post_delete.connect(
                renew, sender=model, weak=False, dispatch_uid=f"{section}-{model}-delete"
            )


# The site search follows the same saves and deletes, wherever they come from (the
# services also index at once; the admin and the list pages rely on these). The
# index is brought up to date after commit, when the whole change (children, lists)
# is stored.


def _sync_after_commit(kind, object_id):
    transaction.on_commit(lambda: sync_search(kind, object_id))


def sync_search(kind, object_id):
    from kb.services import catalogue, docs, events

    model, sync = {
        models.SearchEntry.Kind.PROJECT: (models.Project, catalogue.sync_search_entry),
        models.SearchEntry.Kind.EVENT: (models.Event, events.sync_search_entry),
        models.SearchEntry.Kind.DOC: (models.DocPage, docs.sync_search_entry),
    }[kind]
    found = model.objects.filter(pk=object_id).first()
    if found is None:
        remove_entry(kind=kind, object_id=object_id)
    else:
        sync(found)


SEARCHED = {
    models.Project: models.SearchEntry.Kind.PROJECT,
    models.Event: models.SearchEntry.Kind.EVENT,
    models.DocPage: models.SearchEntry.Kind.DOC,
}
PROJECT_CHILDREN = [models.Reference, models.Contact, models.Link]
TAXONOMIES = [models.Task, models.Architecture, models.DataType, models.Laboratory]


def _content_changed(sender, instance, **kwargs):
    _sync_after_commit(SEARCHED[sender], instance.pk)


def _child_changed(sender, instance, **kwargs):
    _sync_after_commit(models.SearchEntry.Kind.PROJECT, instance.project_id)


def _project_lists_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if reverse:  # a value's projects changed: each of them
        for project_id in pk_set or ():
            _sync_after_commit(models.SearchEntry.Kind.PROJECT, project_id)
    else:
        _sync_after_commit(models.SearchEntry.Kind.PROJECT, instance.pk)


def _taxonomy_changed(sender, instance, **kwargs):
    # Before a delete the projects are still linked; the sync runs after commit.
    for project_id in instance.projects.values_list("pk", flat=True):
        _sync_after_commit(models.SearchEntry.Kind.PROJECT, project_id)


def connect_search_signals():
    for model in SEARCHED:
        post_save.connect(_content_changed, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(_content_changed, sender=model, dispatch_uid=f"search-{model}-del")
    for model in PROJECT_CHILDREN:
        post_save.connect(_child_changed, sender=model, dispatch_uid=f"search-{model}")
        post_delete.connect(_child_changed, sender=model, dispatch_uid=f"search-{model}-del")
    for name in ["tasks", "architectures", "data_types", "laboratories"]:
        through = getattr(models.Project, name).through
        m2m_changed.connect(_project_lists_changed, sender=through, dispatch_uid=f"search-{name}")
    for model in TAXONOMIES:
        post_save.connect(_taxonomy_changed, sender=model, dispatch_uid=f"search-{model}")
        pre_delete.connect(_taxonomy_changed, sender=model, dispatch_uid=f"search-{model}-del")
