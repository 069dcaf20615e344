"""Each question type's rules, on plain objects (no database)."""

from types import SimpleNamespace

import pytest
from django.utils import translation

from survey.validation import answer_errors, is_empty, missing_required


def question(kind, **fields):
    defaults = {
        "key": "q",
        "required": False,
        "allow_other": False,
        "max_choices": None,
        "min_value": None,
        "max_value": None,
    }
    return SimpleNamespace(kind=kind, **{**defaults, **fields})


KEYS = {"a", "b", "c"}


@pytest.fixture(autouse=True)
def _in_english():
    with translation.override("en"):
        yield


def test_single_choice_accepts_one_known_choice():
    assert answer_errors(question("single"), {"choices": ["a"], "other": ""}, KEYS) == []


def test_single_choice_refuses_two_choices_and_unknown_keys():
    errors = answer_errors(question("single"), {"choices": ["a", "z"], "other": ""}, KEYS)
    assert "Unknown choice: z." in errors
    assert "Choose only one answer." in errors


def test_single_choice_other_counts_as_the_one_answer():
    q = question("single", allow_other=True)
    assert answer_errors(q, {"choices": [], "other": "Glaciers"}, KEYS) == []
    assert "Choose only one answer." in answer_errors(q, {"choices": ["a"], "other": "x"}, KEYS)


def test_other_ticked_without_text_is_an_error():
    q = question("multiple", allow_other=True)
    errors = answer_errors(q, {"choices": ["a"], "other": "  ", "other_ticked": True}, KEYS)
    assert errors == ["You ticked “other”: please say what it is."]


def test_other_text_refused_when_the_question_has_no_other():
    errors = answer_errors(question("multiple"), {"choices": [], "other": "x"}, KEYS)
    assert errors == ["This question has no “other” answer."]


def test_multiple_choice_maximum_counts_other_too():
    q = question("multiple", allow_other=True, max_choices=2)
    assert answer_errors(q, {"choices": ["a", "b"], "other": ""}, KEYS) == []
    errors = answer_errors(q, {"choices": ["a", "b"], "other": "Emacs"}, KEYS)
    assert errors == ["Choose at most 2 answers (you chose 3)."]


@pytest.mark.parametrize(
    ("number", "message"),
    [
        (-1.0, "Enter a number between 0 and 50."),
        (50.5, "Enter a number between 0 and 50."),
        (float("nan"), "Enter a number."),
    ],
)
def test_number_out_of_bounds(number, message):
    q = question("number", min_value=0, max_value=50)
    assert answer_errors(q, {"number": number}, set()) == [message]


def test_number_with_one_bound():
    q = question("number", min_value=0)
    assert answer_errors(q, {"number": 1e6}, set()) == []
    assert answer_errors(q, {"number": -2.0}, set()) == ["Enter a number of at least 0."]


def test_scale_takes_whole_values_within_its_range():
    q = question("scale", min_value=1, max_value=5)
    assert answer_errors(q, {"number": 3.0}, set()) == []
    assert answer_errors(q, {"number": 2.5}, set()) == ["Choose one of the values of the scale."]
    assert answer_errors(q, {"number": 6.0}, set()) == ["Enter a number between 1 and 5."]


def test_free_text_has_no_rule_but_emptiness():
    assert answer_errors(question("text"), {"text": "anything"}, set()) == []
    assert is_empty("text", {"text": "   "})


def test_missing_required_lists_only_empty_required_questions():
    questions = [
        question("single", key="a", required=True),
        question("text", key="b", required=True),
        question("number", key="c", required=False),
    ]
    answers = {"a": {"choices": [], "other": ""}, "b": {"text": "ok"}}
    assert [q.key for q in missing_required(questions, answers)] == ["a"]
