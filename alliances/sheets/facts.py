"""What every sheet reads about the alliances, as bitmaps, once per process and data change.

A sheet counts its subject's alliances by facet (the search index's bitmaps), by year of
start, and picks examples among the published ones, documented first, most recent first.
These sets are shared by all 162 sheets (the départements are the subjects of 101 of them):
they are read from the database once per index version (`index.per_index_version`; the
version is drawn anew at every write to the index, which every save of an alliance makes,
its status and years included) and kept in the process, never changed in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection
from pyroaring import BitMap

from alliances.base.models import Alliance, Partner, Result
from alliances.base.search import index
from alliances.common.memory import small_page_cache
from alliances.territories.models import Territory


@dataclass(frozen=True)
class Facts:
    published: BitMap
    documented: BitMap  # results as text or as figures
    years: dict[int, BitMap]  # start year -> alliances (those without a year are left out)
    departements: dict[int, BitMap]  # département (territory id) -> alliances placed in it


def facts() -> Facts:
    return index.per_index_version("sheet-facts", _read_once)


def _read_once() -> Facts:
    # Every alliance row is read once: its pages need not stay in the connection's cache.
    with small_page_cache():
        return _read()


# Rows fetched at a time. At 1,000,000 alliances every list here has a million rows or
# more (five million partner pairs): fetched whole as Python tuples they took a process that
# built a sheet to 1.9 GB; fetched by this many and turned into arrays at once, a few MB.
STREAMED = 50_000


def _stream(sql: str, params: Sequence = ()) -> Iterator[np.ndarray]:
    """The rows of this query of integer columns, as arrays of `STREAMED` rows at most (a
    server-side cursor on PostgreSQL: the result is not held whole by the client either)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(STREAMED):
            yield np.array(rows, dtype=np.int64)


def _grouped(sql: str, params: Sequence = ()) -> dict[int, BitMap]:
    """{first column: bitmap of the second} of the rows of this query."""
    found: dict[int, BitMap] = {}
    for rows in _stream(sql, params):
        for key in np.unique(rows[:, 0]).tolist():
            found.setdefault(key, BitMap()).update(rows[rows[:, 0] == key, 1].tolist())
    return found


def _bitmap(sql: str, params: Sequence = ()) -> BitMap:
    found = BitMap()
    for rows in _stream(sql, params):
        found.update(rows[:, 0].tolist())
    return found


def _read() -> Facts:
    alliance = Alliance._meta.db_table
    # The status index covers the id: no read of the alliance rows themselves.
    published_sql, params = Alliance.objects.published().values("id").query.sql_with_params()
    places = Alliance.other_territories.through._meta.db_table
    return Facts(
        published=_bitmap(published_sql, params),
        documented=_bitmap(
            f"SELECT id FROM {alliance} WHERE results_text <> '' "
            f"UNION SELECT alliance_id FROM {Result._meta.db_table}"
        ),
        years=_grouped(f"SELECT start_year, id FROM {alliance} WHERE start_year IS NOT NULL"),
        # The départements of each alliance's places (itself, or one of its communes or
        # EPCI), its other territories included.
        departements=_grouped(
            f"SELECT t.departement_id, a.id FROM {alliance} a "
            f"JOIN {Territory._meta.db_table} t ON t.id = a.territory_id "
            "WHERE t.departement_id IS NOT NULL "
            f"UNION SELECT t.departement_id, x.alliance_id FROM {places} x "
            f"JOIN {Territory._meta.db_table} t ON t.id = x.territory_id "
            "WHERE t.departement_id IS NOT NULL"
        ),
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
# (alliance, organisation) pair held in memory (read once per index version: 0.3 s and 4 MB
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
        sql = f"SELECT alliance_id, organisation_id FROM {Partner._meta.db_table}"
        with small_page_cache():
            chunks = [rows.astype(np.int32) for rows in _stream(sql)]  # ids fit in half
        return np.concatenate(chunks) if chunks else np.empty((0, 2), np.int32)

    return index.per_index_version("sheet-partner-pairs", read)
