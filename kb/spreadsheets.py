"""Cells that spreadsheet programs must read as text, never as formulas; CSV and XLSX writers."""

import io
import zipfile
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text):
    return text[:1] in FORMULA_STARTS


def safe_csv_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if not isinstance(value, str):
        return value
    return "'" + value if looks_like_formula(value) else value


# Whole tables at once: numpy's C string functions column by column, no Python call per
# cell (a 10,000-row survey export has over half a million cells; pandas' ``.str``
# methods loop in Python over object columns).

TEXT = np.dtypes.StringDType()
CSV_SPECIAL = (",", '"', "\r", "\n")
XML_ILLEGAL = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))] + [
    "\ufffe",
    "\uffff",
]


def _is_text(column):
    dtype = column.dtype
    return not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype)


def _decimal_texts(column):
    """Each decimal number as Python writes floats, a whole one without ".0" ("6", not
    "6.0": how the member typed it), "" where missing."""
    missing = np.asarray(column.array.isna())
    texts = column.to_numpy(dtype="float64", na_value=0).astype(TEXT)
    whole = np.strings.endswith(texts, ".0")
    texts[whole] = np.strings.slice(texts[whole], -2)
    texts[missing] = ""
    return texts


def _cells(column, render):
    """The column's cells as a list of texts, ``render`` (texts -> cells) applied in numpy.

    A survey column repeats a few values over thousands of rows (a choice key, a 0/1
    flag, a scale point, a respondent's number in the tidy form): each distinct value
    is rendered once and the cells looked up. Decimal numbers are rendered cell by
    cell, as -0.0 and 0.0 would count as one value.
    """
    if pd.api.types.is_float_dtype(column.dtype):
        return render(_decimal_texts(column)).tolist()
    codes, distinct = _factorised(column)  # a missing cell gets code -1, read last
    rendered = render(np.array([*map(str, distinct), ""], dtype=TEXT))
    return np.asarray(rendered, dtype=object)[codes].tolist()


SMALL_WHOLE = 256


def _factorised(column):
    """``(codes, distinct values)``, code -1 for a missing cell.

    Small non-negative whole numbers (0/1 flags, scale points: most of a survey's
    columns) are their own codes, which costs a quarter of hashing them.
    """
    array = column.array
    if pd.api.types.is_integer_dtype(column.dtype) and len(array):
        numbers = array.to_numpy(dtype=np.int64, na_value=0)
        if numbers.min() >= 0 and numbers.max() < SMALL_WHOLE:
            codes = np.where(np.asarray(array.isna()), -1, numbers)
            return codes, range(numbers.max() + 1)
    codes, distinct = pd.factorize(array)
    return codes, distinct.tolist()


def _contains_any(texts, parts):
    found = np.zeros(len(texts), dtype=bool)
    for part in parts:
        found |= np.strings.find(texts, part) >= 0
    return found


def inert_texts(texts):
    """A leading quote on the cells a spreadsheet would run as formulas."""
    risky = np.zeros(len(texts), dtype=bool)
    for start in FORMULA_STARTS:
        risky |= np.strings.startswith(texts, start)
    return np.where(risky, np.strings.add("'", texts), texts)


def _csv_quoted(texts):
    needs = _contains_any(texts, CSV_SPECIAL)
    escaped = np.strings.add(np.strings.add('"', np.strings.replace(texts, '"', '""')), '"')
    return np.where(needs, escaped, texts)


def csv_for_spreadsheets(text):
    """CSV text as a file to download, led by the UTF-8 byte-order mark: without it, Excel
    reads the file in its legacy code page ("expÃ©rience" for "expérience")."""
    return "\ufeff" + text


def csv_text(frame):
    """``frame`` as CSV (header, CRLF, minimal quoting), text cells made inert."""
    header = _csv_quoted(np.array([str(name) for name in frame.columns], dtype=TEXT))
    columns = []
    for name in frame.columns:
        column = frame[name]
        if _is_text(column):
            columns.append(_cells(column, lambda texts: _csv_quoted(inert_texts(texts))))
        else:  # numbers hold no comma, quote or line break
            columns.append(_cells(column, lambda texts: texts))
    lines = [",".join(header.tolist()), *map(",".join, zip(*columns, strict=True))]
    return "\r\n".join(lines) + "\r\n"


def _xml_escape(texts):
    for illegal in XML_ILLEGAL:
        texts = np.strings.replace(texts, illegal, "")
    for raw, entity in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;")):
        texts = np.strings.replace(texts, raw, entity)
    return texts


def _xlsx_cells(texts, is_text):
    if is_text:
        before, after = '<c t="inlineStr"><is><t xml:space="preserve">', "</t></is></c>"
        texts = _xml_escape(texts)
    else:
        before, after = "<c><v>", "</v></c>"
    cells = np.strings.add(np.strings.add(before, texts), after)
    return np.where(texts == "", "<c/>", cells)


def _sheet_xml(frame):
    header = np.array([str(name) for name in frame.columns], dtype=TEXT)
    columns = []
    for name in frame.columns:
        is_text = _is_text(frame[name])
        columns.append(_cells(frame[name], lambda texts, t=is_text: _xlsx_cells(texts, t)))
    body = f"<row>{''.join(_xlsx_cells(header, True).tolist())}</row>"
    body += "".join(f"<row>{''.join(row)}</row>" for row in zip(*columns, strict=True))
    return f'{XML_HEAD}<worksheet xmlns="{MAIN_NS}"><sheetData>{body}</sheetData></worksheet>'


XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
STYLES = (
    f'{XML_HEAD}<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def xlsx_bytes(sheets):
    """An XLSX workbook of ``{sheet name: DataFrame}``, each with its header row.

    Text cells are inline strings: never formulas, numbers or links, whatever they
    hold ("=…", "12", "http://…"). Numbers are numbers; missing values are empty.
    """
    names = list(sheets)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{XLSX_TYPE}.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            f'{XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{XLSX_TYPE}.styles+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">'
            f'<Relationship Id="rId1" Type="{REL_NS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        sheet_list = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'{XML_HEAD}<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
            f"<sheets>{sheet_list}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        styles = len(names) + 1
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{XML_HEAD}<Relationships xmlns="{PACKAGE_REL_NS}">{relations}'
            f'<Relationship Id="rId{styles}" Type="{REL_NS}/styles" Target="styles.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/styles.xml", STYLES)
        for i, name in enumerate(names, start=1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", _sheet_xml(sheets[name]))
    return buffer.getvalue()
