"""Step 1 of a search: read the text (`understanding`), then compile the query into conditions
on the alliance row `a`.

Each filter of the table (`filters.table()`) compiles its own values; the places read in the
text compile as the territory filter does, under the name "place"; the text's condition
comes from the database's dialect. Two decisions are taken here, so that every surface (page,
API, exports, saved searches and their notices) finds the same alliances:
- relaxation: when no alliance has every word of the text (with the filters), any word will
  do, best partial matches first (`Reading.relaxed`);
- meaning (semantic part on): the alliances closest to the query's vector, among those the
  filters allow, join the text's matches (`CompiledQuery.semantic`, ranked by fusion).
What compiling learns besides conditions — notices, labels, the places covering a place —
travels with the result in `context`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyroaring import BitMap

from ..models import Alliance
from .analysis import Term
from .dialects import Dialect, dialect_for, fetch
from .filters import Condition, Context, table
from .query import SearchQuery
from .semantic import closest
from .understanding import Reading, read_query

PUBLIC_STATUSES: tuple[str, ...] = (Alliance.Status.PUBLISHED,)
CURATOR_STATUSES: tuple[str, ...] = (
    Alliance.Status.PUBLISHED,
    Alliance.Status.REVIEW,
    Alliance.Status.DRAFT,
)
# Meaning: how many neighbours join the results, how close they must be (cosine of
# multilingual-e5: unrelated French texts score about 0.75-0.80), and how far below the best
# one (docs/adr/0131; measured by bench/search_relevance.py).
NEIGHBOURS = 40
MIN_COSINE = 0.80
MAX_BELOW_BEST = 0.05
# Filters narrow enough that the neighbours are looked for among their alliances only.
NARROW = ("place", "organisation")
NARROW_CAP = 50_000


@dataclass
class CompiledQuery:
    query: SearchQuery
    using: str
    dialect: Dialect
    statuses: tuple[str, ...]
    conditions: dict[str, Condition]  # "q" (the text) and the names of the filters in use
    context: Context
    reading: Reading = field(default_factory=Reading)
    semantic: list[int] = field(default_factory=list)  # the neighbours, closest first
    # What the bitmap way read of the text (`bitmap_plan`): its matches and neighbours, whatever
    # their status, for the covering tier to reuse.
    text_ids: BitMap | None = None

    @property
    def terms(self) -> list[Term]:
        return self.reading.terms

    def status_clause(self) -> tuple[str, list]:
        marks = ", ".join(["%s"] * len(self.statuses))
        return f"a.status IN ({marks})", [str(s) for s in self.statuses]

    def ids_sql(
        self,
        exclude: set[str] | frozenset[str] = frozenset(),
        extra: tuple[str, list] | None = None,
        score: bool = False,
    ) -> tuple[str, list]:
        """`SELECT a.id ...` of the alliances matching every condition but the excluded."""
        return self.dialect.ids_sql(self, exclude, extra, score)


def _filters(query: SearchQuery, reading: Reading, context: Context) -> dict[str, Condition]:
    conditions: dict[str, Condition] = {}
    filters = table()
    for search_filter in filters.filters:
        condition = search_filter.compile(query, context)
        if condition is not None:
            conditions[search_filter.name] = condition
    if reading.place_values:
        territory = filters.by_name["territory"]
        place = territory.compile_values(reading.place_values, context, "territory")  # type: ignore[attr-defined]
        if place is not None:
            conditions["place"] = place
    return conditions


def _text(compiled: CompiledQuery) -> None:
    """The text's condition: every word, or (none has them all) any word."""
    reading = compiled.reading
    if not reading.items:
        return
    dialect = compiled.dialect
    compiled.conditions = {"q": dialect.text_condition(reading.items), **compiled.conditions}
    if len(reading.items) > 1 and not _any_row(compiled):
        reading.relaxed = True
        compiled.conditions["q"] = dialect.text_condition(reading.items, any_term=True)


def _any_row(compiled: CompiledQuery) -> bool:
    sql, params = compiled.ids_sql()
    return bool(fetch(compiled.using, f"SELECT 1 FROM ({sql}) s LIMIT 1", params))


def _allowed(compiled: CompiledQuery) -> list[int] | None:
    """The alliances the filters allow, when narrow filters are in use (else None: the
    neighbours are read among all and the filters applied after)."""
    if not any(name in compiled.conditions for name in NARROW):
        return None
    sql, params = compiled.ids_sql(exclude={"q"})
    rows = fetch(compiled.using, f"SELECT id FROM ({sql}) s LIMIT {NARROW_CAP + 1}", params)
    return None if len(rows) > NARROW_CAP else [int(r[0]) for r in rows]


def _meaning(compiled: CompiledQuery) -> None:
    reading = compiled.reading
    if reading.vector is None or "q" not in compiled.conditions:
        return
    # Without narrow filters the neighbours are the nearest of the whole base, and only the
    # best NEIGHBOURS of them are kept below: asking for more only made more candidates to
    # score again from the stored vectors (ADR 0185).
    found = closest(reading.vector, NEIGHBOURS, _allowed(compiled), compiled.using)
    if not found:
        return
    floor = max(MIN_COSINE, found[0][1] - MAX_BELOW_BEST)
    reading.neighbours = [(pk, score) for pk, score in found if score >= floor][:NEIGHBOURS]
    compiled.semantic = [pk for pk, _score in reading.neighbours]


def compile_query(
    query: SearchQuery, statuses: tuple[str, ...], using: str, reading: Reading | None = None
) -> CompiledQuery:
    dialect = dialect_for(using)
    context = Context(using)
    reading = reading if reading is not None else read_query(query, using)
    conditions = _filters(query, reading, context)
    compiled = CompiledQuery(query, using, dialect, tuple(statuses), conditions, context, reading)
    _text(compiled)
    _meaning(compiled)
    return compiled
