"""SQLite: FTS5 for the text and the filter tags, a TEMP table for the id sets.

The index is an FTS5 virtual table `base_alliance_fts` (columns title, summary, description,
partners, labels, places, results, and `tags`, the alliance's filter values as tokens;
rowid = alliance id), ranked with bm25 weighted 10 / 4 / 2 / 1 / 1.5 / 1.5 / 1 / 0, and
`base_alliance_sortkey` (alliance id, folded title).
Text and every tagged filter are one FTS5 MATCH, so FTS5 itself intersects them; statuses and
years are checked on the alliance rows found.

A search writes its result ids (and bm25 scores) once to a TEMP table, then runs small
separate statements: measured on 100,000 alliances (docs/adr/0047), one compound SELECT over
the same sets cost more than its parts run one by one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connections
from pyroaring import BitMap

from ..analysis import Item, Term, fts5_expression
from ..filters import Condition
from ..schema import tables
from . import FACET_TABLE, CompiledQuery, Dialect, Document, RunOutput, RunPlan, orders

FTS_TABLE = "base_alliance_fts"
NEXT_FTS_TABLE = "base_alliance_fts_next"  # written by a full re-index, then put in its place
# FTS5 merges a level's segments once it holds `automerge` of them (4 by default). A full
# re-index writes a segment a batch and the final `optimize` merges them all into one:
# merging less on the way wrote 100,000 alliances in 22.2 s instead of 29.5 (ADR 0194).
FTS5_AUTOMERGE = 4
REBUILD_AUTOMERGE = 8
KEY_TABLE = "base_alliance_sortkey"
TEMP_IDS = "alliances_search_sets"  # the id sets (and scores) of the current search
# title, summary, description, partners, labels, places, results; tags do not rank
WEIGHTS = (10.0, 4.0, 2.0, 1.0, 1.5, 1.5, 1.0, 0.0)
TEXT_COLUMNS = "{title summary description partners labels places results}"
CHUNK = 500  # ids per statement (SQLite's variable limit)
# Up to this many results, a relevance page is ranked in Python from the order of the text's
# matches by bm25, kept per process and index version (the next pages and the refinements of
# a search reuse it: « insertion » page 5, 31,985 results at 100,000, was ranked anew on each
# page); beyond, by SQLite. The bound keeps a kept order under 8 MB.
RANK_IN_PYTHON = 1_000_000


def bm25() -> str:
    """The weighted bm25 of the current FTS5 row (lower is better)."""
    return f"bm25({FTS_TABLE}, {', '.join(str(w) for w in WEIGHTS)})"


def text_expression(terms: Sequence[Item], any_term: bool = False) -> str:
    """FTS5: the text terms, in the text columns only."""
    return f"{TEXT_COLUMNS} : ({fts5_expression(terms, any_term)})"


def tags_expression(tags: Sequence[str]) -> str:
    """FTS5: any of these tags, in the tags column."""
    return "tags : (" + " OR ".join(f'"{t}"' for t in tags) + ")"


class SqliteDialect(Dialect):
    vendor = "sqlite"
    key_table = KEY_TABLE

    # -- searching -----------------------------------------------------------------------
    def text_condition(self, terms: Sequence[Item], any_term: bool = False) -> Condition:
        expression = text_expression(terms, any_term)
        return Condition(
            f"a.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [expression],
            text=expression,
        )

    def match(self, compiled: CompiledQuery, exclude: set[str] | frozenset[str]) -> str:
        """The FTS5 MATCH expression of the text and of the tagged filters."""
        parts = []
        if "q" in compiled.conditions and "q" not in exclude:
            parts.append(compiled.conditions["q"].text)
        for name, condition in compiled.conditions.items():
            if name != "q" and name not in exclude and condition.tags is not None:
                parts.append(tags_expression(condition.tags))
        return " AND ".join(parts)

    def lexical_ids_sql(
        self,
        compiled: CompiledQuery,
        exclude: set[str] | frozenset[str],
        extra: tuple[str, list] | None,
        score: bool,
    ) -> tuple[str, list]:
        match = self.match(compiled, exclude)
        if not match:
            return super().lexical_ids_sql(compiled, exclude, extra, score)
        in_match = [
            name
            for name, condition in compiled.conditions.items()
            if name == "q" or condition.tags is not None
        ]
        where, params = self.where(compiled, exclude, extra, skip=in_match)
        scored = f", {bm25()} AS score" if score else ""
        return (
            f"SELECT a.id{scored} FROM {FTS_TABLE} CROSS JOIN {tables().alliance} a "
            f"ON a.id = {FTS_TABLE}.rowid WHERE {FTS_TABLE} MATCH %s AND {where}",
            [match, *params],
        )

    def text_ids(self, condition: Condition, using: str) -> BitMap:
        """From the FTS5 index alone."""
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        with connections[using].cursor() as cursor:
            cursor.execute(sql, [condition.text])
            return BitMap([row[0] for row in cursor.fetchall()])

    def matching_ids(self, compiled: CompiledQuery, exclude: set[str] | frozenset[str]) -> BitMap:
        """The text and the tagged filters in one MATCH: FTS5 intersects them."""
        sql = f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        with connections[compiled.using].cursor() as cursor:
            cursor.execute(sql, [self.match(compiled, exclude)])
            return BitMap([row[0] for row in cursor.fetchall()])

    def run(self, compiled: CompiledQuery, plan: RunPlan) -> RunOutput:
        temp = f"temp.{TEMP_IDS}"
        relevance = plan.sort == "relevance"
        with connections[compiled.using].cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE IF NOT EXISTS {TEMP_IDS} (k INTEGER NOT NULL, "
                "id INTEGER NOT NULL, score REAL, PRIMARY KEY (k, id)) WITHOUT ROWID"
            )
            cursor.execute(f"DELETE FROM {temp}")
            sql, params = compiled.ids_sql(score=relevance)
            score = "score" if relevance else "NULL"
            # OR IGNORE: a neighbour in meaning that also matches the text keeps its score.
            cursor.execute(
                f"INSERT OR IGNORE INTO {temp} (k, id, score) SELECT 0, id, {score} FROM ({sql})",
                params,
            )
            cursor.execute(f"SELECT COUNT(*) FROM {temp} WHERE k = 0")
            output = RunOutput(total=int(cursor.fetchone()[0]), page=[])
            for name in plan.sets:
                output.sets[name] = self._set(cursor, compiled, name, output.total)
            if output.total and plan.limit != 0:  # 0: the page is cut elsewhere
                output.page = self._page(cursor, plan)
        return output

    def _set(self, cursor: Any, compiled: CompiledQuery, name: str, total: int) -> BitMap:
        """The results ("") or the results without one filter, as a bitmap."""
        if not name:
            if not total:
                return BitMap()
            cursor.execute(f"SELECT id FROM temp.{TEMP_IDS} WHERE k = 0")
        else:
            # Counted even when nothing matches: the facet's other values still count.
            sql, params = compiled.ids_sql(exclude={name})
            cursor.execute(sql, params)
        return BitMap([row[0] for row in cursor.fetchall()])

    # From the bitmaps (issue 13): the id sets and the total come from the facet bitmaps and
    # one MATCH of the text; only the page is ranked here, in one statement (no TEMP table).
    ranks_sets = True
    fuses_sets = True
    # The documented rule (docs/base-search.md, ADR 0151), as on PostgreSQL: a word in nine
    # alliances out of ten orders its 5,000 results or more by date. Ranking them by bm25 cost
    # 394 ms over HTTP at 100,000 (« partenaires », bench/results/base_search_http.md).
    dates_noise = True

    def rank_page(
        self,
        compiled: CompiledQuery,
        ids: BitMap,
        offset: int,
        limit: int,
        plan: RunPlan | None = None,
    ) -> list[int] | None:
        """The same order as `_page` and `_fused_page` over the TEMP table: the results of
        `compiled` (which `ids` are) with their bm25, in one statement."""
        if len(ids) <= RANK_IN_PYTHON:
            order = self._lexical_order(compiled)
            return orders.rank(order, ids, offset, limit, plan)
        sql, params = compiled.ids_sql(score=True)
        window = [limit, offset]
        with connections[compiled.using].cursor() as cursor:
            if plan is None or not plan.semantic:
                cursor.execute(
                    f"SELECT id FROM ({sql}) ORDER BY score, id LIMIT %s OFFSET %s",
                    [*params, *window],
                )
                return [int(row[0]) for row in cursor.fetchall()]
            # A neighbour that also matches the text keeps its score (MIN ignores NULL).
            values = ", ".join(["(%s, %s)"] * len(plan.semantic))
            ranks = [x for rank, pk in enumerate(plan.semantic, start=1) for x in (pk, rank)]
            lexical = "CASE WHEN t.score IS NULL THEN NULL ELSE t.r END"
            order, order_params = self.fused_order(plan, lexical, "sem.r")
            cursor.execute(
                f"WITH sem(id, r) AS (VALUES {values}), "
                f"s AS (SELECT id, MIN(score) AS score FROM ({sql}) GROUP BY id) "
                "SELECT t.id FROM (SELECT id, score, ROW_NUMBER() OVER (ORDER BY score IS NULL, "
                "score, id) AS r FROM s) t LEFT JOIN sem ON sem.id = t.id "
                f"ORDER BY {order}, t.id LIMIT %s OFFSET %s",
                [*ranks, *params, *order_params, *window],
            )
            return [int(row[0]) for row in cursor.fetchall()]

    def _lexical_order(self, compiled: CompiledQuery) -> orders.TextOrder:
        """Every match of the text (and tagged filters) by bm25, then id: read once per
        process, index version and expression (`orders`)."""
        expression = self.match(compiled, frozenset())
        alias = compiled.using
        key = ("bm25", expression)

        def scored() -> list[tuple[float, int]]:
            sql = f"SELECT {bm25()}, rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
            with connections[alias].cursor() as cursor:
                cursor.execute(sql, [expression])
                return cursor.fetchall()

        return orders.read(key, alias, scored)

    def _fused_page(self, cursor: Any, plan: RunPlan, window: list) -> list[int]:
        """Relevance with meaning: the text's rank (bm25; neighbours without a text match
        rank after every match and count nothing) fused with the neighbour's rank. One
        window over the results and a join on the few neighbours: no self-join."""
        temp = f"temp.{TEMP_IDS}"
        values = ", ".join(["(%s, %s)"] * len(plan.semantic))
        ranks = [x for rank, pk in enumerate(plan.semantic, start=1) for x in (pk, rank)]
        lexical = "CASE WHEN t.score IS NULL THEN NULL ELSE t.r END"
        order, order_params = self.fused_order(plan, lexical, "sem.r")
        cursor.execute(
            f"WITH sem(id, r) AS (VALUES {values}) "
            "SELECT t.id FROM (SELECT id, score, ROW_NUMBER() OVER (ORDER BY score IS NULL, "
            f"score, id) AS r FROM {temp} WHERE k = 0) t LEFT JOIN sem ON sem.id = t.id "
            f"ORDER BY {order}, t.id LIMIT %s OFFSET %s",
            [*ranks, *order_params, *window],
        )
        return [int(row[0]) for row in cursor.fetchall()]

    def _page(self, cursor: Any, plan: RunPlan) -> list[int]:
        temp = f"temp.{TEMP_IDS}"
        window = [-1 if plan.limit is None else plan.limit, plan.offset]
        if plan.sort == "relevance" and plan.semantic:
            return self._fused_page(cursor, plan, window)
        if plan.sort == "relevance":
            cursor.execute(
                f"SELECT id FROM {temp} WHERE k = 0 ORDER BY score, id LIMIT %s OFFSET %s",
                window,
            )
        elif plan.sort == "title":
            cursor.execute(
                f"SELECT h.id FROM {temp} h LEFT JOIN {KEY_TABLE} k "
                "ON k.alliance_id = h.id WHERE h.k = 0 "
                "ORDER BY COALESCE(k.title_key, ''), h.id LIMIT %s OFFSET %s",
                window,
            )
        else:
            cursor.execute(
                f"SELECT a.id FROM {tables().alliance} a WHERE a.id IN "
                f"(SELECT id FROM {temp} WHERE k = 0) ORDER BY CASE WHEN a.start_year "
                "IS NULL THEN 1 ELSE 0 END, a.start_year DESC, a.id LIMIT %s OFFSET %s",
                window,
            )
        return [int(row[0]) for row in cursor.fetchall()]

    def similar_text_sql(
        self, terms: Sequence[Term], exclude_id: int, limit: int
    ) -> tuple[str, list]:
        sql = (
            f"SELECT rowid, -{bm25()} AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s AND rowid <> %s ORDER BY score DESC, rowid LIMIT %s"
        )
        return sql, [fts5_expression(terms, any_term=True), exclude_id, limit]

    # -- the index -----------------------------------------------------------------------
    def write_documents(self, cursor: Any, documents: Sequence[Document]) -> None:
        for fts in self._text_tables(cursor):
            self._insert_text(cursor, fts, documents)
        self._insert_keys(cursor, documents)

    def delete_documents(self, cursor: Any, ids: Sequence[int] | None) -> None:
        tables = [*self._text_tables(cursor), KEY_TABLE, FACET_TABLE]
        if ids is None:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
            return
        for table in tables:
            self._delete(cursor, table, ids)

    # A full re-index writes a new text index beside the one readers use and puts it in its
    # place at the end (ADR 0194): replacing a row of an FTS5 table deletes it first, which
    # reads and tokenises its old text again, and cost as much as writing it (0.2 to 0.6 s
    # a batch of 2,000 at 1,000,000 alliances, against 0.24 s for the insert).
    def begin_rebuild(self, cursor: Any) -> None:
        cursor.execute(f"DROP TABLE IF EXISTS {NEXT_FTS_TABLE}")
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [FTS_TABLE]
        )
        (created,) = cursor.fetchone()
        cursor.execute(created.replace(FTS_TABLE, NEXT_FTS_TABLE, 1))
        self._automerge(cursor, NEXT_FTS_TABLE, REBUILD_AUTOMERGE)

    def replace_documents(self, cursor: Any, documents: Sequence[Document]) -> None:
        ids = [d.id for d in documents]
        # A writer between two batches (update_index) writes both text indexes: its rows
        # in the new one are replaced like the others.
        for table in (NEXT_FTS_TABLE, KEY_TABLE, FACET_TABLE):
            self._delete(cursor, table, ids)
        self._insert_text(cursor, NEXT_FTS_TABLE, documents)
        self._insert_keys(cursor, documents)

    def finish_rebuild(self, cursor: Any) -> None:
        # Debian's SQLite is built with secure_delete on: dropping the old index overwrote
        # each of its freed pages (4 GB at 1,000,000 alliances: the write-ahead log grew by
        # as much, and this process held 4.8 GB). FAST zeroes deleted content only in pages
        # written anyway; the freed pages are reused by the next writes.
        cursor.execute("PRAGMA secure_delete")
        (secure,) = cursor.fetchone()
        cursor.execute("PRAGMA secure_delete = FAST")
        try:
            cursor.execute(f"DROP TABLE {FTS_TABLE}")
        finally:
            cursor.execute(f"PRAGMA secure_delete = {int(secure)}")
        cursor.execute(f"ALTER TABLE {NEXT_FTS_TABLE} RENAME TO {FTS_TABLE}")
        self._automerge(cursor, FTS_TABLE, FTS5_AUTOMERGE)

    @staticmethod
    def _automerge(cursor: Any, table: str, segments: int) -> None:
        """How many segments of a level FTS5 waits for before merging them (its setting)."""
        cursor.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('automerge', %s)", [segments])

    def abandon_rebuild(self, connection: Any) -> None:
        if connection.in_atomic_block:  # the caller's rollback takes the new table away
            return
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {NEXT_FTS_TABLE}")

    @staticmethod
    def _text_tables(cursor: Any) -> list[str]:
        """The text index, and the new one while a full re-index writes it."""
        cursor.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [NEXT_FTS_TABLE]
        )
        return [FTS_TABLE, NEXT_FTS_TABLE] if cursor.fetchone() else [FTS_TABLE]

    @staticmethod
    def _insert_text(cursor: Any, table: str, documents: Sequence[Document]) -> None:
        cursor.executemany(
            f"INSERT INTO {table} (rowid, title, summary, description, partners, labels, "
            "places, results, tags) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    d.id,
                    d.title,
                    d.summary,
                    d.description,
                    d.partners,
                    d.labels,
                    d.places,
                    d.results,
                    d.tags,
                )
                for d in documents
            ],
        )

    @staticmethod
    def _insert_keys(cursor: Any, documents: Sequence[Document]) -> None:
        cursor.executemany(
            f"INSERT INTO {KEY_TABLE} (alliance_id, title_key) VALUES (%s, %s)",
            [(d.id, d.title_key) for d in documents],
        )

    @staticmethod
    def _delete(cursor: Any, table: str, ids: Sequence[int]) -> None:
        column = "rowid" if table in (FTS_TABLE, NEXT_FTS_TABLE) else "alliance_id"
        for start in range(0, len(ids), CHUNK):
            part = list(ids[start : start + CHUNK])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", part)

    def facet_rows_of(self, cursor: Any, ids: Sequence[int]) -> list[tuple]:
        out = []
        for start in range(0, len(ids), CHUNK):
            part = list(ids[start : start + CHUNK])
            marks = ", ".join(["%s"] * len(part))
            cursor.execute(
                f"SELECT alliance_id, facet, value FROM {FACET_TABLE} "
                f"WHERE alliance_id IN ({marks})",
                part,
            )
            out += cursor.fetchall()
        return out

    def between_batches(self, connection: Any) -> None:
        """Bring the write-ahead log back to its start after a committed batch.

        The automatic checkpoints copy the log into the database but can only start the log
        over when no reader is using it. While the re-index's worker processes read (ADR
        0182) one of them nearly always is, and the -wal file grew to 5,012 MB at 1,000,000
        alliances (95.7 MB with one process). RESTART waits for the readers of the moment
        (short statements) and starts the log over. Inside a caller's transaction there is
        nothing committed to checkpoint."""
        if connection.in_atomic_block:
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(RESTART)")

    def after_bulk_write(self, connection: Any) -> None:
        # Merge the FTS5 segments written in many small batches into one.
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
