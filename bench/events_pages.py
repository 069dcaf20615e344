"""Server time of the event pages readers open, beside a static file, in one process.

Builds a throw-away SQLite database with many events (some with registrations and
materials), then serves each page many times through Django's full stack (the
test client: middleware, templates, database) and prints the median time and the
rate per page, with the same figures for a static file for scale.

    python bench/events_pages.py [--events 300] [--requests 200]

Also counts SQL queries per page: the figure must not depend on --events.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from django.core.cache import cache


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="espri-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ["DJANGO_DEBUG"] = "1"  # a throw-away database: no secret needed
    os.environ["DJANGO_SETTINGS_MODULE"] = "espri_ia.settings"
    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False  # no SQL logging, production templates
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.WHITENOISE_USE_FINDERS = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    first_slug = make_events(args.events)

    pages = {
        "upcoming /events/": "/events/",
        "past /events/past/": "/events/past/",
        "event page": f"/events/{first_slug}/",
        "calendar.ics (all)": "/events/calendar.ics",
        "atom feed": "/events/feed.atom",
        "static css (scale)": "/static/css/site.css",
    }
    client = Client()
    from kb.models import Event

    print(f"events in database    {args.events} ({Event.objects.upcoming().count()} upcoming)")
    print(f"requests per page     {args.requests}")
    print(f"{'page':<22}{'queries':>8}{'median ms':>11}{'req/s':>9}")
    for label, url in pages.items():
        # A full render each time: bench/pages.py measures the readers' cached pages.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            read(client, url)
        query_count = len(queries)  # now: the log is cleared by later requests
        times = []
        for _ in range(args.requests):
            cache.clear()
            began = time.perf_counter()
            read(client, url)
            times.append(time.perf_counter() - began)
        median = statistics.median(times)
        print(f"{label:<22}{query_count:>8}{median * 1000:>11.2f}{1 / median:>9.0f}")
    return 0


def read(client, url):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    if response.streaming:
        b"".join(response.streaming_content)


def make_events(count):
    """Events every few days around today, a third with built-in registration."""
    import datetime

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kb.models.events import PARIS, EventKind, RegistrationMode
    from kb.services import events as services

    people = [get_user_model().objects.create_user(f"bench{n}@lab.example", "x") for n in range(10)]
    today = timezone.localdate()
    kinds = list(EventKind)
    first_slug = None
    for number in range(count):
        day = today + datetime.timedelta(days=3 * number - count)
        start = datetime.datetime.combine(day, datetime.time(10), tzinfo=PARIS)
        builtin = number % 3 == 0
        event = services.create_event(
            created_by=None,
            title_en=f"Event {number}",
            kind=kinds[number % len(kinds)],
            summary_en="A bench event.",
            description_en="## Programme\n\n- one\n- two\n",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
            place_fr="LATMOS",
            registration_mode=RegistrationMode.BUILT_IN if builtin else RegistrationMode.NONE,
            capacity=5 if builtin else None,
        )
        services.publish_event(event=event)
        if builtin and day > today:
            for person in people[:7]:
                services.register(event=event, user=person)
            first_slug = first_slug or event.slug
        services.add_link_material(event=event, title="Slides", url="https://example.org/")
    return first_slug


if __name__ == "__main__":
    sys.exit(main())
