"""Read an uploaded table (CSV, XLSX, JSON Lines) into rows of text cells (no Django import).

French spreadsheet habits are expected: ';' or ',' separators (sniffed from the header line),
UTF-8 with or without BOM or Windows-1252 (tried in that order: cp1252 decodes any byte, so it
comes last), dates as 31/12/2024 and decimal commas (see cells.py).
"""

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from alliances.common.spreadsheet import from_text_cell

from .cells import CellError, gettext_noop

FORMATS = ("csv", "xlsx", "jsonl")
SEPARATORS = (";", ",", "\t")


class ReadError(CellError):
    """The file cannot be read at all (not a table, wrong format); message in French."""


@dataclass
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line or row number as the user sees it, cells)
    format: str
    encoding: str = ""
    separator: str = ""
    notices: list[str] = field(default_factory=list)


def detect_format(filename: str, data: bytes) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if data[:2] == b"PK":
        return "xlsx"
    if data.lstrip()[:1] == b"{":
        return "jsonl"
    return "csv"


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (BOM dropped) when valid, else Windows-1252."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _header(values: list[object]) -> list[str]:
    return [str(v or "").strip().lstrip("\ufeff").strip().lower() for v in values]


def read_csv(data: bytes, separator: str | None = None) -> Table:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    sep = separator or sniff_separator(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader)
    except StopIteration:
        raise ReadError(gettext_noop("le fichier est vide")) from None
    except csv.Error as error:
        raise ReadError(gettext_noop("CSV illisible : %(error)s"), error=error) from None
    columns = _header(header)
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            cells = {
                c: (from_text_cell(values[i].strip()) if i < len(values) else "")
                for i, c in enumerate(columns)
            }
            rows.append((reader.line_num, cells))
    except csv.Error as error:
        raise ReadError(
            gettext_noop("CSV illisible, ligne %(line)s : %(error)s"),
            line=reader.line_num,
            error=error,
        ) from None
    return Table(columns, rows, "csv", encoding, sep)


def xlsx_cell(value: object) -> str:
    """A spreadsheet value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return from_text_cell(str(value).strip())


def read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a non-XLSX file
        raise ReadError(gettext_noop("classeur XLSX illisible : %(error)s"), error=error) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        columns = _header(list(next(values)))
    except StopIteration:
        raise ReadError(gettext_noop("le classeur est vide")) from None
    rows = []
    for number, row in enumerate(values, start=2):
        cells = {c: xlsx_cell(row[i]) if i < len(row) else "" for i, c in enumerate(columns) if c}
        if any(cells.values()):
            rows.append((number, cells))
    workbook.close()
    return Table([c for c in columns if c], rows, "xlsx")


def json_cell(key: str, value: object) -> str:
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


def read_jsonl(data: bytes) -> Table:
    text, encoding = decode(data)
    rows, columns = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            raise ReadError(
                gettext_noop("JSON invalide ligne %(line)s : %(error)s"),
                line=number,
                error=error.msg,
            ) from None
        if not isinstance(item, dict):
            raise ReadError(gettext_noop("ligne %(line)s : un objet JSON est attendu"), line=number)
        cells = {str(k).strip().lower(): json_cell(str(k), v) for k, v in item.items()}
        for key in cells:
            if key not in columns:
                columns.append(key)
        rows.append((number, cells))
    return Table(columns, rows, "jsonl", encoding)


def read_table(data: bytes, filename: str, separator: str | None = None) -> Table:
    fmt = detect_format(filename, data)
    if fmt == "xlsx":
        return read_xlsx(data)
    if fmt == "jsonl":
        return read_jsonl(data)
    return read_csv(data, separator)
