"""The tables of the search index (alliances.base.search.index), per database.

Until this migration the search created them at run time. `IF NOT EXISTS` everywhere: a
database where the search had already created them keeps them and their rows. An index
created empty here is filled by the next `manage.py setup` (it re-indexes when the index and
the base disagree) or by `manage.py reindex`.
"""

import secrets

from django.db import migrations

SQLITE = [
    "CREATE TABLE IF NOT EXISTS base_alliance_search_state "
    "(id integer PRIMARY KEY, version bigint NOT NULL)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS base_alliance_fts USING fts5(title, summary, "
    "description, partners, tags, tokenize = 'unicode61 remove_diacritics 2', "
    "prefix = '2 3 4')",
    "CREATE TABLE IF NOT EXISTS base_alliance_sortkey "
    "(alliance_id INTEGER PRIMARY KEY, title_key TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS base_alliance_sortkey_title "
    "ON base_alliance_sortkey (title_key, alliance_id)",
    # WITHOUT ROWID: the primary key is the table, one contiguous range per alliance.
    "CREATE TABLE IF NOT EXISTS base_alliance_facet (alliance_id INTEGER NOT NULL, "
    "facet TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (alliance_id, facet, value)) "
    "WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS base_alliance_facet_bitmap (facet TEXT NOT NULL, "
    "value TEXT NOT NULL, bits BLOB NOT NULL, PRIMARY KEY (facet, value))",
]

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'alliances_fr') THEN
            CREATE TEXT SEARCH CONFIGURATION alliances_fr (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION alliances_fr ALTER MAPPING FOR asciiword, word,
                numword, asciihword, hword, numhword, hword_asciipart, hword_part,
                hword_numpart WITH unaccent, simple;
        END IF;
    END $$""",
    "CREATE TABLE IF NOT EXISTS base_alliance_search_state "
    "(id integer PRIMARY KEY, version bigint NOT NULL)",
    # No foreign key: Django's flush truncates base_alliance alone; searches join on the
    # alliance table, so a row left by a raw delete is never shown.
    "CREATE TABLE IF NOT EXISTS base_alliance_search (alliance_id bigint PRIMARY KEY, "
    'document tsvector NOT NULL, title_key text COLLATE "C" NOT NULL)',
    "CREATE INDEX IF NOT EXISTS base_alliance_search_document "
    "ON base_alliance_search USING gin (document)",
    "CREATE INDEX IF NOT EXISTS base_alliance_search_title "
    "ON base_alliance_search (title_key, alliance_id)",
    "CREATE TABLE IF NOT EXISTS base_alliance_facet (alliance_id bigint NOT NULL, "
    'facet text COLLATE "C" NOT NULL, value text COLLATE "C" NOT NULL, '
    "PRIMARY KEY (alliance_id, facet, value))",
    'CREATE TABLE IF NOT EXISTS base_alliance_facet_bitmap (facet text COLLATE "C" NOT NULL, '
    'value text COLLATE "C" NOT NULL, bits bytea NOT NULL, PRIMARY KEY (facet, value))',
]

DROP = {
    "sqlite": [
        "DROP TABLE IF EXISTS base_alliance_fts",
        "DROP TABLE IF EXISTS base_alliance_sortkey",
    ],
    "postgresql": ["DROP TABLE IF EXISTS base_alliance_search"],
}
COMMON_DROP = [
    "DROP TABLE IF EXISTS base_alliance_facet",
    "DROP TABLE IF EXISTS base_alliance_facet_bitmap",
    "DROP TABLE IF EXISTS base_alliance_search_state",
]


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in POSTGRESQL if vendor == "postgresql" else SQLITE:
            cursor.execute(statement)
        # A random first version: two databases met by one process (tests, a restored copy)
        # must not share the version under which derived data are cached.
        cursor.execute(
            "INSERT INTO base_alliance_search_state (id, version) SELECT 1, %s "
            "WHERE NOT EXISTS (SELECT 1 FROM base_alliance_search_state WHERE id = 1)",
            [secrets.randbits(62)],
        )


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    with schema_editor.connection.cursor() as cursor:
        for statement in DROP.get(vendor, []) + COMMON_DROP:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("base", "0004_status_light_db_default")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
