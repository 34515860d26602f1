"""Business rules of public contributions, in plain Python (no Django import).

A proposal is kept as a row of import cells (the columns of `alliances.base.importing`), so
the importer's validator and writer apply to it unchanged. This module holds what is proper
to contributions: cleaning typed text, building the partner cells, telling which cells a
correction changes, and the rate limits counted from stored timestamps.
"""

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

LIST_SEPARATOR = "|"  # the importer's list separator (base.importing.cells.LIST_SEPARATOR)

# Tab, line feed and carriage return are kept (multi-line texts); other control characters
# never belong in a description and some databases refuse NUL.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# The columns a contributor may fill, in the order of the guided form.
FORM_COLUMNS = (
    "kind",
    "title",
    "summary",
    "description",
    "partners",
    "territory",
    "start_year",
    "end_year",
    "partnership_types",
    "domains",
    "sdg",
    "results_text",
    "source_url",
    "source_title",
    "source_date",
)
# Lists whose order carries no meaning: compared as sets.
UNORDERED_LISTS = ("partnership_types", "domains", "sdg")
# Lists whose order is meaningful (the first partner is shown first).
ORDERED_LISTS = ("partners",)
# Columns checked together: a new end year is checked against the start year, a source
# address travels with its title and date.
COMPANIONS = (
    ("start_year", "end_year"),
    ("source_url", "source_title", "source_date"),
)


def clean_text(value: str) -> str:
    """Typed text without control characters, with Unix line ends and no outer spaces."""
    text = _CONTROL.sub("", value or "")
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def one_line(value: str, limit: int = 180) -> str:
    """A single line (e-mail subjects must not contain line breaks), shortened."""
    text = " ".join(clean_text(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def split_cell(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEPARATOR) if v.strip()]


def join_cell(values: Iterable[str]) -> str:
    return f" {LIST_SEPARATOR} ".join(v.strip() for v in values if v and v.strip())


def partner_cell(name: str, profile: str, role: str) -> str:
    """ "Name (profile:role)", the import format of one partner."""
    return f"{' '.join(name.split())} ({profile}:{role})"


def bad_name_characters(name: str) -> str:
    """The characters a partner name may not contain (the import's list separator)."""
    return LIST_SEPARATOR if LIST_SEPARATOR in name else ""


def _normal(column: str, value: object) -> object:
    text = "" if value is None else str(value)
    if column in UNORDERED_LISTS:
        return sorted({v.casefold() for v in split_cell(text)})
    if column in ORDERED_LISTS:
        return [" ".join(v.split()).casefold() for v in split_cell(text)]
    return clean_text(text)


def changed_cells(
    current: Mapping[str, object], proposed: Mapping[str, object], columns: Sequence[str]
) -> dict[str, str]:
    """The proposed cells that differ from the current ones (lists compared as lists)."""
    changes = {}
    for column in columns:
        new = "" if proposed.get(column) is None else str(proposed.get(column))
        if _normal(column, current.get(column)) != _normal(column, new):
            changes[column] = new
    return changes


def with_companions(columns: Iterable[str]) -> set[str]:
    """The columns to validate together with the changed ones."""
    chosen = set(columns)
    for group in COMPANIONS:
        if chosen & set(group):
            chosen |= set(group)
    return chosen


def retry_after(
    recent: Iterable[datetime], limit: int, window: timedelta, now: datetime
) -> datetime | None:
    """None while fewer than `limit` events fall in the window ending now; else the moment
    the oldest counted event leaves the window (when one more is allowed)."""
    inside = sorted(t for t in recent if t > now - window)
    if limit <= 0 or len(inside) < limit:
        return None
    return inside[len(inside) - limit] + window


def address_key(address: str, secret: str) -> str:
    """A keyed digest of a client address: reports are limited per address without
    storing the address itself."""
    return hmac.new(secret.encode(), address.encode(), hashlib.sha256).hexdigest()
