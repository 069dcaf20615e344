"""Coordinators' exports of an edition's answers: wide and tidy CSV, XLSX with a codebook.

No identity: respondents are numbered 1, 2, … in the order of their random
response ids (so the numbers say nothing of who answered first); no key, no
date, no flag. Built from the same DataFrame as the results.
"""

import numpy as np
import pandas as pd

from kb.spreadsheets import csv_for_spreadsheets, csv_text, xlsx_bytes
from survey.aggregation import OTHER, rows_by_question

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
    """One row per response, one column per question (per option for multiple choice).

    Built with array indexing by respondent number (1 to n): no per-row Python.
    """
    answers = responses.answers
    total = responses.respondent_count
    rows_of = rows_by_question(answers)
    respondent = answers["respondent"].to_numpy(dtype=np.int64) - 1
    choice = answers["choice"].to_numpy(dtype=object)
    # The choice column factorised once; each question then maps these codes to its options.
    choice_codes, choice_keys = pd.factorize(choice)
    code_of_key = {key: code for code, key in enumerate(choice_keys)}
    text = answers["text"].to_numpy(dtype=object)
    number = answers["number"].to_numpy(dtype=np.float64)
    has_choice = choice_codes >= 0
    has_text = text.astype(bool)  # None and "" alike
    data = {"respondent": np.arange(1, total + 1, dtype=np.int64)}

    def column_of(rows, values, dtype=object):
        column = np.full(total, None if dtype is object else np.nan, dtype=dtype)
        column[respondent[rows]] = values
        return column

    for question in questions:
        rows = rows_of.get(question.key, np.zeros(0, dtype=np.int64))
        chosen = rows[has_choice[rows]]
        others = rows[~has_choice[rows] & has_text[rows]]
        if question.kind == "multiple":
            answered = np.zeros(total, dtype=bool)
            answered[respondent[rows]] = True
            # The option of each row, by a look-up from the choice codes (-1: none of them).
            keys = [option.key for option in question.choice_list]
            option_of_code = np.full(len(choice_keys), -1, dtype=np.int64)
            for position, key in enumerate(keys):
                if key in code_of_key:
                    option_of_code[code_of_key[key]] = position
            option = option_of_code[choice_codes[chosen]]
            known = option >= 0
            ticked = np.zeros((len(keys), total), dtype=np.int64)
            ticked[option[known], respondent[chosen[known]]] = 1
            for position, key in enumerate(keys):
                data[f"{question.key}[{key}]"] = pd.arrays.IntegerArray(ticked[position], ~answered)
        elif question.kind == "single":
            column = column_of(chosen, choice[chosen])
            column[respondent[others]] = OTHER_COLUMN
            data[question.key] = column
        elif question.kind == "text":
            data[question.key] = column_of(rows, text[rows])
        else:
            data[question.key] = column_of(rows, number[rows], dtype=np.float64)
        if question.has_choices and question.allow_other:
            data[_other_column(question.key)] = column_of(others, text[others])
    return pd.DataFrame(data)


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


def to_csv(frame):
    """The CSV file to download (with the byte-order mark spreadsheet programs need)."""
    return csv_for_spreadsheets(csv_text(frame))


def to_xlsx(frame, codebook):
    header, *rows = codebook
    return xlsx_bytes(
        {"answers": frame, "codebook": pd.DataFrame(rows, columns=header, dtype=object)}
    )
