"""The integer-coded aggregation gives the same tables as the one it replaced, to the cell.

One change is by design: histogram bins stop at the question's bounds (a 0-50
question ends with "45-50", no longer with "50-54"). The old module is run with
the new bins (``number_bins``, ``bin_labels``), so that every count, share and
mark is still compared; the bins themselves are tested in test_survey_aggregation.
"""

import csv
import random

import pytest

from kb.spreadsheets import safe_csv_cell
from survey import aggregation, exports
from survey.models import Edition
from survey.results_data import load_responses, questions_of
from tests import aggregation_before as before
from tests.test_survey_aggregation import ALL_CONDITIONS, random_responses, sample


@pytest.fixture(autouse=True)
def _bins_of_today(monkeypatch):
    monkeypatch.setattr(before, "number_bins", aggregation.number_bins)
    monkeypatch.setattr(before, "bin_labels", aggregation.bin_labels)


def both(responses):
    """The same answers for the new module and for the copy of the old one."""
    return responses, before.Responses(
        responses.answers.copy(), responses.respondent_count, responses.questions
    )


def assert_same(new, old, rules, conditions, breakdowns, text_keys):
    conditions = list(conditions)
    assert aggregation.summarise(new, rules, conditions=conditions) == before.summarise(
        old, rules, conditions=conditions
    )
    assert aggregation.filter_options(new, rules, conditions=conditions) == before.filter_options(
        old, rules, conditions=conditions
    )
    if conditions:
        assert aggregation.allowed_without_each(
            new, rules, conditions=conditions
        ) == before.allowed_without_each(old, rules, conditions=conditions)
    for by in breakdowns:
        if any(key == by for key, _option in conditions):
            continue
        assert aggregation.breakdown(new, rules, by=by, conditions=conditions) == before.breakdown(
            old, rules, by=by, conditions=conditions
        )
    for key in text_keys:
        assert aggregation.free_texts(
            new, rules, key=key, conditions=conditions
        ) == before.free_texts(old, rules, key=key, conditions=conditions)


@pytest.mark.parametrize("seed", [1, 2])
def test_same_tables_on_made_up_answers(seed):
    new, old = both(random_responses(seed))
    for threshold in (1, 5):
        for reveal in (False, True):
            rules = aggregation.Rules(threshold=threshold, reveal=reveal, show_text=True)
            for size in (0, 2, 3):
                rng = random.Random(seed * 10 + size)  # noqa: S311 - test data
                conditions = rng.sample(ALL_CONDITIONS, size)
                assert_same(new, old, rules, conditions, ("theme", "tools"), ())


def test_same_tables_on_the_hand_counted_sample():
    new, old = both(sample())
    for threshold in (1, 3, 4):
        rules = aggregation.Rules(threshold=threshold, reveal=True, show_text=True, seed=2)
        assert_same(new, old, rules, [], ("theme", "tools"), ("remarks", "theme"))
        assert_same(new, old, rules, [("theme", "ocean")], ("tools",), ("remarks",))


@pytest.mark.django_db
def test_same_tables_on_a_seeded_edition_with_filters_and_breakdowns():
    from survey.seed import seed_survey

    seed_survey(demo=True)
    edition = Edition.objects.get(year=2026)
    questions = questions_of([edition])[edition.pk]
    new, old = both(load_responses(edition, questions))
    assert new.respondent_count > 100  # enough answers for every rule to come into play
    choice_options = [
        (question.key, choice.key)
        for question in questions
        if question.kind in aggregation.CHOICE_KINDS
        for choice in question.choice_list
    ]
    breakdowns = [q.key for q in questions if q.kind in aggregation.CHOICE_KINDS]
    text_keys = [q.key for q in questions if q.kind == "text"]
    rng = random.Random(3)  # noqa: S311 - test data
    statuses = set()
    for threshold, reveal in ((edition.min_group_size, False), (20, True)):
        rules = aggregation.Rules(
            threshold=threshold, reveal=reveal, show_text=True, seed=edition.pk
        )
        for size in (0, 1, 2, 3):
            conditions = rng.sample(choice_options, size)
            statuses.add(aggregation.summarise(new, rules, conditions=conditions)["status"])
            assert_same(new, old, rules, conditions, rng.sample(breakdowns, 2), text_keys)
    assert {"ok", "too_few"} <= statuses  # shown and refused selections were both compared


@pytest.mark.django_db
def test_same_wide_export_on_a_seeded_edition():
    from survey.seed import seed_survey

    seed_survey(demo=True)
    edition = Edition.objects.get(year=2026)
    questions = questions_of([edition])[edition.pk]
    new, old = both(load_responses(edition, questions))
    new_frame = exports.wide_frame(new, questions)
    old_frame = before.wide_frame(old, questions)
    assert list(new_frame.columns) == list(old_frame.columns)
    assert exports.to_csv(new_frame) == old_frame.map(safe_csv_cell).to_csv(
        index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
