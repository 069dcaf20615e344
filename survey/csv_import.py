"""Reading a past edition's answers from a CSV file written by another survey tool.

Pure: the file's text, a column-to-question mapping and question-like objects
in; answer dicts (see ``survey.validation``) and line-numbered errors out.

Mapping targets: ``question_key`` for a column holding the whole answer, or
``question_key[choice_key]`` for one column per option (LimeSurvey's
``Question [Option]`` with Yes/1 cells); ``question_key[other]`` is the
"other" text column. A whole-answer cell of a multiple-choice question lists
the options separated by ``;`` or by ``, `` (Google Forms), and option texts
that themselves contain ``, `` are recognised.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from survey.validation import CHOICE_KINDS, answer_errors, is_empty

TARGET = re.compile(r"^(?P<question>[a-z0-9_]+)\s*(?:\[\s*(?P<choice>[a-z0-9_]+)\s*\])?$")
TICKED = {"1", "y", "yes", "oui", "o", "x", "true", "vrai"}
UNTICKED = {"", "0", "n", "no", "non", "false", "faux"}
OTHER_COLUMN = "other"


DELIMITERS = [",", ";", "\t"]


@dataclass
class ParsedFile:
    answer_sets: list = field(default_factory=list)
    lines: list = field(default_factory=list)  # the line each answer set starts on
    errors: list = field(default_factory=list)  # [(line, reason)]
    skipped_empty: int = 0
    headers: list = field(default_factory=list)
    unmapped: list = field(default_factory=list)  # headers of columns no question takes
    header_like_lines: list = field(default_factory=list)  # rows skipped as a second header


def not_a_response_export(text):
    """Why ``text`` cannot be a CSV export of responses, or None if it may be one."""
    start = text.removeprefix("\ufeff").lstrip()[:1]
    if start == "<":
        return _(
            "This file is XML or HTML (a LimeSurvey .lss survey structure?), not a CSV export "
            "of responses. Export the responses as CSV and upload that file."
        )
    if start in {"{", "["}:
        return _(
            "This file is JSON (a KoboToolbox or other form definition?), not a CSV export of "
            "responses. Export the responses as CSV and upload that file."
        )
    if "\x00" in text:
        return _("This file holds NUL bytes: it is not a CSV text file.")
    if not start:
        return _("This file is empty.")
    return None


def _delimiter(text):
    """The separator of the header line: comma, or the semicolon or tab of some exports."""
    first_line = text.split("\n", 1)[0]
    return max(DELIMITERS, key=first_line.count)


def normalise(text):
    return re.sub(r"\s+", " ", text or "").strip()


def _label_index(question):
    labels = {}
    for choice in question.choice_list:
        for label in (choice.key, choice.text_fr, choice.text_en):
            if label:
                labels[normalise(label).casefold()] = choice.key
    return labels


def _split_listed(cell, labels):
    """Split a cell listing options, rejoining pieces whose text contains the separator."""
    separator = ";" if ";" in cell else ","
    pieces = [normalise(piece) for piece in cell.split(separator)]
    pieces = [piece for piece in pieces if piece]
    found, start = [], 0
    while start < len(pieces):
        for end in range(len(pieces), start, -1):
            candidate = f"{separator} ".join(pieces[start:end]) if separator == "," else None
            if candidate and candidate.casefold() in labels:
                found.append(candidate)
                start = end
                break
        else:
            found.append(pieces[start])
            start += 1
    return found


def _read_rows(text):
    """(headers, [(line number, cells)]): a record may span several lines.

    Raises ``csv.Error`` (with the line reached) on a file the csv module cannot read.
    """
    reader = csv.reader(
        io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=_delimiter(text)
    )
    rows, line = [], 1
    headers = None
    for cells in reader:
        if headers is None:
            headers = [normalise(cell) for cell in cells]
        else:
            rows.append((line, cells))
        line = reader.line_num + 1
    return headers or [], rows


def parse_answers(text, mapping, questions):
    """Read every row; collect every problem rather than stopping at the first."""
    result = ParsedFile()
    by_key = {question.key: question for question in questions}
    refusal = not_a_response_export(text)
    if refusal:
        result.errors.append((1, refusal))
        return result
    try:
        headers, rows = _read_rows(text)
    except csv.Error as error:
        result.errors.append(
            (1, _("This file cannot be read as CSV: %(error)s") % {"error": error})
        )
        return result
    result.headers = headers
    columns = []  # (column index, question, choice key or None)
    mapping = {normalise(header): target for header, target in mapping.items()}
    result.unmapped = [header for header in headers if header and header not in mapping]
    for header, target in mapping.items():
        match = TARGET.match(target.strip().lower())
        if header not in headers:
            result.errors.append((1, _("No column is headed “%(header)s”.") % {"header": header}))
            continue
        if not match or match["question"] not in by_key:
            result.errors.append(
                (1, _("“%(target)s” is not a question of this edition.") % {"target": target})
            )
            continue
        question, choice = by_key[match["question"]], match["choice"]
        if choice and (
            question.kind not in CHOICE_KINDS
            or (choice != OTHER_COLUMN and choice not in question.choice_keys)
        ):
            result.errors.append(
                (1, _("“%(target)s” is not an option of this question.") % {"target": target})
            )
            continue
        columns.append((headers.index(header), question, choice))
    if result.errors:
        return result

    labels = {question.key: _label_index(question) for question in questions}
    header_words = _header_words(headers, questions)
    for line, cells in rows:
        if _looks_like_a_header(cells, columns, header_words):
            result.header_like_lines.append(line)
            continue
        answers, problems = _row_answers(cells, columns, labels)
        if not problems and not answers:
            result.skipped_empty += 1
            continue
        for question in questions:
            value = answers.get(question.key)
            for message in answer_errors(question, value, question.choice_keys):
                problems.append(f"{question.key}: {message}")
        if problems:
            result.errors.extend((line, problem) for problem in problems)
        else:
            result.answer_sets.append(answers)
            result.lines.append(line)
    return result


def _header_words(headers, questions):
    """What a header row says: column headers, and the questions' texts in both languages."""
    words = {normalise(header).casefold() for header in headers if header}
    for question in questions:
        for text in (getattr(question, "text_fr", ""), getattr(question, "text_en", "")):
            if text:
                words.add(normalise(text).casefold())
    return words


def _looks_like_a_header(cells, columns, header_words):
    """A second header row (question texts, as LimeSurvey and Kaggle write): most of the
    mapped cells hold a header or a question's text, or "Question [Option]" labels."""
    mapped = [cells[index].strip() for index, _q, _c in columns if index < len(cells)]
    filled = [cell for cell in mapped if cell]
    if not filled:
        return False
    header_like = [
        cell
        for cell in filled
        if normalise(cell).casefold() in header_words or re.search(r"\[[^\]]+\]\s*$", cell)
    ]
    return len(header_like) * 2 > len(filled)


def _row_answers(cells, columns, labels):
    answers, problems = {}, []
    for index, question, choice in columns:
        cell = cells[index].strip() if index < len(cells) else ""
        kind = question.kind
        if kind in CHOICE_KINDS:
            value = answers.setdefault(question.key, {"choices": [], "other": ""})
            if choice == OTHER_COLUMN:
                value["other"] = normalise(cell)
            elif choice:
                if cell.casefold() in TICKED:
                    value["choices"].append(choice)
                elif cell.casefold() not in UNTICKED:
                    problems.append(
                        _("%(key)s: “%(cell)s” is neither yes nor no.")
                        % {"key": question.key, "cell": cell}
                    )
            elif cell:
                pieces = _split_listed(cell, labels[question.key]) if kind == "multiple" else [cell]
                for piece in pieces:
                    key = labels[question.key].get(normalise(piece).casefold())
                    if key:
                        value["choices"].append(key)
                    elif question.allow_other and not value["other"]:
                        value["other"] = normalise(piece)
                    else:
                        problems.append(
                            _("%(key)s: “%(cell)s” is not one of the options.")
                            % {"key": question.key, "cell": piece}
                        )
        elif kind == "text":
            if cell:
                answers[question.key] = {"text": cell}
        elif cell:
            try:
                answers[question.key] = {"number": float(cell.replace(",", "."))}
            except ValueError:
                problems.append(
                    _("%(key)s: “%(cell)s” is not a number.") % {"key": question.key, "cell": cell}
                )
    kinds = {question.key: question.kind for _index, question, _choice in columns}
    answers = {key: value for key, value in answers.items() if not is_empty(kinds[key], value)}
    return answers, problems
