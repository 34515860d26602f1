"""The search index stores more of each alliance (issue 16): the names of its places, the
French and English labels of its terms, its results and source titles.

SQLite: the FTS5 table gets three columns (an FTS5 table cannot be altered: it is made anew,
empty). PostgreSQL: the tsvector holds them already; its rows are emptied. Either way the
index then disagrees with the base, and the next `manage.py setup` (or `manage.py reindex`)
fills it again.
"""

from django.db import migrations

SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE base_alliance_fts USING fts5(title, summary, description, partners, "
    "{extra}tags, tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4')"
)


def _sqlite(cursor, extra: str) -> None:
    cursor.execute("DROP TABLE IF EXISTS base_alliance_fts")
    cursor.execute(SQLITE_CREATE.format(extra=extra))
    cursor.execute("DELETE FROM base_alliance_sortkey")
    cursor.execute("DELETE FROM base_alliance_facet")
    cursor.execute("DELETE FROM base_alliance_facet_bitmap")


def forwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            _sqlite(cursor, "labels, places, results, ")
        else:
            for table in (
                "base_alliance_search",
                "base_alliance_facet",
                "base_alliance_facet_bitmap",
            ):
                cursor.execute(f"DELETE FROM {table}")


def backwards(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        if schema_editor.connection.vendor == "sqlite":
            _sqlite(cursor, "")
        else:
            for table in (
                "base_alliance_search",
                "base_alliance_facet",
                "base_alliance_facet_bitmap",
            ):
                cursor.execute(f"DELETE FROM {table}")


class Migration(migrations.Migration):
    dependencies = [("base", "0006_partner_as_named_operator_role_source_read_on")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
