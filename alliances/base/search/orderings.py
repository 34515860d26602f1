"""The page of a date or title sort from an ordering of the whole base (issue 20, item 2).

Sorting the results in SQL cost in proportion to their number: a search with no text, or a
common word, sorted most of the base to show 20 of them (PostgreSQL probed every result's
row; page 5 sorted them all again). Instead the whole base is ordered once per index
version and process (the database sorts it, so its collation decides the order of titles),
kept as two arrays (ids in order; each id's position), and a page is the results with the
smallest positions: one vectorised look-up of the result set's ids, whatever the page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

from . import index
from .dialects import dialect_for, fetch
from .schema import tables

SORTS = ("date", "title")


@dataclass(frozen=True)
class Ordering:
    ids: np.ndarray  # every alliance id, in the sort's order
    position: np.ndarray  # position[id]: the id's place in `ids` (len(ids) when absent)


def _sql(sort: str, using: str) -> str:
    alliance = tables().alliance
    if sort == "date":
        # The same order as the dialects' date sort.
        return (
            f"SELECT a.id FROM {alliance} a ORDER BY CASE WHEN a.start_year IS NULL THEN 1 "
            "ELSE 0 END, a.start_year DESC, a.id"
        )
    key = dialect_for(using).key_table
    return (
        f"SELECT a.id FROM {alliance} a LEFT JOIN {key} k ON k.alliance_id = a.id "
        "ORDER BY COALESCE(k.title_key, ''), a.id"
    )


def _read(sort: str, using: str) -> Ordering:
    ids = np.fromiter((row[0] for row in fetch(using, _sql(sort, using), [])), dtype=np.int64)
    size = int(ids.max()) + 1 if len(ids) else 1
    position = np.full(size, len(ids), dtype=np.int64)
    position[ids] = np.arange(len(ids), dtype=np.int64)
    return Ordering(ids, position)


def ordering(sort: str, using: str) -> Ordering:
    return index.per_index_version(f"ordering:{sort}", lambda: _read(sort, using), using)


def page(ids: BitMap, sort: str, offset: int, limit: int, using: str) -> list[int] | None:
    """The ids of `ids` at [offset, offset + limit) in the sort's order; None when the
    ordering does not know them all (written since it was read: the caller sorts in SQL)."""
    if not ids:
        return []
    known = ordering(sort, using)
    members = np.frombuffer(ids.to_array(), dtype=np.uint32).astype(np.int64)
    if int(members[-1]) >= len(known.position):
        return None
    ranks = known.position[members]
    if int(ranks.max()) >= len(known.ids):
        return None
    end = min(offset + limit, len(ranks))
    if offset >= end:
        return []
    if end < len(ranks):
        chosen = np.argpartition(ranks, end - 1)[:end]
        chosen = chosen[np.argsort(ranks[chosen], kind="stable")]
    else:
        chosen = np.argsort(ranks, kind="stable")
    return [int(i) for i in members[chosen[offset:end]]]
