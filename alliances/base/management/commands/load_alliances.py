"""Load the real examples shipped in alliances/data/alliances/.

The shipped content is `alliances_reelles.jsonl` and every `examples_*.jsonl` beside it (ids
unique across the files). Idempotent: an unchanged row (same digest of the row and of its
resolved territory) is left alone, so a curator's edits survive; a changed row updates its
alliance in place (history recorded). Organisations named in several examples become one
organisation (see alliances.base.names); the source's own wording of a partner, when it
differs from the organisation's name, is kept on the partner (`as_named`), with its role.

Loading never archives by surprise: a run (shipped files or `--file`) adds and updates only.
`--replace` archives the loaded alliances that are not in the files read, after saying how
many and asking for confirmation (or `--yes`). Everything runs in one transaction, after every
row has been checked: a fault leaves the database as it was.
"""

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from alliances.base import history
from alliances.base.models import Alliance, Organisation, Partner, Source
from alliances.base.names import organisation_key, preferred_name
from alliances.base.places import scale_for
from alliances.base.reindex import deferred_indexing
from alliances.common.datasets import (
    Field,
    Problem,
    Record,
    Schema,
    file_checksum,
    http_url,
    integer_between,
    iso_date,
    list_of,
    objects_with,
    one_of,
    raise_problems,
    read_jsonl,
    record_dataset,
    row_digest,
    text,
)
from alliances.referentials.models import Term
from alliances.territories.lookups import resolve_place_text

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "alliances"
DATA_FILE = DATA_DIR / "alliances_reelles.jsonl"
EXAMPLES_PATTERN = "examples_*.jsonl"
ALIASES_FILE = DATA_DIR / "organisation_aliases.csv"
ORIGIN = "alliances_reelles"
ACTOR = "loader"
# Part of every row's digest: a new version reloads every row once (new columns filled).
LOADER_VERSION = 2
KINDS = {"alliance": Alliance.Kind.ALLIANCE, "catalyseur": Alliance.Kind.CATALYST}

PARTNER = objects_with(
    ("name", "profile"),
    {
        "name": text(300),
        "profile": text(),
        "role": one_of(Partner.Role.values, "rôle"),
        "as_named": text(300),
    },
)
EXAMPLES = Schema(
    (
        Field("id", required=True, checks=(text(120),)),
        Field("name", required=True, checks=(text(300),)),
        Field("kind", required=True, checks=(one_of(KINDS, "nature"),)),
        Field("partners", required=True, checks=(list_of(PARTNER),)),
        Field("territory", required=True, checks=(text(),)),
        Field("summary", required=True, checks=(text(),)),
        Field("source_url", required=True, checks=(http_url(),)),
        Field("source_title", checks=(text(300),)),
        Field("source_read_on", checks=(iso_date(),)),
        Field("start_year", checks=(integer_between(1800, 2100),)),
        Field("partnership_types", checks=(list_of(text()),)),
        Field("domains", checks=(list_of(text()),)),
        Field("results", checks=(text(),)),
    )
)
TAXONOMIES = {
    "partnership_types": "type de partenariat",
    "domains": "domaine",
}


def shipped_files(data_dir: Path | None = None) -> list[Path]:
    """The shipped examples: the reference file, then the research files beside it."""
    folder = data_dir or DATA_DIR
    return [folder / DATA_FILE.name, *sorted(folder.glob(EXAMPLES_PATTERN))]


def read_rows(paths: Path | list[Path]) -> list[Record]:
    """Every row of the files; DatasetError names each faulty line and field."""
    return read_jsonl(paths, EXAMPLES)


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


def canonical_names(path: Path) -> dict[str, str]:
    """canonical key -> canonical name, as the alias file spells it."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {organisation_key(r["canonical"]): r["canonical"] for r in csv.DictReader(handle)}


def term_problems(rows: list[Record], terms: dict[tuple[str, str], Term]) -> list[Problem]:
    """Keys of the taxonomies that the referentials do not know, by line and field."""
    problems = []
    for row in rows:
        for taxonomy, what in TAXONOMIES.items():
            for key in row.get(taxonomy) or []:
                if (taxonomy, key) not in terms:
                    message = f"{what} inconnu(e) : « {key} »"
                    problems.append(Problem(str(row.path), row.line, taxonomy, message))
        for position, partner in enumerate(row["partners"], start=1):
            profile = partner["profile"]
            if ("actor_profiles", profile) not in terms:
                message = f"partenaire {position} : profil d'acteur inconnu « {profile} »"
                problems.append(Problem(str(row.path), row.line, "partners", message))
    return problems


@dataclass
class Report:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    archived: list[str] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)  # loaded before, not in the files, kept
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


def example_faults(rows: list[Record]) -> list[str]:
    """What a shipped example must have: a source, a territory the resolver understands
    entirely, at least two partners each with a profile (faults in French, by id)."""
    faults = []
    for row in rows:
        where = f"{Path(row.path).name}, ligne {row.line} ({row.get('id')})"
        if not row.get("source_url"):
            faults.append(f"{where} : pas de source")
        resolution = resolve_place_text(row.get("territory") or "")
        if not resolution.complete:
            faults.append(f"{where} : territoire non résolu « {row.get('territory')} »")
        partners = [p for p in row.get("partners") or [] if p.get("name") and p.get("profile")]
        if len(partners) < 2:
            faults.append(f"{where} : moins de deux partenaires avec un profil")
    return faults


def loaded_alliances() -> dict[str, Alliance]:
    """The alliances this loader wrote, by origin."""
    return {
        a.origin: a
        for a in Alliance.objects.filter(origin__startswith=f"{ORIGIN}:").select_related(
            "territory", "stage", "co_construction"
        )
    }


def origin_of(row: Record) -> str:
    return f"{ORIGIN}:{row['id']}"


def to_archive(rows: list[Record], existing: dict[str, Alliance]) -> list[Alliance]:
    """The loaded alliances, not archived yet, that the files no longer hold."""
    kept = {origin_of(r) for r in rows}
    return sorted(
        (a for o, a in existing.items() if o not in kept and a.status != Alliance.Status.ARCHIVED),
        key=lambda a: a.slug,
    )


class Loader:
    def __init__(self, rows: list[Record], aliases: dict[str, str], names: dict[str, str]) -> None:
        self.rows = rows
        self.aliases = aliases
        self.canonical_names = names
        self.report = Report()
        self.terms: dict[tuple[str, str], Term] = load_terms()
        self.organisations: dict[str, Organisation] = {}
        self.planned: dict[str, tuple[str, str]] = {}

    def key(self, name: str) -> str:
        key = organisation_key(name)
        return self.aliases.get(key, key)

    def plan_organisations(self) -> None:
        """Group the partner names of all the files by key, before writing anything."""
        variants: dict[str, list[str]] = {}
        profiles: dict[str, list[str]] = {}
        for row in self.rows:
            for partner in row["partners"]:
                key = self.key(partner["name"])
                variants.setdefault(key, []).append(partner["name"])
                profiles.setdefault(key, []).append(partner["profile"])
        for key, names in variants.items():
            distinct = sorted(set(names))
            name = self.canonical_names.get(key) or preferred_name(names)
            if len(distinct) > 1:
                self.report.merges.append((name, distinct))
            profile_counts = {p: profiles[key].count(p) for p in profiles[key]}
            profile = max(sorted(profile_counts), key=lambda p: profile_counts[p])
            if len(profile_counts) > 1:
                self.report.profile_conflicts.append((name, sorted(profile_counts)))
            self.planned[key] = (name, profile)

    def organisation(self, partner_name: str) -> Organisation:
        key = self.key(partner_name)
        if key in self.organisations:
            return self.organisations[key]
        found = Organisation.objects.filter(name_key=key, synthetic=False).order_by("pk").first()
        if found is None:
            name, profile = self.planned[key]
            found = Organisation.objects.create(
                name=name, name_key=key, profile=self.terms[("actor_profiles", profile)]
            )
            self.report.organisations_created += 1
        self.organisations[key] = found
        return found

    def run(self, existing: dict[str, Alliance]) -> Report:
        """Create or update every row; archive nothing."""
        self.plan_organisations()
        for row in self.rows:
            territory, problems = resolve_territory(row["territory"])
            if problems or territory is None:
                detail = "; ".join(problems) or "aucun territoire reconnu"
                self.report.unresolved.append((row["id"], row["territory"], detail))
            digest = row_digest(LOADER_VERSION, row.data, territory.pk if territory else None)
            alliance = existing.get(origin_of(row))
            if alliance is not None and alliance.source_digest == digest:
                self.report.unchanged += 1
                continue
            self.save(alliance, row, territory, digest)
        return self.report

    def archive(self, alliances: list[Alliance]) -> None:
        for alliance in alliances:
            history.set_status([alliance], Alliance.Status.ARCHIVED, actor=ACTOR)
            self.report.archived.append(alliance.slug)

    def save(self, alliance: Alliance | None, row: Record, territory: Any, digest: str) -> None:
        created = alliance is None
        before = {} if created else history.snapshot(alliance)
        if alliance is None:
            alliance = Alliance(origin=origin_of(row), slug=self.free_slug(row["id"]))
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
            [self.terms[("partnership_types", k)] for k in row.get("partnership_types") or []]
        )
        alliance.domains.set([self.terms[("domains", k)] for k in row.get("domains") or []])
        self.save_partners(alliance, row)
        self.save_source(alliance, row)
        after = history.snapshot(alliance)
        if created:
            history.record(alliance, history.CREATED, history.diff({}, after), actor=ACTOR)
            self.report.created.append(alliance.slug)
        else:
            history.record(alliance, history.UPDATED, history.diff(before, after), actor=ACTOR)
            self.report.updated.append(alliance.slug)

    def save_partners(self, alliance: Alliance, row: Record) -> None:
        """The partners in the source's order, each with its role and the source's wording."""
        alliance.partners.all().delete()
        seen_organisations = set()
        for partner in row["partners"]:
            organisation = self.organisation(partner["name"])
            if organisation.pk in seen_organisations:
                continue  # one example naming the same organisation twice
            seen_organisations.add(organisation.pk)
            as_named = partner.get("as_named") or partner["name"]
            Partner.objects.create(
                alliance=alliance,
                organisation=organisation,
                role=partner.get("role") or Partner.Role.PARTNER,
                as_named="" if as_named == organisation.name else as_named[:300],
                position=len(seen_organisations) - 1,
            )

    @staticmethod
    def save_source(alliance: Alliance, row: Record) -> None:
        url = row["source_url"]
        alliance.sources.exclude(url=url).delete()
        read_on = row.get("source_read_on")
        values = {
            "title": (row.get("source_title") or urlsplit(url).netloc.removeprefix("www."))[:300],
            "read_on": date.fromisoformat(read_on) if read_on else None,
        }
        Source.objects.update_or_create(alliance=alliance, url=url, defaults=values)

    @staticmethod
    def free_slug(wanted: str) -> str:
        slug, number = wanted[:120], 2
        while Alliance.objects.filter(slug=slug).exists():
            slug = f"{wanted[:110]}-{number}"
            number += 1
        return slug


def load_terms() -> dict[tuple[str, str], Term]:
    return {
        (t.taxonomy.key, t.key): t
        for t in Term.objects.select_related("taxonomy").filter(
            taxonomy__key__in=["actor_profiles", "partnership_types", "domains"]
        )
    }


class Command(BaseCommand):
    help = (
        "Charge les exemples réels d'alliances livrés avec la plateforme (idempotent ; "
        "ajoute et met à jour, n'archive qu'avec --replace)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--file",
            action="append",
            default=None,
            help="Fichier JSON Lines à charger à la place des fichiers livrés (répétable). "
            "Ajoute et met à jour seulement.",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Remplacer le contenu chargé : archiver les alliances chargées auparavant "
            "qui ne figurent pas dans les fichiers lus (demande confirmation).",
        )
        parser.add_argument(
            "--yes", action="store_true", help="Confirmer --replace sans poser la question."
        )

    def handle(self, *args: object, **options: Any) -> None:
        shipped = not options["file"]
        paths = shipped_files() if shipped else [Path(p) for p in options["file"]]
        verbosity = int(options["verbosity"])
        if not Term.objects.filter(taxonomy__key="actor_profiles").exists():
            self.stderr.write(
                "load_alliances : référentiels absents (lancez populate_referentials) ; "
                "exemples non chargés."
            )
            return
        rows = read_rows(paths)
        raise_problems(term_problems(rows, load_terms()))
        existing = loaded_alliances()
        archived = to_archive(rows, existing)
        if options["replace"] and archived:
            self.confirm(archived, options["yes"])
        loader = Loader(rows, read_aliases(ALIASES_FILE), canonical_names(ALIASES_FILE))
        with transaction.atomic(), deferred_indexing():
            report = loader.run(existing)
            if options["replace"]:
                loader.archive(archived)
            else:
                report.absent = [a.slug for a in archived]
            if shipped:
                checksum = file_checksum(*paths)
                record_dataset(ORIGIN, checksum[:12], checksum, len(rows))
        # The search part's signals re-index what was saved, once, on leaving
        # deferred_indexing.
        self.print_report(report, verbosity)

    def confirm(self, archived: list[Alliance], yes: bool) -> None:
        """Say how many alliances --replace archives; go on only once confirmed."""
        names = ", ".join(a.slug for a in archived[:10]) + (" ..." if len(archived) > 10 else "")
        self.stdout.write(
            f"--replace archivera {len(archived)} alliance(s) absente(s) des fichiers lus : {names}"
        )
        if yes:
            return
        try:
            answer = input("Confirmer l'archivage ? [o/N] ")
        except EOFError:
            answer = ""
        if answer.strip().lower() not in {"o", "oui", "y", "yes"}:
            raise CommandError(
                "Archivage non confirmé : rien n'a été chargé ni archivé "
                "(--yes pour confirmer sans question)."
            )

    def print_report(self, report: Report, verbosity: int) -> None:
        if verbosity == 0:
            return
        for slug, text_, detail in report.unresolved:
            self.stderr.write(f"territoire non résolu : {slug} : « {text_} » ({detail})")
        self.stdout.write(
            f"alliances : {len(report.created)} créée(s), {len(report.updated)} mise(s) à jour, "
            f"{report.unchanged} inchangée(s), {len(report.archived)} archivée(s) ; "
            f"{report.organisations_created} organisation(s) créée(s)"
        )
        if report.absent:
            self.stdout.write(
                f"{len(report.absent)} alliance(s) chargée(s) auparavant absente(s) des fichiers "
                "lus, laissée(s) telle(s) quelle(s) (--replace pour les archiver)"
            )
        if report.created or report.updated:
            for name, variants in report.merges:
                self.stdout.write(f"organisation fusionnée : {name} ← {' | '.join(variants)}")
            for name, profiles in report.profile_conflicts:
                self.stdout.write(f"profils divergents pour {name} : {', '.join(profiles)}")
