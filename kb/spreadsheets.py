"""Cells that spreadsheet programs must read as text, never as formulas; CSV and XLSX writers."""

import io
import zipfile
from xml.sax.saxutils import escape

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text):
    return text[:1] in FORMULA_STARTS


def safe_csv_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if not isinstance(value, str):
        return value
    return "'" + value if looks_like_formula(value) else value


# Whole tables at once: column-wise text operations, no Python call per cell (a 10,000-row
# survey export has over half a million cells).

CSV_SPECIAL = r'[,"\r\n]'
XML_ILLEGAL = "[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]"


def _cell_texts(column):
    """Each cell as text ("" where missing): numbers as pandas writes them in CSV."""
    return column.astype(str).fillna("").astype(object)


def _is_text(column):
    return not pd.api.types.is_numeric_dtype(column.dtype)


def inert_texts(column):
    """A text column with a leading quote on the cells a spreadsheet would run as formulas."""
    texts = _cell_texts(column)
    risky = texts.str[:1].isin(FORMULA_STARTS)
    return texts.where(~risky, "'" + texts)


def csv_text(frame):
    """``frame`` as CSV (header, CRLF, minimal quoting), text cells made inert."""
    columns = [
        inert_texts(frame[name]) if _is_text(frame[name]) else _cell_texts(frame[name])
        for name in frame.columns
    ]
    header = pd.Series([str(name) for name in frame.columns], dtype=object)
    quoted = []
    for texts in [header, *columns]:
        needs = texts.str.contains(CSV_SPECIAL, regex=True)
        quoted.append(texts.where(~needs, '"' + texts.str.replace('"', '""') + '"').tolist())
    header_line, *cells = quoted
    lines = [",".join(header_line), *map(",".join, zip(*cells, strict=True))]
    return "\r\n".join(lines) + "\r\n"


def _xml_escape(texts):
    texts = texts.str.replace(XML_ILLEGAL, "", regex=True)
    return texts.str.replace("&", "&amp;").str.replace("<", "&lt;").str.replace(">", "&gt;")


def _xlsx_cells(texts, is_text):
    if is_text:
        cells = (
            '<c t="inlineStr"><is><t xml:space="preserve">' + _xml_escape(texts) + "</t></is></c>"
        )
    else:
        cells = "<c><v>" + texts + "</v></c>"
    return cells.where(texts != "", "<c/>").tolist()


def _sheet_xml(frame):
    header = pd.Series([str(name) for name in frame.columns], dtype=object)
    columns = [
        _xlsx_cells(_cell_texts(frame[name]), _is_text(frame[name])) for name in frame.columns
    ]
    body = f"<row>{''.join(_xlsx_cells(header, True))}</row>"
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
