"""PostgreSQL: a tsvector side table for the text, SQL conditions for the filters.

The index is `base_alliance_search` (alliance id, tsvector with weights A for the title, B for
the summary and the labels of its terms, C for the description and the names of its places,
D for partner names, results and source titles; GIN index; and the folded title), built with
the text search configuration `alliances_fr` (unaccent, then the simple dictionary: the stems
come from the Python analyser, so both databases match the same tokens), ranked with ts_rank.

A search is one statement over MATERIALIZED id sets (the results, and one per facet filter in
use): it returns the total, the page and the ids of each set, decoded here into a `RunOutput`.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Sequence
from typing import Any

from django.db import connections, transaction
from pyroaring import BitMap

from ..analysis import Item, Term, tsquery_expression
from ..filters import Condition
from ..schema import tables
from ..versions import KeptPerVersion
from . import FACET_TABLE, CompiledQuery, Dialect, Document, RunOutput, RunPlan, fetch, orders

SEARCH_TABLE = "base_alliance_search"
CONFIG = "alliances_fr"
WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A as ts_rank expects
# An id set packed into one bytea, 4 bytes (big-endian) an id, in no particular order.
PACK = "string_agg(int4send(CAST(s.id AS INTEGER)), ''::bytea)"
# From this many alliances written at once, the planner's statistics are refreshed.
BULK = 1000
# A relevance page reads (and keeps) the order of all the text's matches when the results are
# at least this many, or this share of the matches, or for a page after the first; below, the
# first page of a narrow search scores its few results alone (docs/adr/0162).
KEEP_FROM = 5000
KEEP_SHARE = 0.25
# The texts whose narrow first page was scored alone once (the second time, the order is kept).
_seen: KeptPerVersion[bool] = KeptPerVersion(512)


def _unpack(packed: bytes | None) -> array.array:
    """The ids of a packed set (see PACK), as unsigned 32-bit integers (what BitMap holds)."""
    ids = array.array("I")
    if packed:
        ids.frombytes(bytes(packed))
        if sys.byteorder == "little":
            ids.byteswap()
    return ids


def _keeps_order(compiled: CompiledQuery, ids: BitMap, offset: int) -> bool:
    """Whether a relevance page should read the text's whole order rather than score `ids`
    alone: scoring reads each document once, so the whole order costs about matches / results
    times the page's scoring, and is read once per index version and text."""
    if offset > 0 or len(ids) >= KEEP_FROM:
        return True
    matches = getattr(compiled, "text_ids", None)
    return matches is not None and len(ids) >= KEEP_SHARE * len(matches)


class PostgresqlDialect(Dialect):
    vendor = "postgresql"
    key_table = SEARCH_TABLE

    # -- searching -----------------------------------------------------------------------
    def text_condition(self, terms: Sequence[Item], any_term: bool = False) -> Condition:
        expression = tsquery_expression(terms, any_term)
        return Condition(
            f"a.id IN (SELECT alliance_id FROM {SEARCH_TABLE} "
            f"WHERE document @@ to_tsquery('{CONFIG}', %s))",
            [expression],
            text=expression,
        )

    def run(self, compiled: CompiledQuery, plan: RunPlan) -> RunOutput:
        statement, params = self._statement(compiled, plan)
        output = RunOutput(total=0, page=[])
        for kind, number, packed in fetch(compiled.using, statement, params):
            if kind == "_count":
                output.total = int(number)
            elif kind == "_page":
                output.page = list(_unpack(packed))
            else:
                output.sets[plan.sets[int(number)]] = BitMap(_unpack(packed))
        for name in plan.sets:
            output.sets.setdefault(name, BitMap())
        return output

    def _statement(self, compiled: CompiledQuery, plan: RunPlan) -> tuple[str, list]:
        """WITH h (+ one id set per filter left out) SELECT total, sets, page.

        Rows are (kind, number, ids): ("_count", n, NULL), ("_set", position of the set in
        the plan, ids) and ("_page", NULL, ids in the order of the sort). Each id set comes
        packed in one value (4 bytes an id): sending one row per id cost more than finding
        them (bench/RESULTS.md, issue 20). One round trip; the id sets are MATERIALIZED.
        """
        hits_sql, params = compiled.ids_sql()
        ctes = [f"h AS MATERIALIZED ({hits_sql})"]
        selects = ["SELECT '_count', CAST(COUNT(*) AS DOUBLE PRECISION), NULL::bytea FROM h"]
        for index, name in enumerate(plan.sets):
            source = "h"
            if name:
                sql, p = compiled.ids_sql(exclude={name})
                source = f"h_{index}"
                ctes.append(f"{source} AS MATERIALIZED ({sql})")
                params += p
            # The set's position in the plan, as a literal (a parameter here would come
            # after the parameters of the later sets' CTEs).
            selects.append(
                f"SELECT '_set', CAST({index} AS DOUBLE PRECISION), {PACK} FROM {source} s"
            )
        if plan.limit != 0:  # 0: no page (the executor cuts it from the results' set)
            inner, order, page_params = self._ordered(compiled, plan)
            window = " OFFSET %s" if plan.limit is None else " LIMIT %s OFFSET %s"
            page_params += [plan.offset] if plan.limit is None else [plan.limit, plan.offset]
            selects.append(
                "SELECT '_page', CAST(NULL AS DOUBLE PRECISION), "
                "string_agg(int4send(CAST(pg.id AS INTEGER)), ''::bytea "
                f"ORDER BY {order}) FROM ({inner} ORDER BY {order}{window}) pg"
            )
            params += page_params
        body = " UNION ALL ".join(f"SELECT * FROM ({sql}) s{i}" for i, sql in enumerate(selects))
        return "WITH " + ", ".join(ctes) + " " + body, params

    def _fused(self, compiled: CompiledQuery, plan: RunPlan) -> tuple[str, list]:
        """SELECT id, rn by reciprocal rank fusion of the text's rank and the neighbour's."""
        text = compiled.conditions["q"].text
        values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS INTEGER))"] * len(plan.semantic))
        ranks = [x for rank, pk in enumerate(plan.semantic, start=1) for x in (pk, rank)]
        lexical = (
            f"SELECT s.alliance_id AS id, ROW_NUMBER() OVER (ORDER BY ts_rank('{WEIGHTS}', "
            f"s.document, tq) DESC, s.alliance_id) AS r FROM {SEARCH_TABLE} s, "
            f"to_tsquery('{CONFIG}', %s) tq WHERE s.alliance_id IN (SELECT id FROM h) "
            "AND s.document @@ tq"
        )
        order, order_params = self.fused_order(plan, "lex.r", "sem.r")
        return (
            f"SELECT h.id, ROW_NUMBER() OVER (ORDER BY {order}, h.id) AS rn FROM h "
            f"LEFT JOIN ({lexical}) lex ON lex.id = h.id "
            f"LEFT JOIN (VALUES {values}) AS sem(id, r) ON sem.id = h.id",
            [*order_params, text, *ranks],
        )

    def _ordered(self, compiled: CompiledQuery, plan: RunPlan) -> tuple[str, str, list]:
        """(SELECT id and its sort keys, the ORDER BY over them, parameters): the page is cut
        by LIMIT / OFFSET on that order, which lets PostgreSQL keep only the top rows (a
        numbering of every result sorted them all)."""
        sort = plan.sort
        if sort == "relevance" and plan.semantic:
            sql, params = self._fused(compiled, plan)
            return f"SELECT f.id, f.rn FROM ({sql}) f", "rn", params
        if sort == "relevance":
            return (
                f"SELECT s.alliance_id AS id, ts_rank('{WEIGHTS}', s.document, "
                f"to_tsquery('{CONFIG}', %s)) AS score FROM {SEARCH_TABLE} s "
                "WHERE s.alliance_id IN (SELECT id FROM h)",
                "score DESC, id",
                [compiled.conditions["q"].text],
            )
        if sort == "title":
            return (
                "SELECT h.id, COALESCE(k.title_key, '') AS tk "
                f"FROM h LEFT JOIN {SEARCH_TABLE} k ON k.alliance_id = h.id",
                "tk, id",
                [],
            )
        return (
            "SELECT a.id, CASE WHEN a.start_year IS NULL THEN 1 ELSE 0 END AS undated, "
            f"a.start_year AS y FROM {tables().alliance} a WHERE a.id IN (SELECT id FROM h)",
            "undated, y DESC, id",
            [],
        )

    ranks_sets = True
    # With meaning too: the neighbours join the text's matches in the bitmaps and the page is
    # fused over the given set (`rank_page`), as `_fused` does over the SQL way's results.
    fuses_sets = True
    dates_noise = True

    def text_ids(self, condition: Condition, using: str) -> BitMap:
        """From the text index alone (GIN), packed into one value.

        The planner reads a common word's matches (a third of the base, or all of it) by
        scanning the table and testing each document, which reads every document out of
        its TOAST storage: 72 ms at 20,000 alliances against 34 ms through the index
        (EXPLAIN ANALYZE, bench/RESULTS.md). It cannot know that cost, so it is told."""
        sql = (
            f"SELECT {PACK} FROM (SELECT alliance_id AS id FROM {SEARCH_TABLE} "
            f"WHERE document @@ to_tsquery('{CONFIG}', %s)) s"
        )
        with transaction.atomic(using=using), connections[using].cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, [condition.text])
            row = cursor.fetchone()
        return BitMap(_unpack(row[0] if row else None))

    def rank_page(
        self,
        compiled: CompiledQuery,
        ids: BitMap,
        offset: int,
        limit: int,
        plan: RunPlan | None = None,
    ) -> list[int] | None:
        """The same order as `_ordered` (ts_rank, then id; fused with the neighbours' ranks
        when the plan has some), over a given set of ids: from the text's order kept for the
        index version when there is one, or when it is worth reading (`_keeps_order`); else
        by ts_rank over the set alone."""
        order = self._lexical_order(compiled, ids, offset)
        if order is not None:
            return orders.rank(order, ids, offset, limit, plan)
        if plan is not None and plan.semantic:
            return self._fused_page(compiled, ids, offset, limit, plan)
        sql = (
            f"SELECT s.alliance_id FROM {SEARCH_TABLE} s "
            "WHERE s.alliance_id = ANY(CAST(%s AS BIGINT[])) "
            f"ORDER BY ts_rank('{WEIGHTS}', s.document, to_tsquery('{CONFIG}', %s)) DESC, "
            "s.alliance_id LIMIT %s OFFSET %s"
        )
        params = [list(ids), compiled.conditions["q"].text, limit, offset]
        return [int(row[0]) for row in fetch(compiled.using, sql, params)]

    def _lexical_order(
        self, compiled: CompiledQuery, ids: BitMap, offset: int
    ) -> orders.TextOrder | None:
        """Every match of the text by ts_rank (best first), then id, kept per process, index
        version and text (`orders`); None when none is kept and reading one would
        cost more than ranking `ids` alone, the first time these words are searched."""
        text = compiled.conditions["q"].text
        alias = compiled.using
        key = ("ts_rank", text)
        order = orders.kept(key, alias)
        if order is not None:
            return order
        # A narrow first page scores its results alone, once: the same words asked again
        # under this index version are worth their whole order.
        if not _keeps_order(compiled, ids, offset) and not _seen.get(key, alias):
            _seen.read(key, lambda: True, alias)
            return None

        def scored() -> list[tuple[float, int]]:
            sql = (
                f"SELECT -ts_rank('{WEIGHTS}', s.document, tq), s.alliance_id "
                f"FROM {SEARCH_TABLE} s, to_tsquery('{CONFIG}', %s) tq WHERE s.document @@ tq"
            )
            return fetch(alias, sql, [text])

        return orders.read(key, alias, scored)

    def _fused_page(
        self, compiled: CompiledQuery, ids: BitMap, offset: int, limit: int, plan: RunPlan
    ) -> list[int]:
        """`_fused`'s order over a given set: the text's rank among the set's matches (ts_rank,
        then id) and the neighbour's rank, fused; ties by id."""
        values = ", ".join(["(CAST(%s AS BIGINT), CAST(%s AS INTEGER))"] * len(plan.semantic))
        ranks = [x for rank, pk in enumerate(plan.semantic, start=1) for x in (pk, rank)]
        order, order_params = self.fused_order(plan, "lex.r", "sem.r")
        members = list(ids)
        sql = (
            f"WITH sem(id, r) AS (VALUES {values}), "
            "lex AS (SELECT s.alliance_id AS id, ROW_NUMBER() OVER (ORDER BY "
            f"ts_rank('{WEIGHTS}', s.document, tq) DESC, s.alliance_id) AS r "
            f"FROM {SEARCH_TABLE} s, to_tsquery('{CONFIG}', %s) tq "
            "WHERE s.alliance_id = ANY(CAST(%s AS BIGINT[])) AND s.document @@ tq) "
            "SELECT x.id FROM unnest(CAST(%s AS BIGINT[])) AS x(id) "
            "LEFT JOIN lex ON lex.id = x.id LEFT JOIN sem ON sem.id = x.id "
            f"ORDER BY {order}, x.id LIMIT %s OFFSET %s"
        )
        text = compiled.conditions["q"].text
        params = [*ranks, text, members, members, *order_params, limit, offset]
        return [int(row[0]) for row in fetch(compiled.using, sql, params)]

    def similar_text_sql(
        self, terms: Sequence[Term], exclude_id: int, limit: int
    ) -> tuple[str, list]:
        sql = (
            f"SELECT s.alliance_id, ts_rank('{WEIGHTS}', s.document, tq) AS score "
            f"FROM {SEARCH_TABLE} s, to_tsquery('{CONFIG}', %s) tq "
            "WHERE s.document @@ tq AND s.alliance_id <> %s "
            "ORDER BY score DESC, s.alliance_id LIMIT %s"
        )
        return sql, [tsquery_expression(terms, any_term=True), exclude_id, limit]

    # -- the index -----------------------------------------------------------------------
    def write_documents(self, cursor: Any, documents: Sequence[Document]) -> None:
        cursor.executemany(
            f"INSERT INTO {SEARCH_TABLE} (alliance_id, document, title_key) VALUES (%s, "
            f"setweight(to_tsvector('{CONFIG}', %s), 'A') || "
            f"setweight(to_tsvector('{CONFIG}', %s), 'B') || "
            f"setweight(to_tsvector('{CONFIG}', %s), 'C') || "
            f"setweight(to_tsvector('{CONFIG}', %s), 'D'), %s)",
            [
                (
                    d.id,
                    d.title,
                    f"{d.summary} {d.labels}",
                    f"{d.description} {d.places}",
                    f"{d.partners} {d.results}",
                    d.title_key,
                )
                for d in documents
            ],
        )

    def insert_facet_rows(self, cursor: Any, rows: Sequence[tuple[int, str, str]]) -> None:
        """One statement for the batch's rows, sent as three arrays: one INSERT per row
        (executemany, 23,000 rows for 2,000 alliances) cost the server a statement each."""
        if not rows:
            return
        ids, facets, values = (list(column) for column in zip(*rows, strict=True))
        cursor.execute(
            f"INSERT INTO {FACET_TABLE} (alliance_id, facet, value) "
            "SELECT * FROM unnest(CAST(%s AS BIGINT[]), CAST(%s AS TEXT[]), CAST(%s AS TEXT[]))",
            [ids, facets, values],
        )

    def delete_documents(self, cursor: Any, ids: Sequence[int] | None) -> None:
        for table in (SEARCH_TABLE, FACET_TABLE):
            if ids is None:
                cursor.execute(f"DELETE FROM {table}")
            else:
                cursor.execute(f"DELETE FROM {table} WHERE alliance_id = ANY(%s)", [list(ids)])

    def facet_rows_of(self, cursor: Any, ids: Sequence[int]) -> list[tuple]:
        cursor.execute(
            f"SELECT alliance_id, facet, value FROM {FACET_TABLE} WHERE alliance_id = ANY(%s)",
            [list(ids)],
        )
        return cursor.fetchall()

    def before_bulk_read(self, cursor: Any, tables: Sequence[str]) -> None:
        """Fresh planner statistics of the tables a re-index reads: right after a bulk load
        (COPY) they still describe the empty tables, and reading a batch's partners then
        scanned all five million of them (2.1 s a batch at 1,000,000 alliances, 0.15 s
        after ANALYZE; autovacuum had not come yet). ANALYZE samples: a few seconds at
        that size, and it may run inside a caller's transaction."""
        cursor.execute(f"ANALYZE {', '.join(tables)}")

    def after_bulk_write(self, connection: Any) -> None:
        """Fresh planner statistics and visibility map after a bulk load.

        Without them the planner scanned every alliance and probed the text index for each,
        and counted facets without index-only scans (bench/RESULTS.md). VACUUM cannot run in
        a transaction.
        """
        names = f"{tables().alliance}, {SEARCH_TABLE}, {FACET_TABLE}"
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(f"{command} {names}")
