"""Text cells that spreadsheet software would run as formulas ("CSV injection").

A value such as `=HYPERLINK("http://…")` typed in a form would, exported as is, become a live
formula in the spreadsheet of whoever opens the export. The exports write such text with a
leading apostrophe, which spreadsheets show as text; the importers take the apostrophe off
again, so an export can still be edited and imported back unchanged.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _formula_like(text: str) -> bool:
    """Starts like a formula, after any apostrophes (so that text which already begins with
    an apostrophe and a formula sign also round-trips)."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def as_text_cell(value: object) -> object:
    """The value for a CSV or XLSX cell: text that starts like a formula gets an apostrophe."""
    if isinstance(value, str) and _formula_like(value):
        return "'" + value
    return value


def from_text_cell(value: str) -> str:
    """The inverse of `as_text_cell`, for the importers."""
    if value.startswith("'") and _formula_like(value[1:]):
        return value[1:]
    return value
