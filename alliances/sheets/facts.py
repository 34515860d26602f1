"""What every sheet reads about the alliances, as bitmaps, once per process and data change.

A sheet counts its subject's alliances by facet (the search index's bitmaps), by year of
start, and picks examples among the published ones, documented first, most recent first.
These sets are shared by all 162 sheets: they are read from the database once per index
version (drawn anew at every write to the index, which every save of an alliance makes, its
status and years included) and kept in the process, never changed in memory.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db import connection
from pyroaring import BitMap

from alliances.base.models import Alliance, Result
from alliances.base.search import fulltext


@dataclass(frozen=True)
class Facts:
    version: int
    published: BitMap
    documented: BitMap  # results as text or as figures
    years: dict[int, BitMap]  # start year -> alliances (those without a year are left out)


_lock = threading.Lock()
_cached: dict[str, Facts] = {}


def facts() -> Facts:
    version = fulltext.index_version()
    key = str(connection.settings_dict.get("NAME"))
    found = _cached.get(key)
    if found is not None and found.version == version:
        return found
    with _lock:
        found = _read(version)
        _cached[key] = found
    return found


def _read(version: int) -> Facts:
    alliance = Alliance._meta.db_table
    with connection.cursor() as cursor:
        # The status index covers the id: no read of the alliance rows themselves.
        cursor.execute(
            f"SELECT id FROM {alliance} WHERE status = %s", [str(Alliance.Status.PUBLISHED)]
        )
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
    return Facts(
        version=version,
        published=published,
        documented=documented,
        years={year: BitMap(ids) for year, ids in years.items()},
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
