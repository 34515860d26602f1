"""Validate and import a table of alliances (command `import_alliances` and the admin page).

Two passes: `validate` checks every row against the reference data and the base and lists
EVERY problem by row and column, writing nothing; `apply` writes the valid rows in one
transaction with bulk inserts. A record the reader could not read (a broken JSON line, a
CSV line with an unterminated quote, a row too short or too long) is a rejected row like any
other: it never stops the others. In all-or-nothing mode a single problem stops everything
before any write; with `keep_valid` the valid rows are imported and the rejected ones go to a
file (same columns plus `error`) that can be fixed and imported again.
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliances.base import bulk, history
from alliances.base.identifiers import (
    clean_digits,
    is_valid_rna,
    is_valid_siren,
    is_valid_siret,
    normalize_rna,
)
from alliances.base.models import (
    Alliance,
    ChangeRecord,
    Organisation,
    Partner,
    Result,
    Source,
)
from alliances.base.names import organisation_key
from alliances.base.places import scale_for
from alliances.base.reindex import refresh_search_index
from alliances.common.text import normalize_name
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal, SdgTarget

from .cells import (
    CellError,
    PartnerCell,
    ResultCell,
    gettext_noop,
    parse_date,
    parse_partner,
    parse_sdg,
    parse_year,
    read_result,
    split_list,
)
from .places import PlaceError, PlaceReader, together
from .readers import ERROR_COLUMN, UNREADABLE_COLUMN, Table
from .rejects import rejects_bytes  # noqa: F401 - the importer's public interface

COLUMNS = [
    "title",
    "kind",
    "summary",
    "description",
    "partners",
    "partnership_types",
    "domains",
    "sdg",
    "territory",
    "other_territories",
    "start_year",
    "end_year",
    "stage",
    "co_construction",
    "catalyst_trades",
    "results",
    "results_text",
    "source_url",
    "source_title",
    "source_date",
    "status",
    "slug",
]
REQUIRED = ("title", "kind")
# Columns of our own exports that an import does not need: accepted and ignored.
IGNORED = {"territory_name", "scale", "url", "sdg_suggested", ERROR_COLUMN, UNREADABLE_COLUMN}
TITLE_LENGTH = 300  # titles, source titles and partner names, as stored
URL_LENGTH = 500
MAX_LISTED = 20
TAXONOMY_COLUMNS = {
    "partnership_types": "partnership_types",
    "domains": "domains",
    "catalyst_trades": "catalyst_trades",
}
KIND_WORDS = {
    "alliance": Alliance.Kind.ALLIANCE,
    "partenariat": Alliance.Kind.ALLIANCE,
    "catalyst": Alliance.Kind.CATALYST,
    "catalyseur": Alliance.Kind.CATALYST,
    "catalyseur territorial": Alliance.Kind.CATALYST,
}
STATUS_WORDS = {
    "draft": Alliance.Status.DRAFT,
    "brouillon": Alliance.Status.DRAFT,
    "review": Alliance.Status.REVIEW,
    "en relecture": Alliance.Status.REVIEW,
    "published": Alliance.Status.PUBLISHED,
    "publiee": Alliance.Status.PUBLISHED,
    "publie": Alliance.Status.PUBLISHED,
    "archived": Alliance.Status.ARCHIVED,
    "archivee": Alliance.Status.ARCHIVED,
}
ROLE_WORDS = {
    "leader": Partner.Role.LEADER,
    "porteur": Partner.Role.LEADER,
    "partner": Partner.Role.PARTNER,
    "partenaire": Partner.Role.PARTNER,
    "funder": Partner.Role.FUNDER,
    "financeur": Partner.Role.FUNDER,
    "operator": Partner.Role.OPERATOR,
    "operateur": Partner.Role.OPERATOR,
    "beneficiary": Partner.Role.BENEFICIARY,
    "beneficiaire": Partner.Role.BENEFICIARY,
    "facilitator": Partner.Role.FACILITATOR,
    "facilitateur": Partner.Role.FACILITATOR,
}
BATCH = 2000
# How an import says where it stands: (step, done, total). Steps: "checking" (rows checked out
# of the rows read), "writing" (steps of the write done out of WRITE_STEPS). Called from inside
# the write's transaction: it must not write to the base (the job writes to a cache, ADR 0152).
Progress = Callable[[str, int, int], None]
PROGRESS_EVERY = 250  # rows checked between two reports
WRITE_STEPS = 5  # organisations, alliances, links, history, search index
_WORDS = re.compile(r"[a-z0-9]+")
# Kinds, statuses, roles and labels come from small vocabularies: fold each spelling once.
_fold = lru_cache(maxsize=4096)(normalize_name)


def title_key(title: str) -> str:
    """Titles compared without accents, case or punctuation ("Café-vélo" = "cafe velo").

    The same folding as common.text.normalize_name, written for speed: an import compares
    every title of the file with every title of the base (hundreds of thousands)."""
    text = title.casefold().replace("œ", "oe").replace("æ", "ae")
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(_WORDS.findall(text)) or title.casefold()


_url_validator = URLValidator(schemes=["http", "https"])


@dataclass
class Problem:
    row: int
    column: str
    value: str
    message: str


@dataclass
class PartnerRow:
    name: str
    key: str
    profile_id: int
    role: str
    siren: str = ""
    siret: str = ""
    rna: str = ""


@dataclass
class CleanRow:
    number: int
    cells: dict[str, str]
    title: str = ""
    slug: str = ""
    kind: str = ""
    status: str = Alliance.Status.DRAFT
    summary: str = ""
    description: str = ""
    partners: list[PartnerRow] = field(default_factory=list)
    terms: dict[str, list[int]] = field(default_factory=dict)
    goal_ids: list[int] = field(default_factory=list)
    target_ids: list[int] = field(default_factory=list)
    territory_id: int | None = None
    territory_level: str = ""
    other_territory_ids: list[int] = field(default_factory=list)
    start_year: int | None = None
    end_year: int | None = None
    stage_id: int | None = None
    co_construction_id: int | None = None
    results: list[ResultCell] = field(default_factory=list)
    results_text: str = ""
    source_url: str = ""
    source_title: str = ""
    source_date: date | None = None


@dataclass
class ImportReport:
    table: Table
    valid: list[CleanRow] = field(default_factory=list)
    rejected: list[tuple[int, dict[str, str], list[Problem]]] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    # What was read with a doubt but imported (a part of a place text that matches nothing).
    warnings: list[Problem] = field(default_factory=list)
    created: int = 0
    created_ids: list[int] = field(default_factory=list)
    organisations_created: int = 0
    written: bool = False
    index_message: str = ""

    @property
    def problems(self) -> list[Problem]:
        return [p for _number, _cells, problems in self.rejected for p in problems]

    @property
    def ok(self) -> bool:
        return not self.rejected

    def first_problems(self, limit: int) -> tuple[list[Problem], int]:
        """At most `limit` problems to show, and how many more there are."""
        shown: list[Problem] = []
        total = 0
        for _number, _cells, problems in self.rejected:
            total += len(problems)
            shown += problems[: max(0, limit - len(shown))]
        return shown, total - len(shown)


class _RowCheck:
    """The checks of one row: its cells, the problems found, and where to record them."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[Problem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def value(self, column: str) -> str:
        return self.cells.get(column, "").strip()

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, self.cells.get(column, ""), message))

    def too_long(self, column: str, limit: int) -> bool:
        """Whether the cell is longer than the field that stores it (reported, not cut)."""
        length = len(self.value(column))
        if length > limit:
            self.problem(
                column,
                _("texte trop long : %(length)s caractères, au plus %(max)s")
                % {"length": length, "max": limit},
            )
            return True
        return False


class Validator:
    """Checks rows against the reference data and the base, loaded once per import."""

    def __init__(self) -> None:
        self.terms: dict[str, dict[str, int]] = defaultdict(dict)
        self.profiles: dict[str, int] = {}
        for pk, taxonomy, key, label, parent in Term.objects.filter(obsolete=False).values_list(
            "pk", "taxonomy__key", "key", "label_fr", "parent_id"
        ):
            self.terms[taxonomy][key.lower()] = pk
            self.terms[taxonomy].setdefault(normalize_name(label), pk)
            if taxonomy == "actor_profiles" and parent is None:
                self.profiles[key.lower()] = pk
                self.profiles.setdefault(normalize_name(label), pk)
        self.goals = dict(SdgGoal.objects.values_list("number", "pk"))
        self.targets = {
            code.lower(): pk for code, pk in SdgTarget.objects.values_list("code", "pk")
        }
        self._places: PlaceReader | None = None
        self.slugs = set(Alliance.objects.values_list("slug", flat=True))
        self.titles = {title_key(t) for t in Alliance.objects.values_list("title", flat=True)}

    @property
    def places(self) -> PlaceReader:
        if self._places is None:  # loaded on the first territory cell only
            self._places = PlaceReader()
        return self._places

    def term(self, taxonomy: str, value: str) -> int:
        found = self.terms[taxonomy].get(value.lower()) or self.terms[taxonomy].get(_fold(value))
        if not found:
            raise CellError(gettext_noop("valeur inconnue : « %(value)s »"), value=value)
        return found

    def validate(self, table: Table, progress: Progress | None = None) -> ImportReport:
        report = ImportReport(table=table)
        total = len(table.rows)
        unknown = [c for c in table.columns if c not in COLUMNS and c not in IGNORED]
        if unknown:
            report.notices.append(
                _("Colonnes inconnues, ignorées : %s") % ", ".join(unknown[:MAX_LISTED])
                + (" …" if len(unknown) > MAX_LISTED else "")
            )
        file_titles: dict[str, int] = {}
        file_slugs: dict[str, int] = {}
        # A JSON Lines record has fields, not columns: a missing one is missing in that row.
        columns = table.columns if table.format != "jsonl" else [*table.columns, *REQUIRED]
        for done, (number, cells) in enumerate(table.rows):
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress("checking", done, total)
            problems = read_problems(table, number, cells)
            warnings: list[Problem] = []
            clean = None
            if all(_readable(table, number)):
                clean = self.clean_row(
                    number, cells, problems, file_titles, file_slugs, warnings, columns
                )
            if problems or clean is None:
                report.rejected.append((number, cells, problems))
            else:
                report.valid.append(clean)
                report.warnings += warnings
        if progress is not None:
            progress("checking", total, total)
        return report

    def clean_row(
        self,
        number: int,
        cells: dict[str, str],
        problems: list[Problem],
        file_titles: dict[str, int],
        file_slugs: dict[str, int],
        warnings: list[Problem] | None = None,
        columns: list[str] | None = None,
    ) -> CleanRow:
        """Every check of one row, in named steps; problems are appended to `problems`.

        `columns` are those of the table the row comes from; without them the cells are a
        partial set (a correction names only what it changes) and a required column is
        checked only when it is given."""
        row = CleanRow(number=number, cells=cells)
        check = _RowCheck(number, cells, problems)
        self.check_required(check, columns)
        self.clean_title(row, check, file_titles)
        self.clean_kind_and_status(row, check)
        self.clean_slug(row, check, file_slugs)
        row.summary = cells.get("summary", "")
        row.description = cells.get("description", "")
        row.results_text = cells.get("results_text", "")
        self.clean_partners(row, cells, check.problem)
        self.clean_terms(row, check)
        self.clean_sdg(row, check)
        self.clean_territory(row, check, warnings if warnings is not None else [])
        self.clean_years(row, check)
        self.clean_results(row, check)
        self.clean_source(row, check)
        return row

    @staticmethod
    def check_required(check: _RowCheck, columns: list[str] | None) -> None:
        """A required value is required whether its column, its key or its text is missing."""
        for column in REQUIRED:
            if check.value(column) or (columns is None and column not in check.cells):
                continue
            if columns is not None and column not in columns:
                check.problem(column, _("colonne obligatoire absente"))
            elif column not in check.cells:
                check.problem(column, _("champ obligatoire absent"))
            else:
                check.problem(column, _("valeur obligatoire manquante"))

    def clean_title(self, row: CleanRow, check: _RowCheck, file_titles: dict[str, int]) -> None:
        if check.too_long("title", TITLE_LENGTH):
            return
        row.title = check.value("title")
        if not row.title:
            return
        key = title_key(row.title)
        if key in file_titles:
            check.problem(
                "title",
                _("titre en double dans le fichier (déjà ligne %(line)s)")
                % {"line": file_titles[key]},
            )
        elif key in self.titles:
            check.problem("title", _("une alliance de ce titre existe déjà dans la base"))
        else:
            file_titles[key] = check.number

    @staticmethod
    def clean_kind_and_status(row: CleanRow, check: _RowCheck) -> None:
        kind = check.value("kind")
        if kind:
            row.kind = KIND_WORDS.get(_fold(kind), "")
            if not row.kind:
                check.problem("kind", _("nature inconnue (attendu : alliance ou catalyseur)"))
        status = check.value("status")
        if status:
            row.status = STATUS_WORDS.get(_fold(status), "")
            if not row.status:
                check.problem(
                    "status", _("statut inconnu (brouillon, en relecture, publiée, archivée)")
                )

    def clean_slug(self, row: CleanRow, check: _RowCheck, file_slugs: dict[str, int]) -> None:
        slug = check.value("slug")
        if not slug:
            return
        if slugify(slug) != slug or len(slug) > 120:
            check.problem(
                "slug", _("identifiant d'adresse invalide (minuscules, chiffres, tirets)")
            )
        elif slug in file_slugs:
            check.problem(
                "slug",
                _("identifiant en double dans le fichier (déjà ligne %(line)s)")
                % {"line": file_slugs[slug]},
            )
        elif slug in self.slugs:
            check.problem("slug", _("identifiant déjà utilisé dans la base"))
        else:
            file_slugs[slug] = check.number
            row.slug = slug

    def clean_terms(self, row: CleanRow, check: _RowCheck) -> None:
        """Taxonomy lists (partnership types, domains, trades) and single terms."""
        for column, taxonomy in TAXONOMY_COLUMNS.items():
            ids = []
            for value in split_list(check.cells.get(column, "")):
                try:
                    ids.append(self.term(taxonomy, value))
                except CellError as error:
                    check.problem(column, error.translated(_))
            row.terms[column] = sorted(set(ids))
        for column, taxonomy, attr in (
            ("stage", "partnering_cycle", "stage_id"),
            ("co_construction", "co_construction_forms", "co_construction_id"),
        ):
            value = check.value(column)
            if value:
                try:
                    setattr(row, attr, self.term(taxonomy, value))
                except CellError as error:
                    check.problem(column, error.translated(_))

    def clean_sdg(self, row: CleanRow, check: _RowCheck) -> None:
        for value in split_list(check.cells.get("sdg", "")):
            try:
                goal, target = parse_sdg(value)
                if target:
                    if target not in self.targets:
                        raise CellError(gettext_noop("cible ODD inconnue : « %(v)s »"), v=value)
                    row.target_ids.append(self.targets[target])
                row.goal_ids.append(self.goals[goal])
            except CellError as error:
                check.problem("sdg", error.translated(_))
            except KeyError:
                check.problem("sdg", _("ODD inconnu"))

    def clean_territory(self, row: CleanRow, check: _RowCheck, warnings: list[Problem]) -> None:
        """The main territory and the others: those the `territory` cell names after the
        first, then those of the `other_territories` column (our exports' form)."""
        places = []
        for column in ("territory", "other_territories"):
            text = check.value(column)
            if not text:
                continue
            try:
                places.append(self.places.read(text))
            except PlaceError as error:
                check.problem(column, str(error))
                return
            warnings += [Problem(check.number, column, text, w) for w in places[-1].warnings]
        if places and not check.value("territory"):
            check.problem("other_territories", _("autres territoires sans territoire principal"))
            return
        if places:
            place = together(places)
            row.territory_id, row.territory_level = place.territory_id, place.level
            row.other_territory_ids = place.others

    @staticmethod
    def clean_years(row: CleanRow, check: _RowCheck) -> None:
        for column in ("start_year", "end_year"):
            try:
                setattr(row, column, parse_year(check.cells.get(column, "")))
            except CellError as error:
                check.problem(column, error.translated(_))
        if row.start_year and row.end_year and row.end_year < row.start_year:
            check.problem("end_year", _("l'année de fin précède l'année de début"))

    @staticmethod
    def clean_results(row: CleanRow, check: _RowCheck) -> None:
        """Results in the structured form become figures; any other result stays text."""
        in_words = []
        for value in split_list(check.cells.get("results", "")):
            result = read_result(value)
            if result is None:
                in_words.append(value)
            else:
                row.results.append(result)
        row.results_text = "\n".join(t for t in [row.results_text.strip(), *in_words] if t)

    @staticmethod
    def clean_source(row: CleanRow, check: _RowCheck) -> None:
        url = check.value("source_url")
        if url and not check.too_long("source_url", URL_LENGTH):
            try:
                _url_validator(url)
                row.source_url = url
            except ValidationError:
                check.problem("source_url", _("adresse web invalide"))
        if not check.too_long("source_title", TITLE_LENGTH):
            row.source_title = check.value("source_title")
        if check.value("source_date"):
            try:
                row.source_date = parse_date(check.cells["source_date"])
            except CellError as error:
                check.problem("source_date", error.translated(_))

    def clean_partners(self, row: CleanRow, cells: dict[str, str], problem: Any) -> None:
        seen: set[str] = set()
        for value in split_list(cells.get("partners", "")):
            partner = self.partner(value, problem)
            if partner is None:
                continue
            if partner.key in seen:
                message = _("partenaire cité deux fois : « %(n)s »") % {"n": partner.name}
                problem("partners", message)
                continue
            seen.add(partner.key)
            row.partners.append(partner)

    def partner(self, value: str, problem: Any) -> "PartnerRow | None":
        """One partner cell, "Nom (profil:rôle:identifiant)"; None (and a problem) if wrong."""
        try:
            cell, key = _partner_cell(value)
        except CellError as error:
            problem("partners", error.translated(_))
            return None
        profile = self.profiles.get(cell.profile) or self.profiles.get(_fold(cell.profile))
        if not profile:
            problem(
                "partners",
                _("profil d'acteur inconnu : « %(p)s » (%(v)s)") % {"p": cell.profile, "v": value},
            )
            return None
        role = ROLE_WORDS.get(_fold(cell.role))
        if not role:
            problem(
                "partners", _("rôle inconnu : « %(r)s » (%(v)s)") % {"r": cell.role, "v": value}
            )
            return None
        if len(cell.name) > TITLE_LENGTH:
            problem(
                "partners",
                _("nom de partenaire trop long : %(length)s caractères, au plus %(max)s")
                % {"length": len(cell.name), "max": TITLE_LENGTH},
            )
            return None
        partner = PartnerRow(cell.name, key, profile, role)
        if cell.identifier and not self.identify(partner, cell.identifier):
            problem(
                "partners",
                _("identifiant invalide : « %(i)s » (SIREN, SIRET ou RNA attendu) pour %(n)s")
                % {"i": cell.identifier, "n": cell.name},
            )
            return None
        return partner

    @staticmethod
    def identify(partner: PartnerRow, identifier: str) -> bool:
        """Store a valid SIREN, SIRET or RNA number on the partner; False when invalid."""
        digits = clean_digits(identifier)
        if digits.upper().startswith("W"):
            if is_valid_rna(identifier):
                partner.rna = normalize_rna(identifier)
                return True
            return False
        if len(digits) == 9 and is_valid_siren(digits):
            partner.siren = digits
            return True
        if len(digits) == 14 and is_valid_siret(digits):
            partner.siret, partner.siren = digits, digits[:9]
            return True
        return False


def read_problems(table: Table, number: int, cells: dict[str, str]) -> list[Problem]:
    """What the reader found wrong in this row, as problems in the user's language."""
    return [
        Problem(number, fault.column, cells.get(fault.column, ""), fault.translated(_))
        for fault in table.faults.get(number, [])
    ]


def _readable(table: Table, number: int) -> list[bool]:
    return [not fault.structural for fault in table.faults.get(number, [])]


@lru_cache(maxsize=100_000)
def _partner_cell(value: str) -> tuple[PartnerCell, str]:
    """A partner cell parsed, with its organisation key; the same cells recur across rows."""
    cell = parse_partner(value)
    return cell, organisation_key(cell.name)


def validate(table: Table, progress: Progress | None = None) -> ImportReport:
    return Validator().validate(table, progress)


def _free_slug(title: str, taken: set[str]) -> str:
    base = slugify(title)[:100] or "alliance"
    slug, number = base, 2
    while slug in taken:
        slug = f"{base}-{number}"
        number += 1
    taken.add(slug)
    return slug


def _organisations(rows: list[CleanRow], report: ImportReport) -> dict[str, int]:
    """Organisation id per partner key: existing (by SIREN, RNA, then name), else created."""
    keys = {p.key for r in rows for p in r.partners}
    sirens = {p.siren for r in rows for p in r.partners if p.siren}
    rnas = {p.rna for r in rows for p in r.partners if p.rna}
    by_key: dict[str, int] = {}
    by_siren: dict[str, int] = {}
    by_rna: dict[str, int] = {}
    real = Organisation.objects.filter(synthetic=False)
    for chunk in _chunks(sorted(keys), 500):
        for pk, key in real.filter(name_key__in=chunk).values_list("pk", "name_key"):
            by_key.setdefault(key, pk)
    for chunk in _chunks(sorted(sirens), 500):
        by_siren.update(real.filter(siren__in=chunk).values_list("siren", "pk"))
    for chunk in _chunks(sorted(rnas), 500):
        by_rna.update(real.filter(rna__in=chunk).values_list("rna", "pk"))
    ids: dict[str, int] = {}
    new: dict[str, dict[str, Any]] = {}
    now = timezone.now()
    for row in rows:
        for partner in row.partners:
            found = (
                by_siren.get(partner.siren) or by_rna.get(partner.rna) or by_key.get(partner.key)
            )
            if found:
                ids[partner.key] = found
            elif partner.key not in new:
                new[partner.key] = {
                    "name": partner.name,
                    "name_key": partner.key,
                    "profile_id": partner.profile_id,
                    "subtype_id": None,
                    "siren": partner.siren,
                    "siret": partner.siret,
                    "rna": partner.rna,
                    "territory_id": None,
                    "website": "",
                    "synthetic": False,
                    "created_at": now,
                    "updated_at": now,
                }
    # Plain inserts, then the new ids read back by key: rows above the highest id before
    # the insert, inside this transaction, are ours.
    highest = Organisation.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    bulk.insert(Organisation, list(new.values()))
    for pk, key in Organisation.objects.filter(pk__gt=highest, synthetic=False).values_list(
        "pk", "name_key"
    ):
        if key in new:
            ids[key] = pk
    report.organisations_created = len(new)
    return ids


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def apply(
    report: ImportReport,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    actor: str = "import",
    origin: str = "import",
    progress: Progress | None = None,
) -> ImportReport:
    """Write the valid rows of a validated report, all in one transaction."""
    rows = report.valid
    now = timezone.now()
    who = history._who(user, actor)

    def step(done: int) -> None:
        if progress is not None:
            progress("writing", done, WRITE_STEPS)

    with transaction.atomic():
        step(0)
        bulk.large_cache()
        taken = set(Alliance.objects.values_list("slug", flat=True))
        organisation_ids = _organisations(rows, report)
        step(1)
        alliances = []
        for row in rows:
            slug = row.slug or _free_slug(row.title, taken)
            taken.add(slug)
            level = row.territory_level
            alliances.append(
                {
                    "kind": row.kind,
                    "title": row.title,
                    "slug": slug,
                    "summary": row.summary,
                    "description": row.description,
                    "territory_id": row.territory_id,
                    "scale": scale_for(_Level(level)) if level else "",
                    "start_year": row.start_year,
                    "end_year": row.end_year,
                    "stage_id": row.stage_id,
                    "co_construction_id": row.co_construction_id,
                    "results_text": row.results_text,
                    "status": row.status,
                    "origin": f"{origin}:{row.number}"[:200],
                    "source_digest": "",
                    "synthetic": False,
                    "published_at": now if row.status == Alliance.Status.PUBLISHED else None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        bulk.insert(Alliance, alliances)
        ids = bulk.ids_by_slug(Alliance, [a["slug"] for a in alliances])
        step(2)
        links: dict[str, list[dict[str, Any]]] = defaultdict(list)
        partners, results, sources, records = [], [], [], []
        seen_partners: set[tuple[int, int]] = set()
        for alliance, row in zip(alliances, rows, strict=True):
            pk = ids[alliance["slug"]]
            for column in TAXONOMY_COLUMNS:
                links[column] += [{"alliance_id": pk, "term_id": t} for t in row.terms[column]]
            links["sdg_goals"] += [
                {"alliance_id": pk, "sdggoal_id": g} for g in sorted(set(row.goal_ids))
            ]
            links["sdg_targets"] += [
                {"alliance_id": pk, "sdgtarget_id": t} for t in sorted(set(row.target_ids))
            ]
            links["other_territories"] += [
                {"alliance_id": pk, "territory_id": t} for t in row.other_territory_ids
            ]
            for position, partner in enumerate(row.partners):
                organisation_id = organisation_ids[partner.key]
                # Two spellings of one organisation in a row (matched by SIREN) are one.
                if (pk, organisation_id) in seen_partners:
                    continue
                seen_partners.add((pk, organisation_id))
                partners.append(
                    {
                        "alliance_id": pk,
                        "organisation_id": organisation_id,
                        "role": partner.role,
                        "position": position,
                    }
                )
            results += [
                {
                    "alliance_id": pk,
                    "label": r.label[:300],
                    "value": r.value.quantize(Decimal("0.01")),
                    "unit": r.unit[:60],
                    "year": r.year,
                    "position": i,
                }
                for i, r in enumerate(row.results)
            ]
            if row.source_url:
                sources.append(
                    {
                        "alliance_id": pk,
                        "url": row.source_url,
                        "title": row.source_title,
                        "date": row.source_date,
                    }
                )
            records.append(
                {
                    "alliance_id": pk,
                    "user_id": who["user"].pk if who["user"] else None,
                    "actor": who["actor"],
                    "at": now,
                    "action": history.CREATED,
                    "changes": {
                        "title": [None, row.title],
                        "status": [None, row.status],
                        "origin": [None, alliance["origin"]],
                    },
                }
            )
        for column, link_rows in links.items():
            bulk.insert(getattr(Alliance, column).through, link_rows)
        bulk.insert(Partner, partners)
        bulk.insert(Result, results)
        bulk.insert(Source, sources)
        step(3)
        bulk.insert(ChangeRecord, records)
        created = list(ids.values())
        step(4)
        # The search index is written in the same transaction as the rows: an import
        # interrupted at any moment leaves either nothing or rows that the search finds.
        report.index_message = refresh_search_index(created)
        step(WRITE_STEPS)
    report.created = len(created)
    report.written = True
    report.created_ids = created
    return report


class _Level:
    """Just enough of a territory for scale_for (the level), without a query."""

    def __init__(self, level: str) -> None:
        self.level = level


def run(
    table: Table,
    *,
    dry_run: bool = False,
    keep_valid: bool = False,
    user: AbstractBaseUser | AnonymousUser | None = None,
    actor: str = "import",
    origin: str = "import",
    progress: Progress | None = None,
) -> ImportReport:
    """Validate, then write unless dry run; all-or-nothing unless keep_valid."""
    report = validate(table, progress)
    if dry_run or (report.rejected and not keep_valid) or not report.valid:
        return report
    return apply(report, user=user, actor=actor, origin=origin, progress=progress)
