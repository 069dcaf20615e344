"""The site on a throw-away database, for benchmarks that run in one process.

Benchmarks import this first: it points Django at a fresh SQLite file (or at
DATABASE_URL when given), migrates it, and lets the test client talk to it.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def start_throwaway_site():
    if "DATABASE_URL" not in os.environ:
        folder = tempfile.mkdtemp(prefix="espri-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_DEBUG"] = "1"  # a throw-away database: no secret needed
    os.environ["DJANGO_SETTINGS_MODULE"] = "espri_ia.settings"
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's hosts, and responses keep their context
    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)


def add_synthetic_responses(edition, count, *, seed=1):
    """``count`` submitted responses of plausible answers (the demo's), stored in bulk."""
    import random

    from survey import services
    from survey.seed import demo_answers

    questions = services.edition_questions(edition)
    rng = random.Random(seed)  # noqa: S311 - synthetic answers, not security
    for start in range(0, count, 5000):
        batch = [
            demo_answers(questions, edition.year, rng) for _ in range(min(5000, count - start))
        ]
        services.store_anonymous_responses(edition=edition, answer_sets=batch)
