"""Survey results as tidy tables, with small groups suppressed. Pure: pandas in, plain data out.

The input is one DataFrame of answers, one row per stored answer row:
``respondent`` (an integer standing for a response), ``question`` (key),
``choice`` (choice key, or missing), ``text`` and ``number``. The output is
plain lists and dicts (cacheable, JSON-ready), keyed by question and choice
keys: labels and charts are the business of other modules.

Every count goes through the suppression rules here, so no page, chart,
tooltip or export built from these tables can show more than they allow.
With a threshold N (the edition's smallest group):

A. Cells. A count is shown only if it is 0 or at least N. When filters are
   active, the rule holds for every *atom* of the partition of all
   respondents by the filter conditions (each condition true or false): the
   unfiltered table and the tables of every sub-filter can be queried too,
   and by inclusion-exclusion they give every atom's counts, so a cell whose
   count in any atom is between 1 and N-1 is suppressed in the filtered
   table (the only table that holds the full intersection those derivations
   need).
B. Respondent sets. A filter, or a breakdown group, is shown only if every
   atom of its partition holds 0 or at least N respondents: filter A giving 7
   and A+B giving 6 would single out one respondent of A without B.
C. Complements. Where counts add up to a known total (single choice, scale,
   histogram bins, the groups of a single-choice breakdown), the hidden
   cells together must hold 0 or at least N, else the smallest shown cells
   are hidden too: one hidden cell would otherwise be the total minus the
   others.

``reveal=True`` (coordinators) keeps the numbers and marks what others do
not see; ``reveal=False`` replaces them with ``None`` before anything leaves
this module.

Every hidden count carries a ``mark`` that readers see: ``"small"`` only when
the count itself is 1 to N-1 (it reads "fewer than N"), ``"hidden"`` when it
is 0 or at least N but hidden to protect another group (rule A in another
atom, rule C, or a group or question too small to show). Coordinators also
get the ``rule`` that hid it (one of ``RULES``).
"""

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

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
    _pairs: "Pairs | None" = field(default=None, repr=False, compare=False)

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
    so that the edges do not give away the smallest or largest answer, and
    the bins stay within them: a 0-50 question ends with "45-50", not "50-54".
    Whole-number bins hold the integers from their left edge to below their
    right one, so a last bin that ends on the top value has its edge one above.
    """
    values = np.asarray(values, dtype=float)
    bounded_low, bounded_high = low is not None, high is not None
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
    count = max(math.ceil((high - start) / step), 1)
    edges = [float(start + i * step) for i in range(count + 1)]
    # Round edges inside, the question's own bounds at the ends (the answers' bounds are
    # left rounded: they would tell the smallest or largest answer).
    if bounded_low:
        edges[0] = max(edges[0], float(low))
    if bounded_high:
        edges[-1] = min(edges[-1], float(math.floor(high) if whole else high))
    if whole and edges[-1] <= high:
        edges[-1] += 1  # a top value on the last edge belongs to the last bin
    return edges, whole


def bin_labels(edges, whole):
    if not whole:
        return [f"{left:g}–{right:g}" for left, right in itertools.pairwise(edges)]
    return [
        f"{left:g}" if right - left == 1 else f"{left:g}–{right - 1:g}"
        for left, right in itertools.pairwise(edges)
    ]


@dataclass
class Pairs:
    """Every (respondent, question, option) once, in integer codes.

    A *cell* is one (question key, option); every table below is a count of
    pairs per cell and per atom, which ``np.bincount`` does in one pass over
    the codes, where grouping on text columns took seconds at 50,000 responses.
    """

    who: np.ndarray  # per pair: position of its respondent in ``respondents``
    cell: np.ndarray  # per pair: position of its (question, option) in ``cells``
    respondents: np.ndarray  # respondent numbers with at least one pair, sorted
    cells: list  # (question key, option) of each cell
    cell_question: np.ndarray  # per cell: position of its question in ``question_keys``
    question_keys: list
    answered_who: np.ndarray  # per (respondent, question) answered, once
    answered_question: np.ndarray
    options: dict  # question key: the options its table lists, in order
    rows_of: dict  # question key: positions of its rows in the answers, in order
    cell_index: dict = field(default_factory=dict)

    def cell_of(self, condition):
        return self.cell_index.get(tuple(condition))


class _Cells:
    """Hands out cell numbers, the same one for the same (question key, option)."""

    def __init__(self):
        self.index, self.cells, self.questions = {}, [], []

    def ids(self, key, position, labels):
        found = []
        for label in labels:
            cell = self.index.get((key, label))
            if cell is None:
                cell = self.index[(key, label)] = len(self.cells)
                self.cells.append((key, label))
                self.questions.append(position)
            found.append(cell)
        return np.asarray(found, dtype=np.int64)


def rows_by_question(answers):
    """{question key: positions of its answer rows}, from one factorisation of the column."""
    codes, keys = pd.factorize(answers["question"])
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(keys) + 1))
    return {key: order[bounds[i] : bounds[i + 1]] for i, key in enumerate(keys)}


def option_pairs(answers, questions):
    """``Pairs``: tidy (respondent, question, option) rows, one per respondent per option.

    Choice questions: the choice key, or ``OTHER`` for an "other" text. Scales:
    the value. Numbers: the histogram bin. Free text: ``ANSWERED``.
    """
    rows_of = rows_by_question(answers)
    respondent = answers["respondent"].to_numpy(dtype=np.int64)
    choice_codes, choice_keys = pd.factorize(answers["choice"])
    choice_keys = list(choice_keys)
    text = answers["text"].to_numpy(dtype=object)
    has_text = pd.Series(text, dtype=object).fillna("").to_numpy() != ""
    numbers = answers["number"].to_numpy(dtype=np.float64)
    cells = _Cells()
    options, who_parts, cell_parts = {}, [], []
    empty = np.zeros(0, dtype=np.int64)
    for position, question in enumerate(questions):
        rows = rows_of.get(question.key, empty)
        if question.kind in CHOICE_KINDS:
            codes = choice_codes[rows]
            keep = (codes >= 0) | has_text[rows]
            rows, codes = rows[keep], codes[keep]
            found, inverse = np.unique(codes, return_inverse=True)
            labels = [OTHER if code < 0 else choice_keys[code] for code in found]
            listed = list(question.choices) + (
                [OTHER] if question.allow_other or OTHER in labels else []
            )
        elif question.kind in ("scale", "number"):
            values = numbers[rows]
            keep = ~np.isnan(values)
            rows, values = rows[keep], values[keep]
            if question.kind == "scale":
                found, inverse = np.unique(values, return_inverse=True)
                labels = [f"{value:g}" for value in found]
                low, high = question.min_value, question.max_value
                bounded = low is not None and high is not None
                values_listed = range(int(low), int(high) + 1) if bounded else ()
                listed = [f"{value:g}" for value in values_listed] or sorted(set(labels), key=float)
            else:
                edges, whole = number_bins(values, question.min_value, question.max_value)
                labels = listed = bin_labels(edges, whole)
                inverse = np.clip(
                    np.searchsorted(edges, values, side="right") - 1, 0, len(labels) - 1
                )
        else:
            rows = rows[has_text[rows]]
            labels, listed = [ANSWERED], []
            inverse = np.zeros(len(rows), dtype=np.int64)
        options[question.key] = listed
        cells.ids(question.key, position, listed)
        cell_parts.append(cells.ids(question.key, position, labels)[inverse.reshape(-1)])
        who_parts.append(respondent[rows])
    all_respondents = np.concatenate(who_parts) if who_parts else empty
    all_cells = np.concatenate(cell_parts) if cell_parts else empty
    # pandas' hash tables: numpy's unique took a second here at 10,000 responses.
    who, respondents = pd.factorize(all_respondents, sort=True)
    width = max(len(cells.cells), 1)
    unique_pairs = pd.unique(who.astype(np.int64) * width + all_cells)
    who, cell = unique_pairs // width, unique_pairs % width
    cell_question = np.asarray(cells.questions, dtype=np.int64)
    answered = pd.unique(who * max(len(questions), 1) + cell_question[cell])
    return Pairs(
        who=who,
        cell=cell,
        respondents=respondents,
        cells=cells.cells,
        cell_question=cell_question,
        question_keys=[question.key for question in questions],
        answered_who=answered // max(len(questions), 1),
        answered_question=answered % max(len(questions), 1),
        options=options,
        rows_of=rows_of,
        cell_index=cells.index,
    )


# Filters and atoms.


def members(pairs, condition):
    """Positions (in ``pairs.respondents``) of the respondents meeting ``condition``."""
    cell = pairs.cell_of(condition)
    if cell is None:
        return np.zeros(0, dtype=np.int64)
    return pairs.who[pairs.cell == cell]


def atom_masks(pairs, conditions):
    """For every respondent with an answer, a bit mask of the conditions it meets."""
    masks = np.zeros(len(pairs.respondents), dtype=np.int64)
    for bit, condition in enumerate(conditions):
        masks[members(pairs, condition)] |= 1 << bit
    return masks


def atom_sizes(masks, respondent_count, conditions):
    sizes = {int(mask): int(size) for mask, size in enumerate(np.bincount(masks)) if size}
    without_answers = respondent_count - len(masks)
    sizes[0] = sizes.get(0, 0) + without_answers
    return sizes


def is_small(count, threshold):
    return 0 < count < threshold


def atoms_are_safe(sizes, threshold):
    return not any(is_small(size, threshold) for size in sizes.values())


def _per_atom(codes, width, atoms, atom_count):
    """A (code, atom) matrix of how many pairs fall in each."""
    counts = np.bincount(codes * atom_count + atoms, minlength=width * atom_count)
    return counts.reshape(width, atom_count)


# Cell counts under rules A and C.


def _cell_counts(pairs, masks, full, threshold):
    """Counts in the selected set (mask == full) and the (question, option) cells rule A hides."""
    atom_count = full + 1
    per_atom = _per_atom(pairs.cell, len(pairs.cells), masks[pairs.who], atom_count)
    small = (per_atom > 0) & (per_atom < threshold)
    unsafe_cells = {pairs.cells[i] for i in np.flatnonzero(small.any(axis=1))}
    selected = {pairs.cells[i]: int(per_atom[i, full]) for i in np.flatnonzero(per_atom[:, full])}
    keys = pairs.question_keys
    answered_per_atom = _per_atom(
        pairs.answered_question, len(keys), masks[pairs.answered_who], atom_count
    )
    small = (answered_per_atom > 0) & (answered_per_atom < threshold)
    unsafe_answered = {keys[i] for i in np.flatnonzero(small.any(axis=1))}
    answered = {
        keys[i]: int(answered_per_atom[i, full]) for i in np.flatnonzero(answered_per_atom[:, full])
    }
    return selected, unsafe_cells, answered, unsafe_answered


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


def _suppression(question, options, counts, unsafe, answered, answered_unsafe, threshold):
    """Why the cells of one question's table are hidden: ``(too_few, option_counts, small,
    in_atoms, hidden)``, the last three sets of options (rules "small", A and C)."""
    too_few = answered_unsafe or is_small(answered, threshold)
    option_counts = {option: int(counts.get((question.key, option), 0)) for option in options}
    small = {option for option, count in option_counts.items() if is_small(count, threshold)}
    in_atoms = {option for option in options if (question.key, option) in unsafe}
    hidden = small | in_atoms
    if question.kind in PARTITION_KINDS:
        hidden = complementary_suppression(option_counts, hidden, answered, threshold)
    return too_few, option_counts, small, in_atoms, hidden


def _question_table(question, options, counts, unsafe, answered, answered_unsafe, rules, numbers):
    """The table of one question in the selected set."""
    too_few, option_counts, small, in_atoms, hidden = _suppression(
        question, options, counts, unsafe, answered, answered_unsafe, rules.threshold
    )
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


def _selected_rows(responses, key, respondents):
    """Positions of question ``key``'s answer rows from ``respondents``, in stored order."""
    rows = responses.option_pairs().rows_of.get(key)
    if rows is None:
        return np.zeros(0, dtype=np.int64)
    respondent = responses.answers["respondent"].to_numpy()[rows]
    return rows[np.isin(respondent, respondents)]


def _texts(responses, key, respondents, rules):
    rows = _selected_rows(responses, key, respondents)
    texts = sorted(
        text
        for text in responses.answers["text"].to_numpy()[rows]
        if isinstance(text, str) and text
    )
    # Sorted then shuffled with the edition's seed: the order tells nothing of when or
    # by whom, and stays the same from one load to the next.
    order = np.random.default_rng(rules.seed).permutation(len(texts))
    return [texts[i] for i in order]


def _selected_numbers(responses, key, respondents):
    numbers = responses.answers["number"].to_numpy(dtype=np.float64)
    numbers = numbers[_selected_rows(responses, key, respondents)]
    return numbers[~np.isnan(numbers)]


# Entry points.


def _selection(responses, rules, conditions):
    """The pairs, options, atom masks and status of the respondents meeting ``conditions``."""
    pairs = responses.option_pairs()
    options = pairs.options
    conditions = list(conditions)[:MAX_FILTERS]
    masks = atom_masks(pairs, conditions)
    full = (1 << len(conditions)) - 1
    sizes = atom_sizes(masks, responses.respondent_count, conditions)
    selected = sizes.get(full, 0)
    safe = atoms_are_safe(sizes, rules.threshold)
    # Even "nobody" is a count: said of a selection whose other parts are small, it
    # would tell what those few people did not answer.
    status = ("ok" if selected else "empty") if safe else "too_few"
    # "small": the selection itself holds 1 to N-1; "hidden": another part of the partition does.
    rule = None if safe else ("small" if is_small(selected, rules.threshold) else "atom")
    if safe and _shows_a_hidden_count(responses, pairs, conditions, rules.threshold):
        status, rule = "too_few", "complement"
    return pairs, options, conditions, masks, full, selected, status, rule


def _shows_a_hidden_count(responses, pairs, conditions, threshold, memo=None):
    """Whether the selection's size, or a narrower filter's, is a count some table hides.

    The respondents meeting conditions D are counted in the table of D without one of
    them, d, as d's cell. Where that table hides the cell (rule C hides a large count to
    protect a small one; a question too few answered hides them all), a filter on D
    would show it as its size. Checked for every D among ``conditions``, since each
    narrower selection can be opened too. Atoms (rule B) are checked before this.
    ``memo`` keeps the tables between calls on the same answers (a breakdown's groups).
    """
    if not conditions:
        return False
    conditions = [tuple(condition) for condition in conditions]
    questions = {question.key: question for question in responses.questions}
    keys = {key for key, _option in conditions}
    # Only the pairs of the conditions' questions are counted again.
    positions = [pairs.question_keys.index(key) for key in keys]
    in_pairs = np.isin(pairs.cell_question, positions)[pairs.cell]
    in_answered = np.isin(pairs.answered_question, positions)
    hidden_of = {} if memo is None else memo
    for size in range(1, len(conditions) + 1):
        for chosen in itertools.combinations(conditions, size):
            for dropped in chosen:
                rest = frozenset(chosen) - {dropped}
                if (rest, frozenset(keys)) not in hidden_of:
                    hidden_of[rest, frozenset(keys)] = _hidden_cells(
                        pairs, questions, keys, [c for c in conditions if c in rest],
                        in_pairs, in_answered, threshold,
                    )  # fmt: skip
                if dropped in hidden_of[rest, frozenset(keys)]:
                    return True
    return False


def _hidden_cells(pairs, questions, keys, conditions, in_pairs, in_answered, threshold):
    """The cells of questions ``keys`` that the table of ``conditions`` hides from readers."""
    masks = atom_masks(pairs, conditions)
    full = (1 << len(conditions)) - 1
    sub = Pairs(
        who=pairs.who[in_pairs],
        cell=pairs.cell[in_pairs],
        respondents=pairs.respondents,
        cells=pairs.cells,
        cell_question=pairs.cell_question,
        question_keys=pairs.question_keys,
        answered_who=pairs.answered_who[in_answered],
        answered_question=pairs.answered_question[in_answered],
        options=pairs.options,
        rows_of=pairs.rows_of,
    )
    counts, unsafe, answered, answered_unsafe = _cell_counts(sub, masks, full, threshold)
    hidden = set()
    for key in keys:
        too_few, _counts, _small, _in_atoms, suppressed = _suppression(
            questions[key], pairs.options[key], counts, unsafe,
            int(answered.get(key, 0)), key in answered_unsafe, threshold,
        )  # fmt: skip
        hidden |= {
            (key, option) for option in pairs.options[key] if too_few or option in suppressed
        }
    return hidden


def summarise(responses, rules, *, conditions=()):
    """One table per question for the respondents meeting every condition.

    ``conditions`` are (question key, option) pairs, combined with AND. Returns
    ``{"respondents", "status", "mark", "rule", "questions"}``; status is ``"ok"``,
    ``"empty"`` (no respondent), or ``"too_few"`` (a part of the partition the
    filters make is small: no table at all, unless ``reveal``). Free-text tables
    hold at most ``TEXTS_SHOWN`` texts and their ``text_count``.
    """
    questions = responses.questions
    pairs, options, conditions, masks, full, selected, status, rule = _selection(
        responses, rules, conditions
    )
    result = {
        "respondents": _redact(selected, rule is not None, rules),
        "status": status,
        **_hidden_fields(rule, rules),
        # Refused because its size is a count the tables hide (readers see them hidden).
        "shows_hidden_count": rule == "complement",
        "questions": [],
    }
    if status == "empty" or (status == "too_few" and not rules.reveal):
        return result
    counts, unsafe, answered, answered_unsafe = _cell_counts(pairs, masks, full, rules.threshold)
    respondents = pairs.respondents[masks == full]
    for question in questions:
        numbers = None
        if question.kind in ("scale", "number"):
            numbers = _selected_numbers(responses, question.key, respondents)
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
                texts = _texts(responses, question.key, respondents, rules)
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
    answered = pairs.answered_who[pairs.answered_question == pairs.question_keys.index(key)]
    atoms = np.bincount(masks[answered])
    if any(is_small(int(n), rules.threshold) for n in atoms) and not rules.reveal:
        return None
    return _texts(responses, key, pairs.respondents[masks == full], rules)


def filter_options(responses, rules, *, conditions=()):
    """What adding each choice option to ``conditions`` as one more filter would give.

    Returns ``{(question key, option): "ok" | "empty" | "too_few" | "limit"}``
    for every option of a choice question not already a condition, by the same
    rule B as ``summarise``, in one pass: each option's respondents counted per
    atom of the current partition, the rest of each atom by subtraction.
    """
    pairs = responses.option_pairs()
    options = pairs.options
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
    per_atom = _per_atom(pairs.cell, len(pairs.cells), masks[pairs.who], full + 1)
    per_candidate = per_atom[[pairs.cell_of(candidate) for candidate in candidates]]
    atoms = list(sizes)
    inside = per_candidate[:, atoms]
    outside = np.asarray([sizes[atom] for atom in atoms]) - inside
    small = ((inside > 0) & (inside < rules.threshold)).any(axis=1)
    small |= ((outside > 0) & (outside < rules.threshold)).any(axis=1)
    found = {}
    for candidate, count, too_small in zip(candidates, per_candidate[:, full], small, strict=True):
        found[candidate] = "too_few" if too_small else ("ok" if count else "empty")
    return found


def readers_filter_options(options, summary):
    """``filter_options`` as readers of ``summary`` may be told them.

    A reason is a count in disguise: "empty" says 0, "too_few" 1 to N-1. Inside a
    refused selection every option is "refused" (its reasons would list the answers
    of the few people in it), and an option whose count the table hides is "hidden"
    (a filter on it would show its count as the selection's size).
    """
    if summary["status"] == "too_few":
        return {key: "limit" if why == "limit" else "refused" for key, why in options.items()}
    if summary["status"] == "empty":  # whatever is added, nobody: say only that
        return {key: "limit" if why == "limit" else "empty" for key, why in options.items()}
    hidden = {
        (table["key"], row["option"])
        for table in summary["questions"]
        for row in table["rows"]
        if row["suppressed"] or table["too_few"]
    }
    return {
        key: "hidden" if key in hidden and why != "limit" else why for key, why in options.items()
    }


def allowed_without_each(responses, rules, *, conditions):
    """For each condition in turn, whether the others alone make a selection readers may see."""
    conditions = list(conditions)[:MAX_FILTERS]
    allowed = []
    for dropped in range(len(conditions)):
        rest = conditions[:dropped] + conditions[dropped + 1 :]
        *_selected, status, _rule = _selection(responses, rules, rest)
        allowed.append(status == "ok")
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
    pairs = responses.option_pairs()
    options = pairs.options
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
    # A group's size is the selection "these filters and this answer": hidden where a
    # filter on it would be refused for showing a hidden count.
    memo = {}
    revealing = {
        g["option"]
        for g in groups
        if g["safe"]
        and g["size"]
        and _shows_a_hidden_count(
            responses, pairs, [*conditions, (by, g["option"])], rules.threshold, memo
        )
    }
    hidden = unsafe_groups | revealing
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
        complements = [
            _column_complement(question, options[question.key], counts, rules.threshold)
            for counts in per_group
        ]
        rows = []
        for option in options[question.key]:
            cells = []
            for group, counts, complement in zip(groups, per_group, complements, strict=True):
                cells.append(
                    _group_cell(question, option, group, counts, rules, option in complement)
                )
            rows.append({"option": option, "cells": cells})
        tables.append({"key": question.key, "kind": question.kind, "rows": rows})
    return {"by": by, "groups": result_groups, "questions": tables}


def _column_complement(question, options, counts, threshold):
    """The options of one group's column that rule C hides: a column of a single choice or
    a scale adds up to the group's answers, which its shares give away."""
    if counts is None or question.kind not in PARTITION_KINDS:
        return set()
    cell_counts, unsafe, answered, _answered_unsafe = counts
    option_counts = {option: int(cell_counts.get((question.key, option), 0)) for option in options}
    hidden = {
        option
        for option, count in option_counts.items()
        if is_small(count, threshold) or (question.key, option) in unsafe
    }
    total = int(answered.get(question.key, 0))
    return complementary_suppression(option_counts, hidden, total, threshold) - hidden


def _group_cell(question, option, group, counts, rules, complement=False):
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
        complement=complement,
    )
    suppressed = rule is not None
    share = count / denominator if denominator else None
    return {
        "count": _redact(count, suppressed, rules),
        "share": _redact(share, suppressed, rules),
        **_hidden_fields(rule, rules),
    }


def trends(tables_by_year, choices_by_year):
    """Each option's share by year for one question key, from each year's (suppressed) table.

    ``tables_by_year`` maps year to that year's question table (from ``summarise``);
    ``choices_by_year`` maps year to the option keys the question offered that year.
    An option not offered in a year has ``offered`` False and no share, so a chart
    shows a gap rather than a false zero. Returns ``{"years", "answered", "options":
    [{"option", "points": [{"year", "share", "count", "offered", "suppressed", "mark",
    "rule"}]}]}``; ``answered`` holds, year by year, how many answered the question and
    whether that number is hidden (``{"count", "suppressed"}``, as the tables have it).
    """
    years = sorted(tables_by_year)
    answered = [
        {
            "count": tables_by_year[year]["answered"],
            "suppressed": tables_by_year[year]["too_few"],
        }
        for year in years
    ]
    all_options = []
    for year in years:
        for option in choices_by_year[year]:
            if option not in all_options:
                all_options.append(option)
    series = []
    for option in all_options:
        points = []
        for year in years:
            rows = {row["option"]: row for row in tables_by_year[year]["rows"]}
            offered = option in choices_by_year[year]
            row = rows.get(option) if offered else None
            too_few = tables_by_year[year]["too_few"]
            suppressed = bool(row and (row["suppressed"] or too_few))
            points.append(
                {
                    "year": year,
                    "offered": offered,
                    "share": row["share"] if row else None,
                    "count": row["count"] if row else None,
                    "suppressed": suppressed,
                    "mark": (row["mark"] or "hidden") if suppressed else None,
                    "rule": row.get("rule") if row else None,
                }
            )
        series.append({"option": option, "points": points})
    return {"years": years, "answered": answered, "options": series}


def question_trends(summaries_by_year, questions_by_year):
    """Trends of every choice question shown in two editions or more: ``[(key, trend)]``.

    ``summaries_by_year`` maps year to ``summarise``'s result for that edition;
    ``questions_by_year`` maps year to its ``QuestionSpec`` list. Questions come in
    the order they first appear, earliest edition first; an edition whose
    selection is not shown, or that lacks the question, is left out of its trend.
    """
    asked = {}
    for year in sorted(questions_by_year):
        summary = summaries_by_year[year]
        tables = {table["key"]: table for table in summary["questions"]}
        for question in questions_by_year[year]:
            if question.kind not in CHOICE_KINDS:
                continue
            if summary["status"] == "ok" and question.key in tables:
                options = list(question.choices) + ([OTHER] if question.allow_other else [])
                asked.setdefault(question.key, {})[year] = (tables[question.key], options)
    return [
        (
            key,
            trends(
                {year: table for year, (table, _options) in by_year.items()},
                {year: options for year, (_table, options) in by_year.items()},
            ),
        )
        for key, by_year in asked.items()
        if len(by_year) >= 2
    ]
