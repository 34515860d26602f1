"""Load the real examples shipped in alliances/data/alliances/alliances_reelles.jsonl.

Idempotent: an unchanged row (same digest of the row and of its resolved territory) is left
alone, so a curator's edits survive; a changed row updates its alliance in place (history
recorded); a row gone from the file archives its alliance (never deleted). Organisations named
in several examples become one organisation (see alliances.base.names). Everything runs in one
transaction: a fault leaves the database as it was.
"""

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.utils import timezone

from alliances.base import history
from alliances.base.models import Alliance, Organisation, Partner, Source
from alliances.base.names import organisation_key, preferred_name
from alliances.base.places import scale_for
from alliances.base.reindex import deferred_indexing, has_index_signals, refresh_search_index
from alliances.common.datasets import file_checksum, record_dataset, row_digest
from alliances.common.errors import DataFileError
from alliances.referentials.models import Term
from alliances.territories.lookups import resolve_place_text

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "alliances"
DATA_FILE = DATA_DIR / "alliances_reelles.jsonl"
ALIASES_FILE = DATA_DIR / "organisation_aliases.csv"
ORIGIN = "alliances_reelles"
ACTOR = "loader"
KINDS = {"alliance": Alliance.Kind.ALLIANCE, "catalyseur": Alliance.Kind.CATALYST}
REQUIRED = ("id", "name", "kind", "partners", "territory", "summary", "source_url")


def read_rows(path: Path) -> list[dict[str, Any]]:
    """Parse and check every line; DataFileError names the line of the first fault."""
    if not path.exists():
        raise DataFileError(path, "fichier introuvable")
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            raise DataFileError(path, f"JSON invalide ({error.msg})", number) from error
        if not isinstance(row, dict):
            raise DataFileError(path, "un objet JSON est attendu", number)
        missing = [k for k in REQUIRED if not row.get(k)]
        if missing:
            raise DataFileError(path, f"champ(s) manquant(s) : {', '.join(missing)}", number)
        if row["id"] in seen:
            raise DataFileError(path, f"identifiant en double : {row['id']}", number)
        seen.add(row["id"])
        if row["kind"] not in KINDS:
            raise DataFileError(path, f"nature inconnue : {row['kind']!r}", number)
        year = row.get("start_year")
        if year not in (None, "") and (not isinstance(year, int) or not 1800 <= year <= 2100):
            raise DataFileError(path, f"année invalide : {year!r}", number)
        partners = row["partners"]
        if not isinstance(partners, list) or not all(
            isinstance(p, dict) and p.get("name") and p.get("profile") for p in partners
        ):
            raise DataFileError(path, "partenaires : liste de {name, profile} attendue", number)
        row["_line"] = number
        rows.append(row)
    return rows


def read_aliases(path: Path) -> dict[str, str]:
    """alias key -> canonical key, from the reviewed alias file."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            organisation_key(row["alias"]): organisation_key(row["canonical"])
            for row in csv.DictReader(handle)
            if row.get("alias") and row.get("canonical")
        }


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    archived: list[str] = field(default_factory=list)
    unresolved: list[tuple[str, str, str]] = field(default_factory=list)  # id, text, detail
    merges: list[tuple[str, list[str]]] = field(default_factory=list)
    profile_conflicts: list[tuple[str, list[str]]] = field(default_factory=list)
    organisations_created: int = 0


def resolve_territory(text: str) -> tuple[Any, list[str]]:
    """The territory of a text and the parts that could not be resolved (reported), read by
    the territories part's resolver (ADR 0041)."""
    resolution = resolve_place_text(text)
    problems = [f"non trouvé : « {p} »" for p in resolution.unresolved]
    if resolution.candidates:
        problems.append(
            "plusieurs territoires possibles : " + ", ".join(map(str, resolution.candidates))
        )
    return resolution.territory, problems


class Loader:
    def __init__(self, rows: list[dict[str, Any]], aliases: dict[str, str]) -> None:
        self.rows = rows
        self.aliases = aliases
        self.report = Report()
        self.terms: dict[tuple[str, str], Term] = {
            (t.taxonomy.key, t.key): t
            for t in Term.objects.select_related("taxonomy").filter(
                taxonomy__key__in=["actor_profiles", "partnership_types", "domains"]
            )
        }
        self.organisations: dict[str, Organisation] = {}

    def term(self, taxonomy: str, key: str, row: dict[str, Any]) -> Term:
        try:
            return self.terms[(taxonomy, key)]
        except KeyError:
            raise DataFileError(
                DATA_FILE, f"clé inconnue dans « {taxonomy} » : {key!r}", row["_line"]
            ) from None

    def key(self, name: str) -> str:
        key = organisation_key(name)
        return self.aliases.get(key, key)

    def plan_organisations(self) -> None:
        """Group the partner names of the whole file by key, before writing anything."""
        variants: dict[str, list[str]] = {}
        profiles: dict[str, list[str]] = {}
        canonical_names = {}
        for row in self.rows:
            for partner in row["partners"]:
                key = self.key(partner["name"])
                variants.setdefault(key, []).append(partner["name"])
                profiles.setdefault(key, []).append(partner["profile"])
                self.term("actor_profiles", partner["profile"], row)
        with ALIASES_FILE.open(encoding="utf-8", newline="") as handle:
            for alias in csv.DictReader(handle):
                canonical_names[organisation_key(alias["canonical"])] = alias["canonical"]
        self.planned: dict[str, tuple[str, str]] = {}
        for key, names in variants.items():
            distinct = sorted(set(names))
            name = canonical_names.get(key) or preferred_name(names)
            if len(distinct) > 1:
                self.report.merges.append((name, distinct))
            profile_counts = {p: profiles[key].count(p) for p in profiles[key]}
            profile = max(sorted(profile_counts), key=lambda p: profile_counts[p])
            if len(profile_counts) > 1:
                self.report.profile_conflicts.append((name, sorted(profile_counts)))
            self.planned[key] = (name, profile)

    def organisation(self, partner_name: str, row: dict[str, Any]) -> Organisation:
        key = self.key(partner_name)
        if key in self.organisations:
            return self.organisations[key]
        found = Organisation.objects.filter(name_key=key, synthetic=False).order_by("pk").first()
        if found is None:
            name, profile = self.planned[key]
            found = Organisation.objects.create(
                name=name, name_key=key, profile=self.term("actor_profiles", profile, row)
            )
            self.report.organisations_created += 1
        self.organisations[key] = found
        return found

    def run(self) -> Report:
        self.plan_organisations()
        existing = {
            a.origin: a
            for a in Alliance.objects.filter(origin__startswith=f"{ORIGIN}:").select_related(
                "territory", "stage", "co_construction"
            )
        }
        seen = set()
        for row in self.rows:
            origin = f"{ORIGIN}:{row['id']}"
            seen.add(origin)
            territory, problems = resolve_territory(row["territory"])
            if problems or territory is None:
                detail = "; ".join(problems) or "aucun territoire reconnu"
                self.report.unresolved.append((row["id"], row["territory"], detail))
            clean = {k: v for k, v in row.items() if not k.startswith("_")}
            digest = row_digest(clean, territory.pk if territory else None)
            alliance = existing.get(origin)
            if alliance is not None and alliance.source_digest == digest:
                self.report.unchanged += 1
                continue
            self.save(alliance, origin, row, territory, digest)
        for origin, alliance in existing.items():
            if origin not in seen and alliance.status != Alliance.Status.ARCHIVED:
                history.set_status([alliance], Alliance.Status.ARCHIVED, actor=ACTOR)
                self.report.archived.append(alliance.slug)
        return self.report

    def save(
        self,
        alliance: Alliance | None,
        origin: str,
        row: dict[str, Any],
        territory: Any,
        digest: str,
    ) -> None:
        created = alliance is None
        before = {} if created else history.snapshot(alliance)
        if created:
            alliance = Alliance(origin=origin, slug=self.free_slug(row["id"]))
        alliance.kind = KINDS[row["kind"]]
        alliance.title = row["name"][:300]
        alliance.summary = row["summary"]
        alliance.results_text = row.get("results") or ""
        alliance.start_year = row.get("start_year") or None
        alliance.territory = territory
        alliance.scale = scale_for(territory)
        alliance.status = Alliance.Status.PUBLISHED
        alliance.published_at = alliance.published_at or timezone.now()
        alliance.source_digest = digest
        alliance.save()
        alliance.partnership_types.set(
            [self.term("partnership_types", k, row) for k in row.get("partnership_types") or []]
        )
        alliance.domains.set([self.term("domains", k, row) for k in row.get("domains") or []])
        alliance.partners.all().delete()
        position = 0
        seen_organisations = set()
        for partner in row["partners"]:
            organisation = self.organisation(partner["name"], row)
            if organisation.pk in seen_organisations:
                continue  # one example naming the same organisation twice
            seen_organisations.add(organisation.pk)
            Partner.objects.create(alliance=alliance, organisation=organisation, position=position)
            position += 1
        alliance.sources.exclude(url=row["source_url"]).delete()
        if not alliance.sources.filter(url=row["source_url"]).exists():
            Source.objects.create(
                alliance=alliance,
                url=row["source_url"],
                title=urlsplit(row["source_url"]).netloc.removeprefix("www."),
            )
        after = history.snapshot(alliance)
        if created:
            history.record(alliance, history.CREATED, history.diff({}, after), actor=ACTOR)
            self.report.created.append(alliance.slug)
        else:
            changes = history.diff(before, after)
            history.record(alliance, history.UPDATED, changes, actor=ACTOR)
            self.report.updated.append(alliance.slug)

    @staticmethod
    def free_slug(wanted: str) -> str:
        slug, number = wanted[:120], 2
        while Alliance.objects.filter(slug=slug).exists():
            slug = f"{wanted[:110]}-{number}"
            number += 1
        return slug


class Command(BaseCommand):
    help = "Charge les exemples réels d'alliances livrés avec la plateforme (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", default=str(DATA_FILE), help="Fichier JSON Lines à charger.")

    def handle(self, *args: object, **options: Any) -> None:
        path = Path(options["file"])
        verbosity = int(options["verbosity"])
        if not Term.objects.filter(taxonomy__key="actor_profiles").exists():
            self.stderr.write(
                "load_alliances : référentiels absents (lancez populate_referentials) ; "
                "exemples non chargés."
            )
            return
        rows = read_rows(path)
        with transaction.atomic(), deferred_indexing():
            report = Loader(rows, read_aliases(ALIASES_FILE)).run()
            changed = report.created + report.updated + report.archived
            record_dataset(ORIGIN, file_checksum(path)[:12], file_checksum(path), len(rows))
        # The search part's signals re-index what was saved (once, on leaving
        # deferred_indexing); without them, ask its index module directly.
        index_note = ""
        if changed and not has_index_signals():
            ids = list(Alliance.objects.filter(slug__in=changed).values_list("pk", flat=True))
            index_note = refresh_search_index(ids)
        self.print_report(report, index_note, verbosity)

    def print_report(self, report: Report, index_note: str, verbosity: int) -> None:
        if verbosity == 0:
            return
        for slug, text, detail in report.unresolved:
            self.stderr.write(f"territoire non résolu : {slug} : « {text} » ({detail})")
        self.stdout.write(
            f"alliances : {len(report.created)} créée(s), {len(report.updated)} mise(s) à jour, "
            f"{report.unchanged} inchangée(s), {len(report.archived)} archivée(s) ; "
            f"{report.organisations_created} organisation(s) créée(s)"
        )
        if report.created or report.updated:
            for name, variants in report.merges:
                self.stdout.write(f"organisation fusionnée : {name} ← {' | '.join(variants)}")
            for name, profiles in report.profile_conflicts:
                self.stdout.write(f"profils divergents pour {name} : {', '.join(profiles)}")
        if index_note:
            self.stdout.write(index_note)
