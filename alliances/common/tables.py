"""Read an uploaded table (CSV, XLSX, JSON Lines) record by record, within limits.

Shared by the imports of every part (alliances, survey figures). Plain Python, no Django:
messages are French templates with their values (`Fault`, `TableError`), translated by the
caller, so a library's own wording never reaches a user.

What this module promises:
- **A broken record is a fault of that record, never of the file.** A CSV line with an
  unterminated quote, a JSON line cut short, a row with too few or too many values, a cell
  too long or with bytes no encoding explains: the record carries a `Fault` (line, column,
  message) and the reading goes on with the next one.
- **The file is refused as a whole** (`TableError`) only when it cannot be a table at all
  (not a workbook, no header) or when it exceeds the limits (size, decompressed size,
  columns, rows), which are checked before or while reading, never after.
- **Memory stays bounded**: the bytes are decoded and split as they are read (the text is
  never held whole), and what is kept is bounded by the row, column and cell limits.

French spreadsheet habits are expected: ';' or ',' or tab separators (sniffed from the header
line), UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), else
Windows-1252; any line ending (CRLF, LF, a bare CR).
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import zipfile
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import IO

SEPARATORS = (";", ",", "\t")
REPLACEMENT = "\ufffd"
# Control characters a database refuses (NUL) or that no spreadsheet cell holds on purpose.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CHUNK = 1 << 16
# Whatever the cell limit, the csv module's own field limit is kept as is (a process-wide
# setting other readers rely on); a longer field becomes a fault of its record.


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue while keeping this module free of
    Django; the caller translates it."""
    return message


@dataclass(frozen=True)
class Limits:
    """What an import accepts; the defaults are safe, settings may change them."""

    max_bytes: int = 50_000_000
    max_rows: int = 100_000
    max_columns: int = 100
    max_cell_chars: int = 20_000
    max_unzipped_bytes: int = 100_000_000
    max_problems: int = 500

    @property
    def max_line_chars(self) -> int:
        """A physical line longer than this cannot hold a valid row."""
        return self.max_cell_chars * 2 + 10_000


class Words(str):
    """A message parameter that is itself a message to translate (not a value as typed)."""


class _Message:
    template: str
    params: dict[str, object]

    def translated(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.template)
        if not self.params:
            return text
        params = {k: gettext(v) if isinstance(v, Words) else v for k, v in self.params.items()}
        return text % params


class TableError(_Message, ValueError):
    """The file as a whole cannot be read, or exceeds a limit."""

    def __init__(self, template: str, **params: object) -> None:
        self.template, self.params = template, params
        super().__init__(template % params if params else template)


@dataclass
class Fault(_Message):
    """What is wrong with one record; `column` is empty when the whole record is at fault.

    `structural` faults (unreadable record, too few or too many values) make the cells
    unreliable: callers report them without checking the cells any further."""

    column: str
    template: str
    params: dict[str, object] = field(default_factory=dict)
    structural: bool = False


@dataclass
class Record:
    line: int  # the line (CSV, JSON Lines) or row (XLSX) as the user sees it
    cells: dict[str, str]
    faults: list[Fault] = field(default_factory=list)
    raw: str = ""  # the text of a record that could not be split into cells

    @property
    def readable(self) -> bool:
        return not any(f.structural for f in self.faults)


@dataclass
class Sheet:
    columns: list[str]
    records: list[Record]
    format: str
    encoding: str = ""
    separator: str = ""


# --- Format, size and encoding --------------------------------------------------------------


def detect_format(filename: str, head: bytes) -> str:
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    if suffix in ("csv", "txt", "tsv"):
        return "csv"
    if head[:2] == b"PK":
        return "xlsx"
    if head.lstrip()[:1] == b"{":
        return "jsonl"
    return "csv"


def check_size(size: int, limits: Limits) -> None:
    """Refuse a file larger than the limit, before reading it."""
    if size > limits.max_bytes:
        raise TableError(
            gettext_noop(
                "fichier trop volumineux : %(size)s octets, au plus %(max)s (découpez-le en "
                "plusieurs fichiers)"
            ),
            size=size,
            max=limits.max_bytes,
        )


def _valid_utf8(stream: IO[bytes]) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream: IO[bytes]) -> str:
    """UTF-16 when it starts with its BOM; UTF-8 (BOM dropped) when every byte is valid
    UTF-8, checked chunk by chunk; else Windows-1252, what French spreadsheets save."""
    head = stream.read(4)
    stream.seek(0)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return "utf-16"
    return "utf-8-sig" if _valid_utf8(stream) else "cp1252"


def open_text(stream: IO[bytes], encoding: str, newline: str | None = "") -> io.TextIOWrapper:
    """A text view decoding as it reads. Bytes the encoding cannot explain (five bytes have
    no meaning in Windows-1252, and broken UTF-16) become U+FFFD, which the record reports."""
    return io.TextIOWrapper(stream, encoding=encoding, errors="replace", newline=newline)


def _encoding_name(encoding: str) -> str:
    return {"utf-8-sig": "utf-8", "utf-16": "utf-16", "cp1252": "cp1252"}[encoding]


# --- Cells -----------------------------------------------------------------------------------


def cell_faults(column: str, value: str, limits: Limits, encoding: str) -> list[Fault]:
    """Faults of one cell: too long, bytes no encoding explains, control characters."""
    faults = []
    if len(value) > limits.max_cell_chars:
        faults.append(
            Fault(
                column,
                gettext_noop("texte trop long : %(length)s caractères, au plus %(max)s"),
                {"length": len(value), "max": limits.max_cell_chars},
            )
        )
    if REPLACEMENT in value and encoding != "utf-8":
        faults.append(
            Fault(
                column,
                gettext_noop(
                    "caractères illisibles : le fichier n'est ni en UTF-8 ni en Windows-1252 "
                    "(enregistrez-le en UTF-8)"
                ),
            )
        )
    if _CONTROL.search(value):
        faults.append(Fault(column, gettext_noop("caractère de contrôle invisible dans le texte")))
    return faults


def _kept(value: str, limits: Limits) -> str:
    """A cell as kept in memory: cut beyond the limit (the record is at fault anyway)."""
    return value[: limits.max_cell_chars + 1]


def header_columns(values: list[object], limits: Limits) -> list[str]:
    """Header names: trimmed, lower case; a header beyond the column limit is refused."""
    columns = [str(v or "").strip().lstrip("\ufeff").strip().lower() for v in values]
    while columns and not columns[-1]:
        columns.pop()
    if not columns:
        raise TableError(gettext_noop("la première ligne doit donner les noms des colonnes"))
    if len(columns) > limits.max_columns:
        raise TableError(
            gettext_noop("trop de colonnes : %(count)s, au plus %(max)s"),
            count=len(columns),
            max=limits.max_columns,
        )
    named = [c for c in columns if c]
    doubles = sorted({c for c in named if named.count(c) > 1})
    if doubles:
        raise TableError(
            gettext_noop("colonne en double dans l'en-tête : %(columns)s"),
            columns=", ".join(doubles),
        )
    return columns


def _too_many_rows(limits: Limits) -> TableError:
    return TableError(
        gettext_noop("trop de lignes : au plus %(max)s (découpez le fichier)"),
        max=limits.max_rows,
    )


def _shape_faults(columns: list[str], values: list[str]) -> list[Fault]:
    """A row with fewer values than columns, or with text beyond the last column."""
    expected = len(columns)
    extra = [v for v in values[expected:] if v.strip()]
    if len(values) < expected:
        return [
            Fault(
                "",
                gettext_noop(
                    "ligne trop courte : %(found)s valeur(s) pour %(expected)s colonnes "
                    "(séparateur manquant ou ligne coupée ?)"
                ),
                {"found": len(values), "expected": expected},
                structural=True,
            )
        ]
    if extra:
        return [
            Fault(
                "",
                gettext_noop(
                    "ligne trop longue : %(found)s valeur(s) pour %(expected)s colonnes "
                    "(en trop : « %(extra)s »)"
                ),
                {"found": len(values), "expected": expected, "extra": extra[0][:80]},
                structural=True,
            )
        ]
    return []


def build_record(
    line: int,
    columns: list[str],
    values: list[str],
    limits: Limits,
    encoding: str,
    text_cell: Callable[[str], str],
) -> Record:
    """A record from the values of one row, with the faults of its shape and cells."""
    record = Record(line, {}, _shape_faults(columns, values))
    for position, column in enumerate(columns):
        value = values[position].strip() if position < len(values) else ""
        if not column:
            if value:
                record.faults.append(
                    Fault(
                        "",
                        gettext_noop(
                            "valeur sous une colonne sans titre (colonne %(position)s) : "
                            "« %(value)s »"
                        ),
                        {"position": position + 1, "value": value[:80]},
                        structural=True,
                    )
                )
            continue
        record.faults += cell_faults(column, value, limits, encoding)
        record.cells[column] = text_cell(_kept(value, limits))
    return record


def _same(value: str) -> str:
    return value


# --- CSV ------------------------------------------------------------------------------------


class _LineFeed:
    """Physical lines for the csv module, numbered, with the lines of the current record
    kept so that a broken record can give its following lines back to be read again."""

    def __init__(self, text: IO[str], limits: Limits) -> None:
        self.text = text
        self.limit = limits.max_line_chars
        self.pending: deque[tuple[int, str]] = deque()
        self.number = 0
        self.taken: list[tuple[int, str]] = []
        self.overlong: set[int] = set()

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        if self.pending:
            item = self.pending.popleft()
        else:
            line = self.text.readline(self.limit)
            if not line:
                raise StopIteration
            self.number += 1
            if len(line) >= self.limit and not line.endswith(("\n", "\r")):
                self._skip_rest_of_line()
                self.overlong.add(self.number)
            item = (self.number, line)
        self.taken.append(item)
        return item[1]

    def _skip_rest_of_line(self) -> None:
        while True:
            rest = self.text.readline(self.limit)
            if not rest or rest.endswith(("\n", "\r")):
                return

    def give_back(self, lines: list[tuple[int, str]]) -> None:
        self.pending.extendleft(reversed(lines))


def sniff_separator(header_line: str) -> str:
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _unreadable_csv(taken: list[tuple[int, str]], separator: str) -> tuple[list[str], Fault]:
    """The first line of a record the csv module could not read, split as well as it can
    be (for the rejects file), and the fault naming the lines it ran over."""
    first_line, first_text = taken[0]
    try:
        values = next(csv.reader([first_text], delimiter=separator), [])
    except csv.Error:
        values = [first_text.rstrip("\r\n")]
    if len(taken) > 1:
        fault = Fault(
            "",
            gettext_noop(
                "ligne illisible : un guillemet ouvert n'est pas refermé (le texte court "
                "jusqu'à la ligne %(last)s) ; les lignes suivantes sont lues à part"
            ),
            {"last": taken[-1][0]},
            structural=True,
        )
    else:
        fault = Fault(
            "",
            gettext_noop(
                "ligne illisible : guillemets mal placés (un texte entre guillemets doit "
                "être suivi du séparateur)"
            ),
            structural=True,
        )
    return values, fault


def _first_line(text: IO[str]) -> str:
    line = text.readline(1_000_000)
    text.seek(0)
    return line


def read_csv(
    stream: IO[bytes],
    limits: Limits,
    separator: str | None = None,
    text_cell: Callable[[str], str] = _same,
) -> Sheet:
    encoding = detect_encoding(stream)
    text = open_text(stream, encoding)
    try:
        return _read_csv_text(text, encoding, limits, separator, text_cell)
    finally:
        text.detach()  # the caller's stream stays open


def _read_csv_text(
    text: io.TextIOWrapper,
    encoding: str,
    limits: Limits,
    separator: str | None,
    text_cell: Callable[[str], str],
) -> Sheet:
    sep = separator or sniff_separator(_first_line(text))
    feed = _LineFeed(text, limits)
    reader = csv.reader(feed, delimiter=sep, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError(gettext_noop("le fichier est vide")) from None
    except csv.Error:
        raise TableError(gettext_noop("la ligne d'en-tête est illisible")) from None
    columns = header_columns(header, limits)
    sheet = Sheet(columns, [], "csv", _encoding_name(encoding), sep)
    for record in _csv_records(reader, feed, sep, columns, limits, encoding, text_cell):
        if len(sheet.records) >= limits.max_rows:
            raise _too_many_rows(limits)
        sheet.records.append(record)
    return sheet


def _csv_records(
    reader: Iterator[list[str]],
    feed: _LineFeed,
    separator: str,
    columns: list[str],
    limits: Limits,
    encoding: str,
    text_cell: Callable[[str], str],
) -> Iterator[Record]:
    while True:
        feed.taken = []
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error:
            taken = feed.taken or [(feed.number, "")]
            values, fault = _unreadable_csv(taken, separator)
            feed.give_back(taken[1:])
            record = build_record(taken[0][0], columns, values, limits, encoding, text_cell)
            record.faults.insert(0, fault)
            record.raw = taken[0][1].rstrip("\r\n")[: limits.max_cell_chars]
            yield record
            continue
        if not any(v.strip() for v in values):
            continue
        line = feed.taken[0][0] if feed.taken else feed.number
        record = build_record(line, columns, values, limits, encoding, text_cell)
        if any(number in feed.overlong for number, _text in feed.taken):
            record.faults.insert(0, _overlong_fault(limits))
        yield record


def _overlong_fault(limits: Limits) -> Fault:
    return Fault(
        "",
        gettext_noop("ligne trop longue : plus de %(max)s caractères"),
        {"max": limits.max_line_chars},
        structural=True,
    )


# --- XLSX -----------------------------------------------------------------------------------


def _check_workbook(stream: IO[bytes], limits: Limits) -> None:
    """A workbook is a zip archive: its declared sizes are checked before anything is
    decompressed (a few hundred kilobytes can expand to gigabytes). The zip module refuses
    an entry that holds more than it declares, so the declared sizes are binding."""
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise TableError(gettext_noop("ce fichier n'est pas un classeur XLSX lisible")) from None
    finally:
        stream.seek(0)
    unzipped = sum(entry.file_size for entry in entries)
    if unzipped > limits.max_unzipped_bytes or len(entries) > 10_000:
        raise TableError(
            gettext_noop(
                "classeur trop volumineux une fois décompressé : %(size)s octets, au plus %(max)s"
            ),
            size=unzipped,
            max=limits.max_unzipped_bytes,
        )


def xlsx_cell(value: object) -> str:
    """A spreadsheet value as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(stream: IO[bytes]) -> Iterator[tuple]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise TableError(gettext_noop("ce fichier n'est pas un classeur XLSX lisible")) from None
    # The dimensions a file declares may lie: read the rows that are there.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    number = 0
    try:
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception:  # a corrupt part of the sheet: nothing after it can be read
                raise TableError(
                    gettext_noop("classeur illisible après la ligne %(line)s"), line=number
                ) from None
            number += 1
            yield row
    finally:
        workbook.close()


def read_xlsx(stream: IO[bytes], limits: Limits, text_cell: Callable[[str], str] = _same) -> Sheet:
    _check_workbook(stream, limits)
    rows = _xlsx_rows(stream)
    try:
        header = next(rows)
    except StopIteration:
        raise TableError(gettext_noop("le classeur est vide")) from None
    columns = header_columns(list(header), limits)
    sheet = Sheet(columns, [], "xlsx", "utf-8")
    for number, row in enumerate(rows, start=2):
        if number > limits.max_rows + 1:
            raise _too_many_rows(limits)
        values = [xlsx_cell(v) for v in row]
        if not any(v.strip() for v in values):
            continue
        sheet.records.append(build_record(number, columns, values, limits, "utf-8", text_cell))
    return sheet


# --- JSON Lines -----------------------------------------------------------------------------

# json's messages, in words a curator understands (the library's own text never shows).
_JSON_MESSAGES = (
    ("Unterminated string", gettext_noop("texte entre guillemets non refermé")),
    ("Expecting ',' delimiter", gettext_noop("virgule attendue")),
    ("Expecting ':' delimiter", gettext_noop("deux-points attendus après un nom de champ")),
    ("Expecting property name", gettext_noop("nom de champ entre guillemets doubles attendu")),
    ("Expecting value", gettext_noop("valeur attendue")),
    ("Extra data", gettext_noop("texte en trop après l'objet")),
    ("Invalid control character", gettext_noop("caractère de contrôle dans un texte")),
    ("Invalid \\escape", gettext_noop("échappement « \\ » invalide")),
    ("Invalid \\uXXXX escape", gettext_noop("échappement « \\u » invalide")),
)


def _json_fault(error: json.JSONDecodeError) -> Fault:
    what = next(
        (message for prefix, message in _JSON_MESSAGES if error.msg.startswith(prefix)),
        gettext_noop("syntaxe incorrecte"),
    )
    return Fault(
        "",
        gettext_noop("JSON invalide à la colonne %(position)s : %(what)s"),
        {"position": error.colno, "what": Words(what)},
        structural=True,
    )


def _json_value_fault() -> Fault:
    return Fault(
        "",
        gettext_noop("JSON illisible : objets trop imbriqués ou nombre trop grand"),
        structural=True,
    )


def _json_object(text: str) -> tuple[dict | None, Fault | None]:
    try:
        item = json.loads(text)
    except json.JSONDecodeError as error:
        return None, _json_fault(error)
    except (RecursionError, ValueError):
        return None, _json_value_fault()
    if not isinstance(item, dict):
        return None, Fault(
            "",
            gettext_noop("un objet JSON {…} est attendu sur chaque ligne"),
            structural=True,
        )
    return item, None


def _json_record(
    number: int,
    line: str,
    limits: Limits,
    encoding: str,
    json_cell: Callable[[str, object], str],
    text_cell: Callable[[str], str],
) -> Record:
    item, fault = _json_object(line)
    if item is not None and len(item) > limits.max_columns:
        item, fault = (
            None,
            Fault(
                "",
                gettext_noop("trop de champs : %(count)s, au plus %(max)s"),
                {"count": len(item), "max": limits.max_columns},
                structural=True,
            ),
        )
    if item is None:
        return Record(number, {}, [fault], raw=line[: limits.max_cell_chars])
    record = Record(number, {})
    for key, value in item.items():
        column = str(key).strip().lower()[:100]
        try:
            text = json_cell(column, value)
        except RecursionError:
            return Record(number, {}, [_json_value_fault()], raw=line[: limits.max_cell_chars])
        record.faults += cell_faults(column, text, limits, encoding)
        record.cells[column] = text_cell(_kept(text, limits))
    return record


def plain_json_cell(key: str, value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "|".join(plain_json_cell(key, v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value).strip()


def read_jsonl(
    stream: IO[bytes],
    limits: Limits,
    json_cell: Callable[[str, object], str] = plain_json_cell,
    text_cell: Callable[[str], str] = _same,
) -> Sheet:
    encoding = detect_encoding(stream)
    text = open_text(stream, encoding, newline=None)
    try:
        return _read_jsonl_text(text, encoding, limits, json_cell, text_cell)
    finally:
        text.detach()  # the caller's stream stays open


def _read_jsonl_text(
    text: io.TextIOWrapper,
    encoding: str,
    limits: Limits,
    json_cell: Callable[[str, object], str],
    text_cell: Callable[[str], str],
) -> Sheet:
    feed = _LineFeed(text, limits)
    sheet = Sheet([], [], "jsonl", _encoding_name(encoding))
    known: set[str] = set()
    for line in feed:
        number = feed.number
        feed.taken = []
        if not line.strip():
            continue
        if not sheet.records and line.lstrip().startswith("["):
            raise TableError(
                gettext_noop(
                    "un fichier JSON Lines est attendu (un objet {…} par ligne), pas une liste"
                )
            )
        if len(sheet.records) >= limits.max_rows:
            raise _too_many_rows(limits)
        line = line.rstrip("\r\n")
        if number in feed.overlong:
            record = Record(number, {}, [_overlong_fault(limits)], raw=line[:200])
        else:
            record = _json_record(number, line, limits, encoding, json_cell, text_cell)
        for column in record.cells:
            if column not in known:
                known.add(column)
                sheet.columns.append(column)
        sheet.records.append(record)
    if len(sheet.columns) > limits.max_columns * 10:
        raise TableError(
            gettext_noop("trop de champs différents : %(count)s"), count=len(sheet.columns)
        )
    return sheet


# --- Any table ------------------------------------------------------------------------------


def stream_size(stream: IO[bytes]) -> int:
    position = stream.tell()
    size = stream.seek(0, io.SEEK_END)
    stream.seek(position)
    return size


def read_sheet(
    stream: IO[bytes],
    filename: str,
    limits: Limits,
    *,
    separator: str | None = None,
    formats: tuple[str, ...] = ("csv", "xlsx", "jsonl"),
    json_cell: Callable[[str, object], str] = plain_json_cell,
    text_cell: Callable[[str], str] = _same,
) -> Sheet:
    """Read a seekable binary stream; its size is checked before anything is read."""
    check_size(stream_size(stream), limits)
    head = stream.read(8)
    stream.seek(0)
    fmt = detect_format(filename, head)
    if fmt not in formats:
        raise TableError(
            gettext_noop("format non pris en charge ici : %(format)s (attendu : %(formats)s)"),
            format=fmt.upper(),
            formats=", ".join(f.upper() for f in formats),
        )
    if fmt == "xlsx":
        return read_xlsx(stream, limits, text_cell)
    if fmt == "jsonl":
        return read_jsonl(stream, limits, json_cell, text_cell)
    return read_csv(stream, limits, separator, text_cell)
