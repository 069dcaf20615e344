"""The site served by gunicorn with production settings, on a throw-away database.

For benchmarks that measure from outside (wrk, Lighthouse): migrates a fresh
SQLite file, loads the seed content and the demo's example events and GPU nodes
(every page type then has something to show), closes the 2026 survey edition
with N synthetic responses readable by everyone (the 2020 one gets N / 10),
opens a 2027 copy of it from then on (members have an edition to answer),
collects the static files, makes a verified member's session, then starts
gunicorn on a free loopback port.
"""

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from throwaway_site import add_synthetic_responses

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
RESULTS_YEAR = 2026
OPEN_YEAR = 2027


@dataclass
class ServedSite:
    base: str  # http://127.0.0.1:port
    static_file: str  # the path of a small static file, the reference of throughput
    results: str  # the path of the results page of the filled edition
    open_survey: str  # the path of the open edition's first step (members only)
    member_cookie: str  # a signed-in member's Cookie header

    def bring_gpu_nodes_up_to_date(self):
        """The demo GPU nodes report up to now, as on a development server: silent for
        90 s, their cards would show as "unknown" on the board."""
        from django.db import connections

        from kb.seed.gpus import refresh_demo_gpu_nodes

        refresh_demo_gpu_nodes()
        connections.close_all()


# What a list page also links to under its own path, besides its items.
NOT_ITEMS = {"past", "new", "propose", "mine", "review", "lists", "feed"}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to check, not to follow


def fetch(url, cookie=None):
    """The page's HTML; stops the benchmark unless it is served as is (HTTP 200).

    A member's page redirects to the login page when the session does not count,
    and Lighthouse would then measure the login page under the member page's name.
    """
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request) as response:
            return response.read().decode()
    except urllib.error.HTTPError as error:
        raise SystemExit(f"{url}: HTTP {error.code}, not the page to measure") from None


def first_link(site, list_path):
    """The first item the list page links to (a project, an event): seed data may change."""
    links = re.findall(rf'href="({list_path}[a-z0-9-]+/)"', fetch(site.base + list_path))
    items = [link for link in links if link.rstrip("/").rsplit("/", 1)[1] not in NOT_ITEMS]
    if not items:
        raise SystemExit(f"{list_path} links to no item to measure")
    return items[0]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the server did not answer at {url}")


def _fill_database(responses):
    """The 2026 edition closed with ``responses`` answers, public, and the 2020 one with a
    tenth as many (trends then have two years to draw); a 2027 copy open from that moment
    (its dates must not overlap to be published); example events and demo GPU nodes; a
    verified member's session (members answer the survey once verified)."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.db import connections
    from django.test import Client
    from django.utils import timezone

    from kb.models import User
    from kb.seed.events import seed_example_events
    from kb.seed.gpus import create_demo_gpu_nodes
    from survey import services
    from survey.models import Edition
    from survey.seed import seed_survey

    seed_example_events()
    create_demo_gpu_nodes()
    first, edition = seed_survey()
    add_synthetic_responses(first, responses // 10)
    add_synthetic_responses(edition, responses)
    now = timezone.now()
    Edition.objects.filter(pk=edition.pk).update(
        closes_at=now, results_visibility=Edition.ResultsVisibility.PUBLIC
    )
    edition.refresh_from_db()
    opened = services.copy_edition(
        source=edition, year=OPEN_YEAR, opens_at=now, closes_at=now + timedelta(days=30)
    )
    services.publish_edition(edition=opened)
    email = "reader@bench.espri-ia.example"
    member = User.objects.create_user(email=email)
    EmailAddress.objects.create(user=member, email=email, verified=True, primary=True)
    client = Client()
    client.force_login(member)
    session = client.cookies["sessionid"].value
    connections.close_all()
    return f"sessionid={session}"


@contextlib.contextmanager
def served_site(*, responses=10000, workers=2):
    folder = Path(tempfile.mkdtemp(prefix="espri-bench-site-"))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "espri_ia.settings",
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,testserver",
            "DJANGO_HTTPS": "0",
            "DJANGO_DEBUG": "0",
            "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3",
            "DJANGO_STATIC_ROOT": str(folder / "static"),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    manage = [PYTHON, "manage.py"]
    for command in (["migrate", "-v0"], ["seed"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run(manage + command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    sys.path.insert(0, str(ROOT))
    member_cookie = _fill_database(responses)
    manifest = json.loads((folder / "static" / "staticfiles.json").read_text())
    port = _free_port()
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "espri_ia.wsgi", f"--workers={workers}",
         f"--bind=127.0.0.1:{port}", "--log-level=warning"],
        cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(base + "/healthz")
        yield ServedSite(
            base=base,
            static_file="/static/" + manifest["paths"]["img/favicon.svg"],
            results=f"/survey/{RESULTS_YEAR}/results/",
            open_survey=f"/survey/{OPEN_YEAR}/step/1/",
            member_cookie=member_cookie,
        )
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)
