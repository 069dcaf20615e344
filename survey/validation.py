"""The rules an answer must follow, shared by the forms, the services and the CSV import.

Pure: question-like objects and plain values in, error messages out. An answer is
a dict, by question type:

- single or multiple choice: ``{"choices": ["key", ...], "other": "text"}``
  (``other`` is empty when "other" was not ticked);
- free text: ``{"text": "..."}``;
- scale or number: ``{"number": 3.0}``.

A question left unanswered is simply absent from the answers.
"""

import math

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CHOICE_KINDS = {"single", "multiple"}
NUMERIC_KINDS = {"scale", "number"}


def is_empty(kind, value):
    if not value:
        return True
    if kind in CHOICE_KINDS:
        return (
            not value.get("choices")
            and not value.get("other", "").strip()
            and not value.get("other_ticked")
        )
    if kind == "text":
        return not value.get("text", "").strip()
    return value.get("number") is None


def format_number(number):
    """A number as the member typed it: 4 rather than 4.0, 1500000 rather than 1.5e+06."""
    number = float(number)
    return str(int(number)) if number.is_integer() else repr(number)


def answer_errors(question, value, choice_keys):
    """The messages that make ``value`` an invalid answer to ``question`` (empty when valid).

    ``choice_keys`` is the set of the question's choice keys. A missing answer
    is not an error here: ``missing_required`` decides that.
    """
    kind = question.kind
    if is_empty(kind, value):
        return []
    if kind in CHOICE_KINDS:
        return _choice_errors(question, value, choice_keys)
    if kind in NUMERIC_KINDS:
        return _number_errors(question, value["number"])
    return []


def _choice_errors(question, value, choice_keys):
    chosen = list(value.get("choices", []))
    other = value.get("other")
    errors = []
    unknown = [key for key in chosen if key not in choice_keys]
    if unknown:
        errors.append(_("Unknown choice: %(keys)s.") % {"keys": ", ".join(unknown)})
    if other is not None and other != "" and not question.allow_other:
        errors.append(_("This question has no “other” answer."))
    ticked_other = value.get("other_ticked", bool(other))
    if ticked_other and not (other or "").strip():
        errors.append(_("You ticked “other”: please say what it is."))
    count = len(set(chosen)) + (1 if ticked_other else 0)
    if question.kind == "single" and count > 1:
        errors.append(_("Choose only one answer."))
    if question.kind == "multiple" and question.max_choices and count > question.max_choices:
        errors.append(
            ngettext(
                "Choose at most %(max)d answer (you chose %(count)d).",
                "Choose at most %(max)d answers (you chose %(count)d).",
                question.max_choices,
            )
            % {"max": question.max_choices, "count": count}
        )
    return errors


def _number_errors(question, number):
    if not isinstance(number, int | float) or isinstance(number, bool) or not math.isfinite(number):
        return [_("Enter a number.")]
    errors = []
    low, high = question.min_value, question.max_value
    if question.kind == "scale" and number != int(number):
        errors.append(_("Choose one of the values of the scale."))
    if low is not None and high is not None and not low <= number <= high:
        errors.append(
            _("Enter a number between %(low)s and %(high)s.")
            % {"low": format_number(low), "high": format_number(high)}
        )
    elif low is not None and number < low:
        errors.append(_("Enter a number of at least %(low)s.") % {"low": format_number(low)})
    elif high is not None and number > high:
        errors.append(_("Enter a number of at most %(high)s.") % {"high": format_number(high)})
    return errors


def missing_required(questions, answers):
    """The required questions that have no answer, in order."""
    return [q for q in questions if q.required and is_empty(q.kind, answers.get(q.key))]
