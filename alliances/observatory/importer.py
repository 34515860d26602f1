"""Import figures from a CSV or XLSX file: check every row first, then write all or nothing.

The file is read by the platform's shared table reader (`alliances.common.tables`), like the
alliance import: ';' or ',' or tab separators, UTF-8 with or without BOM, UTF-16, else
Windows-1252, any line ending (a bare carriage return included), within the import limits.
A record it cannot read is an issue of its row. French habits for values: decimal commas
("53,5"), a trailing "%". A dry run reports what would be created or updated, and every
fault as (row, column, message) — the list capped, with the count of the rest; nothing is
written while one fault remains, and a figure without a source is always refused.
"""

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliances.common.limits import import_limits
from alliances.common.tables import Limits, TableError, read_sheet
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


class Issues(list):
    """The faults found, kept up to a cap; `more` counts those beyond it."""

    def __init__(self, cap: int = 500) -> None:
        super().__init__()
        self.cap = cap
        self.more = 0

    def append(self, issue: Issue) -> None:
        if len(self) < self.cap:
            super().append(issue)
        else:
            self.more += 1

    @property
    def total(self) -> int:
        return len(self) + self.more


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    more_issues: int = 0  # faults beyond the ones listed (ALLIANCES_IMPORT_MAX_PROBLEMS)
    file_error: str = ""  # the file as a whole could not be read (also the first issue)
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.issues


class ImportFileError(ValueError):
    """The file as a whole cannot be read (format, encoding, header, limits)."""


Row = tuple[int, dict[str, str]]  # (line as the user sees it, cells by lower-case header)


def read_table(
    data: bytes | IO[bytes], filename: str, limits: Limits | None = None
) -> tuple[list[Row], list[Issue]]:
    """The rows of a CSV or XLSX file, and the issues of the records that could not be read.

    Raises ImportFileError (translated) when the file cannot be a table of figures."""
    stream = io.BytesIO(data) if isinstance(data, bytes) else data
    try:
        sheet = read_sheet(stream, filename, limits or import_limits(), formats=("csv", "xlsx"))
    except TableError as error:
        raise ImportFileError(error.translated(_)) from None
    missing = [c for c in REQUIRED if c not in sheet.columns]
    if missing:
        raise ImportFileError(
            _("colonne(s) obligatoire(s) absente(s) : %(columns)s")
            % {"columns": ", ".join(missing)}
        )
    rows, issues = [], []
    for record in sheet.records:
        issues += [Issue(record.line, f.column, f.translated(_)) for f in record.faults]
        if record.readable:
            rows.append((record.line, record.cells))
    return rows, issues


def _number(raw: str) -> Decimal:
    cleaned = raw.replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    number = Decimal(cleaned)
    if not number.is_finite():
        raise InvalidOperation
    return number


class _RowChecker:
    """The checks of the rows of one import, in named steps, against the reference data
    (loaded once)."""

    def __init__(self, issues: Issues) -> None:
        self.issues = issues
        self.indicators = {i.key: i for i in Indicator.objects.all()}
        self.populations = {p.key: p for p in Population.objects.all()}
        self.studies = {s.key: s for s in Study.objects.all()}
        self.territories = {
            t.code: t for t in Territory.objects.filter(level__in=[Level.COUNTRY, Level.REGION])
        }
        self.this_year = timezone.now().year
        self.keys_seen: dict[str, int] = {}

    def issue(self, line: int, column: str, message: str) -> None:
        self.issues.append(Issue(line, column, message))

    def check(self, line: int, row: dict[str, str]) -> dict | None:
        """The clean values of a row, or None when it has a fault (each one recorded)."""
        before = self.issues.total
        values: dict = {"line": line}
        self.required(line, row)
        self.references(line, row, values)
        self.year(line, row, values)
        self.value(line, row, values)
        self.sample(line, row, values)
        values["n_is_lower_bound"] = self.flag(line, row, "n_is_lower_bound")
        values["approximate_year"] = self.flag(line, row, "approximate_year")
        values["fieldwork"] = row.get("fieldwork", "")[:300]
        values["note"] = row.get("note", "")
        values["source_url"] = row.get("source_url", "")
        self.key(line, row, values)
        return values if self.issues.total == before else None

    def required(self, line: int, row: dict[str, str]) -> None:
        for column in REQUIRED:
            if not row.get(column):
                message = (
                    _("source manquante : un chiffre sans source est refusé")
                    if column == "source_url"
                    else _("valeur obligatoire manquante")
                )
                self.issue(line, column, message)
        url = row.get("source_url", "")
        if url and not url.startswith(("http://", "https://")):
            self.issue(line, "source_url", _("adresse web (http ou https) attendue"))
        elif len(url) > Figure._meta.get_field("source_url").max_length:
            self.issue(line, "source_url", _("adresse web trop longue"))

    def references(self, line: int, row: dict[str, str], values: dict) -> None:
        """Indicator, population, territory and study: keys of the reference data."""
        known = (
            ("indicator", self.indicators, _("indicateur inconnu : « %(v)s »")),
            ("population", self.populations, _("population inconnue : « %(v)s »")),
            ("study", self.studies, _("étude inconnue : « %(v)s »")),
        )
        values["study"] = None
        for column, table, message in known:
            if row.get(column):
                values[column] = table.get(row[column])
                if values[column] is None:
                    self.issue(line, column, message % {"v": row[column]})
        if row.get("territory"):
            code = row["territory"]
            values["territory"] = self.territories.get(code.upper()) or self.territories.get(code)
            if values["territory"] is None:
                self.issue(
                    line,
                    "territory",
                    _("territoire inconnu : « %(v)s » (code de région ou FR)") % {"v": code},
                )

    def year(self, line: int, row: dict[str, str], values: dict) -> None:
        if not row.get("year"):
            return
        try:
            values["year"] = int(_number(row["year"]))
        except (InvalidOperation, ValueError, OverflowError):
            self.issue(line, "year", _("année invalide : « %(v)s »") % {"v": row["year"]})
            return
        if values["year"] > self.this_year:
            self.issue(line, "year", _("année future : %(v)s") % {"v": values["year"]})
        elif values["year"] < 1900:
            self.issue(line, "year", _("année invalide : %(v)s") % {"v": row["year"]})

    def value(self, line: int, row: dict[str, str], values: dict) -> None:
        if not row.get("value"):
            return
        try:
            values["value"] = _number(row["value"]).quantize(Decimal("0.1"))
        except InvalidOperation:
            self.issue(line, "value", _("valeur non numérique : « %(v)s »") % {"v": row["value"]})
            return
        if not Decimal(0) <= values["value"] <= Decimal(100):
            self.issue(line, "value", _("valeur hors de 0-100 : %(v)s") % {"v": row["value"]})

    def sample(self, line: int, row: dict[str, str], values: dict) -> None:
        values["n"] = None
        if not row.get("n"):
            return
        try:
            n = _number(row["n"])
            if n != n.to_integral_value() or not 1 <= n <= 2_000_000_000:
                raise InvalidOperation
            values["n"] = int(n)
        except InvalidOperation:
            self.issue(
                line,
                "n",
                _("taille d'échantillon invalide (entier ≥ 1 attendu) : « %(v)s »")
                % {"v": row["n"]},
            )

    def flag(self, line: int, row: dict[str, str], column: str) -> bool:
        raw = row.get(column, "")
        word = raw.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word not in FALSE_WORDS:
            self.issue(line, column, _("valeur oui/non attendue : « %(v)s »") % {"v": raw})
        return False

    def key(self, line: int, row: dict[str, str], values: dict) -> None:
        key = row.get("id") or slugify(
            f"{row.get('indicator', '')}-{row.get('population', '')}-"
            f"{row.get('territory', '')}-{row.get('year', '')}"
        )
        values["key"] = key[:120]
        if key in self.keys_seen:
            self.issue(
                line, "id", _("chiffre en double (déjà ligne %(l)s)") % {"l": self.keys_seen[key]}
            )
        self.keys_seen[key] = line


def check_rows(rows: list[Row], issues: Issues | None = None) -> tuple[list[dict], Issues]:
    """Validate every row; return the clean values and the faults found (capped)."""
    issues = issues if issues is not None else Issues()
    checker = _RowChecker(issues)
    clean = []
    for line, row in rows:
        values = checker.check(line, row)
        if values is not None:
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


def import_figures(data: bytes | IO[bytes], filename: str, *, dry_run: bool = True) -> ImportReport:
    """Check the file and, unless dry_run, write every row in one transaction."""
    report = ImportReport()
    limits = import_limits()
    try:
        rows, read_issues = read_table(data, filename, limits)
    except ImportFileError as error:
        report.file_error = str(error)
        report.issues.append(Issue(1, "", report.file_error))
        return report
    report.rows = len(rows) + len({i.row for i in read_issues})
    issues = Issues(limits.max_problems)
    for issue in read_issues:
        issues.append(issue)
    clean, issues = check_rows(rows, issues)
    report.issues, report.more_issues = list(issues), issues.more
    if report.issues:
        return report
    _write(clean, report, dry_run)
    return report


def _write(clean: list[dict], report: ImportReport, dry_run: bool) -> None:
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


def import_file(path: Path, *, dry_run: bool = True) -> ImportReport:
    with Path(path).open("rb") as stream:
        return import_figures(stream, Path(path).name, dry_run=dry_run)
