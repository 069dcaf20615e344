"""When cached survey results go stale: each edition's data version, and the section of
readers' whole results pages in ``kb.page_cache``.

Its own module, without pandas: the services, the admin and ``kb.signals`` import it
when the site starts.
"""

import uuid

from django.core.cache import cache
from django.db import transaction

from kb.page_cache import renew_generation

# Readers' whole results pages: renewed by new data and by any change of design.
RESULTS_SECTION = "survey-results"


def version_key(edition_id):
    return f"survey:results-version:{edition_id}"


def bump_results_version(edition_id):
    """Make every cached result of the edition stale, once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(version_key(edition_id), uuid.uuid4().hex, None))
    renew_generation(RESULTS_SECTION)
