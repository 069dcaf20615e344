"""The pure aggregation against hand-computed numbers, and the small-group suppression."""

import itertools

import pandas as pd
import pytest

from survey.aggregation import (
    ANSWER_COLUMNS,
    OTHER,
    QuestionSpec,
    Responses,
    Rules,
    breakdown,
    complementary_suppression,
    empty_answers,
    number_bins,
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
    assert counts["0–4"] == 4 and counts["10–14"] == 1 and counts["50–54"] == 1
    assert sum(counts.values()) == 7


def test_empty_question_and_edition_without_responses():
    result = summarise(sample(), Rules(threshold=1))
    unused = table(result, "unused")
    assert unused["answered"] == 0 and not unused["too_few"]
    assert [row["share"] for row in unused["rows"]] == [None, None]
    nothing = summarise(Responses(empty_answers(), 0, QUESTIONS), Rules(threshold=5))
    assert nothing == {"respondents": 0, "status": "empty", "questions": []}


def test_small_cells_read_as_hidden_and_carry_no_number():
    result = summarise(sample(), Rules(threshold=3))
    theme = rows(result, "theme")
    assert theme["ocean"]["count"] == 6
    # "other" (1) is small; then atmosphere (3) goes too, or it would be 10 - 6 - 3 = 1.
    assert theme[OTHER] == {"option": OTHER, "count": None, "share": None, "suppressed": True}
    assert theme["atmosphere"]["count"] is None
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
    assert result == {"respondents": None, "status": "too_few", "questions": []}


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
    assert vim["cells"][0] == {"count": 3, "share": 0.5, "suppressed": False}
    jupyter = next(row for row in tools["rows"] if row["option"] == "jupyter")
    # 6 of ocean use Jupyter, but then the 8 - 6 = 2 others would show: hidden.
    assert jupyter["cells"][0]["count"] is None
    assert all(cell["count"] is None for cell in jupyter["cells"][1:])


def test_trends_follow_options_that_appear_and_disappear():
    def year_table(shares):
        return {
            "too_few": False,
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
