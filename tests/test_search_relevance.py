"""Search relevance on the seeded content: real queries and the page a reader wants first.

The expected pages were chosen by reading the seed documentation (kb/seed/docs),
as someone typing the query would, not from what the search returned.
"""

import pytest
from django.db import transaction

from kb.search import search
from kb.seed.catalogue import seed_catalogue
from kb.seed.cluster_docs import load_cluster_docs

pytestmark = pytest.mark.django_db

SESSIONS = "cluster/sessions"  # Sessions interactives avec Slurm
GOOD_PRACTICES = "cluster/bonnes-pratiques"  # free the GPU memory, Spyder, share the cards
SOFTWARE = "cluster/logiciels"  # Logiciels et modules
ACCESS = "cluster/acces"  # Obtenir un compte et se connecter
DATA = "cluster/donnees"  # Espaces de données (none of them is backed up)
CARDS = "cluster/gpu"  # Surveiller les GPU avec nvidia-smi: each card, a free card
WHY_GPUS = "apprentissage/gpu"
NEURAL_NETWORKS = "apprentissage/reseaux-de-neurones"
CONCEPTS = "apprentissage/concepts"

QUERIES = [
    ("fr", "srun", SESSIONS),
    ("fr", "session interactive", SESSIONS),
    ("fr", "memoire", GOOD_PRACTICES),
    ("fr", "mémoire GPU", GOOD_PRACTICES),
    ("fr", "libérer la mémoire", GOOD_PRACTICES),
    ("fr", "spyder", GOOD_PRACTICES),
    ("fr", "module cuda", SOFTWARE),
    ("fr", "pytorch", SOFTWARE),
    ("fr", "ssh", ACCESS),
    ("fr", "clé ssh", ACCESS),
    ("fr", "compte", ACCESS),
    ("fr", "sauvegarde", DATA),
    ("fr", "cartes", CARDS),
    ("fr", "carte libre", CARDS),
    ("fr", "nvidia-smi", CARDS),
    ("fr", "tensor cores", WHY_GPUS),
    ("fr", "réseaux de neurones", NEURAL_NETWORKS),
    # As people type: the last word is a prefix.
    ("fr", "sauveg", DATA),
    # A French reader typing English words: found through the English version.
    ("fr", "backup", DATA),
    ("en", "srun", SESSIONS),
    ("en", "interactive session", SESSIONS),
    ("en", "GPU memory", GOOD_PRACTICES),
    ("en", "module cuda", SOFTWARE),
    ("en", "ssh key", ACCESS),
    ("en", "backup", DATA),
    ("en", "cards", CARDS),
    ("en", "free card", CARDS),
    ("en", "overfitting", CONCEPTS),
]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The seed's pages and projects, loaded once for the module and rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_cluster_docs()
        seed_catalogue()
        yield
        transaction.set_rollback(True)


def found_paths(query, language):
    return [hit.entry.url_kwargs.get("path") for hit in search(query, language).hits]


@pytest.mark.parametrize(("language", "query", "expected"), QUERIES)
def test_search_puts_the_page_a_reader_wants_first(seeded, language, query, expected):
    found = found_paths(query, language)
    assert found, f"{query!r} found nothing"
    position = found.index(expected) + 1 if expected in found else None
    assert position == 1, (
        f"{query!r}: {expected} ranks {position} of {len(found)}, after {found[:3]}"
    )
