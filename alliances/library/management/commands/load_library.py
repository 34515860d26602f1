"""Load the shipped M.E.D.O.C. resources (alliances/data/library/ressources.jsonl).

Idempotent: an unchanged row is left alone (a curator's edits survive), a changed row updates
its resource in place, a row gone from the file marks its resource obsolete (never deleted).
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.common.datasets import file_checksum, record_dataset, row_digest
from alliances.common.errors import DataFileError
from alliances.library.models import MATURITY_LEVELS, Format, Kind, Resource
from alliances.referentials.models import Term

DATA_FILE = Path(settings.BASE_DIR) / "alliances" / "data" / "library" / "ressources.jsonl"
REQUIRED = ("id", "kind", "title", "publisher", "format", "url", "summary", "source_url")


def read_rows(path: Path) -> list[dict]:
    """Parse and check every line; raise DataFileError naming the line at the first fault."""
    if not path.exists():
        raise DataFileError(path, "fichier introuvable")
    rows, seen = [], set()
    kinds, formats = set(Kind.values), set(Format.values)
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
        if row["kind"] not in kinds:
            raise DataFileError(path, f"type M.E.D.O.C. inconnu : {row['kind']!r}", number)
        if row["format"] not in formats:
            raise DataFileError(path, f"format inconnu : {row['format']!r}", number)
        year = row.get("year")
        if year not in (None, "") and (not isinstance(year, int) or not 1900 <= year <= 2100):
            raise DataFileError(path, f"année invalide : {year!r}", number)
        levels = row.get("maturity_levels") or []
        if not isinstance(levels, list) or any(n not in MATURITY_LEVELS for n in levels):
            raise DataFileError(path, f"niveaux de maturité invalides : {levels!r}", number)
        for key in ("audience", "domains", "sdg_goals"):
            if not isinstance(row.get(key, []), list):
                raise DataFileError(path, f"« {key} » doit être une liste", number)
        rows.append(row)
    return rows


def _resolve(terms: dict, taxonomy: str, keys: list[str], unknown: set[str]) -> list[Term]:
    found = []
    for key in keys:
        term = terms.get((taxonomy, key))
        if term is None:
            unknown.add(f"{taxonomy}:{key}")
        else:
            found.append(term)
    return found


class Command(BaseCommand):
    help = "Load the shipped M.E.D.O.C. resources (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE)

    def handle(self, *args: object, **options: object) -> None:
        path = Path(options["file"])  # type: ignore[arg-type]
        rows = read_rows(path)
        created = updated = 0
        unknown: set[str] = set()
        with transaction.atomic():
            terms = {
                (t.taxonomy.key, t.key): t
                for t in Term.objects.filter(
                    taxonomy__key__in=["actor_profiles", "domains"]
                ).select_related("taxonomy")
            }
            from alliances.sdg.models import SdgGoal

            goals = {g.number: g for g in SdgGoal.objects.all()}
            for row in rows:
                audience = _resolve(terms, "actor_profiles", row.get("audience", []), unknown)
                domains = _resolve(terms, "domains", row.get("domains", []), unknown)
                sdgs = [goals[n] for n in row.get("sdg_goals", []) if n in goals]
                # The resolved terms are part of the digest: taxonomies loaded after a first
                # run still reach the resources at the next run.
                digest = row_digest(
                    sorted(row.items()),
                    [t.pk for t in audience],
                    [t.pk for t in domains],
                    [g.pk for g in sdgs],
                )
                resource = Resource.objects.filter(slug=row["id"]).first()
                if resource and resource.source_digest == digest and not resource.obsolete:
                    continue
                if resource is None:
                    resource = Resource(slug=row["id"])
                    created += 1
                else:
                    updated += 1
                resource.kind = row["kind"]
                resource.title = row["title"]
                resource.summary_fr = row["summary"]
                resource.publisher = row["publisher"]
                resource.year = row.get("year") or None
                resource.format = row["format"]
                resource.url = row["url"]
                resource.language = row.get("language") or "fr"
                if row.get("licence"):
                    resource.licence = row["licence"]
                resource.source_url = row["source_url"]
                resource.set_maturity_levels(row.get("maturity_levels") or [])
                resource.obsolete = False
                resource.source_digest = digest
                resource.save()
                resource.audience.set(audience)
                resource.domains.set(domains)
                resource.sdg_goals.set(sdgs)
            gone = Resource.objects.exclude(slug__in=[r["id"] for r in rows]).filter(
                obsolete=False, source_digest__gt=""
            )
            obsoleted = gone.update(obsolete=True)
            record_dataset("library.resources", "1", file_checksum(path), len(rows))
        if unknown and int(options["verbosity"]) > 0:  # type: ignore[call-overload]
            self.stderr.write(
                "load_library: termes inconnus (taxonomies non chargées ?) : "
                + ", ".join(sorted(unknown))
            )
        if int(options["verbosity"]) > 0:  # type: ignore[call-overload]
            self.stdout.write(
                f"load_library: {len(rows)} rows, {created} created, {updated} updated, "
                f"{obsoleted} marked obsolete"
            )
