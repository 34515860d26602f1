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

from collections.abc import Sequence
from typing import Any

from pyroaring import BitMap

from ..analysis import Item, Term, tsquery_expression
from ..filters import Condition
from ..schema import tables
from . import FACET_TABLE, CompiledQuery, Dialect, Document, RunOutput, RunPlan, fetch

SEARCH_TABLE = "base_alliance_search"
CONFIG = "alliances_fr"
WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A as ts_rank expects
# From this many alliances written at once, the planner's statistics are refreshed.
BULK = 1000


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
        members: list[list[int]] = [[] for _name in plan.sets]
        positions: list[tuple[int, int]] = []
        for kind, pk, set_index, number in fetch(compiled.using, statement, params):
            if kind == "_count":
                output.total = int(number)
            elif kind == "_page":
                positions.append((int(number), int(pk)))
            else:
                members[int(set_index)].append(int(pk))
        output.page = [pk for _position, pk in sorted(positions)]
        output.sets = {name: BitMap(ids) for name, ids in zip(plan.sets, members, strict=True)}
        return output

    def _statement(self, compiled: CompiledQuery, plan: RunPlan) -> tuple[str, list]:
        """WITH h (+ one id set per filter left out) SELECT total, page, sets.

        Rows are (kind, id, set, number): ("_count", -, -, n), ("_page", id, -, position) and
        ("_set", id, position of the set in the plan, -). One round trip; the id sets are
        MATERIALIZED.
        """
        hits_sql, params = compiled.ids_sql()
        ctes = [f"h AS MATERIALIZED ({hits_sql})"]
        selects = [
            "SELECT '_count', CAST(NULL AS BIGINT), CAST(NULL AS TEXT), "
            "CAST(COUNT(*) AS DOUBLE PRECISION) FROM h"
        ]
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
                f"SELECT '_set', s.id, CAST('{index}' AS TEXT), CAST(NULL AS DOUBLE PRECISION) "
                f"FROM {source} s"
            )
        inner, page_params = self._ordered(compiled, plan)
        upper = "" if plan.limit is None else " AND pg.rn <= %s"
        selects.append(
            "SELECT '_page', pg.id, CAST(NULL AS TEXT), CAST(pg.rn AS DOUBLE PRECISION) "
            f"FROM ({inner}) pg WHERE pg.rn > %s{upper}"
        )
        params += [*page_params, plan.offset]
        if plan.limit is not None:
            params.append(plan.offset + plan.limit)
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

    def _ordered(self, compiled: CompiledQuery, plan: RunPlan) -> tuple[str, list]:
        """SELECT id, rn: the results numbered in the order of the sort."""
        sort = plan.sort
        if sort == "relevance" and plan.semantic:
            return self._fused(compiled, plan)
        if sort == "relevance":
            ranked = (
                f"SELECT s.alliance_id AS id, ts_rank('{WEIGHTS}', s.document, "
                f"to_tsquery('{CONFIG}', %s)) AS score FROM {SEARCH_TABLE} s "
                "WHERE s.alliance_id IN (SELECT id FROM h)"
            )
            return (
                "SELECT r.id, ROW_NUMBER() OVER (ORDER BY r.score DESC, r.id) AS rn "
                f"FROM ({ranked}) r",
                [compiled.conditions["q"].text],
            )
        if sort == "title":
            return (
                "SELECT h.id, ROW_NUMBER() OVER (ORDER BY COALESCE(k.title_key, ''), h.id) AS rn "
                f"FROM h LEFT JOIN {SEARCH_TABLE} k ON k.alliance_id = h.id",
                [],
            )
        return (
            "SELECT a.id, ROW_NUMBER() OVER (ORDER BY CASE WHEN a.start_year IS NULL THEN 1 "
            "ELSE 0 END, a.start_year DESC, a.id) AS rn "
            f"FROM {tables().alliance} a WHERE a.id IN (SELECT id FROM h)",
            [],
        )

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
