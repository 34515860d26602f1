"""The order of a text's matches by relevance, kept per process and index version.

A relevance page over a set found from the bitmaps (`bitmap_plan`) is that order filtered by
the set: the next pages of a search and its refinements by a facet then cost a pass over an
array instead of scoring every result again (« insertion » page 5 at 100,000 alliances,
32,000 results, scored on each page: 117 ms on SQLite, 210 ms on PostgreSQL; docs/adr/0162).
Each dialect says how to read the order (bm25 on SQLite, ts_rank on PostgreSQL) and under
which key; the fusion with the neighbours in meaning is the same arithmetic as the SQL of the
dialects (`Dialect.fused_order`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from pyroaring import BitMap

from ..versions import KeptPerVersion
from . import RRF_K, RunPlan


@dataclass(frozen=True)
class TextOrder:
    """The matches of a text sorted by id, with each one's rank by relevance (0 the best):
    a page's results are found in it by binary search (8 bytes a match, int32)."""

    ids: np.ndarray
    ranks: np.ndarray

    @classmethod
    def of(cls, scored: Iterable[tuple[float, int]]) -> TextOrder:
        """From (sort key, id) pairs: the best first once sorted, ties by id."""
        best_first = np.array([pk for _key, pk in sorted(scored)], dtype=np.int64)
        by_id = np.argsort(best_first, kind="stable")
        return cls(best_first[by_id].astype(np.int32), by_id.astype(np.int32))

    def __len__(self) -> int:
        return len(self.ids)

    def ranked(self, among: BitMap) -> tuple[np.ndarray, np.ndarray]:
        """(ids, ranks) of the matches in `among`, best first."""
        wanted = np.frombuffer(among.to_array(), dtype=np.uint32).astype(np.int64)
        at = np.searchsorted(self.ids, wanted)
        at[at >= len(self.ids)] = 0
        found = at[self.ids[at] == wanted] if len(self.ids) else at[:0]
        ranks = self.ranks[found]
        best = np.argsort(ranks, kind="stable")
        return self.ids[found][best].astype(np.int64), ranks[best]


# At most this many orders per process, and this many matches in all (8 bytes each).
_orders: KeptPerVersion[TextOrder] = KeptPerVersion(32, budget=2_000_000, weight=len)


def kept(key: tuple, alias: str) -> TextOrder | None:
    """The order kept under `key` for the index's current version, or None."""
    return _orders.get(key, alias)


def read(key: tuple, alias: str, scored: Callable[[], Iterable[tuple[float, int]]]) -> TextOrder:
    """The order under `key`: kept, or made from `scored` ((sort key, id) pairs, the best
    first once sorted; ties by id) and kept for this index version."""
    return _orders.read(key, lambda: TextOrder.of(scored()), alias)


def clear() -> None:
    _orders.clear()


def rank(order: TextOrder, ids: BitMap, offset: int, limit: int, plan: RunPlan | None) -> list[int]:
    """The page of `ids` (the results) in relevance order: the text's matches in `order`,
    fused with the neighbours' ranks when the plan has some (neighbours without a text match
    rank after every match by the text and count nothing for it)."""
    ranked, ranks = order.ranked(ids)
    end = offset + limit
    if plan is None or not plan.semantic:
        return [int(pk) for pk in ranked[offset:end]]
    meaning = {pk: position for position, pk in enumerate(plan.semantic, start=1)}
    lexical = {int(pk): position for position, pk in enumerate(ranked[:end], start=1)}
    # A neighbour's place among the results matching the text: how many rank before it.
    for pk in meaning:
        at = np.searchsorted(order.ids, pk)
        if pk not in lexical and at < len(order.ids) and order.ids[at] == pk and pk in ids:
            lexical[pk] = int(np.searchsorted(ranks, order.ranks[at])) + 1
    weight = plan.semantic_weight

    def fused(pk: int) -> float:
        value = 1.0 / (RRF_K + lexical[pk]) if pk in lexical else 0.0
        return value + (weight / (RRF_K + meaning[pk]) if pk in meaning else 0.0)

    # Only the first `end` by the text and the neighbours can be on the page: any other
    # result ranks after `end` by the text alone, below each of those `end`.
    candidates = {int(pk) for pk in ranked[:end]} | {pk for pk in meaning if pk in ids}
    return sorted(candidates, key=lambda pk: (-fused(pk), pk))[offset:end]
