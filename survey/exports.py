"""Coordinators' exports of an edition's answers: wide and tidy CSV, XLSX with a codebook.

No identity: respondents are numbered 1, 2, … in the order of their random
response ids (so the numbers say nothing of who answered first); no key, no
date, no flag. Built from the same DataFrame as the results.
"""

import csv
import io

import numpy as np
import pandas as pd
import xlsxwriter

from kb.spreadsheets import FORMULA_STARTS
from survey.aggregation import OTHER

OTHER_COLUMN = "other"


def _other_column(key):
    return f"{key}[{OTHER_COLUMN}]"


def columns(questions):
    """[(column name, question, choice or None)] in the order of the questions."""
    result = []
    for question in questions:
        if question.kind == "multiple":
            result += [(f"{question.key}[{c.key}]", question, c) for c in question.choice_list]
        else:
            result.append((question.key, question, None))
        if question.has_choices and question.allow_other:
            result.append((_other_column(question.key), question, OTHER))
    return result


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
            data[_other_column(question.key)] = pd.Series(
                others["text"].to_numpy(), index=others["respondent"]
            ).reindex(index)
    frame = pd.DataFrame(data, index=index)
    return frame.reset_index()


def long_frame(responses):
    """The tidy form: one row per answer row (respondent, question, choice, text, number)."""
    answers = responses.answers
    frame = answers[["respondent", "question", "choice", "text", "number"]].copy()
    is_other = frame["choice"].isna() & (frame["text"].fillna("") != "") & frame["number"].isna()
    frame.loc[is_other & frame["question"].isin(_choice_keys(responses)), "choice"] = OTHER_COLUMN
    return frame.sort_values(["respondent", "question"], kind="stable")


def _choice_keys(responses):
    return {q.key for q in responses.questions if q.kind in ("single", "multiple")}


def codebook_rows(questions):
    header = [
        "column",
        "section",
        "question",
        "type",
        "question_fr",
        "question_en",
        "choice",
        "choice_fr",
        "choice_en",
    ]
    rows = [header]
    for name, question, choice in columns(questions):
        row = [name, question.section.key, question.key, question.kind, question.text_fr]
        row.append(question.text_en)
        if choice is None and question.kind == "single":
            for option in question.choice_list:
                rows.append([*row, option.key, option.text_fr, option.text_en])
            continue
        if choice == OTHER:
            row += [OTHER_COLUMN, "Autre (précisez)", "Other (please specify)"]
        elif choice is not None:
            row += [choice.key, choice.text_fr, choice.text_en]
        else:
            row += ["", "", ""]
        rows.append(row)
    return rows


def _inert_text(column):
    """A text column with a leading quote on cells a spreadsheet would run as formulas."""
    present = column.notna().to_numpy()
    text = column[present].astype(str)
    risky = np.zeros(len(column), dtype=bool)
    risky[present] = text.str[:1].isin(FORMULA_STARTS).to_numpy()
    if not risky.any():
        return column
    column = column.astype(object)
    column[risky] = "'" + column[risky].astype(str)
    return column


def to_csv(frame):
    """CSV with formula-looking text made inert, column by column (numbers are never looked at)."""
    safe = frame.copy(deep=False)
    for name in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[name].dtype):
            safe[name] = _inert_text(frame[name])
    return safe.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def _rows(frame):
    """The frame's rows as lists of plain Python values, None for missing ones."""
    values = frame.astype(object)
    return values.where(values.notna(), None).to_numpy().tolist()


def to_xlsx(frame, codebook):
    """The answers and the codebook as one XLSX file, written row by row in constant memory.

    Every text stays text, whatever it looks like: formulas ("=…"), numbers and
    URLs are never read into cells from strings.
    """
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_numbers": False,
            "strings_to_urls": False,
            "in_memory": True,
        },
    )
    answers = workbook.add_worksheet("answers")
    answers.write_row(0, 0, [str(name) for name in frame.columns])
    for number, row in enumerate(_rows(frame), start=1):
        answers.write_row(number, 0, row)
    sheet = workbook.add_worksheet("codebook")
    for number, row in enumerate(codebook):
        sheet.write_row(number, 0, row)
    workbook.close()
    return buffer.getvalue()
