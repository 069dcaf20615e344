"""The integer-coded aggregation gives the same tables as the one it replaced, to the cell.

One change is by design: histogram bins stop at the question's bounds (a 0-50
question ends with "45-50", no longer with "50-54"). The old module is run with
the new bins (``number_bins``, ``bin_labels``), so that every count, share and
mark is still compared; the bins themselves are tested in test_survey_aggregation.
"""

import random

import pytest

from survey import aggregation, exports
from survey.models import Edition
from survey.results_data import load_responses, questions_of
from tests import aggregation_before as before
from tests.test_survey_aggregation import ALL_CONDITIONS, random_responses, sample
from tests.test_survey_exports import cell_by_cell_csv


@pytest.fixture(autouse=True)
def _bins_of_today(monkeypatch):
    monkeypatch.setattr(before, "number_bins", aggregation.number_bins)
    monkeypatch.setattr(before, "bin_labels", aggregation.bin_labels)


def both(responses):
    """The same answers for the new module and for the copy of the old one."""
    return responses, before.Responses(
        responses.answers.copy(), responses.respondent_count, responses.questions
    )


def newly_refused(responses, conditions, rules):
    """Refused by rules the old code did not have: a selection that would show a count its
    table hides, or say "nobody" while its other parts are small."""
    pairs = responses.option_pairs()
    masks = aggregation.atom_masks(pairs, list(conditions))
    sizes = aggregation.atom_sizes(masks, responses.respondent_count, list(conditions))
    if not aggregation.atoms_are_safe(sizes, rules.threshold):
        return sizes.get((1 << len(conditions)) - 1, 0) == 0
    return aggregation._shows_a_hidden_count(responses, pairs, list(conditions), rules.threshold)


def same_or_newly_hidden(new, old):
    """A cell or group as before, or hidden since by rule C, itself or through its group
    (coordinators keep the number and see the rule; readers get None for both)."""
    if new == old:
        return True
    number = "count" if "count" in new else "respondents"
    return (
        new["suppressed"]
        and new["rule"] in (None, "group", "complement")
        and new[number] in (None, old[number])
    )


def assert_hides_no_less(new, old):
    """A breakdown as before, but for what rule C now hides too: groups whose size a
    table hides, and cells of a single choice or scale column that its shares give away."""
    assert new["by"] == old["by"]
    for group, old_group in zip(new["groups"], old["groups"], strict=True):
        assert same_or_newly_hidden(group, old_group), (group, old_group)
    for table, old_table in zip(new["questions"], old["questions"], strict=True):
        assert table["key"] == old_table["key"]
        for row, old_row in zip(table["rows"], old_table["rows"], strict=True):
            for cell, old_cell in zip(row["cells"], old_row["cells"], strict=True):
                assert same_or_newly_hidden(cell, old_cell), (table["key"], cell, old_cell)


def assert_same(new, old, rules, conditions, breakdowns, text_keys):
    conditions = list(conditions)
    old_summary = before.summarise(old, rules, conditions=conditions)
    if old_summary["status"] != "too_few" and newly_refused(new, conditions, rules):
        assert aggregation.summarise(new, rules, conditions=conditions)["status"] == "too_few"
        return
    new_summary = aggregation.summarise(new, rules, conditions=conditions)
    assert new_summary.pop("shows_hidden_count") is False
    assert new_summary == old_summary
    # "nobody" is now said only where the other parts are large enough too.
    old_options = before.filter_options(old, rules, conditions=conditions)
    for candidate, why in aggregation.filter_options(new, rules, conditions=conditions).items():
        assert why == old_options[candidate] or (why, old_options[candidate]) == (
            "too_few",
            "empty",
        )
    if conditions:
        old_allowed = before.allowed_without_each(old, rules, conditions=conditions)
        expected = [
            allowed and not newly_refused(new, conditions[:i] + conditions[i + 1 :], rules)
            for i, allowed in enumerate(old_allowed)
        ]
        assert aggregation.allowed_without_each(new, rules, conditions=conditions) == expected
    for by in breakdowns:
        if any(key == by for key, _option in conditions):
            continue
        assert_hides_no_less(
            aggregation.breakdown(new, rules, by=by, conditions=conditions),
            before.breakdown(old, rules, by=by, conditions=conditions),
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
    assert exports.to_csv(new_frame) == cell_by_cell_csv(old_frame)
