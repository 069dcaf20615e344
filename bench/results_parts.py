"""The parts of an uncached results page and of the exports, old and new, in one process.

Fills a throw-away SQLite database (or DATABASE_URL's, topped up to N responses,
so a second run reuses it) with the seeded 2026 edition, then times, each as the
median of --repeat runs interleaved with the others: the bare SQL counts (the
floor), loading the answers, the tables (summary and filter options), a breakdown,
the wide CSV and the XLSX, beside the same jobs done by the code before issue 17
(kept in tests/aggregation_before.py). Every figure is printed with its ratio to
the floor of the same run, so a loaded machine still gives comparable numbers.

    python bench/results_parts.py [--responses 10000] [--repeat 3]
"""

import argparse
import statistics
import time

from throwaway_site import add_synthetic_responses, start_throwaway_site


def elapsed_ms(function):
    start = time.perf_counter()
    function()
    return (time.perf_counter() - start) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    start_throwaway_site()
    from django.db import connection
    from django.utils import timezone

    from survey import aggregation, exports
    from survey.models import Answer, Edition, Response
    from survey.results_data import load_responses, questions_of
    from survey.seed import CURRENT_YEAR, seed_survey
    from tests import aggregation_before as before

    seed_survey()
    edition = Edition.objects.get(year=CURRENT_YEAR)
    Edition.objects.filter(pk=edition.pk).update(closes_at=timezone.now())
    stored = Response.objects.filter(edition=edition).count()
    if stored < args.responses:
        add_synthetic_responses(edition, args.responses - stored, seed=stored)
    questions = questions_of([edition])[edition.pk]
    new = load_responses(edition, questions)
    old = before.Responses(new.answers.copy(), new.respondent_count, new.questions)
    rules = aggregation.Rules(threshold=edition.min_group_size, show_text=True)
    codebook = exports.codebook_rows(questions)
    floor_sql = (
        f"SELECT a.question_id, a.choice_id, COUNT(*) FROM {Answer._meta.db_table} a "
        f"JOIN {Response._meta.db_table} r ON r.id = a.response_id "
        "WHERE r.edition_id = %s AND r.submitted GROUP BY a.question_id, a.choice_id"
    )

    def floor():
        with connection.cursor() as cursor:
            cursor.execute(floor_sql, [edition.pk])
            cursor.fetchall()

    def tables(module, responses):
        def run():
            responses._pairs = None  # the pairs are worked out once per request
            module.summarise(responses, rules)
            module.filter_options(responses, rules)

        return run

    def crosstab(module, responses):
        def run():
            responses._pairs = None
            module.breakdown(responses, rules, by="research_theme")

        return run

    jobs = {
        "floor: SQL GROUP BY": floor,
        "load the answers": lambda: load_responses(edition, questions),
        "tables, before": tables(before, old),
        "tables, now": tables(aggregation, new),
        "breakdown, before": crosstab(before, old),
        "breakdown, now": crosstab(aggregation, new),
        "wide CSV, before": lambda: before.to_csv(before.wide_frame(old, questions)),
        "wide CSV, now": lambda: exports.to_csv(exports.wide_frame(new, questions)),
        "XLSX, before": lambda: before.to_xlsx(before.wide_frame(old, questions), codebook),
        "XLSX, now": lambda: exports.to_xlsx(exports.wide_frame(new, questions), codebook),
    }
    times = {name: [] for name in jobs}
    for _ in range(args.repeat):  # interleaved: a burst of load hits old and new alike
        for name, job in jobs.items():
            times[name].append(elapsed_ms(job))
    figures = {name: statistics.median(values) for name, values in times.items()}
    base = figures["floor: SQL GROUP BY"]
    print(
        f"database: {connection.vendor}; {new.respondent_count} responses, "
        f"{len(new.answers)} answer rows; median of {args.repeat}"
    )
    for name, value in figures.items():
        line = f"{name:<22}{value:>9.0f} ms {value / base:>7.2f}× floor"
        if name.endswith(", now"):
            line += f"   {figures[name.replace(', now', ', before')] / value:6.1f}× faster"
        print(line)


if __name__ == "__main__":
    main()
