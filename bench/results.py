"""Server time, SQL queries and export times of the survey results as responses grow.

Fills a throw-away SQLite database (or DATABASE_URL's) with the seeded 2026
edition and N synthetic responses (stored in bulk through the same service as
demo answers), closes it, then asks the results page through Django's test
client, uncached (cache cleared before each request) and cached, with and
without a breakdown, and times the three exports.

    python bench/results.py [--responses 1000 10000 50000] [--repeat 10]

Targets (DESIGN.md): 10,000 responses, under 150 ms cached, under 1 s uncached;
no results page over 300 KB of HTML at 50,000 responses. Issue 17: uncached
10k ≤ 300 ms (≤ 400 ms with a breakdown), 50k ≤ 1.5 s (≤ 2 s); CSV 10k ≤ 300 ms;
XLSX 10k ≤ 1 s, 50k ≤ 5 s. The machine is shared, so each size also prints the
floor measured in the same run (the counts as one SQL GROUP BY, and the cross-tab
as one) and each page's ratio to it.
"""

import argparse
import statistics
import time

from throwaway_site import add_synthetic_responses, start_throwaway_site


def median_ms(function, repeat, before=None):
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()

    start_throwaway_site()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from survey import services
    from survey.models import Edition, Response
    from survey.seed import CURRENT_YEAR, seed_survey

    call_command("createcachetable", verbosity=0)
    seed_survey()
    edition = Edition.objects.get(year=CURRENT_YEAR)
    Edition.objects.filter(pk=edition.pk).update(
        closes_at=timezone.now(), results_visibility=Edition.ResultsVisibility.PUBLIC
    )
    questions = services.edition_questions(edition)
    client = Client()
    url = f"/en/survey/{CURRENT_YEAR}/results/"
    pages = {
        "results": url,
        "results, breakdown": url + "?by=research_theme",
        "free-text answers": f"/en/survey/{CURRENT_YEAR}/results/texts/remarks/",
    }
    print(f"database: {connection.vendor}; {len(questions)} questions; median of {args.repeat}")
    print(
        f"{'responses':>10}  {'page':<22}{'uncached ms':>12}{'cached ms':>10}{'queries':>9}"
        f"{'HTML KB':>9}"
    )
    stored = Response.objects.filter(edition=edition).count()  # DATABASE_URL's may hold some
    for target in sorted(args.responses):
        if target < stored:
            print(f"{target:>10}  skipped: the database already holds {stored}")
            continue
        add_synthetic_responses(edition, target - stored, seed=stored)
        stored = Response.objects.filter(edition=edition).count()
        floors = sql_floors(edition, args.repeat)
        print(
            f"{stored:>10}  floor: GROUP BY question, choice {floors['counts']:.0f} ms; "
            f"cross-tab GROUP BY {floors['breakdown']:.0f} ms"
        )
        for name, address in pages.items():
            uncached = median_ms(lambda a=address: client.get(a), args.repeat, cache.clear)
            floor = floors["breakdown" if "by=" in address else "counts"]
            client.get(address)
            cached = median_ms(lambda a=address: client.get(a), args.repeat)
            with CaptureQueriesContext(connection) as queries:
                size = len(client.get(address).content) / 1024
            print(
                f"{stored:>10}  {name:<22}{uncached:>12.0f}{cached:>10.1f}{len(queries):>9}"
                f"{size:>9.0f}   uncached = {uncached / floor:.1f}× the SQL floor"
            )
        coordinator_exports(client, stored, floors["counts"], args.repeat)


def sql_floors(edition, repeat):
    """Milliseconds of the bare SQL counts the results page is built from (no Python)."""
    from django.db import connection

    from survey.models import Answer, Question, Response

    answers, responses = Answer._meta.db_table, Response._meta.db_table
    by = Question.objects.get(edition=edition, key="research_theme").pk
    counts = (
        f"SELECT a.question_id, a.choice_id, COUNT(*) FROM {answers} a "
        f"JOIN {responses} r ON r.id = a.response_id "
        "WHERE r.edition_id = %s AND r.submitted GROUP BY a.question_id, a.choice_id"
    )
    crosstab = (
        f"SELECT g.choice_id, a.question_id, a.choice_id, COUNT(*) FROM {answers} a "
        f"JOIN {responses} r ON r.id = a.response_id "
        f"JOIN {answers} g ON g.response_id = a.response_id AND g.question_id = %s "
        "WHERE r.edition_id = %s AND r.submitted "
        "GROUP BY g.choice_id, a.question_id, a.choice_id"
    )

    def run(sql, params):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return {
        "counts": median_ms(lambda: run(counts, [edition.pk]), repeat),
        "breakdown": median_ms(lambda: run(crosstab, [by, edition.pk]), repeat),
    }


def coordinator_exports(client, stored, floor, repeat):
    from django.contrib.auth.models import Group

    from kb.models import User
    from kb.roles import COORDINATORS_GROUP

    user, _created = User.objects.get_or_create(email="bench-coordinator@example.org")
    user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
    client.force_login(user)
    from survey.seed import CURRENT_YEAR

    for name in ("answers.csv", "tidy.csv", "answers.xlsx"):
        address = f"/en/survey/{CURRENT_YEAR}/results/{name}"
        elapsed = median_ms(lambda a=address: client.get(a), repeat)
        size = len(client.get(address).content) / 1e6
        print(
            f"{stored:>10}  export {name:<15}{elapsed:>12.0f} ms, {size:.1f} MB"
            f"   = {elapsed / floor:.1f}× the SQL floor"
        )
    client.logout()


if __name__ == "__main__":
    main()
