"""The full-text index of alliances behind one small interface, on SQLite and PostgreSQL.

Both backends index text already analysed in Python (`analysis.analyse`: folded words and
their French stems), so they match the same tokens and find the same alliances:

- SQLite: an FTS5 virtual table `base_alliance_fts` (columns title, summary, description,
  partners, and `tags`, the alliance's filter values as tokens; rowid = alliance id), ranked
  with bm25 weighted 10 / 4 / 2 / 1 / 0;
- PostgreSQL: a side table `base_alliance_search` (alliance id, tsvector with weights
  A / B / C / D, GIN index) built with the text search configuration `alliances_fr`
  (unaccent, then the simple dictionary: the stems come from the analyser), ranked with
  ts_rank.

Both also keep `title_key`, the folded title, so sorting by title is the same everywhere.
SQLite also keeps `base_alliance_facet` (alliance, facet, value), the facet values among the
tags, from which the executor counts facets (docs/adr/0047).

The index module creates its tables itself (`ensure_index`) and is kept up to date by
`update_index(ids)` (called by signals on every save) and `rebuild_index()` (after a bulk
load). Public interface: `ensure_index`, `rebuild_index`, `update_index`, `remove_from_index`,
`text_condition`, `scored_ids_sql`, `bm25_sql`, `tags_of`, `facet_rows`, `text_expression`,
`tags_expression`.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

from django.db import connections, router, transaction

from ..models import Alliance, Partner
from .analysis import Term, analyse, fold, fts5_expression, tsquery_expression
from .bitmaps import FacetBitmaps, Key

FTS_TABLE = "base_alliance_fts"
KEY_TABLE = "base_alliance_sortkey"
# One row per (alliance, facet, value), the facet values of the filter tags, so that a facet
# is counted by one index range per result (no joins, no COUNT(DISTINCT)), on both backends.
FACET_TABLE = "base_alliance_facet"
# Facet of the executor -> prefix of its tag (see `tag`).
FACET_PREFIX = {
    "kind": "k",
    "profile": "p",
    "type": "t",
    "domain": "d",
    "sdg": "g",
    "stage": "st",
    "region": "r",
    "light": "l",
}
# One row: a random number drawn anew at every write to the index, so that what is computed
# from the index (the facet counts of the whole base) can be cached under it, in every
# process. Random, not a counter: a write rolled back and another one made after it must not
# meet the same number.
STATE_TABLE = "base_alliance_search_state"
# One row per facet value: the serialised roaring bitmap of the ids of the alliances having
# it (see `bitmaps`), from which the executor counts facets. Kept in the same transactions
# as the facet table, so both always say the same.
BITMAP_TABLE = "base_alliance_facet_bitmap"
T = TypeVar("T")
PG_TABLE = "base_alliance_search"
PG_CONFIG = "alliances_fr"
# Weights of title, summary, description and partner names.
SQLITE_WEIGHTS = (10.0, 4.0, 2.0, 1.0, 0.0)  # the tags column does not rank
TEXT_COLUMNS = "{title summary description partners}"
PG_WEIGHTS = "{0.1, 0.25, 0.5, 1.0}"  # D, C, B, A as ts_rank expects
BATCH = 2000


def _alias(using: str | None) -> str:
    return using or router.db_for_write(Alliance)


def vendor(using: str | None = None) -> str:
    return connections[_alias(using)].vendor


def text_condition(
    terms: Sequence[Term], column: str, using: str | None = None
) -> tuple[str, list]:
    """SQL `<column> IN (ids matching the text)` and its parameters."""
    if vendor(using) == "postgresql":
        return (
            f"{column} IN (SELECT alliance_id FROM {PG_TABLE} "
            f"WHERE document @@ to_tsquery('{PG_CONFIG}', %s))",
            [tsquery_expression(terms)],
        )
    return (
        f"{column} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
        [text_expression(terms)],
    )


def similar_text_sql(
    terms: Sequence[Term], exclude_id: int, limit: int, using: str | None = None
) -> tuple[str, list]:
    """SQL giving (id, score) of the alliances sharing most of these words (any of them)."""
    if vendor(using) == "postgresql":
        sql = (
            f"SELECT s.alliance_id, ts_rank('{PG_WEIGHTS}', s.document, tq) AS score "
            f"FROM {PG_TABLE} s, to_tsquery('{PG_CONFIG}', %s) tq "
            "WHERE s.document @@ tq AND s.alliance_id <> %s "
            "ORDER BY score DESC, s.alliance_id LIMIT %s"
        )
        return sql, [tsquery_expression(terms, any_term=True), exclude_id, limit]
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    sql = (
        f"SELECT rowid, -bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
        f"WHERE {FTS_TABLE} MATCH %s AND rowid <> %s ORDER BY score DESC, rowid LIMIT %s"
    )
    return sql, [fts5_expression(terms, any_term=True), exclude_id, limit]


def scored_ids_sql(
    terms: Sequence[Term], ids_sql: str, using: str | None = None, match: str | None = None
) -> tuple[str, list, str]:
    """SQL of (id, score) for the ids of `ids_sql` that match the text, and the direction
    that puts the best first. On SQLite, `match` is the whole MATCH expression of the id
    set (text and tags), so bm25 is computed for those rows only."""
    if vendor(using) == "postgresql":
        sql = (
            f"SELECT s.alliance_id AS id, ts_rank('{PG_WEIGHTS}', s.document, "
            f"to_tsquery('{PG_CONFIG}', %s)) AS score FROM {PG_TABLE} s "
            f"WHERE s.alliance_id IN ({ids_sql})"
        )
        return sql, [tsquery_expression(terms)], "DESC"
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    sql = (
        f"SELECT rowid AS id, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
        # "+rowid": a plain filter; as a constraint FTS5 would re-run the MATCH per id.
        f"WHERE {FTS_TABLE} MATCH %s AND +rowid IN ({ids_sql})"
    )
    return sql, [match or text_expression(terms)], "ASC"


def bm25_sql() -> str:
    """SQLite: the weighted bm25 of the current FTS5 row (lower is better)."""
    weights = ", ".join(str(w) for w in SQLITE_WEIGHTS)
    return f"bm25({FTS_TABLE}, {weights})"


def key_table(using: str | None = None) -> str:
    """The table holding `title_key` by `alliance_id`."""
    return PG_TABLE if vendor(using) == "postgresql" else KEY_TABLE


def title_key_sql(column: str, using: str | None = None) -> str:
    """SQL of the title sort key of the alliance whose id is `column`."""
    table = PG_TABLE if vendor(using) == "postgresql" else KEY_TABLE
    return f"(SELECT k.title_key FROM {table} k WHERE k.alliance_id = {column})"


# -- maintenance -------------------------------------------------------------------------
_ready: set[tuple[str, int]] = set()


def ensure_index(using: str | None = None) -> bool:
    """Create the index tables if they are missing; fill them when just created.

    Returns True when the index was created now. Cheap when it exists (one look-up per
    connection).
    """
    alias = _alias(using)
    connection = connections[alias]
    connection.ensure_connection()
    marker = (alias, id(connection.connection))
    if marker in _ready:
        return False
    created = False
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {STATE_TABLE} "
            "(id integer PRIMARY KEY, version bigint NOT NULL)"
        )
        # A random first version too: two databases met by one process (tests, a restored
        # copy) must not share the version under which bitmaps are cached.
        cursor.execute(
            f"INSERT INTO {STATE_TABLE} (id, version) SELECT 1, %s "
            f"WHERE NOT EXISTS (SELECT 1 FROM {STATE_TABLE} WHERE id = 1)",
            [secrets.randbits(62)],
        )
        if connection.vendor == "postgresql":
            cursor.execute("SELECT to_regclass(%s), to_regclass(%s)", [PG_TABLE, FACET_TABLE])
            search_table, facet_table = cursor.fetchone()
            if search_table is None or facet_table is None:
                # Missing, or made by a version without the facet table: (re)create, refill.
                _create_postgresql(cursor)
                created = True
            else:
                cursor.execute("SELECT to_regclass(%s)", [BITMAP_TABLE])
                if cursor.fetchone()[0] is None:
                    _create_bitmap_table(cursor, "postgresql")
                    _fill_bitmaps(cursor)
        else:
            cursor.execute(
                "SELECT group_concat(sql, ' ') FROM sqlite_master WHERE name IN (%s, %s, %s, %s)",
                [FTS_TABLE, KEY_TABLE, FACET_TABLE, BITMAP_TABLE],
            )
            schema = cursor.fetchone()[0] or ""
            # Missing, or made by an older version without the tags column: (re)create.
            if "tags" not in schema or "detail" in schema or KEY_TABLE not in schema:
                _create_sqlite(cursor)
                created = True
            else:
                if f"{FACET_TABLE} " not in schema:
                    # Index made before the facet table: derive it from the stored tags
                    # (seconds, where re-indexing the text would take minutes).
                    _create_facet_table(cursor)
                    _fill_facet_table(cursor)
                if BITMAP_TABLE not in schema:
                    # Index made before the bitmaps: derive them from the facet table.
                    _create_bitmap_table(cursor, "sqlite")
                    _fill_bitmaps(cursor)
    # Inside a transaction the tables may still be rolled back: check again next time.
    if not connection.in_atomic_block:
        _ready.add(marker)
    if created:
        rebuild_index(alias)
    return created


def _create_sqlite(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
    cursor.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, summary, description, partners, tags, "
        "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
    )
    cursor.execute(f"DROP TABLE IF EXISTS {KEY_TABLE}")
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {KEY_TABLE} "
        "(alliance_id INTEGER PRIMARY KEY, title_key TEXT NOT NULL)"
    )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {KEY_TABLE}_title ON {KEY_TABLE} (title_key, alliance_id)"
    )
    cursor.execute(f"DROP TABLE IF EXISTS {FACET_TABLE}")
    _create_facet_table(cursor)
    cursor.execute(f"DROP TABLE IF EXISTS {BITMAP_TABLE}")
    _create_bitmap_table(cursor, "sqlite")


def _create_facet_table(cursor: Any) -> None:
    # WITHOUT ROWID: the primary key is the table, so counting a facet over a set of ids
    # reads one contiguous range of the key per id.
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {FACET_TABLE} (alliance_id INTEGER NOT NULL, "
        "facet TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (alliance_id, facet, value)) "
        "WITHOUT ROWID"
    )


def _fill_facet_table(cursor: Any) -> None:
    cursor.execute(f"SELECT rowid, tags FROM {FTS_TABLE}")
    rows = [row for pk, tags in cursor.fetchall() for row in facet_rows(pk, (tags or "").split())]
    cursor.execute(f"DELETE FROM {FACET_TABLE}")
    for start in range(0, len(rows), 10 * BATCH):
        cursor.executemany(
            f"INSERT INTO {FACET_TABLE} (alliance_id, facet, value) VALUES (%s, %s, %s)",
            rows[start : start + 10 * BATCH],
        )


def _create_bitmap_table(cursor: Any, vendor_name: str) -> None:
    blob = "bytea" if vendor_name == "postgresql" else "BLOB"
    text = 'text COLLATE "C"' if vendor_name == "postgresql" else "TEXT"
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {BITMAP_TABLE} (facet {text} NOT NULL, "
        f"value {text} NOT NULL, bits {blob} NOT NULL, PRIMARY KEY (facet, value))"
    )


def _fill_bitmaps(cursor: Any) -> None:
    """Derive every bitmap from the facet table (an index made before the bitmaps)."""
    cursor.execute(f"SELECT alliance_id, facet, value FROM {FACET_TABLE}")
    bitmaps = FacetBitmaps()
    while rows := cursor.fetchmany(50_000):
        bitmaps.add_rows(rows)
    _store_bitmaps(cursor, bitmaps, None)


def _store_bitmaps(cursor: Any, bitmaps: FacetBitmaps, keys: set[Key] | None) -> None:
    """Write the bitmaps of `keys` (all of them when None), dropping those left empty."""
    if keys is None:
        cursor.execute(f"DELETE FROM {BITMAP_TABLE}")
    else:
        cursor.executemany(
            f"DELETE FROM {BITMAP_TABLE} WHERE facet = %s AND value = %s", sorted(keys)
        )
    cursor.executemany(
        f"INSERT INTO {BITMAP_TABLE} (facet, value, bits) VALUES (%s, %s, %s)",
        bitmaps.serialized(keys),
    )


def _update_bitmaps(
    cursor: Any, ids: Sequence[int], old: list[tuple], new: list[tuple[int, str, str]]
) -> None:
    """Take `ids` out of the bitmaps of their `old` facet rows, put the `new` rows in.

    Only the bitmaps of the values concerned are read and written. The caller holds the
    index's write lock (`_bump` ran first in its transaction), so two writers never
    rewrite the same bitmap from the same old copy.
    """
    keys = {(facet, value) for _id, facet, value in old} | {(f, v) for _id, f, v in new}
    if not keys:
        return
    stored = []
    for key in sorted(keys):
        cursor.execute(
            f"SELECT facet, value, bits FROM {BITMAP_TABLE} WHERE facet = %s AND value = %s",
            list(key),
        )
        stored += cursor.fetchall()
    bitmaps = FacetBitmaps.from_serialized(stored)
    bitmaps.remove_ids(ids, keys)
    bitmaps.add_rows(new)
    _store_bitmaps(cursor, bitmaps, keys)


_per_version: dict[tuple[str, str, str], tuple[int, Any]] = {}
_per_version_lock = threading.RLock()  # a `read` may itself call per_index_version


def per_index_version(name: str, read: Callable[[], T], using: str | None = None) -> T:
    """What `read` returns, read once per process, database and index version.

    For what is derived from the indexed alliances (the facet bitmaps, the sets of the
    sheets): a write to the index draws a new version and the next call reads again. What
    is returned must never be changed in memory. One thread reads; the others wait for it.
    """
    alias = _alias(using)
    version = index_version(alias)
    key = (name, alias, str(connections[alias].settings_dict.get("NAME")))
    found = _per_version.get(key)
    if found is None or found[0] != version:
        with _per_version_lock:
            found = _per_version.get(key)
            if found is None or found[0] != version:
                found = (version, read())
                _per_version[key] = found
    return found[1]


def facet_bitmaps(using: str | None = None) -> FacetBitmaps:
    """The facet bitmaps of the index (75 rows, about 1 MB, at 100,000 alliances), read once
    per process and index version."""
    alias = _alias(using)

    def read() -> FacetBitmaps:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT facet, value, bits FROM {BITMAP_TABLE}")
            return FacetBitmaps.from_serialized(cursor.fetchall())

    return per_index_version("facet-bitmaps", read, alias)


_FACET_OF_PREFIX = {prefix: facet for facet, prefix in FACET_PREFIX.items()}


def facet_rows(pk: int, tags: Iterable[str]) -> list[tuple[int, str, str]]:
    """(alliance id, facet prefix, value) of the facet tags among `tags`.

    Kinds and status lights are words ("zkalliance", "zlgreen"); the other facet values are
    ids ("zd12", "zst3"), which keeps "zde12" (a département, not a facet) apart from "zd12"
    (a domain)."""
    out = []
    for token in tags:
        if token.startswith(("zk", "zl")):
            out.append((pk, token[1], token[2:]))
            continue
        head = token[1:].rstrip("0123456789")
        value = token[1 + len(head) :]
        if value and head in _FACET_OF_PREFIX:
            out.append((pk, head, value))
    return out


def _create_postgresql(cursor: Any) -> None:
    cursor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [PG_CONFIG])
    if cursor.fetchone() is None:
        cursor.execute(f"CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = simple)")
        cursor.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG} ALTER MAPPING FOR "
            "asciiword, word, numword, asciihword, hword, numhword, hword_asciipart, "
            "hword_part, hword_numpart WITH unaccent, simple"
        )
    # No foreign key: Django's flush truncates base_alliance alone; searches join on the
    # alliance table, so a row left by a raw delete is never shown.
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {PG_TABLE} ("
        "alliance_id bigint PRIMARY KEY, "
        'document tsvector NOT NULL, title_key text COLLATE "C" NOT NULL)'
    )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_document ON {PG_TABLE} USING gin (document)"
    )
    cursor.execute(
        f"CREATE INDEX IF NOT EXISTS {PG_TABLE}_title ON {PG_TABLE} (title_key, alliance_id)"
    )
    cursor.execute(
        f"CREATE TABLE IF NOT EXISTS {FACET_TABLE} (alliance_id bigint NOT NULL, "
        'facet text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL, '
        "PRIMARY KEY (alliance_id, facet, value))"
    )
    _create_bitmap_table(cursor, "postgresql")


def _documents(ids: Iterable[int] | None, using: str) -> Iterator[tuple]:
    """(id, title, summary, description, partners, title_key) analysed, in batches."""
    alliances = Alliance.objects.using(using).order_by("id")
    if ids is None:
        batches: Iterator[list[tuple]] = _all_batches(alliances)
    else:
        wanted = sorted(set(ids))
        # Chunks of ids keep each query under the SQL variable limit.
        batches = (
            list(
                alliances.filter(id__in=wanted[i : i + BATCH]).values_list(
                    "id", "title", "summary", "description"
                )
            )
            for i in range(0, len(wanted), BATCH)
        )
    for batch in batches:
        if not batch:
            continue
        names: dict[int, list[str]] = {}
        partner_rows = (
            Partner.objects.using(using)
            .filter(alliance_id__in=[row[0] for row in batch])
            .order_by("alliance_id", "position")
            .values_list("alliance_id", "organisation__name")
        )
        for alliance_id, name in partner_rows:
            names.setdefault(alliance_id, []).append(name)
        tags = tags_of([row[0] for row in batch], using)
        for pk, title, summary, description in batch:
            yield (
                pk,
                analyse(title),
                analyse(summary),
                analyse(description),
                analyse(" ".join(names.get(pk, []))),
                " ".join(fold(title).split())[:300],
                " ".join(sorted(tags.get(pk, ()))),
            )


# -- filter tags ---------------------------------------------------------------------------
# Each alliance's filter values are also indexed as tokens of the `tags` column, so that on
# SQLite text and filters are intersected by FTS5 itself (one MATCH) instead of probing the
# tables for every text match. Statuses and years stay on the alliance table (a bulk status
# change needs no re-indexing). Tokens are letters and digits only, prefixed so that no tag
# can meet a word of the text (the text is searched in the four text columns only).
def tag(kind: str, value: object) -> str:
    return f"z{kind}{value}"


def tags_of(ids: list[int], using: str) -> dict[int, set[str]]:
    """The filter tags of these alliances: kind, status light, stage, territory and its containers,
    domains, types, SDG goals (with the goals of their targets) and targets, profiles and
    subtypes of partners, partner organisations."""
    from alliances.sdg.models import SdgTarget
    from alliances.territories.models import Territory

    out: dict[int, set[str]] = {pk: set() for pk in ids}
    if not ids:
        return out
    rows = (
        Alliance.objects.using(using)
        .filter(pk__in=ids)
        .values_list("id", "kind", "stage_id", "territory_id", "status_light")
    )
    territory_of: dict[int, int] = {}
    for pk, kind, stage_id, territory_id, light in rows:
        out[pk].add(tag("k", kind))
        if light:
            out[pk].add(tag("l", light))
        if stage_id:
            out[pk].add(tag("st", stage_id))
        if territory_id:
            territory_of[pk] = territory_id
    places = {
        row[0]: row
        for row in Territory.objects.using(using)
        .filter(pk__in=set(territory_of.values()))
        .values_list("id", "region_id", "departement_id", "epci_id")
    }
    for pk, territory_id in territory_of.items():
        tid, region, departement, epci = places.get(territory_id, (territory_id, 0, 0, 0))
        out[pk] |= {tag("f", ""), tag("m", tid)}
        if region:
            out[pk].add(tag("r", region))
        if departement:
            out[pk].add(tag("de", departement))
        if epci:
            out[pk].add(tag("e", epci))
    for field, prefix in (("domains", "d"), ("partnership_types", "t"), ("sdg_goals", "g")):
        through = Alliance._meta.get_field(field).remote_field.through
        own = next(f for f in through._meta.fields if f.related_model is Alliance)
        other = next(
            f for f in through._meta.fields if f.is_relation and f.related_model is not Alliance
        )
        for pk, value in (
            through.objects.using(using)
            .filter(**{f"{own.name}_id__in": ids})
            .values_list(f"{own.name}_id", f"{other.name}_id")
        ):
            out[pk].add(tag(prefix, value))
    target_through = Alliance.sdg_targets.through
    target_goal = dict(SdgTarget.objects.using(using).values_list("id", "goal_id"))
    for pk, target_id in (
        target_through.objects.using(using)
        .filter(alliance_id__in=ids)
        .values_list("alliance_id", "sdgtarget_id")
    ):
        out[pk] |= {tag("c", target_id), tag("g", target_goal.get(target_id, 0))}
    for pk, org, profile, subtype in (
        Partner.objects.using(using)
        .filter(alliance_id__in=ids)
        .values_list(
            "alliance_id", "organisation_id", "organisation__profile_id", "organisation__subtype_id"
        )
    ):
        out[pk] |= {tag("o", org), tag("p", profile)}
        if subtype:
            out[pk].add(tag("s", subtype))
    return out


def tags_expression(tags: Sequence[str]) -> str:
    """FTS5: any of these tags, in the tags column."""
    return "tags : (" + " OR ".join(f'"{t}"' for t in tags) + ")"


def text_expression(terms: Sequence[Term]) -> str:
    """FTS5: the text terms, in the four text columns only."""
    return f"{TEXT_COLUMNS} : ({fts5_expression(terms)})"


def _all_batches(alliances: Any) -> Iterator[list[tuple]]:
    last = 0
    while True:
        batch = list(
            alliances.filter(id__gt=last).values_list("id", "title", "summary", "description")[
                :BATCH
            ]
        )
        if not batch:
            return
        last = batch[-1][0]
        yield batch


def _write(rows: Iterable[tuple], using: str, on_facets: Callable[[list[tuple]], object]) -> int:
    """Write the analysed rows to the index; their facet rows also go to `on_facets`."""
    connection = connections[using]
    count = 0
    with connection.cursor() as cursor:
        chunk: list[tuple] = []

        def flush() -> None:
            if not chunk:
                return
            facets = [facet for row in chunk for facet in facet_rows(row[0], row[6].split())]
            on_facets(facets)
            if connection.vendor == "postgresql":
                cursor.executemany(
                    f"INSERT INTO {PG_TABLE} (alliance_id, document, title_key) VALUES (%s, "
                    f"setweight(to_tsvector('{PG_CONFIG}', %s), 'A') || "
                    f"setweight(to_tsvector('{PG_CONFIG}', %s), 'B') || "
                    f"setweight(to_tsvector('{PG_CONFIG}', %s), 'C') || "
                    f"setweight(to_tsvector('{PG_CONFIG}', %s), 'D'), %s)",
                    [row[:6] for row in chunk],
                )
                cursor.executemany(
                    f"INSERT INTO {FACET_TABLE} (alliance_id, facet, value) VALUES (%s, %s, %s)",
                    facets,
                )
            else:
                cursor.executemany(
                    f"INSERT INTO {FTS_TABLE} (rowid, title, summary, description, partners, "
                    "tags) VALUES (%s, %s, %s, %s, %s, %s)",
                    [(*row[:5], row[6]) for row in chunk],
                )
                cursor.executemany(
                    f"INSERT INTO {KEY_TABLE} (alliance_id, title_key) VALUES (%s, %s)",
                    [(row[0], row[5]) for row in chunk],
                )
                cursor.executemany(
                    f"INSERT INTO {FACET_TABLE} (alliance_id, facet, value) VALUES (%s, %s, %s)",
                    facets,
                )
            chunk.clear()

        for row in rows:
            chunk.append(row)
            count += 1
            if len(chunk) >= BATCH:
                flush()
        flush()
        _bump(cursor)
    return count


def _bump(cursor: Any) -> None:
    cursor.execute(f"UPDATE {STATE_TABLE} SET version = %s WHERE id = 1", [secrets.randbits(62)])


def index_version(using: str | None = None) -> int:
    """Drawn anew at each write to the index: it changes whenever anything searchable did."""
    alias = _alias(using)
    ensure_index(alias)
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {STATE_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def _facet_rows_of(cursor: Any, vendor_name: str, ids: Sequence[int]) -> list[tuple]:
    """The stored (alliance id, facet, value) rows of these alliances."""
    if vendor_name == "postgresql":
        cursor.execute(
            f"SELECT alliance_id, facet, value FROM {FACET_TABLE} WHERE alliance_id = ANY(%s)",
            [list(ids)],
        )
        return cursor.fetchall()
    out = []
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        marks = ", ".join(["%s"] * len(part))
        cursor.execute(
            f"SELECT alliance_id, facet, value FROM {FACET_TABLE} WHERE alliance_id IN ({marks})",
            part,
        )
        out += cursor.fetchall()
    return out


def _delete(cursor: Any, vendor_name: str, ids: Sequence[int] | None) -> list[tuple]:
    """Remove these alliances (all when None) from the index; returns their old facet rows
    (none when all are removed). Draws a new version first, which also takes the write lock
    (PostgreSQL: the state row's lock until commit)."""
    _bump(cursor)
    old = [] if ids is None else _facet_rows_of(cursor, vendor_name, ids)
    if vendor_name == "postgresql":
        for table in (PG_TABLE, FACET_TABLE):
            if ids is None:
                cursor.execute(f"DELETE FROM {table}")
            else:
                cursor.execute(f"DELETE FROM {table} WHERE alliance_id = ANY(%s)", [list(ids)])
        return old
    if ids is None:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        cursor.execute(f"DELETE FROM {KEY_TABLE}")
        cursor.execute(f"DELETE FROM {FACET_TABLE}")
        return old
    for start in range(0, len(ids), 500):
        part = list(ids[start : start + 500])
        marks = ", ".join(["%s"] * len(part))
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({marks})", part)
        cursor.execute(f"DELETE FROM {KEY_TABLE} WHERE alliance_id IN ({marks})", part)
        cursor.execute(f"DELETE FROM {FACET_TABLE} WHERE alliance_id IN ({marks})", part)
    return old


def rebuild_index(using: str | None = None) -> int:
    """Re-index every alliance (after a bulk load). Returns the number indexed."""
    alias = _alias(using)
    ensure_index(alias)
    connection = connections[alias]
    # One transaction: readers see the old index until the new one is complete, and
    # SQLite writes the rows without a commit each.
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            _delete(cursor, connection.vendor, None)
        bitmaps = FacetBitmaps()
        count = _write(_documents(None, alias), alias, bitmaps.add_rows)
        with connection.cursor() as cursor:
            _store_bitmaps(cursor, bitmaps, None)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
    else:
        _refresh_statistics(connection)
    return count


BULK = 1000  # from this many alliances indexed at once, PostgreSQL's statistics are refreshed


def _refresh_statistics(connection: Any) -> None:
    """PostgreSQL, after a bulk load: fresh planner statistics and visibility map.

    Without them the planner scanned every alliance and probed the text index for each,
    and counted facets without index-only scans: 235 ms against 50 ms for a search of 3,400
    results on 10,000 freshly generated alliances. VACUUM cannot run in a transaction.
    """
    tables = f"{Alliance._meta.db_table}, {PG_TABLE}, {FACET_TABLE}"
    command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
    with connection.cursor() as cursor:
        cursor.execute(f"{command} {tables}")


def update_index(alliance_ids: Iterable[int], using: str | None = None) -> int:
    """Re-index the given alliances (removing those that no longer exist)."""
    ids = sorted({int(i) for i in alliance_ids if i is not None})
    if not ids:
        return 0
    alias = _alias(using)
    ensure_index(alias)
    connection = connections[alias]
    with transaction.atomic(using=alias):
        with connection.cursor() as cursor:
            old = _delete(cursor, connection.vendor, ids)
        new: list[tuple] = []
        count = _write(_documents(ids, alias), alias, new.extend)
        with connection.cursor() as cursor:
            _update_bitmaps(cursor, ids, old, new)
    if connection.vendor == "postgresql" and len(ids) >= BULK:
        _refresh_statistics(connection)
    return count


def remove_from_index(alliance_ids: Iterable[int], using: str | None = None) -> None:
    ids = sorted({int(i) for i in alliance_ids})
    if not ids:
        return
    alias = _alias(using)
    ensure_index(alias)
    connection = connections[alias]
    with transaction.atomic(using=alias), connection.cursor() as cursor:
        old = _delete(cursor, connection.vendor, ids)
        _update_bitmaps(cursor, ids, old, [])


def indexed_count(using: str | None = None) -> int:
    alias = _alias(using)
    ensure_index(alias)
    connection = connections[alias]
    table = PG_TABLE if connection.vendor == "postgresql" else KEY_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")
        return int(cursor.fetchone()[0])
