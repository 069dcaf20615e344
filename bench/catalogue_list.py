"""Server time and SQL queries of the catalogue's pages as the catalogue grows.

Fills a throw-away SQLite database (or DATABASE_URL's) with N published projects,
each with two tasks, an architecture, a laboratory and two references, then asks
the list (plain, and with three facets and a text filter), a project page and
the filtered BibTeX export through Django's test client.

    python bench/catalogue_list.py [--projects 10 100 1000] [--repeat 20]

Prints, per size and page, the median server time and the number of queries of
a full render: the readers' page cache is emptied before each request
(bench/pages.py measures the cached pages).
"""

import argparse
import statistics
import sys
import time

from throwaway_site import start_throwaway_site


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    start_throwaway_site()
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from kb.models import Architecture, Laboratory, Project, Reference, Task

    tasks, architectures = list(Task.objects.all()), list(Architecture.objects.all())
    labs = list(Laboratory.objects.all())
    client = Client()
    pages = {
        "list": "/en/projects/",
        "list, 3 facets + text": "/en/projects/?task=detection&task=denoising&architecture=cnn&lab=latmos&q=project",
        "project page": None,
        "BibTeX, filtered": "/en/projects/references.bib?task=detection",
    }
    print(f"database: {connection.vendor}; median of {args.repeat} requests")
    print(f"{'projects':>9}  {'page':<24}{'ms':>8}{'queries':>9}")
    for size in args.projects:
        start = Project.objects.count()
        for number in range(start, size):
            project = Project.objects.create(
                title=f"Project {number}",
                slug=f"project-{number}",
                summary_en="A deep-learning project on climate data.",
                description_en="Objectives, **method** and results.",
                year=2015 + number % 10,
                status=Project.Status.PUBLISHED,
                published_at=timezone.now(),
            )
            project.tasks.set([tasks[number % len(tasks)], tasks[(number + 3) % len(tasks)]])
            project.architectures.set([architectures[number % len(architectures)]])
            project.laboratories.set([labs[number % len(labs)]])
            Reference.objects.bulk_create(
                Reference(
                    project=project, authors="Ada Lovelace; et al.", title=f"Paper {i}", year=2020
                )
                for i in range(2)
            )
        pages["project page"] = f"/en/projects/project-{size // 2}/"
        for name, url in pages.items():
            timings = []
            for _ in range(args.repeat):
                connection.queries_log.clear()  # the filling above overflows the log
                cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url)
                    timings.append((time.perf_counter() - began) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{url} answered {response.status_code}")
            print(f"{size:>9}  {name:<24}{statistics.median(timings):>8.1f}{len(queries):>9}")


if __name__ == "__main__":
    main()
