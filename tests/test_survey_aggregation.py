"""The pure aggregation against hand-computed numbers, and the small-group suppression."""

import itertools

import numpy as np
import pandas as pd
import pytest

from survey.aggregation import (
    ANSWER_COLUMNS,
    OTHER,
    QuestionSpec,
    Responses,
    Rules,
    allowed_without_each,
    bin_labels,
    breakdown,
    complementary_suppression,
    empty_answers,
    filter_options,
    free_texts,
    number_bins,
    question_trends,
    readers_filter_options,
    summarise,
    trends,
)

QUESTIONS = [
    QuestionSpec("theme", "single", ("ocean", "atmosphere"), allow_other=True),
    QuestionSpec("tools", "multiple", ("jupyter", "vim", "vscode"), allow_other=True),
    QuestionSpec("satisfaction", "scale", min_value=1, max_value=5),
    QuestionSpec("years", "number", min_value=0, max_value=50),
    QuestionSpec("remarks", "text"),
    QuestionSpec("unused", "multiple", ("a", "b")),
]


def frame(rows):
    return pd.DataFrame([(r, q, c, t, n) for r, q, c, t, n in rows], columns=ANSWER_COLUMNS).astype(
        {"number": "float64"}
    )


def answer(respondent, question, choice=None, text="", number=None):
    return (respondent, question, choice, text, number)


def sample():
    """11 responses (one empty): hand-counted below."""
    rows = [answer(r, "theme", "ocean") for r in range(1, 7)]
    rows += [answer(r, "theme", "atmosphere") for r in range(7, 10)]
    rows += [answer(10, "theme", text="glaciers")]
    rows += [answer(r, "tools", "jupyter") for r in range(1, 9)]
    rows += [answer(r, "tools", "vim") for r in range(1, 4)]
    rows += [answer(9, "tools", text="emacs")]
    for r, value in zip(range(1, 10), [4, 4, 4, 4, 5, 5, 5, 2, 2], strict=True):
        rows.append(answer(r, "satisfaction", number=float(value)))
    for r, value in zip(range(1, 8), [0, 1, 3, 3, 12, 25, 50], strict=True):
        rows.append(answer(r, "years", number=float(value)))
    rows += [answer(r, "remarks", text=f"remark {r}") for r in range(1, 4)]
    return Responses(frame(rows), 11, QUESTIONS)


def table(result, key):
    return next(t for t in result["questions"] if t["key"] == key)


def rows(result, key):
    return {row["option"]: row for row in table(result, key)["rows"]}


def test_multiple_choice_shares_are_of_respondents_who_answered():
    result = summarise(sample(), Rules(threshold=1))
    tools = rows(result, "tools")
    assert table(result, "tools")["answered"] == 9
    assert tools["jupyter"]["count"] == 8 and tools["jupyter"]["share"] == pytest.approx(8 / 9)
    assert tools["vim"]["share"] == pytest.approx(3 / 9)
    assert tools["vscode"]["count"] == 0
    assert sum(row["share"] for row in tools.values()) > 1  # several ticks each
    assert [row["option"] for row in table(result, "tools")["rows"]] == [
        "jupyter",
        "vim",
        OTHER,
        "vscode",
    ]


def test_other_answers_are_grouped_into_one_option():
    result = summarise(sample(), Rules(threshold=1))
    assert rows(result, "theme")[OTHER]["count"] == 1
    assert rows(result, "tools")[OTHER]["count"] == 1
    assert result["respondents"] == 11


def test_scale_distribution_and_median_number_histogram_and_quartiles():
    result = summarise(sample(), Rules(threshold=1))
    scale = rows(result, "satisfaction")
    assert {k: v["count"] for k, v in scale.items()} == {"1": 0, "2": 2, "3": 0, "4": 4, "5": 3}
    assert table(result, "satisfaction")["stats"] == {"median": 4.0}
    years = table(result, "years")
    assert years["stats"] == {"q1": 2.0, "median": 3.0, "q3": 18.5}
    counts = {row["option"]: row["count"] for row in years["rows"]}
    assert counts["0–4"] == 4 and counts["10–14"] == 1 and counts["45–50"] == 1
    assert sum(counts.values()) == 7


def test_empty_question_and_edition_without_responses():
    result = summarise(sample(), Rules(threshold=1))
    unused = table(result, "unused")
    assert unused["answered"] == 0 and not unused["too_few"]
    assert [row["share"] for row in unused["rows"]] == [None, None]
    nothing = summarise(Responses(empty_answers(), 0, QUESTIONS), Rules(threshold=5))
    assert nothing["respondents"] == 0 and nothing["status"] == "empty"
    assert nothing["questions"] == [] and nothing["mark"] is None


def test_small_cells_read_as_hidden_and_carry_no_number():
    result = summarise(sample(), Rules(threshold=3))
    theme = rows(result, "theme")
    assert theme["ocean"]["count"] == 6
    # "other" (1) is small; then atmosphere (3) goes too, or it would be 10 - 6 - 3 = 1.
    assert theme[OTHER] == {
        "option": OTHER,
        "count": None,
        "share": None,
        "suppressed": True,
        "mark": "small",
        "rule": None,
    }
    # Readers are told the truth of each: "other" is small, "atmosphere" is hidden for it.
    assert theme["atmosphere"]["count"] is None and theme["atmosphere"]["mark"] == "hidden"
    tools = rows(result, "tools")
    assert tools[OTHER]["count"] is None and tools["vim"]["count"] == 3  # multiple: no complement
    scale = rows(result, "satisfaction")
    assert scale["2"]["count"] is None and scale["5"]["count"] is None  # complement of 2
    assert scale["4"]["count"] == 4


def test_coordinators_see_every_number_marked():
    result = summarise(sample(), Rules(threshold=3, reveal=True))
    theme = rows(result, "theme")
    assert theme[OTHER]["count"] == 1 and theme[OTHER]["suppressed"]
    assert theme["atmosphere"]["count"] == 3 and theme["atmosphere"]["suppressed"]
    assert not theme["ocean"]["suppressed"]


def test_question_answered_by_too_few_shows_nothing():
    result = summarise(sample(), Rules(threshold=4, show_text=True))
    remarks = table(result, "remarks")
    assert remarks["too_few"] and remarks["answered"] is None and remarks["texts"] == []


def test_free_text_only_where_allowed_shuffled_the_same_way_each_time():
    hidden = summarise(sample(), Rules(threshold=3))
    assert table(hidden, "remarks")["texts"] == []
    first = table(summarise(sample(), Rules(threshold=3, show_text=True, seed=7)), "remarks")
    again = table(summarise(sample(), Rules(threshold=3, show_text=True, seed=7)), "remarks")
    assert sorted(first["texts"]) == ["remark 1", "remark 2", "remark 3"]
    assert first["texts"] == again["texts"]


def test_filter_leaving_fewer_than_threshold_shows_nothing():
    result = summarise(sample(), Rules(threshold=5), conditions=[("theme", "atmosphere")])
    assert result["respondents"] is None and result["status"] == "too_few"
    assert result["questions"] == [] and result["mark"] == "small"


def test_filter_with_enough_respondents_counts_within_it():
    result = summarise(sample(), Rules(threshold=3), conditions=[("theme", "ocean")])
    assert result["status"] == "ok" and result["respondents"] == 6
    assert rows(result, "tools")["vim"]["count"] == 3
    assert rows(result, "tools")["vim"]["share"] == pytest.approx(0.5)


def differencing_sample():
    """Filter A gives 7, A+B gives 6: B's complement in A is one person."""
    rows = [answer(r, "theme", "ocean") for r in range(1, 8)]
    rows += [answer(r, "theme", "atmosphere") for r in range(8, 21)]
    rows += [answer(r, "tools", "jupyter") for r in range(1, 7)]
    rows += [answer(r, "tools", "jupyter") for r in range(8, 21)]
    rows += [answer(7, "tools", "vim")]
    rows += [answer(r, "satisfaction", number=5.0 if r == 7 else 3.0) for r in range(1, 21)]
    return Responses(frame(rows), 20, QUESTIONS[:3])


def test_differencing_a_filter_and_a_narrower_one_is_refused():
    data = differencing_sample()
    rules = Rules(threshold=5)
    assert summarise(data, rules, conditions=[("theme", "ocean")])["respondents"] == 7
    narrower = summarise(data, rules, conditions=[("theme", "ocean"), ("tools", "jupyter")])
    assert narrower["status"] == "too_few" and narrower["respondents"] is None
    assert narrower["questions"] == []


def test_differencing_filtered_and_unfiltered_cells_is_refused():
    data = differencing_sample()
    rules = Rules(threshold=5)
    everyone = rows(summarise(data, rules), "satisfaction")
    assert everyone["3"]["count"] is None  # 19 and 1 of 20: complement hides the 19 too
    ocean = summarise(data, rules, conditions=[("theme", "ocean")])
    # In ocean, 6 chose 3 and 1 chose 5: the 5 is hidden, and so is its complement.
    assert rows(ocean, "satisfaction")["3"]["count"] is None
    jupyter = summarise(data, rules, conditions=[("tools", "jupyter")])
    # 19 of 20 use Jupyter: the one who does not would be everyone minus them.
    assert jupyter["status"] == "too_few"


def test_adversarial_filter_combinations_never_show_a_small_group():
    data = sample()
    rules = Rules(threshold=3)
    options = [
        ("theme", "ocean"),
        ("theme", "atmosphere"),
        ("tools", "jupyter"),
        ("tools", "vim"),
        ("tools", OTHER),
    ]
    for size in (1, 2, 3):
        for conditions in itertools.combinations(options, size):
            result = summarise(data, rules, conditions=list(conditions))
            assert result["respondents"] is None or not 0 < result["respondents"] < 3
            for question in result["questions"]:
                for row in question["rows"]:
                    assert row["count"] is None or not 0 < row["count"] < 3, (conditions, row)


def test_breakdown_hides_small_groups_and_their_complement():
    result = breakdown(sample(), Rules(threshold=3), by="theme")
    groups = {group["option"]: group for group in result["groups"]}
    assert groups["ocean"]["respondents"] == 6
    # other (1) is small; atmosphere (3) would be 11 - 6 - 1 - 1 empty: hidden too.
    assert groups[OTHER]["respondents"] is None and groups["atmosphere"]["respondents"] is None
    tools = next(t for t in result["questions"] if t["key"] == "tools")
    vim = next(row for row in tools["rows"] if row["option"] == "vim")
    assert vim["cells"][0] == {
        "count": 3,
        "share": 0.5,
        "suppressed": False,
        "mark": None,
        "rule": None,
    }
    jupyter = next(row for row in tools["rows"] if row["option"] == "jupyter")
    # 6 of ocean use Jupyter, but then the 8 - 6 = 2 others would show: hidden.
    assert jupyter["cells"][0]["count"] is None
    assert all(cell["count"] is None for cell in jupyter["cells"][1:])


def test_trends_follow_options_that_appear_and_disappear():
    def year_table(shares):
        return {
            "too_few": False,
            "answered": 20,
            "rows": [
                {"option": k, "share": v, "count": 10, "suppressed": False}
                for k, v in shares.items()
            ],
        }

    result = trends(
        {2020: year_table({"a": 0.5, "b": 0.2}), 2026: year_table({"a": 0.6, "c": 0.4})},
        {2020: ["a", "b"], 2026: ["a", "c"]},
    )
    assert result["years"] == [2020, 2026]
    series = {s["option"]: [p["share"] for p in s["points"]] for s in result["options"]}
    assert series == {"a": [0.5, 0.6], "b": [0.2, None], "c": [None, 0.4]}
    offered = {s["option"]: [p["offered"] for p in s["points"]] for s in result["options"]}
    assert offered["b"] == [True, False] and offered["c"] == [False, True]


def test_complementary_suppression_hides_until_the_hidden_hold_enough():
    hidden = complementary_suppression({"a": 10, "b": 4, "c": 2, "d": 0}, {"c"}, 16, 5)
    assert hidden == {"b", "c"}
    assert complementary_suppression({"a": 10, "b": 6}, set(), 16, 5) == set()


def test_number_bins_follow_bounds_not_answers():
    assert number_bins([3.0, 4.0], 0, 5) == ([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0], True)
    edges, whole = number_bins([0.5, 99.5], 0, 100)
    assert edges[0] == 0 and edges[-1] == 100 and not whole and len(edges) == 11


@pytest.mark.parametrize(
    ("values", "low", "high", "first", "last"),
    [
        ([3.0, 50.0], 0, 50, "0–4", "45–50"),  # no "50-54" beyond the question's top
        ([3.0, 12.0], 0, 47, "0–4", "45–47"),
        ([3.0, 12.0], 0, 47.5, "0–4", "45–47"),  # whole answers: 47 is the largest possible
        ([5.0, 12.0], 3, 100, "3–9", "90–100"),  # nor a "0-9" below its bottom
        ([0.5, 12.0], 0, 47, "0–5", "45–47"),
    ],
)
def test_number_bins_stay_within_the_question_bounds(values, low, high, first, last):
    labels = bin_labels(*number_bins(values, low, high))
    assert labels[0] == first and labels[-1] == last


def test_number_bins_without_bounds_do_not_give_away_the_largest_answer():
    assert bin_labels(*number_bins([3.0, 54.0]))[-1] == "50–59"
    assert bin_labels(*number_bins([3.0, 50.0]))[-1] == "45–50"
    assert bin_labels(*number_bins([3.0, 4.0])) == ["3", "4"]


def random_responses(seed, count=60):
    """``count`` made-up respondents over QUESTIONS, some choices rare, some skipped."""
    rng = np.random.default_rng(seed)
    rows = []
    for r in range(1, count + 1):
        if rng.random() < 0.9:
            theme = rng.choice(["ocean", "atmosphere", None], p=[0.6, 0.35, 0.05])
            rows.append(answer(r, "theme", theme, "" if theme else "glaciers"))
        for tool, chance in (("jupyter", 0.8), ("vim", 0.3), ("vscode", 0.06)):
            if rng.random() < chance:
                rows.append(answer(r, "tools", tool))
        if rng.random() < 0.85:
            rows.append(answer(r, "satisfaction", number=float(rng.choice([1, 3, 4, 5]))))
    return Responses(frame(rows), count + 2, QUESTIONS[:3])


ALL_CONDITIONS = [
    ("theme", "ocean"),
    ("theme", "atmosphere"),
    ("tools", "jupyter"),
    ("tools", "vim"),
    ("tools", "vscode"),
]


def reader_and_coordinator_views(data, threshold):
    """Every table readers may query, beside the same table as coordinators see it."""
    reader, coordinator = Rules(threshold=threshold), Rules(threshold=threshold, reveal=True)
    for size in (0, 1, 2):
        for conditions in itertools.combinations(ALL_CONDITIONS, size):
            shown = summarise(data, reader, conditions=list(conditions))
            full = summarise(data, coordinator, conditions=list(conditions))
            yield shown["mark"], shown["respondents"], full["respondents"]
            if shown["status"] != "ok":
                assert shown["questions"] == []  # nothing but the refusal is shown
                continue
            for seen, known in zip(shown["questions"], full["questions"], strict=True):
                # Readers' rows put the hidden ones last: match them by option.
                truth = {row["option"]: row for row in known["rows"]}
                for row in seen["rows"]:
                    yield row["mark"], row["count"], truth[row["option"]]["count"]
            for by in ("theme", "tools"):
                if any(key == by for key, _option in conditions):
                    continue
                seen = breakdown(data, reader, by=by, conditions=list(conditions))
                known = breakdown(data, coordinator, by=by, conditions=list(conditions))
                for group, true in zip(seen["groups"], known["groups"], strict=True):
                    yield group["mark"], group["respondents"], true["respondents"]
                for seen_table, known_table in zip(
                    seen["questions"], known["questions"], strict=True
                ):
                    for row, true in zip(seen_table["rows"], known_table["rows"], strict=True):
                        for cell, true_cell in zip(row["cells"], true["cells"], strict=True):
                            yield cell["mark"], cell["count"], true_cell["count"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fewer_than_n_is_said_only_of_counts_from_1_to_n_minus_1(seed):
    marks = {"small": 0, "hidden": 0}
    for mark, shown, true in reader_and_coordinator_views(random_responses(seed), 5):
        if mark is None:
            assert shown == true and not 0 < shown < 5
            continue
        assert shown is None
        marks[mark] += 1
        if mark == "small":
            assert 0 < true < 5
    # The data make both kinds, so the test checks something.
    assert marks["small"] > 0 and marks["hidden"] > 0


def test_coordinators_see_which_rule_hid_each_count():
    result = summarise(sample(), Rules(threshold=3, reveal=True))
    theme = rows(result, "theme")
    assert theme[OTHER]["rule"] == "small" and theme["atmosphere"]["rule"] == "complement"
    assert theme["ocean"]["rule"] is None
    too_few = summarise(sample(), Rules(threshold=4, reveal=True))
    assert table(too_few, "remarks")["too_few"]
    filtered = summarise(
        differencing_sample(), Rules(threshold=5, reveal=True), conditions=[("theme", "ocean")]
    )
    # In ocean 6 chose 3 and 1 chose 5; outside ocean, 13 chose 3 and none 5.
    satisfaction = rows(filtered, "satisfaction")
    assert satisfaction["5"]["rule"] == "small" and satisfaction["3"]["rule"] == "complement"
    everyone = summarise(differencing_sample(), Rules(threshold=5, reveal=True))
    assert rows(everyone, "tools")["vim"]["rule"] == "small"


def test_readers_never_learn_the_rule():
    result = summarise(sample(), Rules(threshold=3))
    assert all(row["rule"] is None for t in result["questions"] for row in t["rows"])


@pytest.mark.parametrize("seed", [1, 2])
def test_filter_options_agree_with_what_each_filter_would_show(seed):
    data = random_responses(seed)
    rules = Rules(threshold=5)
    for size in (0, 1, 2):
        for conditions in itertools.combinations(ALL_CONDITIONS, size):
            options = filter_options(data, rules, conditions=list(conditions))
            assert set(options) == {*ALL_CONDITIONS, ("theme", OTHER), ("tools", OTHER)} - set(
                conditions
            )
            for candidate, status in options.items():
                added = summarise(data, rules, conditions=[*conditions, candidate])
                if status != added["status"]:
                    # Refused although its parts are large enough: it would show a hidden
                    # count (readers see such an option as "hidden", see readers_filter_options).
                    coordinator = Rules(threshold=5, reveal=True)
                    seen = summarise(data, coordinator, conditions=[*conditions, candidate])
                    assert status in ("ok", "empty") and seen["rule"] == "complement", (
                        conditions,
                        candidate,
                    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filter_reasons_tell_readers_no_count_the_tables_hide(seed):
    data = random_responses(seed)
    rules = Rules(threshold=5)
    seen = set()
    for size in (0, 1, 2):
        for conditions in itertools.combinations(ALL_CONDITIONS, size):
            summary = summarise(data, rules, conditions=list(conditions))
            raw = filter_options(data, rules, conditions=list(conditions))
            options = readers_filter_options(raw, summary)
            seen |= set(options.values())
            if summary["status"] == "too_few":
                # Inside a refused selection, reasons would list its few people's answers.
                assert set(options.values()) == {"refused"}
                continue
            shown = {
                (table["key"], row["option"]): None if table["too_few"] else row["count"]
                for table in summary["questions"]
                for row in table["rows"]
            }
            for key, why in options.items():
                if why == "empty":
                    assert shown.get(key, 0) == 0, (conditions, key)
                elif why == "ok":
                    assert shown[key], (conditions, key)
                elif why == "too_few":  # of a count the table shows (0 too: other parts small)
                    assert shown[key] is not None, (conditions, key)
                else:
                    assert why == "hidden" and shown[key] is None, (conditions, key)
    assert {"refused", "hidden", "ok", "too_few"} <= seen


def test_coordinators_keep_every_filter_reason():
    data = differencing_sample()
    conditions = [("theme", "ocean"), ("tools", "jupyter")]
    rules = Rules(threshold=5, reveal=True)
    summary = summarise(data, rules, conditions=conditions)
    raw = filter_options(data, rules, conditions=conditions)
    assert "refused" not in raw.values() and summary["status"] == "too_few"


def complement_sample():
    """Theme: 10 ocean, 3 atmosphere, 12 "other"; the 3 are hidden, so are the 10 (rule C)."""
    rows = [answer(r, "theme", "ocean") for r in range(1, 11)]
    rows += [answer(r, "theme", "atmosphere") for r in range(11, 14)]
    rows += [answer(r, "theme", text="glaciers") for r in range(14, 26)]
    rows += [answer(r, "tools", "jupyter") for r in range(1, 26)]
    return Responses(frame(rows), 25, QUESTIONS[:2])


def test_a_filter_never_shows_a_count_its_table_hides():
    data = complement_sample()
    rules = Rules(threshold=5)
    theme = rows(summarise(data, rules), "theme")
    assert theme["ocean"]["count"] is None and theme[OTHER]["count"] == 12
    # Filtered by ocean, the page would say "10 respondents": 25 - 10 - 12 = 3 in atmosphere.
    ocean = summarise(data, rules, conditions=[("theme", "ocean")])
    assert ocean["status"] == "too_few" and ocean["respondents"] is None
    assert ocean["questions"] == [] and ocean["mark"] == "hidden" and ocean["shows_hidden_count"]
    assert (
        summarise(data, Rules(threshold=5, reveal=True), conditions=[("theme", "ocean")])["rule"]
        == "complement"
    )
    # Nor through a second filter that keeps everyone (all use Jupyter), nor its free texts.
    both = summarise(data, rules, conditions=[("tools", "jupyter"), ("theme", "ocean")])
    assert both["status"] == "too_few"
    assert allowed_without_each(
        data, rules, conditions=[("tools", "jupyter"), ("theme", "ocean")]
    ) == [False, True]
    assert summarise(data, rules, conditions=[("theme", OTHER)])["respondents"] == 12
    options = readers_filter_options(filter_options(data, rules), summarise(data, rules))
    assert options[("theme", "ocean")] == "hidden" and options[("theme", OTHER)] == "ok"


def test_a_breakdown_column_hides_what_its_shares_would_give_away():
    # Everyone uses Jupyter: its column is the theme table, whose shares give its total.
    column = {
        row["option"]: row["cells"][0]
        for table in breakdown(complement_sample(), Rules(threshold=5), by="tools")["questions"]
        if table["key"] == "theme"
        for row in table["rows"]
    }
    assert column["atmosphere"]["mark"] == "small"
    assert column["ocean"]["count"] is None and column["ocean"]["mark"] == "hidden"
    assert column[OTHER]["count"] == 12
    coordinator = breakdown(complement_sample(), Rules(threshold=5, reveal=True), by="tools")
    cells = {
        row["option"]: row["cells"][0]
        for table in coordinator["questions"]
        if table["key"] == "theme"
        for row in table["rows"]
    }
    assert cells["ocean"]["count"] == 10 and cells["ocean"]["rule"] == "complement"


def test_a_breakdown_group_whose_size_a_table_hides_is_hidden():
    groups = breakdown(complement_sample(), Rules(threshold=5), by="theme")["groups"]
    sizes = {group["option"]: (group["respondents"], group["mark"]) for group in groups}
    assert sizes["ocean"] == (None, "hidden") and sizes["atmosphere"] == (None, "small")
    assert sizes[OTHER] == (12, None)


def test_filter_options_past_the_limit_are_all_refused():
    conditions = [("theme", "ocean"), ("tools", "jupyter"), ("tools", "vim")]
    options = filter_options(random_responses(1), Rules(threshold=5), conditions=conditions)
    assert set(options.values()) == {"limit"}


def test_a_refused_filter_pair_offers_the_views_without_each():
    data = differencing_sample()
    conditions = [("theme", "ocean"), ("tools", "jupyter")]
    assert summarise(data, Rules(threshold=5), conditions=conditions)["status"] == "too_few"
    # Without "ocean": 19 of 20 use Jupyter (refused); without "jupyter": ocean's 7 (shown).
    assert allowed_without_each(data, Rules(threshold=5), conditions=conditions) == [False, True]


def test_results_page_texts_are_a_sample_and_the_full_list_follows_the_same_rules():
    rows = [answer(r, "remarks", text=f"remark {r:02}") for r in range(1, 31)]
    rows += [answer(r, "theme", "ocean" if r <= 20 else "atmosphere") for r in range(1, 31)]
    data = Responses(frame(rows), 30, [QUESTIONS[0], QUESTIONS[4]])
    rules = Rules(threshold=5, show_text=True, seed=3)
    remarks = table(summarise(data, rules), "remarks")
    assert remarks["text_count"] == 30 and len(remarks["texts"]) == 20
    every = free_texts(data, rules, key="remarks")
    assert sorted(every) == [f"remark {r:02}" for r in range(1, 31)]
    assert every[:20] == remarks["texts"]
    ocean = free_texts(data, rules, key="remarks", conditions=[("theme", "ocean")])
    assert sorted(ocean) == [f"remark {r:02}" for r in range(1, 21)]
    assert free_texts(data, Rules(threshold=5), key="remarks") is None  # edition keeps them
    assert free_texts(data, rules, key="theme") is None
    # 30 - 28 = 2 outside the filter: the filter is refused, so are its texts.
    tiny = [answer(r, "theme", "ocean" if r <= 28 else "atmosphere") for r in range(1, 31)]
    tiny_data = Responses(frame(rows[:30] + tiny), 30, [QUESTIONS[0], QUESTIONS[4]])
    assert free_texts(tiny_data, rules, key="remarks", conditions=[("theme", "ocean")]) is None


def test_question_trends_follow_keys_shown_in_two_editions():
    first, second = sample(), sample()
    rules = Rules(threshold=3)
    specs = {2020: QUESTIONS, 2026: QUESTIONS[:2]}
    found = dict(
        question_trends({2020: summarise(first, rules), 2026: summarise(second, rules)}, specs)
    )
    assert list(found) == ["theme", "tools"]  # "unused" was asked in 2020 only
    ocean = next(s for s in found["theme"]["options"] if s["option"] == "ocean")
    assert [p["share"] for p in ocean["points"]] == [0.6, 0.6]
    other = next(s for s in found["theme"]["options"] if s["option"] == OTHER)
    assert [p["mark"] for p in other["points"]] == ["small", "small"]
    answered = table(summarise(first, rules), "theme")["answered"]
    assert found["theme"]["answered"] == [{"count": answered, "suppressed": False}] * 2
