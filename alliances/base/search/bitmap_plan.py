"""Step 2 of a search from the index's bitmaps, when every filter in use is a facet value
(issue 20, items 1 and 2).

The filters that are facets (domain, type, profile, région, kind, stage, SDG...) already
have one roaring bitmap per value in memory (`index.facet_bitmaps`, ADR 0092). A search made
only of them, of the statuses shown and of a text: the results are the intersection of the
bitmaps of its filters (each filter the union of its values), of the statuses' set and of the
text's matches (one query to the text index); the sets of the disjunctive facets are the same
intersection without one filter; the total is a cardinality; a date or title page comes from
the ordering of the whole base (`orderings`), a relevance page from the text index over the
results. The SQL of the filters (a join per filter over every alliance: on PostgreSQL a scan
of the alliances for each set) is not run at all.

Anything else (a filter without bitmaps: years, organisations, places below the région; the
semantic part; a relevance sort where the dialect cannot rank a given set) goes the SQL way.
"""

from __future__ import annotations

from pyroaring import BitMap, FrozenBitMap

from .dialects import Dialect, RunOutput, RunPlan, fetch
from .filters import Condition
from .index import facet_bitmaps, facet_rows, per_index_version
from .orderings import SORTS, page
from .schema import tables
from .versions import KeptPerVersion

# The matches of a text, kept per process and index version: a search's next pages, its
# refinements and the same words searched again do not ask the text index (on PostgreSQL a GIN
# lookup and a packed set: about 30 ms for a word of 2,000 to 15,000 alliances at 100,000).
_texts: KeptPerVersion[FrozenBitMap] = KeptPerVersion(64, budget=8_000_000, weight=len)


def _condition_set(condition: Condition, using: str) -> BitMap | None:
    """The alliances a filter keeps, from the bitmaps; None when it has no bitmap form."""
    if not condition.tags:
        return None
    sets = facet_bitmaps(using).sets
    out = BitMap()
    for token in condition.tags:
        rows = facet_rows(0, [token])
        if len(rows) != 1:
            return None
        out |= sets.get((rows[0][1], rows[0][2]), BitMap())
    return out


def _text_set(dialect: Dialect, condition: Condition, using: str) -> FrozenBitMap:
    """Every alliance the text keeps (whatever its status); never changed in memory."""
    return _texts.read(
        ("text", condition.text),
        lambda: FrozenBitMap(dialect.text_ids(condition, using)),
        using,
    )


def _status_set(statuses: tuple[str, ...], using: str) -> BitMap:
    """The alliances of these statuses (a save of an alliance re-indexes it: a new version)."""

    def read() -> BitMap:
        marks = ", ".join(["%s"] * len(statuses))
        sql = f"SELECT id FROM {tables().alliance} WHERE status IN ({marks})"
        return BitMap([int(row[0]) for row in fetch(using, sql, list(statuses))])

    return per_index_version(f"statuses:{','.join(statuses)}", read, using)


# A text found in this share of the alliances shown says nothing about which come first: from
# this many results, they are not ranked by it (ranking reads every result's document).
UNINFORMATIVE_SHARE = 0.9
RANK_BOUND = 5000


def _uninformative(text: BitMap | None, base: BitMap, results: BitMap) -> bool:
    """Whether a relevance order would be a costly order of noise: then the newest first."""
    if text is None or len(results) < RANK_BOUND:
        return False
    return text.intersection_cardinality(base) >= UNINFORMATIVE_SHARE * len(base)


def eligible(compiled: object, plan: RunPlan) -> bool:
    meaning = bool(plan.semantic or getattr(compiled, "semantic", None))
    if plan.limit is None or (meaning and not compiled.dialect.fuses_sets):  # type: ignore[attr-defined]
        return False
    if plan.sort not in SORTS and not compiled.dialect.ranks_sets:  # type: ignore[attr-defined]
        return False
    return all(
        name == "q" or condition.tags
        for name, condition in compiled.conditions.items()  # type: ignore[attr-defined]
    )


def run(compiled: object, plan: RunPlan) -> RunOutput | None:
    """The total, the page and the sets of `plan`, or None when the SQL way must answer."""
    if not eligible(compiled, plan):
        return None
    using: str = compiled.using  # type: ignore[attr-defined]
    parts: dict[str, BitMap] = {}
    for name, condition in compiled.conditions.items():  # type: ignore[attr-defined]
        if name == "q":
            found = _text_set(compiled.dialect, condition, using)  # type: ignore[attr-defined]
            # The neighbours in meaning join the text's matches; the filters apply to both.
            found = BitMap(found) | BitMap(compiled.semantic)  # type: ignore[attr-defined]
            compiled.text_ids = found  # type: ignore[attr-defined]
        else:
            found = _condition_set(condition, using)
        if found is None:
            return None
        parts[name] = found
    base = _status_set(compiled.statuses, using)  # type: ignore[attr-defined]

    def without(excluded: str) -> BitMap:
        ids = BitMap(base)
        for name in sorted(parts, key=lambda n: len(parts[n])):
            if name != excluded:
                ids &= parts[name]
        return ids

    results = without("")
    output = RunOutput(total=len(results), page=[])
    output.sets = {name: results if not name else without(name) for name in plan.sets}
    assert plan.limit is not None
    if plan.sort in SORTS:
        found_page = page(results, plan.sort, plan.offset, plan.limit, using)
    elif compiled.dialect.dates_noise and _uninformative(parts.get("q"), base, results):  # type: ignore[attr-defined]
        found_page = page(results, "date", plan.offset, plan.limit, using)
    elif not results:
        found_page = []
    else:
        found_page = compiled.dialect.rank_page(  # type: ignore[attr-defined]
            compiled, results, plan.offset, plan.limit, plan
        )
    if found_page is None:
        return None
    output.page = found_page
    return output


# -- the covering tier (issue 13) -------------------------------------------------------------
# The scales of the territories covering a place, closest first (as `executor` orders them).
SCALES = ("epci", "departement", "region")


def _main_territory(territory_id: int, using: str) -> tuple[str, BitMap]:
    """(level, the alliances whose main territory it is), whatever their status."""

    def read() -> tuple[str, BitMap]:
        t = tables()
        level = fetch(using, f"SELECT level FROM {t.territory} WHERE id = %s", [territory_id])
        ids = fetch(using, f"SELECT id FROM {t.alliance} WHERE territory_id = %s", [territory_id])
        return (str(level[0][0]) if level else ""), BitMap([int(r[0]) for r in ids])

    return per_index_version(f"main-territory:{territory_id}", read, using)


def covering(
    compiled: object, territory_ids: list[int], limit: int
) -> tuple[int, list[int]] | None:
    """The alliances whose main territory is one of `territory_ids` and that match every
    condition but the place (the text, with its neighbours in meaning, and the other
    filters): their number and the first `limit`, the closest scale first, then the newest.
    None when a condition has no bitmap form (the SQL way answers)."""
    using: str = compiled.using  # type: ignore[attr-defined]
    conditions = compiled.conditions  # type: ignore[attr-defined]
    others = {n: c for n, c in conditions.items() if n not in ("territory", "place")}
    if not all(name == "q" or condition.tags for name, condition in others.items()):
        return None
    groups: dict[int, BitMap] = {}
    for territory_id in territory_ids:
        level, ids = _main_territory(territory_id, using)
        scale = SCALES.index(level) if level in SCALES else len(SCALES)
        groups[scale] = groups.get(scale, BitMap()) | ids
    found = BitMap.union(*groups.values()) if groups else BitMap()
    found &= _status_set(compiled.statuses, using)  # type: ignore[attr-defined]
    for name in sorted(others, key=lambda n: n == "q"):  # the text last: maybe nothing left
        if not found:
            break
        if name == "q":
            text = compiled.text_ids  # type: ignore[attr-defined]
            if text is None:  # the results came the SQL way
                text = compiled.dialect.matching_ids(compiled, {"territory", "place"})  # type: ignore[attr-defined]
                text = text | BitMap(compiled.semantic)  # type: ignore[attr-defined]
            found &= text
        else:
            part = _condition_set(others[name], using)
            if part is None:
                return None
            found &= part
    chosen: list[int] = []
    for scale in sorted(groups):
        if len(chosen) >= limit:
            break
        ids = found & groups[scale]
        first = page(ids, "date", 0, limit - len(chosen), using)
        if first is None:
            return None
        chosen += first
    return len(found), chosen
