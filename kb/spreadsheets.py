"""Cells that spreadsheet programs must read as text, never as formulas."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text):
    return text[:1] in FORMULA_STARTS


def safe_csv_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading quote (CSV injection)."""
    if not isinstance(value, str):
        return value
    return "'" + value if looks_like_formula(value) else value
