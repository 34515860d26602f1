"""Read an uploaded table of alliances (CSV, XLSX, JSON Lines) into rows of text cells.

The reading itself is the platform's shared table reader (`alliances.common.tables`): record
by record, within the import limits, a broken record becoming a fault of its row. This module
adds what is particular to alliances: JSON partners written as objects, and the apostrophe
that exports put before formula-like text (taken off again here). No Django import.
"""

import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from alliances.common.spreadsheet import from_text_cell
from alliances.common.tables import (
    Fault,
    Limits,
    Sheet,
    TableError,
    read_sheet,
    sniff_separator,
)
from alliances.common.tables import detect_format as _detect_format

FORMATS = ("csv", "xlsx", "jsonl")
# The columns of a rejects file that are not data: accepted and ignored when it is imported.
ERROR_COLUMN = "error"
UNREADABLE_COLUMN = "unreadable"

ReadError = TableError  # the file cannot be read at all, or exceeds a limit
__all__ = ["Fault", "Limits", "ReadError", "Table", "read_path", "read_table", "sniff_separator"]


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number as the user sees it, cells)
    format: str
    encoding: str = ""
    separator: str = ""
    notices: list[str] = field(default_factory=list)
    # What the reader found wrong in a row, by row number; the text of unreadable records.
    faults: dict[int, list[Fault]] = field(default_factory=dict)
    raw: dict[int, str] = field(default_factory=dict)


def detect_format(filename: str, data: bytes) -> str:
    return _detect_format(filename, data[:8])


def json_cell(key: str, value: object) -> str:
    """A JSON value as the cell a spreadsheet would hold (lists joined with "|")."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(json_cell(key, v) for v in value)
    if isinstance(value, dict):
        if key == "partners":  # {"name", "profile", "role", "identifier"}
            inside = ":".join(
                str(value.get(k) or "") for k in ("profile", "role", "identifier") if value.get(k)
            )
            return f"{value.get('name', '')} ({inside})" if inside else str(value.get("name", ""))
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def as_table(sheet: Sheet) -> Table:
    table = Table(sheet.columns, [], sheet.format, sheet.encoding, sheet.separator)
    for record in sheet.records:
        table.rows.append((record.line, record.cells))
        if record.faults:
            table.faults[record.line] = record.faults
        if record.raw:
            table.raw[record.line] = record.raw
    return table


def read_stream(
    stream: IO[bytes], filename: str, separator: str | None = None, limits: Limits | None = None
) -> Table:
    """Read a seekable binary stream (an open file, an upload); raises ReadError."""
    sheet = read_sheet(
        stream,
        filename,
        limits or Limits(),
        separator=separator,
        json_cell=json_cell,
        text_cell=from_text_cell,
    )
    return as_table(sheet)


def read_table(
    data: bytes, filename: str, separator: str | None = None, limits: Limits | None = None
) -> Table:
    return read_stream(io.BytesIO(data), filename, separator, limits)


def read_path(path: Path, separator: str | None = None, limits: Limits | None = None) -> Table:
    with Path(path).open("rb") as stream:
        return read_stream(stream, Path(path).name, separator, limits)


def read_csv(data: bytes, separator: str | None = None) -> Table:
    return read_table(data, "import.csv", separator)


def read_xlsx(data: bytes) -> Table:
    return read_table(data, "import.xlsx")


def read_jsonl(data: bytes) -> Table:
    return read_table(data, "import.jsonl")
