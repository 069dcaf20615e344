"""The export writers on their own: text made inert, numbers left alone, the same CSV as cell by cell."""

import csv
import io

import numpy as np
import pandas as pd
from openpyxl import load_workbook

from kb.spreadsheets import safe_csv_cell
from survey.exports import to_csv, to_xlsx

TEXTS = ["=1+1", "-3", "+x", "@a", "\tx", "12", "http://example.org", 'a & "b" <c>', None, ""]


def mixed_frame():
    return pd.DataFrame(
        {
            "respondent": range(1, len(TEXTS) + 1),
            "remarks": pd.Series(TEXTS, dtype=object),
            "typed": pd.Series(TEXTS, dtype="str"),
            "years": [-5.0, 1.5, np.nan, -0.0, 0.0, 5, 6, 7, 8, 9],  # -0.0 and 0.0 apart
            "ticked": pd.array([1, 0, None, 1, 1, 0, 0, 1, 1, 0], dtype="Int64"),
            # Whole numbers in the thousands, below zero, and never given.
            "large": [1500, 0, 7, 999, 1000, 2, 3, 4, 5, 6],
            "change": pd.array([-2, None, 0, 1, 2, 3, 4, 5, 6, 7], dtype="Int64"),
            "unanswered": pd.array([None] * len(TEXTS), dtype="Int64"),
            # Values repeated down a column are written once each, then looked up.
            "theme": ["ocean", "=x", "ocean", None, "=x", "ice", "ocean", "", "ice", "ocean"],
            "agreed": [True, False] * 5,
        }
    )


def cell_by_cell_csv(frame):
    """The rule, cell by cell: text made inert, whole decimals without ".0", the mark first."""
    frame = frame.map(safe_csv_cell)
    for name in frame.columns:
        if pd.api.types.is_float_dtype(frame[name].dtype):
            frame[name] = [
                "" if pd.isna(value) else repr(float(value)).removesuffix(".0")
                for value in frame[name]
            ]
    text = frame.to_csv(index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return "\ufeff" + text


def test_csv_matches_the_cell_by_cell_rule():
    frame = mixed_frame()
    assert to_csv(frame) == cell_by_cell_csv(frame)
    assert "'=1+1" in to_csv(frame)


def test_csv_opens_as_utf8_in_spreadsheets_and_writes_whole_numbers_bare():
    frame = pd.DataFrame(
        {
            "remarks": ["Un retour d’expérience", None, "", "x", "y", "z"],
            "years": [6.0, 2.5, np.nan, -0.0, 1e16, -5.0],
        }
    )
    content = to_csv(frame)
    assert content.startswith("\ufeffremarks,years\r\n")
    assert content.encode()[:3] == b"\xef\xbb\xbf"
    assert content.splitlines()[1:] == [
        "Un retour d’expérience,6",
        ",2.5",
        ",",
        "x,-0",
        "y,1e+16",
        "z,-5",
    ]
    # Read back, as a spreadsheet or the import would: the same numbers.
    again = pd.read_csv(io.StringIO(content.removeprefix("\ufeff")))
    assert again["years"].tolist()[:2] == [6.0, 2.5] and again["remarks"][0] == frame["remarks"][0]


def test_xlsx_keeps_text_as_text_and_numbers_as_numbers():
    book = load_workbook(io.BytesIO(to_xlsx(mixed_frame(), [["column"], ["remarks"]])))
    rows = list(book["answers"].iter_rows(min_row=2))
    for row, text in zip(rows, TEXTS, strict=True):
        for cell in row[1:3]:
            if text:
                assert cell.value == text and cell.data_type == "s" and cell.hyperlink is None
            else:
                assert cell.value is None
    assert [row[3].value for row in rows[:2]] == [-5, 1.5] and rows[2][3].value is None
    assert [row[4].value for row in rows[:3]] == [1, 0, None]
    assert [row[5].value for row in rows[:5]] == [1500, 0, 7, 999, 1000]
    assert [row[6].value for row in rows[:3]] == [-2, None, 0]
    assert {row[7].value for row in rows} == {None}
    assert [row[8].value for row in rows[:4]] == ["ocean", "=x", "ocean", None]
    assert rows[1][8].data_type == "s"
    assert [[c.value for c in row] for row in book["codebook"].iter_rows()] == [
        ["column"],
        ["remarks"],
    ]


def test_xlsx_drops_characters_xml_cannot_hold_and_writes_empty_tables():
    frame = pd.DataFrame({"remarks": ["bell\x07 tab\x0b end"], "n": [1]})
    book = load_workbook(io.BytesIO(to_xlsx(frame, [["column"]])))
    assert book["answers"]["A2"].value == "bell tab end"
    empty = load_workbook(io.BytesIO(to_xlsx(frame.iloc[:0], [["column"]])))
    assert [[c.value for c in row] for row in empty["answers"].iter_rows()] == [["remarks", "n"]]
    assert to_csv(frame.iloc[:0]) == "\ufeffremarks,n\r\n"
