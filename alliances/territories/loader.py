"""Load the plan of territories into the database: idempotent, in place, never deleting.

Each row stores a digest of what the source says about it (`source_digest`); a second run
with the same files compares digests and writes nothing. Rows are written level by level
(containers first) with bulk operations, so a load from scratch takes a few seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from alliances.common.datasets import file_checksum, record_dataset, row_digest

from .models import SOURCE_FIELDS, Level, PostalCode, Territory
from .source import Key, Plan, PlannedTerritory, read_plan

DATA_DIR = Path(settings.PACKAGE_DIR) / "data" / "territories"
DATASET_NAME = "territories"
LOAD_ORDER = [
    Level.COUNTRY,
    Level.REGION,
    Level.OVERSEAS_COLLECTIVITY,
    Level.DEPARTEMENT,
    Level.EPCI,
    Level.COMMUNE,
    Level.DELEGATED_COMMUNE,
    Level.ASSOCIATED_COMMUNE,
    Level.MUNICIPAL_DISTRICT,
]
_FIELDS = list(SOURCE_FIELDS)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    obsoleted: int = 0
    postcodes_added: int = 0
    postcodes_removed: int = 0
    version: str = ""
    by_level: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(
            self.created
            or self.updated
            or self.obsoleted
            or self.postcodes_added
            or self.postcodes_removed
        )

    def summary(self) -> str:
        return (
            f"territories {self.version}: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.obsoleted} marked obsolete; postcodes "
            f"+{self.postcodes_added} -{self.postcodes_removed}"
        )


def _values(item: PlannedTerritory, ids: dict[Key, int], digest: str) -> list[object]:
    """The stored values of `_FIELDS` for one planned territory."""

    def ref(key: Key | None) -> int | None:
        return ids.get(key) if key else None

    return [
        item.name,
        item.search_name,
        item.siren,
        item.population,
        item.zone,
        item.epci_type,
        ref(item.parent),
        ref(item.region),
        ref(item.departement),
        ref(item.epci),
        False,
        digest,
    ]


def _columns(names: list[str]) -> list[str]:
    meta = Territory._meta
    return [connection.ops.quote_name(meta.get_field(name).column) for name in names]


def load_territories(data_dir: Path | None = None) -> LoadReport:
    """Read the files of `data_dir` (the shipped ones by default) and load them.

    Raises DataFileError before any write when a file is missing or corrupt; the whole load
    is one transaction, so the database is either fully updated or left as it was.
    """
    data_dir = Path(data_dir or DATA_DIR)
    plan: Plan = read_plan(data_dir)
    report = LoadReport(version=plan.version)
    with transaction.atomic():
        existing = {
            (level, code): (pk, digest, obsolete)
            for pk, level, code, digest, obsolete in Territory.objects.order_by().values_list(
                "id", "level", "code", "source_digest", "obsolete"
            )
        }
        ids: dict[Key, int] = {key: row[0] for key, row in existing.items()}
        planned_keys: set[Key] = set()
        by_level: dict[str, list[PlannedTerritory]] = {}
        for item in plan.territories:
            by_level.setdefault(item.level, []).append(item)
        for level in LOAD_ORDER:
            items = by_level.get(level.value, [])
            report.by_level[level.value] = len(items)
            _load_level(items, existing, ids, report)
            planned_keys.update(item.key for item in items)
        report.obsoleted = _mark_obsolete(existing, planned_keys)
        _sync_postcodes(plan, ids, report)
        record_dataset(
            DATASET_NAME,
            plan.version,
            file_checksum(*plan.files),
            len(plan.territories),
        )
    return report


def _load_level(
    items: list[PlannedTerritory],
    existing: dict[Key, tuple[int, str, bool]],
    ids: dict[Key, int],
    report: LoadReport,
) -> None:
    """Insert the new rows and update the changed ones of one level.

    Plain `executemany` through Django's connection: the ORM's bulk_create spends most of
    its time building 39,000 model instances and small batched statements (SQLite allows
    999 parameters), much slower for the same SQL on both backends (bench/RESULTS.md,
    "Costs behind design choices").
    """
    table = connection.ops.quote_name(Territory._meta.db_table)
    new: list[tuple[PlannedTerritory, str]] = []
    changed: list[tuple[PlannedTerritory, str]] = []
    for item in items:
        digest = row_digest(*item.signature())
        current = existing.get(item.key)
        if current is None:
            new.append((item, digest))
        elif current[1] != digest or current[2]:
            changed.append((item, digest))
        else:
            report.unchanged += 1
    with connection.cursor() as cursor:
        if new:
            columns = _columns(["level", "code", *_FIELDS])
            cursor.executemany(
                f"INSERT INTO {table} ({', '.join(columns)}) "
                f"VALUES ({', '.join(['%s'] * len(columns))})",
                [[item.level, item.code, *_values(item, ids, digest)] for item, digest in new],
            )
            level = items[0].level
            ids.update(
                ((level, code), pk)
                for pk, code in Territory.objects.filter(level=level)
                .order_by()
                .values_list("id", "code")
            )
            report.created += len(new)
        # A région is its own `region`, a département its own `departement`: the id of a new
        # one is known only now, so those rows are written (again) with their final values.
        self_refs = [
            (item, digest)
            for item, digest in new
            if item.key in (item.region, item.departement, item.epci)
        ]
        if changed or self_refs:
            assignments = ", ".join(f"{column} = %s" for column in _columns(_FIELDS))
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [
                    [*_values(item, ids, digest), ids[item.key]]
                    for item, digest in changed + self_refs
                ],
            )
            report.updated += len(changed)


def _mark_obsolete(existing: dict[Key, tuple[int, str, bool]], planned: set[Key]) -> int:
    stale = [row[0] for key, row in existing.items() if key not in planned and not row[2]]
    for start in range(0, len(stale), 500):
        Territory.objects.filter(pk__in=stale[start : start + 500]).update(obsolete=True)
    return len(stale)


def _sync_postcodes(plan: Plan, ids: dict[Key, int], report: LoadReport) -> None:
    """Postcodes are an attribute of their commune: the stored set follows the source.

    Links of territories that left the source are kept with them (the territory is only
    marked obsolete), so an old link still finds its former commune.
    """
    wanted = {(ids[item.key], code) for item in plan.territories for code in item.postcodes}
    planned_ids = {ids[item.key] for item in plan.territories}
    stored = {
        (territory_id, code): pk
        for pk, territory_id, code in PostalCode.objects.order_by().values_list(
            "id", "territory_id", "code"
        )
    }
    missing = sorted(wanted - stored.keys())
    if missing:
        meta = PostalCode._meta
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {quote(meta.db_table)} "
                f"({quote(meta.get_field('territory').column)}, {quote('code')}) VALUES (%s, %s)",
                missing,
            )
    stale = [
        pk for (tid, code), pk in stored.items() if tid in planned_ids and (tid, code) not in wanted
    ]
    for start in range(0, len(stale), 500):
        PostalCode.objects.filter(pk__in=stale[start : start + 500]).delete()
    report.postcodes_added = len(missing)
    report.postcodes_removed = len(stale)
