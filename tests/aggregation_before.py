"""The survey aggregation as it stood before issue 17, kept only to check the new one.

A verbatim copy of survey/aggregation.py at commit c593836 (its docstring trimmed),
and of survey/exports.py's wide_frame and writers: tests/test_survey_aggregation_equivalence.py
compares old and new to the cell, bench/results_parts.py times them side by side.
"""

import csv
import io
import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from kb.spreadsheets import looks_like_formula, safe_csv_cell

OTHER = "_other"  # option of the grouped "other, please specify" answers (keys cannot start with _)
ANSWERED = "_answered"  # pseudo-option: the respondent answered the question
MAX_FILTERS = 3
CHOICE_KINDS = ("single", "multiple")
PARTITION_KINDS = ("single", "scale", "number")  # one option per respondent: counts add up
ANSWER_COLUMNS = ["respondent", "question", "choice", "text", "number"]
TEXTS_SHOWN = 20  # free-text answers on the results page; the rest on their own pages

# Why a count is hidden, in the order they are checked.
RULES = (
    "question",  # fewer than N answered the question: its whole table is hidden
    "group",  # the breakdown group is hidden (rule B, or rule C across groups)
    "small",  # the count itself is 1 to N-1
    "atom",  # rule A: small in another part of the filters' partition
    "complement",  # rule C: would give away a smaller hidden count by subtraction
)


@dataclass(frozen=True)
class QuestionSpec:
    key: str
    kind: str
    choices: tuple = ()
    allow_other: bool = False
    min_value: float | None = None
    max_value: float | None = None


@dataclass(frozen=True)
class Rules:
    threshold: int
    reveal: bool = False  # coordinators: numbers kept, suppressed cells marked
    show_text: bool = False
    seed: int = 0  # shuffles free text the same way on every load


@dataclass
class Responses:
    """An edition's submitted answers and how many responses were submitted."""

    answers: pd.DataFrame
    respondent_count: int
    questions: list = field(default_factory=list)
    _pairs: tuple | None = field(default=None, repr=False, compare=False)

    def option_pairs(self):
        """``option_pairs`` of these answers, worked out once for every table made from them."""
        if self._pairs is None:
            self._pairs = option_pairs(self.answers, self.questions)
        return self._pairs


def empty_answers():
    return pd.DataFrame(
        {
            "respondent": pd.Series(dtype="int64"),
            "question": pd.Series(dtype="object"),
            "choice": pd.Series(dtype="object"),
            "text": pd.Series(dtype="object"),
            "number": pd.Series(dtype="float64"),
        }
    )


# Options: every answer row becomes (respondent, question, option).


def number_bins(values, low=None, high=None):
    """Histogram bins of a number question: ``(edges, whole)``.

    One bin per value for whole numbers over a short range, else about ten
    bins of a round width. Bounds come from the question where it has them,
    so that the edges do not give away the smallest or largest answer.
    """
    values = np.asarray(values, dtype=float)
    if low is None:
        low = math.floor(values.min()) if values.size else 0.0
    if high is None:
        high = math.ceil(values.max()) if values.size else 1.0
    whole = bool(np.all(values == np.round(values))) and float(low).is_integer()
    if whole and high - low <= 20:
        return [float(edge) for edge in np.arange(low, high + 2)], True
    raw = max(high - low, 1e-9) / 10
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    whole = whole and float(step).is_integer()
    start = math.floor(low / step) * step
    # Whole numbers: the top value opens a bin of its own ("50-54"), as the others do.
    count = max(math.ceil((high - start) / step), 1) + (1 if whole else 0)
    return [float(start + i * step) for i in range(count + 1)], whole


def bin_labels(edges, whole):
    if not whole:
        return [f"{left:g}–{right:g}" for left, right in itertools.pairwise(edges)]
    return [
        f"{left:g}" if right - left == 1 else f"{left:g}–{right - 1:g}"
        for left, right in itertools.pairwise(edges)
    ]


def _number_options(numbers, edges, whole):
    labels = bin_labels(edges, whole)
    codes = np.clip(np.searchsorted(edges, numbers, side="right") - 1, 0, len(labels) - 1)
    return [labels[code] for code in codes], labels


def option_pairs(answers, questions):
    """Tidy (respondent, question, option) rows, one per respondent per option.

    Choice questions: the choice key, or ``OTHER`` for an "other" text. Scales:
    the value. Numbers: the histogram bin. Free text: ``ANSWERED``.
    """
    frames = []
    options = {}
    for question in questions:
        rows = answers[answers["question"] == question.key]
        if question.kind in CHOICE_KINDS:
            chosen = rows["choice"].where(rows["choice"].notna(), OTHER)
            keep = rows["choice"].notna() | (rows["text"].fillna("") != "")
            option = chosen[keep]
            respondent = rows["respondent"][keep]
            options[question.key] = list(question.choices) + (
                [OTHER] if question.allow_other or (option == OTHER).any() else []
            )
        elif question.kind == "scale":
            numbers = rows["number"].dropna()
            respondent = rows["respondent"][numbers.index]
            option = numbers.map(lambda value: f"{value:g}")
            low, high = question.min_value, question.max_value
            values = range(int(low), int(high) + 1) if low is not None and high is not None else ()
            options[question.key] = [f"{value:g}" for value in values] or sorted(
                option.unique(), key=float
            )
        elif question.kind == "number":
            numbers = rows["number"].dropna()
            respondent = rows["respondent"][numbers.index]
            edges, whole = number_bins(numbers.to_numpy(), question.min_value, question.max_value)
            labels, options[question.key] = _number_options(numbers.to_numpy(), edges, whole)
            option = pd.Series(labels, index=numbers.index, dtype="object")
        else:
            texts = rows["text"].fillna("")
            respondent = rows["respondent"][texts != ""]
            option = pd.Series(ANSWERED, index=respondent.index, dtype="object")
            options[question.key] = []
        frames.append(
            pd.DataFrame(
                {
                    "respondent": respondent.to_numpy(),
                    "question": question.key,
                    "option": option.to_numpy(dtype=object),
                }
            )
        )
    if frames:
        pairs = pd.concat(frames, ignore_index=True).drop_duplicates()
    else:
        pairs = pd.DataFrame({"respondent": [], "question": [], "option": []})
    return pairs, options


# Filters and atoms.


def members(pairs, condition):
    question, option = condition
    rows = pairs[(pairs["question"] == question) & (pairs["option"] == option)]
    return pd.Index(rows["respondent"].unique())


def atom_masks(pairs, conditions):
    """For every respondent with an answer, a bit mask of the conditions it meets."""
    respondents = pd.Index(pairs["respondent"].unique())
    masks = pd.Series(0, index=respondents, dtype="int64")
    for bit, condition in enumerate(conditions):
        masks[respondents.isin(members(pairs, condition))] += 1 << bit
    return masks


def atom_sizes(masks, respondent_count, conditions):
    sizes = masks.value_counts()
    without_answers = respondent_count - len(masks)
    sizes[0] = sizes.get(0, 0) + without_answers
    return {int(mask): int(size) for mask, size in sizes.items()}


def is_small(count, threshold):
    return 0 < count < threshold


def atoms_are_safe(sizes, threshold):
    return not any(is_small(size, threshold) for size in sizes.values())


# Cell counts under rules A and C.


def _cell_counts(pairs, masks, full_mask, threshold):
    """Counts in the selected set (mask == full) and the (question, option) cells rule A hides."""
    atoms = pairs["respondent"].map(masks)
    per_atom = pairs.groupby([pairs["question"], pairs["option"], atoms]).size()
    unsafe = per_atom[(per_atom > 0) & (per_atom < threshold)]
    unsafe_cells = set(
        zip(unsafe.index.get_level_values(0), unsafe.index.get_level_values(1), strict=True)
    )
    selected = per_atom[per_atom.index.get_level_values(2) == full_mask].droplevel(2)
    answered_pairs = pairs.drop_duplicates(["respondent", "question"])
    answered_atoms = answered_pairs["respondent"].map(masks)
    answered_per_atom = answered_pairs.groupby([answered_pairs["question"], answered_atoms]).size()
    small = answered_per_atom[(answered_per_atom > 0) & (answered_per_atom < threshold)]
    unsafe_answered = set(small.index.get_level_values(0))
    answered = answered_per_atom[answered_per_atom.index.get_level_values(1) == full_mask]
    return (
        selected.to_dict(),
        unsafe_cells,
        answered.droplevel(1).to_dict(),
        unsafe_answered,
    )


def complementary_suppression(counts, hidden, total, threshold):
    """Hide more cells until the hidden ones hold 0 or at least ``threshold`` together (rule C).

    ``counts`` maps option to count; returns the set of hidden options. The
    smallest shown cells go first; empty cells are never worth hiding.
    """
    hidden = set(hidden)
    while True:
        residual = total - sum(count for option, count in counts.items() if option not in hidden)
        if not is_small(residual, threshold):
            return hidden
        shown = [(count, option) for option, count in counts.items() if option not in hidden]
        shown = [(count, option) for count, option in shown if count > 0]
        if not shown:
            return hidden
        hidden.add(min(shown, key=lambda item: (item[0], str(item[1])))[1])


def _redact(value, hidden, rules):
    return None if hidden and not rules.reveal else value


def _hidden_fields(rule, rules):
    """``suppressed``, ``mark`` (what readers are told) and ``rule`` (coordinators only)."""
    mark = None if rule is None else ("small" if rule == "small" else "hidden")
    return {
        "suppressed": rule is not None,
        "mark": mark,
        "rule": rule if rules.reveal else None,
    }


def _question_table(question, options, counts, unsafe, answered, answered_unsafe, rules, numbers):
    """The table of one question in the selected set."""
    threshold = rules.threshold
    too_few = answered_unsafe or is_small(answered, threshold)
    option_counts = {option: int(counts.get((question.key, option), 0)) for option in options}
    small = {option for option, count in option_counts.items() if is_small(count, threshold)}
    in_atoms = {option for option in options if (question.key, option) in unsafe}
    hidden = small | in_atoms
    if question.kind in PARTITION_KINDS:
        hidden = complementary_suppression(option_counts, hidden, answered, threshold)
    rows = []
    for option in options:
        count = option_counts[option]
        rule = _first_rule(
            question=too_few,
            small=option in small,
            atom=option in in_atoms,
            complement=option in hidden,
        )
        suppressed = rule is not None
        rows.append(
            {
                "option": option,
                "count": _redact(count, suppressed, rules),
                "share": _redact(count / answered if answered else None, suppressed, rules),
                **_hidden_fields(rule, rules),
            }
        )
    if question.kind in CHOICE_KINDS:
        order = {option: position for position, option in enumerate(options)}
        # Shown rows by count; hidden ones after, in the question's order (their size stays secret).
        rows.sort(
            key=lambda row: (
                row["suppressed"] and not rules.reveal,
                -(row["count"] or 0),
                row["option"] == OTHER,
                order[row["option"]],
            )
        )
    table = {
        "key": question.key,
        "kind": question.kind,
        "answered": _redact(answered, too_few, rules),
        "too_few": too_few,
        "rows": rows if question.kind != "text" else [],
    }
    if question.kind in ("scale", "number"):
        table["stats"] = _redact(_number_stats(numbers, question.kind), too_few, rules)
    return table


def _first_rule(**reasons):
    """The first rule of ``RULES`` that holds, or None."""
    return next((rule for rule in RULES if reasons.get(rule)), None)


def _number_stats(numbers, kind):
    if numbers is None or len(numbers) == 0:
        return None
    q1, median, q3 = (float(value) for value in np.quantile(numbers, [0.25, 0.5, 0.75]))
    if kind == "scale":
        return {"median": median}
    return {"q1": q1, "median": median, "q3": q3}


def _texts(answers, key, respondents, rules):
    rows = answers[(answers["question"] == key) & answers["respondent"].isin(respondents)]
    texts = sorted(text for text in rows["text"].fillna("") if text)
    # Sorted then shuffled with the edition's seed: the order tells nothing of when or
    # by whom, and stays the same from one load to the next.
    order = np.random.default_rng(rules.seed).permutation(len(texts))
    return [texts[i] for i in order]


def _selected_numbers(answers, key, respondents):
    rows = answers[(answers["question"] == key) & answers["respondent"].isin(respondents)]
    return rows["number"].dropna().to_numpy()


# Entry points.


def _selection(responses, rules, conditions):
    """The pairs, options, atom masks and status of the respondents meeting ``conditions``."""
    pairs, options = responses.option_pairs()
    conditions = list(conditions)[:MAX_FILTERS]
    masks = atom_masks(pairs, conditions)
    full = (1 << len(conditions)) - 1
    sizes = atom_sizes(masks, responses.respondent_count, conditions)
    selected = sizes.get(full, 0)
    safe = atoms_are_safe(sizes, rules.threshold)
    status = "empty" if selected == 0 else ("ok" if safe else "too_few")
    # "small": the selection itself holds 1 to N-1; "hidden": another part of the partition does.
    rule = None if safe else ("small" if is_small(selected, rules.threshold) else "atom")
    return pairs, options, conditions, masks, full, selected, status, rule


def summarise(responses, rules, *, conditions=()):
    """One table per question for the respondents meeting every condition.

    ``conditions`` are (question key, option) pairs, combined with AND. Returns
    ``{"respondents", "status", "mark", "rule", "questions"}``; status is ``"ok"``,
    ``"empty"`` (no respondent), or ``"too_few"`` (a part of the partition the
    filters make is small: no table at all, unless ``reveal``). Free-text tables
    hold at most ``TEXTS_SHOWN`` texts and their ``text_count``.
    """
    answers, questions = responses.answers, responses.questions
    pairs, options, conditions, masks, full, selected, status, rule = _selection(
        responses, rules, conditions
    )
    result = {
        "respondents": _redact(selected, rule is not None, rules),
        "status": status,
        **_hidden_fields(rule, rules),
        "questions": [],
    }
    if status == "empty" or (status == "too_few" and not rules.reveal):
        return result
    counts, unsafe, answered, answered_unsafe = _cell_counts(pairs, masks, full, rules.threshold)
    respondents = masks.index[masks == full]
    for question in questions:
        numbers = None
        if question.kind in ("scale", "number"):
            numbers = _selected_numbers(answers, question.key, respondents)
        table = _question_table(
            question,
            options[question.key],
            counts,
            unsafe,
            int(answered.get(question.key, 0)),
            question.key in answered_unsafe,
            rules,
            numbers,
        )
        if question.kind == "text":
            texts = []
            if rules.show_text and (not table["too_few"] or rules.reveal):
                texts = _texts(answers, question.key, respondents, rules)
            table["texts"] = texts[:TEXTS_SHOWN]
            table["text_count"] = len(texts)
        result["questions"].append(table)
    return result


def free_texts(responses, rules, *, key, conditions=()):
    """Every free-text answer to question ``key`` that ``summarise`` would list, or None.

    None when the edition does not publish free text, the question is not a
    free-text one, or the selection or the question is hidden from the reader.
    """
    question = next((q for q in responses.questions if q.key == key), None)
    if question is None or question.kind != "text" or not rules.show_text:
        return None
    pairs, _options, _conditions, masks, full, _selected, status, _rule = _selection(
        responses, rules, conditions
    )
    if status == "empty":
        return []
    if status == "too_few" and not rules.reveal:
        return None
    answered = pairs[pairs["question"] == key]
    atoms = answered["respondent"].map(masks).value_counts()
    if any(is_small(int(n), rules.threshold) for n in atoms) and not rules.reveal:
        return None
    return _texts(responses.answers, key, masks.index[masks == full], rules)


def filter_options(responses, rules, *, conditions=()):
    """What adding each choice option to ``conditions`` as one more filter would give.

    Returns ``{(question key, option): "ok" | "empty" | "too_few" | "limit"}``
    for every option of a choice question not already a condition, by the same
    rule B as ``summarise``, in one pass: each option's respondents counted per
    atom of the current partition, the rest of each atom by subtraction.
    """
    pairs, options = responses.option_pairs()
    conditions = list(conditions)[:MAX_FILTERS]
    candidates = [
        (question.key, option)
        for question in responses.questions
        if question.kind in CHOICE_KINDS
        for option in options[question.key]
        if (question.key, option) not in conditions
    ]
    if len(conditions) >= MAX_FILTERS:
        return dict.fromkeys(candidates, "limit")
    masks = atom_masks(pairs, conditions)
    sizes = atom_sizes(masks, responses.respondent_count, conditions)
    full = (1 << len(conditions)) - 1
    chosen = pairs[pairs["question"].isin({key for key, _option in candidates})]
    inside = chosen.groupby(
        [chosen["question"], chosen["option"], chosen["respondent"].map(masks)]
    ).size()
    inside_by_option = {}
    for (key, option, mask), count in inside.items():
        inside_by_option.setdefault((key, option), {})[int(mask)] = int(count)
    found = {}
    for candidate in candidates:
        counts = inside_by_option.get(candidate, {})
        parts = [counts.get(mask, 0) for mask in sizes]
        parts += [size - counts.get(mask, 0) for mask, size in sizes.items()]
        if not counts.get(full, 0):
            found[candidate] = "empty"
        elif any(is_small(part, rules.threshold) for part in parts):
            found[candidate] = "too_few"
        else:
            found[candidate] = "ok"
    return found


def allowed_without_each(responses, rules, *, conditions):
    """For each condition in turn, whether the others alone make a selection readers may see."""
    pairs, _options = responses.option_pairs()
    conditions = list(conditions)[:MAX_FILTERS]
    allowed = []
    for dropped in range(len(conditions)):
        rest = conditions[:dropped] + conditions[dropped + 1 :]
        masks = atom_masks(pairs, rest)
        sizes = atom_sizes(masks, responses.respondent_count, rest)
        full = (1 << len(rest)) - 1
        allowed.append(atoms_are_safe(sizes, rules.threshold) and sizes.get(full, 0) > 0)
    return allowed


def breakdown(responses, rules, *, by, conditions=()):
    """The choice and scale questions broken down by the options of question ``by``.

    Each option of ``by`` is a group, treated as one more filter condition (rules
    A and B); the groups of a single-choice question also follow rule C. Returns
    ``{"by", "groups": [{"option", "respondents", "suppressed", "mark", "rule"}],
    "questions": [{"key", "kind", "rows": [{"option", "cells": [{"count",
    "share", "suppressed", "mark", "rule"}]}]}]}``.
    """
    questions = responses.questions
    by_question = next(q for q in questions if q.key == by)
    pairs, options = responses.option_pairs()
    conditions = list(conditions)[:MAX_FILTERS]
    base_masks = atom_masks(pairs, conditions)
    base_sizes = atom_sizes(base_masks, responses.respondent_count, conditions)
    base_full = (1 << len(conditions)) - 1
    selected = base_sizes.get(base_full, 0)
    groups, per_group = [], []
    for option in options[by]:
        group_conditions = [*conditions, (by, option)]
        masks = atom_masks(pairs, group_conditions)
        sizes = atom_sizes(masks, responses.respondent_count, group_conditions)
        full = (1 << len(group_conditions)) - 1
        size = sizes.get(full, 0)
        groups.append(
            {"option": option, "size": size, "safe": atoms_are_safe(sizes, rules.threshold)}
        )
        per_group.append(_cell_counts(pairs, masks, full, rules.threshold) if size else None)
    unsafe_groups = {g["option"] for g in groups if not g["safe"]}
    hidden = set(unsafe_groups)
    if by_question.kind == "single":
        sizes_by_option = {g["option"]: g["size"] for g in groups}
        hidden = complementary_suppression(sizes_by_option, hidden, selected, rules.threshold)
    for group in groups:
        group["rule"] = _first_rule(
            small=is_small(group["size"], rules.threshold),
            atom=group["option"] in unsafe_groups,
            complement=group["option"] in hidden,
        )
    result_groups = [
        {
            "option": g["option"],
            "respondents": _redact(g["size"], g["rule"] is not None, rules),
            **_hidden_fields(g["rule"], rules),
        }
        for g in groups
    ]
    tables = []
    for question in questions:
        if question.key == by or question.kind not in (*CHOICE_KINDS, "scale"):
            continue
        rows = []
        for option in options[question.key]:
            cells = []
            for group, counts in zip(groups, per_group, strict=True):
                cells.append(_group_cell(question, option, group, counts, rules))
            rows.append({"option": option, "cells": cells})
        tables.append({"key": question.key, "kind": question.kind, "rows": rows})
    return {"by": by, "groups": result_groups, "questions": tables}


def _group_cell(question, option, group, counts, rules):
    if counts is None:
        return {"count": 0, "share": None, **_hidden_fields(None, rules)}
    cell_counts, unsafe, answered, answered_unsafe = counts
    count = int(cell_counts.get((question.key, option), 0))
    denominator = int(answered.get(question.key, 0))
    rule = _first_rule(
        group=group["rule"] is not None,
        question=question.key in answered_unsafe,
        small=is_small(count, rules.threshold),
        atom=(question.key, option) in unsafe,
    )
    suppressed = rule is not None
    share = count / denominator if denominator else None
    return {
        "count": _redact(count, suppressed, rules),
        "share": _redact(share, suppressed, rules),
        **_hidden_fields(rule, rules),
    }


# The coordinators' wide export frame as it stood before issue 17 (survey/exports.py).

OTHER_COLUMN = "other"


def wide_frame(responses, questions):
    """One row per response, one column per question (per option for multiple choice)."""
    answers = responses.answers
    total = responses.respondent_count
    index = pd.RangeIndex(1, total + 1, name="respondent")
    data = {}
    for question in questions:
        rows = answers[answers["question"] == question.key]
        chosen = rows[rows["choice"].notna()]
        others = rows[rows["choice"].isna() & (rows["text"].fillna("") != "")]
        if question.kind == "multiple":
            answered = pd.Index(rows["respondent"].unique())
            for choice in question.choice_list:
                ticked = chosen.loc[chosen["choice"] == choice.key, "respondent"]
                column = pd.Series(pd.NA, index=index, dtype="Int64")
                column[index.isin(answered)] = 0
                column[index.isin(ticked)] = 1
                data[f"{question.key}[{choice.key}]"] = column
        elif question.kind == "single":
            column = pd.Series(chosen["choice"].to_numpy(), index=chosen["respondent"])
            column = pd.concat(
                [column, pd.Series(OTHER_COLUMN, index=others["respondent"].to_numpy())]
            )
            data[question.key] = column.reindex(index)
        elif question.kind == "text":
            data[question.key] = pd.Series(
                rows["text"].to_numpy(), index=rows["respondent"]
            ).reindex(index)
        else:
            data[question.key] = pd.Series(
                rows["number"].to_numpy(), index=rows["respondent"]
            ).reindex(index)
        if question.has_choices and question.allow_other:
            data[f"{question.key}[{OTHER_COLUMN}]"] = pd.Series(
                others["text"].to_numpy(), index=others["respondent"]
            ).reindex(index)
    frame = pd.DataFrame(data, index=index)
    return frame.reset_index()


# And its CSV and XLSX writers (per cell: safe_csv_cell, openpyxl).


def to_csv(frame):
    return frame.map(safe_csv_cell).to_csv(
        index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )


def _cell(sheet, value):
    if isinstance(value, str):
        if not looks_like_formula(value):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # never a formula, whatever a respondent typed ("=…")
        return cell
    if value is None or pd.isna(value):
        return None
    return value


def to_xlsx(frame, codebook):
    workbook = Workbook(write_only=True)
    answers = workbook.create_sheet("answers")
    answers.append(list(frame.columns))
    for row in frame.itertuples(index=False, name=None):
        answers.append([_cell(answers, value) for value in row])
    sheet = workbook.create_sheet("codebook")
    for row in codebook:
        sheet.append([_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
