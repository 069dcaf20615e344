"""Our survey exports and cross-tab beside the peer django-survey-and-report, in one run.

The peer (PyPI django-survey-and-report 1.5.0, AGPL: none of its code is here) is
installed into a throw-away virtual environment under the user's cache folder and
measured by its own benchmark script (/work/shared/peers/django-survey/bench.py,
or --peer-bench): a CSV export of 500 responses and a cross-tab of two questions
over 200 responses, timed in-process around one call. Ours is timed the same way
on a throw-away SQLite database, answers loaded from the database included: the
wide CSV of 500 responses to the peer bench's own nine questions (answered as it
answers them) and to our seeded 2026 edition (35 questions, 66 columns), and a
breakdown of every 2026 question by research theme over 200 responses.

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


# The peer bench's own questionnaire (its bench.py): the same nine questions and choices.
PEER_QUESTIONNAIRE = [
    ("theme", "single", "Ocean,Atmosphere,Land,Cryosphere,Paleo"),
    ("methods", "multiple", "CNN,RNN,Transformer,GNN,Random forest,SVM,GP"),
    ("objectives", "multiple", "classification,clustering,regression,generation"),
    ("languages", "multiple", "Python,R,Julia,Fortran,C++"),
    ("libraries", "multiple", "PyTorch,TensorFlow,JAX,scikit-learn,xarray"),
    ("tools", "multiple", "Jupyter,Spyder,Vim,VS Code,Cloud"),
    ("platforms", "multiple", "Local GPU cluster,National supercomputer,AWS"),
    ("years_of_ml", "number", ""),
    ("remarks", "text", ""),
]


def peer_questionnaire_edition(year, responses):
    """An edition of the peer's nine questions, answered as its bench answers them
    (one choice, or one to three; 0 to 15 years; the same remark), ``responses`` times."""
    import random

    from django.utils import timezone
    from django.utils.text import slugify

    from survey import services
    from survey.models import Edition

    now = timezone.now()
    edition = Edition.objects.create(
        year=year, title_fr="Questionnaire du pair", opens_at=now - timedelta(days=30),
        closes_at=now, is_published=True,
    )  # fmt: skip
    section = services.save_section(edition=edition, key="practice", title_fr="Pratique")
    for key, kind, choices in PEER_QUESTIONNAIRE:
        services.save_question(
            section=section,
            fields={"key": key, "kind": kind, "text_fr": key},
            choices=[
                {"key": slugify(c).replace("-", "_"), "text_fr": c} for c in choices.split(",") if c
            ],
        )
    questions = services.edition_questions(edition)
    rng = random.Random(0)  # noqa: S311 - synthetic answers, as the peer's
    answer_sets = []
    for _ in range(responses):
        answers = {}
        for question in questions:
            keys = [choice.key for choice in question.choice_list]
            if question.kind == "single":
                answers[question.key] = {"choices": [rng.choice(keys)], "other": ""}
            elif question.kind == "multiple":
                answers[question.key] = {"choices": rng.sample(keys, rng.randint(1, 3)),
                                         "other": ""}  # fmt: skip
            elif question.kind == "number":
                answers[question.key] = {"number": float(rng.randint(0, 15))}
            else:
                answers[question.key] = {"text": "free text remark"}
        answer_sets.append(answers)
    services.store_anonymous_responses(edition=edition, answer_sets=answer_sets)
    return edition


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
    peer_shaped = peer_questionnaire_edition(2600, 500)
    questions = questions_of([peer_shaped])[peer_shaped.pk]
    same_questionnaire = median_ms(
        lambda: exports.to_csv(
            exports.wide_frame(load_responses(peer_shaped, questions), questions)
        ),
        repeat,
    )
    return figures[500]["csv"], same_questionnaire, figures[200]["crosstab"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    if not (args.peer_bench / "bench.py").exists():
        raise SystemExit(f"no peer benchmark at {args.peer_bench} (--peer-bench)")
    peer_csv, _ = peer_figures(args.peer_bench, 500)
    _, peer_crosstab = peer_figures(args.peer_bench, 200)
    our_csv, same_csv, our_crosstab = our_figures(args.repeat)
    rows = [
        ("CSV export, 500 responses, the peer's 9 questions", peer_csv, same_csv),
        ("CSV export, 500 responses, our 2026 edition", peer_csv, our_csv),
        ("cross-tab, 200 responses", peer_crosstab, our_crosstab),
    ]
    print(f"{'job':<52}{'peer':>10}{'ours':>11}{'ours faster':>13}")
    for job, peer, ours in rows:
        print(f"{job:<52}{peer:>7.0f} ms{ours:>8.1f} ms{peer / ours:>12.0f}×")
    print(
        "(our 2026 edition exports 66 columns, a 0/1 per choice, from 35 questions; the "
        "peer's CSV has one column per question)"
    )
    met = peer_csv / same_csv >= 100 and peer_crosstab / our_crosstab >= 100
    print("target: at least 100× faster on the same questionnaire and the cross-tab:",
          "met" if met else "missed")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
