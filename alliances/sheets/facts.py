"""What every sheet reads about the alliances, as bitmaps, once per process and data change.

A sheet counts its subject's alliances by facet (the search index's bitmaps), by year of
start, and picks examples among the published ones, documented first, most recent first.
These sets are shared by all 162 sheets (the départements are the subjects of 101 of them):
they are read from the database once per index version (`index.per_index_version`; the
version is drawn anew at every write to the index, which every save of an alliance makes,
its status and years included) and kept in the process, never changed in memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection
from pyroaring import BitMap

from alliances.base.models import Alliance, Partner, Result
from alliances.base.search import index
from alliances.territories.models import Territory


@dataclass(frozen=True)
class Facts:
    published: BitMap
    documented: BitMap  # results as text or as figures
    years: dict[int, BitMap]  # start year -> alliances (those without a year are left out)
    departements: dict[int, BitMap]  # département (territory id) -> alliances placed in it


def facts() -> Facts:
    return index.per_index_version("sheet-facts", _read)


def _read() -> Facts:
    alliance = Alliance._meta.db_table
    with connection.cursor() as cursor:
        # The status index covers the id: no read of the alliance rows themselves.
        published_sql, params = Alliance.objects.published().values("id").query.sql_with_params()
        cursor.execute(published_sql, params)
        published = BitMap([row[0] for row in cursor.fetchall()])
        cursor.execute(
            f"SELECT start_year, id FROM {alliance} WHERE start_year IS NOT NULL "
            "ORDER BY start_year"
        )
        years: dict[int, list[int]] = {}
        for year, pk in cursor.fetchall():
            years.setdefault(year, []).append(pk)
        cursor.execute(
            f"SELECT id FROM {alliance} WHERE results_text <> '' "
            f"UNION SELECT alliance_id FROM {Result._meta.db_table}"
        )
        documented = BitMap([row[0] for row in cursor.fetchall()])
        # The départements of each alliance's places (itself, or one of its communes or
        # EPCI), its other territories included.
        places = Alliance.other_territories.through._meta.db_table
        cursor.execute(
            f"SELECT t.departement_id, a.id FROM {alliance} a "
            f"JOIN {Territory._meta.db_table} t ON t.id = a.territory_id "
            "WHERE t.departement_id IS NOT NULL "
            f"UNION SELECT t.departement_id, x.alliance_id FROM {places} x "
            f"JOIN {Territory._meta.db_table} t ON t.id = x.territory_id "
            "WHERE t.departement_id IS NOT NULL"
        )
        departements: dict[int, list[int]] = {}
        for departement, pk in cursor.fetchall():
            departements.setdefault(departement, []).append(pk)
    return Facts(
        published=published,
        documented=documented,
        years={year: BitMap(ids) for year, ids in years.items()},
        departements={pk: BitMap(ids) for pk, ids in departements.items()},
    )


def year_counts(ids: BitMap) -> dict[int, int]:
    """{start year: number of `ids` started that year}, years without any left out."""
    out = {}
    for year, bits in facts().years.items():
        n = ids.intersection_cardinality(bits)
        if n:
            out[year] = n
    return out


def most_recent(ids: BitMap, limit: int) -> list[BitMap]:
    """The `ids` by start year, most recent first, enough years to hold `limit` of them,
    then those without a year: each element is one year's ids (the caller orders within)."""
    years = facts().years
    out: list[BitMap] = []
    taken = 0
    dated = BitMap()
    for year in sorted(years, reverse=True):
        found = ids & years[year]
        dated |= found
        if found:
            out.append(found)
            taken += len(found)
            if taken >= limit:
                return out
    undated = ids - dated
    if undated:
        out.append(undated)
    return out


# From this many alliances, the partner organisations of a subject are counted from every
# (alliance, organisation) pair held in memory (read once per index version: 0.3 s and 8 MB
# per 100,000 alliances) instead of a COUNT(DISTINCT) over the partner table (0.28 s for
# 27,000 alliances, 0.03 s from the pairs).
LARGE = 5000


def organisation_count(ids: BitMap) -> int:
    """How many distinct organisations are partners of the alliances of `ids`."""
    if not ids:
        return 0
    if len(ids) < LARGE:
        members = list(ids)
        found: set[int] = set()
        for start in range(0, len(members), 1000):
            found.update(
                Partner.objects.filter(alliance_id__in=members[start : start + 1000])
                .values_list("organisation_id", flat=True)
                .distinct()
            )
        return len(found)
    pairs = _all_pairs()
    if not len(pairs):
        return 0
    member = np.zeros(int(pairs[:, 0].max()) + 1, dtype=bool)
    wanted = np.frombuffer(ids.to_array(), dtype=np.uint32).astype(np.int64)
    member[wanted[wanted < len(member)]] = True
    return int(np.unique(pairs[member[pairs[:, 0]], 1]).size)


def _all_pairs() -> np.ndarray:
    def read() -> np.ndarray:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT alliance_id, organisation_id FROM {Partner._meta.db_table}")
            return np.array(cursor.fetchall(), dtype=np.int64).reshape(-1, 2)

    return index.per_index_version("sheet-partner-pairs", read)
