"""Facet counts of a search, from the index's bitmaps, and their labelled values.

Counts are disjunctive: the counts of one facet apply every OTHER active filter, so the
alternatives of a facet in use keep their counts; a facet with no active filter is counted on
the results themselves. Multi-valued fields count distinct alliances per value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pyroaring import BitMap

from . import index
from .filters import SearchFilter, table
from .query import SearchQuery


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False
    param: str = ""
    query: SearchQuery | None = field(default=None, repr=False, compare=False)

    @property
    def querystring(self) -> str:
        """The query with this value toggled (built on demand: a page shows few of them)."""
        if self.query is None:
            return ""
        return self.query.toggled(self.param, self.value).to_querystring()

    def as_dict(self) -> dict[str, Any]:
        return {"value": self.value, "label": self.label, "count": self.count}


Counts = dict[str, dict[str, int]]  # facet name -> {value as stored -> count}


def sets_to_count(active: set[str], disjunctive: bool = True) -> dict[str, list[SearchFilter]]:
    """Which id set each facet is counted on: "" (the results) for a facet whose filter is
    not in use, else the results without that filter."""
    plan: dict[str, list[SearchFilter]] = {}
    for search_filter in table().facets:
        key = search_filter.name if disjunctive and search_filter.name in active else ""
        plan.setdefault(key, []).append(search_filter)
    return plan


def count(sets: dict[str, BitMap], plan: dict[str, list[SearchFilter]], using: str) -> Counts:
    """The counts of every facet of the plan, on its id set."""
    counts: Counts = {}
    for key, filters in plan.items():
        names = [f.facet.name for f in filters if f.facet]
        counts.update(index.facet_counts(sets.get(key, BitMap()), names, using))
    return counts


def labelled(counts: Counts, query: SearchQuery, using: str) -> dict[str, list[FacetValue]]:
    """Each facet's values with their labels, selection and order (as the page shows them)."""
    out: dict[str, list[FacetValue]] = {}
    for search_filter in table().facets:
        facet = search_filter.facet
        assert facet is not None
        raw = counts.get(facet.name, {})
        labels = search_filter.facet_labels(raw, using) if raw else {}
        param = search_filter.params[0]
        selected = set(query.values(param))
        values = [
            FacetValue(
                value=labels[key][0],
                label=labels[key][1],
                count=n,
                selected=labels[key][0] in selected,
                param=param,
                query=query,
            )
            for key, n in raw.items()
            if key in labels
        ]
        values.sort(key=lambda v, f=search_filter: f.facet_order(v.value, v.label, v.count))
        out[facet.name] = values
    return out
