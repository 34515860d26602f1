"""What differs between SQLite and PostgreSQL in the search, behind one small interface.

Everything vendor-specific of the search and of its index lives in one module per database
(`sqlite`, `postgresql`); the rest of the search package speaks to `Dialect` only:

- searching: the text's condition, the SQL of an id set, and `run` — the total, the page and
  the id sets whose facets are counted, for a compiled query and a `RunPlan`;
- similar alliances: the SQL ranking alliances that share words with one;
- the index: writing and deleting analysed documents, reading back their facet rows, and
  what a bulk write needs afterwards.

The tables themselves are created by the base app's migrations (0016, per vendor).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.db import connections
from pyroaring import BitMap

from ..analysis import Item, Term
from ..filters import Condition
from ..schema import tables

# The index tables common to both databases (see docs/adr/0047, 0092).
FACET_TABLE = "base_alliance_facet"  # (alliance id, facet prefix, value)
BITMAP_TABLE = "base_alliance_facet_bitmap"  # (facet prefix, value, serialised roaring bitmap)


class CompiledQuery(Protocol):
    """What a dialect reads of a compiled query (`compiler.CompiledQuery`)."""

    using: str
    conditions: dict[str, Condition]

    @property
    def terms(self) -> list[Term]: ...

    def status_clause(self) -> tuple[str, list]: ...

    def ids_sql(
        self,
        exclude: set[str] | frozenset[str] = frozenset(),
        extra: tuple[str, list] | None = None,
        score: bool = False,
    ) -> tuple[str, list]: ...


@dataclass(frozen=True)
class Document:
    """One alliance as the index stores it: analysed text, sort key and filter tags."""

    id: int
    title: str
    summary: str
    description: str
    partners: str
    title_key: str
    tags: str
    labels: str = ""  # analysed labels of its terms, French and English (texts.Extra)
    places: str = ""  # analysed names of its territory and of those holding it
    results: str = ""  # analysed results and source titles


@dataclass(frozen=True)
class RunPlan:
    """What step 2 of a search must return."""

    sort: str  # "relevance" (only with text), "date" or "title"
    offset: int
    limit: int | None  # None: every id, in order (exports)
    # The id sets to return for the facet counts: "" is the results; a filter's name is the
    # results without that filter (disjunctive facets).
    sets: tuple[str, ...] = ()
    # Relevance with meaning: the neighbours' ids, closest first, and the weight of their
    # ranks against the text's in the fusion (reciprocal rank fusion, docs/adr/0131).
    semantic: tuple[int, ...] = ()
    semantic_weight: float = 1.0


RRF_K = 60  # the constant of reciprocal rank fusion: 1 / (RRF_K + rank)


@dataclass
class RunOutput:
    total: int
    page: list[int]
    sets: dict[str, BitMap] = field(default_factory=dict)


class Dialect:
    vendor = ""
    key_table = ""  # the table holding each alliance's `title_key`

    # -- searching -----------------------------------------------------------------------
    def text_condition(self, terms: Sequence[Item], any_term: bool = False) -> Condition:
        """Every term (or, `any_term`, at least one) in the text of the alliance."""
        raise NotImplementedError

    def ids_sql(
        self,
        compiled: CompiledQuery,
        exclude: set[str] | frozenset[str],
        extra: tuple[str, list] | None,
        score: bool,
    ) -> tuple[str, list]:
        """`SELECT a.id [, score]` of the alliances matching every condition but the excluded
        ones; with meaning, the text's matches and the neighbours (`score` NULL), which the
        caller deduplicates when it asks for scores."""
        sql, params = self.lexical_ids_sql(compiled, exclude, extra, score)
        if compiled.semantic and "q" in compiled.conditions and "q" not in exclude:
            neighbours, more = self.neighbours_sql(compiled, exclude, extra, score)
            union = "UNION ALL" if score else "UNION"
            return f"{sql} {union} {neighbours}", params + more
        return sql, params

    def lexical_ids_sql(
        self,
        compiled: CompiledQuery,
        exclude: set[str] | frozenset[str],
        extra: tuple[str, list] | None,
        score: bool,
    ) -> tuple[str, list]:
        """The alliances matching every condition but the excluded ones, each condition as
        the planner prefers it: probed per text match when the text drives, else as an
        uncorrelated id set."""
        where, params = self.where(compiled, exclude, extra, skip=())
        scored = ", NULL AS score" if score else ""
        return f"SELECT a.id{scored} FROM {tables().alliance} a WHERE {where}", params

    def neighbours_sql(
        self,
        compiled: CompiledQuery,
        exclude: set[str] | frozenset[str],
        extra: tuple[str, list] | None,
        score: bool,
    ) -> tuple[str, list]:
        """The neighbours in meaning that pass every other condition (probed one by one)."""
        ids = list(compiled.semantic)
        where, params = self.where(compiled, set(exclude) | {"q"}, extra, skip=(), probe=True)
        scored = ", NULL AS score" if score else ""
        marks = ", ".join(["%s"] * len(ids))
        return (
            f"SELECT a.id{scored} FROM {tables().alliance} a WHERE a.id IN ({marks}) AND {where}",
            ids + params,
        )

    def where(
        self,
        compiled: CompiledQuery,
        exclude: set[str] | frozenset[str],
        extra: tuple[str, list] | None,
        skip: Sequence[str],
        probe: bool | None = None,
    ) -> tuple[str, list]:
        """The status and every condition but the excluded and skipped ones, ANDed."""
        status, params = compiled.status_clause()
        clauses = [status]
        if probe is None:
            probe = "q" in compiled.conditions and "q" not in exclude
        for name, condition in compiled.conditions.items():
            if name in exclude or name in skip:
                continue
            sql, p = condition.form(probe)
            clauses.append(sql)
            params += p
        if extra:
            clauses.append(extra[0])
            params += extra[1]
        return " AND ".join(clauses), params

    def run(self, compiled: CompiledQuery, plan: RunPlan) -> RunOutput:
        raise NotImplementedError

    # -- searching from the bitmaps (bitmap_plan) ------------------------------------------
    # Whether `rank_page` can order a given set by relevance; whether it fuses the ranks of
    # the neighbours in meaning too (`RunPlan.semantic`).
    ranks_sets = False
    fuses_sets = False
    # Whether a text found in nearly every alliance orders a large result by date
    # (`bitmap_plan`): both dialects do, as docs/base-search.md says.
    dates_noise = False

    def text_ids(self, condition: Condition, using: str) -> BitMap:
        """Every alliance the text's condition keeps, whatever its status."""
        sql = f"SELECT a.id FROM {tables().alliance} a WHERE {condition.driver}"
        return BitMap([int(row[0]) for row in fetch(using, sql, list(condition.params))])

    def matching_ids(self, compiled: CompiledQuery, exclude: set[str] | frozenset[str]) -> BitMap:
        """Every alliance (whatever its status) the text keeps, maybe narrowed by the other
        tagged conditions but the excluded ones: the caller intersects the filters' bitmaps."""
        return self.text_ids(compiled.conditions["q"], compiled.using)

    def rank_page(
        self,
        compiled: CompiledQuery,
        ids: BitMap,
        offset: int,
        limit: int,
        plan: RunPlan | None = None,
    ) -> list[int] | None:
        """The page of `ids` (the results of `compiled`) in the order of relevance, or None
        (not supported)."""
        return None

    def similar_text_sql(
        self, terms: Sequence[Term], exclude_id: int, limit: int
    ) -> tuple[str, list]:
        """(id, score) of the alliances sharing most of these words (any of them)."""
        raise NotImplementedError

    @staticmethod
    def fused_order(plan: RunPlan, lexical_rank: str, neighbour: str) -> tuple[str, list]:
        """The ORDER BY expression of reciprocal rank fusion: the text's rank (a column) and
        the neighbour's rank (a column of the VALUES `neighbour`), weighted."""
        return (
            f"COALESCE(1.0 / ({RRF_K} + {lexical_rank}), 0) + "
            f"COALESCE(%s / ({RRF_K} + {neighbour}), 0) DESC",
            [plan.semantic_weight],
        )

    # -- the index -----------------------------------------------------------------------
    def write_documents(self, cursor: Any, documents: Sequence[Document]) -> None:
        raise NotImplementedError

    def delete_documents(self, cursor: Any, ids: Sequence[int] | None) -> None:
        """Remove these alliances (all when None) from the text index and the facet table."""
        raise NotImplementedError

    def facet_rows_of(self, cursor: Any, ids: Sequence[int]) -> list[tuple]:
        """The stored (alliance id, facet, value) rows of these alliances."""
        raise NotImplementedError

    def begin_rebuild(self, cursor: Any) -> None:
        """Before the first batch of a full re-index."""

    def replace_documents(self, cursor: Any, documents: Sequence[Document]) -> None:
        """A batch of a full re-index: these alliances' text, sort keys and facet rows
        replaced (the facet rows are then inserted by the caller)."""
        self.delete_documents(cursor, [d.id for d in documents])
        self.write_documents(cursor, documents)

    def finish_rebuild(self, cursor: Any) -> None:
        """In the last transaction of a full re-index, after its last batch."""

    def abandon_rebuild(self, connection: Any) -> None:
        """After a full re-index failed (outside a caller's transaction, which undoes it)."""

    def after_bulk_write(self, connection: Any) -> None:
        """What the database needs after many rows were written (statistics, merges)."""

    def between_batches(self, connection: Any) -> None:
        """What the database needs between two committed batches of a full re-index."""

    def before_bulk_read(self, cursor: Any, tables: Sequence[str]) -> None:
        """What the database needs before every row of these tables is read in batches (a
        full re-index, often right after a bulk load)."""

    def insert_facet_rows(self, cursor: Any, rows: Sequence[tuple[int, str, str]]) -> None:
        cursor.executemany(
            f"INSERT INTO {FACET_TABLE} (alliance_id, facet, value) VALUES (%s, %s, %s)", rows
        )


_INSTANCES: dict[str, Dialect] = {}


def dialect_for(using: str) -> Dialect:
    """The dialect of the database behind this alias (the modules import this one: they are
    imported here, on first use)."""
    vendor = connections[using].vendor
    if vendor not in _INSTANCES:
        from .postgresql import PostgresqlDialect
        from .sqlite import SqliteDialect

        _INSTANCES.update(sqlite=SqliteDialect(), postgresql=PostgresqlDialect())
    return _INSTANCES[vendor]


def fetch(using: str, sql: str, params: list) -> list[tuple]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
