"""Any change to a section's content makes its cached reader pages stale.

Signals rather than calls in each service, because content also changes
through the admin and the coordinators' list pages.
"""

from django.db.models.signals import post_delete, post_save

from kb import models
from kb.page_cache import renew_generation
from survey.models import Edition

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
