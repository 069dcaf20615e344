"""Our survey exports and cross-tab beside the peer django-survey-and-report, in one run.

The peer (PyPI django-survey-and-report 1.5.0, AGPL: none of its code is here) is
installed into a throw-away virtual environment under the user's cache folder and
measured by its own benchmark script (/work/shared/peers/django-survey/bench.py,
or --peer-bench): a CSV export of 500 responses and a cross-tab of two questions
over 200 responses, timed in-process around one call. Ours is timed the same way
on a throw-away SQLite database with the seeded 2026 edition (more questions than
the peer's nine): the wide CSV of 500 responses, answers loaded from the database
included, and a breakdown of every question by research theme over 200 responses.

    python bench/peer_survey.py [--repeat 5] [--peer-bench PATH]

Target (issue 17): ours at least 100 times faster on both.
"""

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from throwaway_site import add_synthetic_responses, start_throwaway_site

PEER = ["django-survey-and-report==1.5.0", "django<6.2"]
PEER_VENV = (
    Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "espri-ia-bench" / "peer"
)
DEFAULT_BENCH = Path(__file__).resolve().parents[2] / "shared" / "peers" / "django-survey"


def peer_figures(bench_folder, responses):
    """Milliseconds of the peer's CSV export and cross-tab, from its own script's output."""
    python = PEER_VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *PEER], check=True)
    work = Path(tempfile.mkdtemp(prefix="espri-peer-"))
    try:
        shutil.copytree(bench_folder, work, dirs_exist_ok=True)
        for folder in ("csv", "tex"):
            (work / folder).mkdir(exist_ok=True)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "settings"}
        env.pop("DATABASE_URL", None)
        subprocess.run([str(python), "-m", "django", "migrate", "-v0"], cwd=work, env=env,
                       check=True)  # fmt: skip
        output = subprocess.run([str(python), "bench.py", str(responses)], cwd=work, env=env,
                                check=True, capture_output=True, text=True).stdout  # fmt: skip
    finally:
        shutil.rmtree(work, ignore_errors=True)
    csv = re.search(r"CSV export: \d+ queries, (\d+) ms", output)
    crosstab = re.search(r"cross-tab cardinality\(.*\): \d+ queries, (\d+) ms", output)
    return float(csv.group(1)), float(crosstab.group(1)) if crosstab else None


def median_ms(function, repeat):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def our_figures(repeat):
    start_throwaway_site()
    from django.utils import timezone

    from survey import aggregation, exports, services
    from survey.models import Edition
    from survey.results_data import load_responses, questions_of
    from survey.seed import seed_survey

    _first, base = seed_survey()
    figures = {}
    for year, responses in ((2200, 200), (2500, 500)):
        edition = services.copy_edition(source=base, year=year)
        Edition.objects.filter(pk=edition.pk).update(is_published=True)
        add_synthetic_responses(edition, responses, seed=year)
        now = timezone.now()
        Edition.objects.filter(pk=edition.pk).update(
            opens_at=now - timedelta(days=30), closes_at=now
        )
        edition.refresh_from_db()
        questions = questions_of([edition])[edition.pk]
        rules = aggregation.Rules(threshold=edition.min_group_size, show_text=True)
        figures[responses] = {
            "csv": median_ms(
                lambda e=edition, q=questions: exports.to_csv(
                    exports.wide_frame(load_responses(e, q), q)
                ),
                repeat,
            ),
            "crosstab": median_ms(
                lambda e=edition, q=questions, r=rules: aggregation.breakdown(
                    load_responses(e, q), r, by="research_theme"
                ),
                repeat,
            ),
        }
    return figures[500]["csv"], figures[200]["crosstab"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    if not (args.peer_bench / "bench.py").exists():
        raise SystemExit(f"no peer benchmark at {args.peer_bench} (--peer-bench)")
    peer_csv, _ = peer_figures(args.peer_bench, 500)
    _, peer_crosstab = peer_figures(args.peer_bench, 200)
    our_csv, our_crosstab = our_figures(args.repeat)
    print("job                              peer        ours    ours faster")
    print(
        f"CSV export, 500 responses   {peer_csv:>8.0f} ms {our_csv:>8.1f} ms {peer_csv / our_csv:>8.0f}×"
    )
    print(f"cross-tab, 200 responses    {peer_crosstab:>8.0f} ms {our_crosstab:>8.1f} ms "
          f"{peer_crosstab / our_crosstab:>8.0f}×")  # fmt: skip
    met = peer_csv / our_csv >= 100 and peer_crosstab / our_crosstab >= 100
    print("target: at least 100× faster on both:", "met" if met else "missed")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
