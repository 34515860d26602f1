"""Load the shipped M.E.D.O.C. resources (alliances/data/library/ressources.jsonl) and the
dated events public sources give (evenements.jsonl).

Idempotent: an unchanged row is left alone (a curator's edits survive), a changed row updates
its resource or event in place, a resource gone from the file is marked obsolete and an event
gone from it unpublished (never deleted).
The file is read and checked by the shared dataset reader (alliances.common.datasets): every
faulty row is named with its line and field, and nothing is written while one remains.
"""

from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from alliances.common.datasets import (
    Field,
    Record,
    Schema,
    file_checksum,
    http_url,
    integer_between,
    iso_date,
    list_of,
    one_of,
    read_jsonl,
    record_dataset,
    row_digest,
    text,
)
from alliances.library.models import MATURITY_LEVELS, Event, EventKind, Format, Kind, Resource
from alliances.referentials.models import Term

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "library"
DATA_FILE = DATA_DIR / "ressources.jsonl"
EVENTS_FILE = DATA_DIR / "evenements.jsonl"
PARIS = ZoneInfo("Europe/Paris")

RESOURCES = Schema(
    (
        Field("id", required=True, checks=(text(100),)),
        Field("kind", required=True, checks=(one_of(Kind.values, "type M.E.D.O.C."),)),
        Field("title", required=True, checks=(text(300),)),
        Field("publisher", required=True, checks=(text(300),)),
        Field("format", required=True, checks=(one_of(Format.values, "format"),)),
        Field("url", required=True, checks=(http_url(),)),
        Field("summary", required=True, checks=(text(),)),
        Field("source_url", required=True, checks=(http_url(),)),
        Field("year", checks=(integer_between(1900, 2100),)),
        Field("language", checks=(text(8),)),
        Field("licence", checks=(text(200),)),
        Field(
            "maturity_levels",
            checks=(list_of(one_of(MATURITY_LEVELS, "niveau de maturité")),),
        ),
        Field("audience", checks=(list_of(text()),)),
        Field("domains", checks=(list_of(text()),)),
        Field("sdg_goals", checks=(list_of(integer_between(1, 17)),)),
    )
)


def _moment(value: Any) -> str | None:
    """A day (AAAA-MM-JJ) or a moment with its offset (AAAA-MM-JJTHH:MM:SS+01:00)."""
    if iso_date()(value) is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        moment = None
    if moment is None or moment.tzinfo is None:
        return f"date AAAA-MM-JJ ou date et heure avec fuseau attendue, pas « {value} »"
    return None


EVENTS = Schema(
    (
        Field("id", required=True, checks=(text(120),)),
        Field("kind", required=True, checks=(one_of(EventKind.values, "type d'événement"),)),
        Field("title_fr", required=True, checks=(text(300),)),
        Field("title_en", checks=(text(300),)),
        Field("start", required=True, checks=(_moment,)),
        Field("end", checks=(_moment,)),
        Field("location", checks=(text(300),)),
        Field("description_fr", checks=(text(),)),
        Field("description_en", checks=(text(),)),
        Field("source_url", required=True, checks=(http_url(),)),
        Field("source_title", checks=(text(300),)),
    )
)


def _when(value: str) -> tuple[datetime, bool]:
    """(moment, all day) of a day or a moment: a day starts at midnight in Paris."""
    if len(value) == 10:
        return datetime.combine(date.fromisoformat(value), time(0), PARIS), True
    return datetime.fromisoformat(value), False


def load_events(path: Path) -> tuple[int, int]:
    """Create or update the shipped events; unpublish those gone from the file."""
    rows = read_jsonl(path, EVENTS)
    changed = 0
    for record in rows:
        row = record.data
        digest = row_digest(sorted(row.items()))
        event = Event.objects.filter(key=row["id"]).first()
        if event is not None and event.source_digest == digest and event.published:
            continue
        event = event or Event(key=row["id"])
        event.start, event.all_day = _when(row["start"])
        event.end = _when(row["end"])[0] if row.get("end") else None
        for name in ("title_fr", "title_en", "kind", "location", "description_fr"):
            setattr(event, name, row.get(name) or "")
        event.description_en = row.get("description_en") or ""
        event.source_url = row["source_url"]
        event.source_title = row.get("source_title") or ""
        event.timezone, event.published, event.source_digest = "Europe/Paris", True, digest
        event.full_clean(exclude=["uid"])
        event.save()
        changed += 1
    Event.objects.exclude(key="").exclude(key__in=[r["id"] for r in rows]).update(published=False)
    record_dataset("library.events", "1", file_checksum(path), len(rows))
    return len(rows), changed


def read_rows(path: Path) -> list[Record]:
    """Every row of the file; DatasetError names each faulty line and field."""
    return read_jsonl(path, RESOURCES)


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
    help = "Charge les ressources M.E.D.O.C. livrées (idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--file", type=Path, default=DATA_FILE)
        parser.add_argument("--events", type=Path, default=EVENTS_FILE)

    def handle(self, *args: object, **options: Any) -> None:
        path = Path(options["file"])
        rows = read_rows(path)
        read_jsonl(Path(options["events"]), EVENTS)  # every faulty row named before writing
        unknown: set[str] = set()
        with transaction.atomic():
            events, events_changed = load_events(Path(options["events"]))
            created, updated = self.save_all(rows, unknown)
            gone = Resource.objects.exclude(slug__in=[r["id"] for r in rows]).filter(
                obsolete=False, source_digest__gt=""
            )
            obsoleted = gone.update(obsolete=True)
            record_dataset("library.resources", "1", file_checksum(path), len(rows))
        if int(options["verbosity"]) == 0:
            return
        if unknown:
            self.stderr.write(
                "load_library : termes inconnus (taxonomies non chargées ?) : "
                + ", ".join(sorted(unknown))
            )
        self.stdout.write(
            f"load_library: {len(rows)} rows, {created} created, {updated} updated, "
            f"{obsoleted} marked obsolete; {events} events, {events_changed} changed"
        )

    def save_all(self, rows: list[Record], unknown: set[str]) -> tuple[int, int]:
        from alliances.sdg.models import SdgGoal

        terms = {
            (t.taxonomy.key, t.key): t
            for t in Term.objects.filter(
                taxonomy__key__in=["actor_profiles", "domains"]
            ).select_related("taxonomy")
        }
        goals = {g.number: g for g in SdgGoal.objects.all()}
        created = updated = 0
        for record in rows:
            row = record.data
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
            self.fill(resource, row, digest)
            resource.audience.set(audience)
            resource.domains.set(domains)
            resource.sdg_goals.set(sdgs)
        return created, updated

    @staticmethod
    def fill(resource: Resource, row: dict[str, Any], digest: str) -> None:
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
