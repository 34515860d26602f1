"""Import figures from a CSV or XLSX file: check every row first, then write all or nothing.

French spreadsheet habits are accepted: ';' or ',' or tab separators, UTF-8 with or without
BOM or Windows-1252, decimal commas ("53,5"), a trailing "%". A dry run reports what would be
created or updated, and every fault as (row, column, message); nothing is written while one
fault remains, and a figure without a source is always refused.
"""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliances.territories.models import Level, Territory

from .models import Figure, Indicator, Population, Study

REQUIRED = ("indicator", "population", "territory", "year", "value", "source_url")
OPTIONAL = ("id", "n", "n_is_lower_bound", "approximate_year", "study", "fieldwork", "note")
TRUE_WORDS = {"1", "oui", "vrai", "true", "yes", "x", "o"}
FALSE_WORDS = {"", "0", "non", "faux", "false", "no"}


@dataclass
class Issue:
    row: int  # line of the spreadsheet (the header is line 1)
    column: str
    message: str

    def __str__(self) -> str:
        return _("ligne %(row)s, colonne « %(column)s » : %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header)."""


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what French spreadsheets save."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def read_table(data: bytes, filename: str) -> list[dict[str, str]]:
    """Rows of a CSV or XLSX file as dicts of stripped strings, keyed by lower-case header."""
    if filename.lower().endswith((".xlsx", ".xlsm")):
        return _read_xlsx(data)
    text = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return _as_dicts(list(reader))


def _read_xlsx(data: bytes) -> list[dict[str, str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a corrupt file
        raise ImportFileError(
            _("classeur XLSX illisible : %(error)s") % {"error": error}
        ) from error
    sheet = workbook.worksheets[0]
    table = [
        ["" if cell is None else _cell_text(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    return _as_dicts(table)


def _cell_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_dicts(table: list[list[str]]) -> list[dict[str, str]]:
    if not table:
        raise ImportFileError(_("fichier vide"))
    header = [h.strip().lower() for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            _("colonne(s) obligatoire(s) absente(s) : %(columns)s")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for values in table[1:]:
        if not any(str(v).strip() for v in values):
            rows.append({})  # keep line numbers right; skipped below
            continue
        rows.append({h: str(v).strip() for h, v in zip(header, values, strict=False) if h})
    return rows


def _number(raw: str) -> Decimal:
    cleaned = raw.replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    return Decimal(cleaned)


def _flag(raw: str, line: int, column: str, issues: list[Issue]) -> bool:
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word not in FALSE_WORDS:
        issues.append(Issue(line, column, _("valeur oui/non attendue : « %(v)s »") % {"v": raw}))
    return False


def check_rows(rows: list[dict[str, str]]) -> tuple[list[dict], list[Issue]]:
    """Validate every row; return the clean values and all the faults found."""
    issues: list[Issue] = []
    clean: list[dict] = []
    indicators = {i.key: i for i in Indicator.objects.all()}
    populations = {p.key: p for p in Population.objects.all()}
    studies = {s.key: s for s in Study.objects.all()}
    territories = {
        t.code: t for t in Territory.objects.filter(level__in=[Level.COUNTRY, Level.REGION])
    }
    this_year = timezone.now().year
    keys_seen: dict[str, int] = {}
    for line, row in enumerate(rows, start=2):
        if not row:
            continue
        before = len(issues)
        values: dict = {"line": line}
        for column in REQUIRED:
            if not row.get(column):
                message = (
                    _("source manquante : un chiffre sans source est refusé")
                    if column == "source_url"
                    else _("valeur obligatoire manquante")
                )
                issues.append(Issue(line, column, message))
        if row.get("source_url") and not row["source_url"].startswith(("http://", "https://")):
            issues.append(Issue(line, "source_url", _("adresse web (http ou https) attendue")))
        if row.get("indicator"):
            values["indicator"] = indicators.get(row["indicator"])
            if values["indicator"] is None:
                issues.append(
                    Issue(
                        line,
                        "indicator",
                        _("indicateur inconnu : « %(v)s »") % {"v": row["indicator"]},
                    )
                )
        if row.get("population"):
            values["population"] = populations.get(row["population"])
            if values["population"] is None:
                issues.append(
                    Issue(
                        line,
                        "population",
                        _("population inconnue : « %(v)s »") % {"v": row["population"]},
                    )
                )
        if row.get("territory"):
            values["territory"] = territories.get(row["territory"].upper()) or territories.get(
                row["territory"]
            )
            if values["territory"] is None:
                issues.append(
                    Issue(
                        line,
                        "territory",
                        _("territoire inconnu : « %(v)s » (code de région ou FR)")
                        % {"v": row["territory"]},
                    )
                )
        if row.get("year"):
            try:
                values["year"] = int(_number(row["year"]))
                if values["year"] > this_year:
                    issues.append(
                        Issue(line, "year", _("année future : %(v)s") % {"v": values["year"]})
                    )
                elif values["year"] < 1900:
                    issues.append(
                        Issue(line, "year", _("année invalide : %(v)s") % {"v": row["year"]})
                    )
            except (InvalidOperation, ValueError):
                issues.append(
                    Issue(line, "year", _("année invalide : « %(v)s »") % {"v": row["year"]})
                )
        if row.get("value"):
            try:
                values["value"] = _number(row["value"]).quantize(Decimal("0.1"))
                if not Decimal(0) <= values["value"] <= Decimal(100):
                    issues.append(
                        Issue(
                            line, "value", _("valeur hors de 0-100 : %(v)s") % {"v": row["value"]}
                        )
                    )
            except InvalidOperation:
                issues.append(
                    Issue(
                        line, "value", _("valeur non numérique : « %(v)s »") % {"v": row["value"]}
                    )
                )
        values["n"] = None
        if row.get("n"):
            try:
                n = _number(row["n"])
                if n != n.to_integral_value() or n < 1:
                    raise InvalidOperation
                values["n"] = int(n)
            except InvalidOperation:
                issues.append(
                    Issue(
                        line,
                        "n",
                        _("taille d'échantillon invalide (entier ≥ 1 attendu) : « %(v)s »")
                        % {"v": row["n"]},
                    )
                )
        values["n_is_lower_bound"] = _flag(
            row.get("n_is_lower_bound", ""), line, "n_is_lower_bound", issues
        )
        values["approximate_year"] = _flag(
            row.get("approximate_year", ""), line, "approximate_year", issues
        )
        values["study"] = None
        if row.get("study"):
            values["study"] = studies.get(row["study"])
            if values["study"] is None:
                issues.append(
                    Issue(line, "study", _("étude inconnue : « %(v)s »") % {"v": row["study"]})
                )
        values["fieldwork"] = row.get("fieldwork", "")[:300]
        values["note"] = row.get("note", "")
        values["source_url"] = row.get("source_url", "")
        key = row.get("id") or slugify(
            f"{row.get('indicator', '')}-{row.get('population', '')}-"
            f"{row.get('territory', '')}-{row.get('year', '')}"
        )
        values["key"] = key[:120]
        if key in keys_seen:
            issues.append(
                Issue(line, "id", _("chiffre en double (déjà ligne %(l)s)") % {"l": keys_seen[key]})
            )
        keys_seen[key] = line
        if len(issues) == before:
            clean.append(values)
    return clean, issues


FIELDS = (
    "indicator",
    "population",
    "territory",
    "year",
    "value",
    "n",
    "n_is_lower_bound",
    "approximate_year",
    "study",
    "fieldwork",
    "note",
    "source_url",
)


def import_figures(data: bytes, filename: str, *, dry_run: bool = True) -> ImportReport:
    """Check the file and, unless dry_run, write every row in one transaction."""
    report = ImportReport()
    try:
        rows = read_table(data, filename)
    except ImportFileError as error:
        report.issues.append(Issue(1, "", str(error)))
        return report
    report.rows = sum(1 for r in rows if r)
    clean, report.issues = check_rows(rows)
    if report.issues:
        return report
    existing = {f.key: f for f in Figure.objects.filter(key__in=[v["key"] for v in clean])}
    with transaction.atomic():
        for values in clean:
            figure = existing.get(values["key"])
            if figure is None:
                report.created.append(values["key"])
                figure = Figure(key=values["key"])
            elif all(getattr(figure, f) == values[f] for f in FIELDS) and not figure.obsolete:
                report.unchanged.append(values["key"])
                continue
            else:
                report.updated.append(values["key"])
            if dry_run:
                continue
            for name in FIELDS:
                setattr(figure, name, values[name])
            figure.scope_label = values["territory"].name
            figure.obsolete = False
            figure.full_clean(exclude=["indicator", "population", "territory", "study"])
            figure.save()
        report.written = not dry_run
    return report


def import_file(path: Path, *, dry_run: bool = True) -> ImportReport:
    return import_figures(Path(path).read_bytes(), Path(path).name, dry_run=dry_run)
