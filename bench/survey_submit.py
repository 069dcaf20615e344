"""Two hundred members submitting the survey at the same second, against a running gunicorn.

Prepares a database (a temporary SQLite file, or the PostgreSQL database of
DATABASE_URL, where a previous run's bench edition and members are replaced, so
it can be rerun on the same database), an open edition and N verified members
with sessions, and starts gunicorn. First --serial members answer and submit one
at a time (the cost of one request, to compare databases); then every other
member fills in the steps and all their final "submit" POSTs are released at
once from N threads. Prints the medians, how many responses were stored, how
many requests failed, and the latency percentiles; exits 1 if a response is
missing or stored twice.

    python bench/survey_submit.py [--members 200] [--serial 20] [--workers 4] [--port 8013]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/espri_survey_bench python bench/survey_submit.py
"""

import argparse
import http.client
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_YEAR = 2999
BENCH_DOMAIN = "bench.espri-ia.example"


def configure_environment(args):
    if not os.environ.get("DATABASE_URL"):
        folder = tempfile.mkdtemp(prefix="espri-survey-bench-")
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "espri_ia.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(24),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_HTTPS": "0",
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )


def prepare(members):
    """Migrate, build an open bench edition, create members and their session cookies."""
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.test import Client

    from kb.models import User
    from survey import services
    from survey.models import Answer, Edition, Response
    from survey.seed import seed_survey

    call_command("migrate", verbosity=0)
    _first, current = seed_survey()

    # A previous run's edition and members: answers first (questions are protected).
    Answer.objects.filter(response__edition__year=BENCH_YEAR).delete()
    Response.objects.filter(edition__year=BENCH_YEAR).delete()
    Edition.objects.filter(year=BENCH_YEAR).delete()
    User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").delete()
    edition = services.copy_edition(source=current, year=BENCH_YEAR)
    # Members are offered one open edition: the seeded one, open today, is closed first.
    for other in Edition.objects.exclude(pk=edition.pk):
        if other.is_open:
            services.close_edition(edition=other)
    services.open_edition(edition=edition)

    # Sessions are made directly: the members need no usable password.
    unusable = make_password(None)
    User.objects.bulk_create(
        User(email=f"member{i}@{BENCH_DOMAIN}", password=unusable) for i in range(members)
    )
    users = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}").order_by("email"))
    EmailAddress.objects.bulk_create(
        EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users
    )
    cookies = []
    for user in users:
        client = Client()
        client.force_login(user)
        cookies.append(client.cookies["sessionid"].value)
    walk_steps = []
    questions = services.edition_questions(edition)
    for section in edition.sections.all():
        walk_steps.append([q for q in questions if q.section_id == section.pk])
    from django.db import connections

    connections.close_all()
    return edition, cookies, walk_steps


def step_form(questions, rng):
    """A plausible valid answer to every question of a step, as form fields."""
    data = []
    for question in questions:
        name = f"q_{question.key}"
        keys = [choice.key for choice in question.choice_list]
        if question.kind == "single":
            data.append((name, rng.choice(keys)))
        elif question.kind == "multiple":
            limit = question.max_choices or len(keys)
            for key in rng.sample(keys, k=min(limit, rng.randint(1, 3))):
                data.append((name, key))
        elif question.kind == "scale":
            data.append((name, str(int(question.min_value))))
        elif question.kind == "number":
            data.append((name, "3"))
        else:
            data.append((name, "bench"))
    return data


class Member:
    def __init__(self, port, session):
        self.port = port
        self.csrf = secrets.token_hex(16)  # a 32-character secret, accepted unmasked
        self.cookie = f"sessionid={session}; csrftoken={self.csrf}"

    def post(self, path, fields):
        body = urlencode([*fields, ("csrfmiddlewaretoken", self.csrf)])
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        began = time.perf_counter()
        try:
            connection.request(
                "POST",
                path,
                body=body,
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": self.cookie,
                    "Referer": f"http://127.0.0.1:{self.port}{path}",
                },
            )
            response = connection.getresponse()
            response.read()
            return response.status, time.perf_counter() - began
        finally:
            connection.close()


def start_server(port, workers):
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "espri_ia.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ.copy(),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit(f"gunicorn did not answer on port {port}")


def run_together(members, work):
    """Run work(index) in one thread per member, released together; return the results."""
    barrier = threading.Barrier(len(members))
    results = [None] * len(members)

    def target(index):
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as error:  # a failed request is a figure, not a crash
            results[index] = (type(error).__name__, None)

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(members))]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - began


def percentiles(latencies):
    if not latencies:
        return "no successful request"
    ordered = sorted(latencies)
    cuts = (
        statistics.quantiles(ordered, n=100, method="inclusive")
        if len(ordered) > 1
        else ordered * 99
    )
    return (
        f"p50 {cuts[49] * 1000:.0f} ms · p90 {cuts[89] * 1000:.0f} ms · "
        f"p99 {cuts[98] * 1000:.0f} ms · max {ordered[-1] * 1000:.0f} ms"
    )


def report(label, results, elapsed):
    ok = [latency for status, latency in results if status == 302]
    failed = [status for status, _latency in results if status != 302]
    print(f"{label}: {len(ok)} ok, {len(failed)} failed in {elapsed:.2f} s; {percentiles(ok)}")
    if failed:
        print(f"  failures: {sorted(set(map(str, failed)))}")
    return len(failed)


def main():
    import random

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--serial", type=int, default=20, help="members who go one at a time")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8013)
    args = parser.parse_args()

    configure_environment(args)
    edition, cookies, steps = prepare(args.members + args.serial)
    engine = os.environ["DATABASE_URL"].split(":", 1)[0]
    print(
        f"database: {engine} · gunicorn workers: {args.workers} · members: {args.members} · "
        f"steps: {len(steps)}"
    )
    server = start_server(args.port, args.workers)
    try:
        members = [Member(args.port, cookie) for cookie in cookies]
        base = f"/survey/{edition.year}"

        def fill_steps(index):
            rng = random.Random(index)  # noqa: S311 - synthetic answers
            total, status = 0.0, None
            for number, questions in enumerate(steps, start=1):
                fields = [("action", "next"), *step_form(questions, rng)]
                status, latency = members[index].post(f"{base}/step/{number}/", fields)
                total += latency
                if status != 302:
                    break
            return status, total

        # One member at a time first: the cost of one request, without queueing.
        serial, members = members[: args.serial], members[args.serial :]
        step_times, submit_times = [], []
        for index, member in enumerate(serial):
            rng = random.Random(-1 - index)  # noqa: S311 - synthetic answers
            for number, questions in enumerate(steps, start=1):
                fields = [("action", "next"), *step_form(questions, rng)]
                status, latency = member.post(f"{base}/step/{number}/", fields)
                step_times.append(latency)
            status, latency = member.post(f"{base}/review/", [])
            submit_times.append(latency)
            if status != 302:
                raise SystemExit(f"a serial submit answered {status}")
        print(
            f"one at a time ({len(serial)} members): step POST median "
            f"{statistics.median(step_times) * 1000:.1f} ms · final submit median "
            f"{statistics.median(submit_times) * 1000:.1f} ms"
        )

        results, elapsed = run_together(members, fill_steps)
        failures = report("steps (all pages per member, at once)", results, elapsed)

        results, elapsed = run_together(
            members, lambda index: members[index].post(f"{base}/review/", [])
        )
        failures += report("submit (one POST per member, at the same second)", results, elapsed)
    finally:
        server.terminate()
        server.wait()

    from django.db import connection

    from survey.models import Participation, Response

    connection.close()
    stored = Response.objects.filter(edition=edition, submitted=True).count()
    rows = Response.objects.filter(edition=edition).count()
    participations = Participation.objects.filter(edition=edition, submitted=True).count()
    print(
        f"stored: {stored} submitted responses ({rows} response rows, "
        f"{participations} participations) for {args.members + args.serial} members"
    )
    exact = stored == rows == participations == args.members + args.serial
    print("every response stored exactly once" if exact else "MISMATCH")
    sys.exit(0 if exact and not failures else 1)


if __name__ == "__main__":
    main()
