"""Shipped datasets: one reader for JSON Lines and CSV files, and what is loaded.

Every loader of shipped data (examples, resources, events, survey figures) declares its
fields once as a `Schema` and reads its files with `read_jsonl` or `read_csv`. The reader
checks every row and collects every problem, each naming the file, the line and the field in
French; a loader then refuses the whole file (`DatasetError`) before writing anything, so a
good row is never half-written beside a bad one, and a curator fixes every fault in one pass.

`record_dataset` keeps which version of each dataset is loaded (shown by /healthz and
/sources/).
"""

import csv
import hashlib
import io
import json
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .errors import DataFileError

# A check looks at one value and returns the problem in French, or None when it is fine.
Check = Callable[[Any], str | None]
EMPTY = (None, "", [], {})
MAX_LISTED_CHOICES = 12


@dataclass(frozen=True)
class Problem:
    """One fault of a data file: where (file, line, field) and what, in French."""

    path: str
    line: int | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f", ligne {self.line}"
        if self.field:
            where += f", champ « {self.field} »"
        return f"{where} : {self.message}"


class DatasetError(DataFileError):
    """Every problem found in the files of one load; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        first = problems[0]
        super().__init__(first.path, first.message, first.line)
        self.problems = problems

    def __str__(self) -> str:
        lines = [str(p) for p in self.problems]
        if len(lines) == 1:
            return lines[0]
        return f"{len(lines)} problèmes :\n" + "\n".join(f"- {line}" for line in lines)


@dataclass(frozen=True)
class Field:
    """One field (JSON key or CSV column) of a dataset and the checks of its value."""

    name: str
    required: bool = False
    checks: tuple[Check, ...] = ()


@dataclass(frozen=True)
class Schema:
    """The fields of a dataset; `key` names the field whose values are unique."""

    fields: tuple[Field, ...]
    key: str | None = "id"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def required_columns(self) -> list[str]:
        return [f.name for f in self.fields if f.required]


@dataclass(frozen=True)
class Record:
    """One row as read, with the file and the line it comes from."""

    path: Path
    line: int
    data: dict[str, Any] = field(hash=False)

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)


# --- checks ---------------------------------------------------------------------------------


def _shown(value: Any) -> str:
    return f"« {value} »" if isinstance(value, str) else repr(value)


def one_of(choices: Collection[Any], what: str) -> Check:
    """The value is one of `choices` ("nature inconnue : « x » (attendu : a, b)")."""
    listed = sorted(str(c) for c in choices)
    expected = ", ".join(listed[:MAX_LISTED_CHOICES])
    if len(listed) > MAX_LISTED_CHOICES:
        expected += " ..."

    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        try:
            known = not isinstance(value, bool) and value in choices
        except TypeError:  # a list or an object is never a choice
            known = False
        return None if known else f"{what} inconnu(e) : {_shown(value)} (attendu : {expected})"

    return check


def text(max_length: int | None = None) -> Check:
    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        if not isinstance(value, str):
            return f"texte attendu, pas {_shown(value)}"
        if max_length and len(value) > max_length:
            return f"texte trop long ({len(value)} caractères, {max_length} au plus)"
        return None

    return check


def integer_between(low: int, high: int, *, digits_ok: bool = False) -> Check:
    """A whole number in [low, high]; `digits_ok` accepts its text (CSV cells)."""

    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        number = value
        if digits_ok and isinstance(value, str) and value.strip().isdigit():
            number = int(value)
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            return f"nombre entier entre {low} et {high} attendu, pas {_shown(value)}"
        return None

    return check


def number_between(low: float, high: float) -> Check:
    """A number (a decimal comma is accepted in text) in [low, high]."""

    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        try:
            number = float(str(value).replace(",", ".")) if not isinstance(value, bool) else None
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            return f"nombre entre {low:g} et {high:g} attendu, pas {_shown(value)}"
        return None

    return check


HTTP_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def http_url() -> Check:
    def check(value: Any) -> str | None:
        if value in EMPTY or (isinstance(value, str) and HTTP_URL.match(value)):
            return None
        return f"adresse http(s) attendue, pas {_shown(value)}"

    return check


def iso_date() -> Check:
    """A calendar date written AAAA-MM-JJ."""

    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        try:
            date.fromisoformat(value)
        except (TypeError, ValueError):
            return f"date AAAA-MM-JJ attendue, pas {_shown(value)}"
        return None

    return check


def list_of(item: Check | None = None) -> Check:
    """A JSON list; each element passes `item` (the first faulty element is named)."""

    def check(value: Any) -> str | None:
        if value in EMPTY:
            return None
        if not isinstance(value, list):
            return f"liste attendue, pas {_shown(value)}"
        for position, element in enumerate(value, start=1):
            problem = item(element) if item else None
            if problem:
                return f"élément {position} : {problem}"
        return None

    return check


def objects_with(required: tuple[str, ...], checks: dict[str, Check] | None = None) -> Check:
    """An object (JSON) holding every `required` key, each key passing its check."""

    def check(value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"objet {{{', '.join(required)}}} attendu, pas {_shown(value)}"
        missing = [k for k in required if value.get(k) in EMPTY]
        if missing:
            return f"clé(s) manquante(s) : {', '.join(missing)}"
        for key, key_check in (checks or {}).items():
            problem = key_check(value.get(key))
            if problem:
                return f"« {key} » : {problem}"
        return None

    return check


# --- readers --------------------------------------------------------------------------------


def check_record(record: Record, schema: Schema) -> list[Problem]:
    """The problems of one row against the schema (required fields, then each check)."""
    problems = []
    for spec in schema.fields:
        value = record.data.get(spec.name)
        if value in EMPTY:
            if spec.required:
                message = "valeur obligatoire vide" if spec.name in record.data else "obligatoire"
                problems.append(Problem(str(record.path), record.line, spec.name, message))
            continue
        for check in spec.checks:
            problem = check(value)
            if problem:
                problems.append(Problem(str(record.path), record.line, spec.name, problem))
                break
    return problems


def _text(path: Path) -> str | Problem:
    if not path.exists():
        return Problem(str(path), None, None, "fichier introuvable")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return Problem(str(path), line, None, "encodage invalide (UTF-8 attendu)")


def _jsonl_records(path: Path) -> tuple[list[Record], list[Problem]]:
    content = _text(path)
    if isinstance(content, Problem):
        return [], [content]
    records, problems = [], []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(
                Problem(str(path), number, None, f"JSON invalide (colonne {error.colno})")
            )
            continue
        if not isinstance(data, dict):
            problems.append(Problem(str(path), number, None, "un objet JSON est attendu"))
            continue
        records.append(Record(path, number, data))
    return records, problems


def _csv_rows(path: Path) -> list[tuple[int, list[str]]] | Problem:
    """(first physical line, cells) of every record; a quoted cell may span lines."""
    content = _text(path)
    if isinstance(content, Problem):
        return content
    reader = csv.reader(io.StringIO(content, newline=""))
    rows, line = [], 1
    try:
        for cells in reader:
            rows.append((line, cells))
            line = reader.line_num + 1
    except csv.Error:
        return Problem(str(path), line, None, "CSV illisible (guillemets mal fermés ?)")
    return rows


def _csv_records(path: Path, schema: Schema) -> tuple[list[Record], list[Problem]]:
    rows = _csv_rows(path)
    if isinstance(rows, Problem):
        return [], [rows]
    if not rows:
        return [], [Problem(str(path), 1, None, "fichier vide")]
    header = [h.strip() for h in rows[0][1]]
    missing = [c for c in schema.required_columns if c not in header]
    if missing:
        message = f"colonne(s) manquante(s) : {', '.join(missing)}"
        return [], [Problem(str(path), 1, None, message)]
    records, problems = [], []
    for number, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            message = f"{len(cells)} colonnes au lieu de {len(header)}"
            problems.append(Problem(str(path), number, None, message))
            continue
        data = {name: cell.strip() for name, cell in zip(header, cells, strict=True)}
        records.append(Record(path, number, data))
    return records, problems


def check_records(records: list[Record], schema: Schema) -> list[Problem]:
    """Each row's problems, and every repeated key after its first line."""
    problems: list[Problem] = []
    first_line: dict[Any, Record] = {}
    for record in records:
        problems.extend(check_record(record, schema))
        if schema.key is None:
            continue
        key = record.data.get(schema.key)
        if key in EMPTY or not isinstance(key, str | int):
            continue
        if key in first_line:
            earlier = first_line[key]
            place = f"ligne {earlier.line}"
            if earlier.path != record.path:
                place = f"{earlier.path.name}, {place}"
            message = f"identifiant en double : {_shown(key)} (déjà en {place})"
            problems.append(Problem(str(record.path), record.line, schema.key, message))
        else:
            first_line[key] = record
    return problems


def examine_jsonl(paths: Iterable[Path], schema: Schema) -> tuple[list[Record], list[Problem]]:
    """Every row of the JSON Lines files and every problem (keys unique across files)."""
    records, problems = [], []
    for path in paths:
        found, faults = _jsonl_records(Path(path))
        records.extend(found)
        problems.extend(faults)
    problems.extend(check_records(records, schema))
    return records, sorted(problems, key=lambda p: (p.path, p.line or 0))


def examine_csv(path: Path, schema: Schema) -> tuple[list[Record], list[Problem]]:
    """Every row of a UTF-8 CSV file (with or without BOM) and every problem."""
    records, problems = _csv_records(Path(path), schema)
    problems.extend(check_records(records, schema))
    return records, sorted(problems, key=lambda p: p.line or 0)


def read_jsonl(paths: Path | Iterable[Path], schema: Schema) -> list[Record]:
    """The rows of one or several JSON Lines files; DatasetError lists every problem."""
    records, problems = examine_jsonl([paths] if isinstance(paths, Path) else paths, schema)
    if problems:
        raise DatasetError(problems)
    return records


def read_csv(path: Path, schema: Schema) -> list[Record]:
    """The rows of a CSV file; DatasetError lists every problem."""
    records, problems = examine_csv(path, schema)
    if problems:
        raise DatasetError(problems)
    return records


def raise_problems(problems: list[Problem]) -> None:
    """Refuse the load when any problem was found (checks a loader makes after reading)."""
    if problems:
        raise DatasetError(sorted(problems, key=lambda p: (p.path, p.line or 0)))


# --- what is loaded -------------------------------------------------------------------------


def file_checksum(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()


def row_digest(*values: object) -> str:
    """A stable digest of a source row, to tell whether it changed since the last load."""
    return hashlib.sha256(repr(values).encode()).hexdigest()


def record_dataset(name: str, version: str, checksum: str, rows: int) -> bool:
    """Store the loaded version; return True when it changed (or is new)."""
    from .models import LoadedDataset

    current = LoadedDataset.objects.filter(name=name).first()
    if current and (current.version, current.checksum, current.rows) == (version, checksum, rows):
        return False
    LoadedDataset.objects.update_or_create(
        name=name, defaults={"version": version, "checksum": checksum, "rows": rows}
    )
    return True
