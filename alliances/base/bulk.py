"""Fast inserts for the loaders of many rows (import, synthetic data).

`bulk_create` builds a model instance and compiles SQL for every row; at 100,000 alliances
(and a million partner and link rows) that costs minutes. Here rows are plain dicts sent
with `executemany` on SQLite and `COPY` on PostgreSQL (one statement per batch: with
`executemany` the server ran an INSERT for each of the 14 rows of an alliance and its
links, 12 times slower than SQLite at a million alliances), values prepared by each field
once per value.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models

BATCH = 5000
_PLAIN = (
    models.AutoField,
    models.BigAutoField,
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.PositiveSmallIntegerField,
    models.PositiveIntegerField,
    models.BooleanField,
    models.ForeignKey,
)


def insert(model: type[models.Model], rows: Sequence[dict[str, Any]]) -> int:
    """INSERT rows (dicts of attname → value) into the model's table; returns the count."""
    if not rows:
        return 0
    attnames = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    prepare = []
    for name in attnames:
        field = fields[name]
        if isinstance(field, _PLAIN) and not isinstance(field, models.JSONField):
            prepare.append(None)
        else:
            prepare.append(field)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(fields[n].column) for n in attnames)
    marks = ", ".join(["%s"] * len(attnames))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"
    # Dates and times repeat (one "now" per import): prepare each distinct value once.
    memo: dict[tuple[int, object], object] = {}

    def prepared(index: int, field: models.Field, value: object) -> object:
        if isinstance(field, models.JSONField):
            return field.get_db_prep_save(value, connection)
        key = (index, value)
        if key not in memo:
            memo[key] = field.get_db_prep_save(value, connection)
        return memo[key]

    pairs = list(enumerate(zip(attnames, prepare, strict=True)))
    copy = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            batch = [
                tuple(
                    row[name]
                    if field is None or row[name] is None
                    else prepared(index, field, row[name])
                    for index, (name, field) in pairs
                )
                for row in rows[start : start + BATCH]
            ]
            if connection.vendor == "postgresql":
                _copy(cursor, copy, batch)
            else:
                cursor.executemany(sql, batch)
    return len(rows)


def _copy(cursor: Any, statement: str, batch: list[tuple]) -> None:
    """COPY the rows through psycopg (Django's wrapper keeps the driver's cursor)."""
    with cursor.cursor.copy(statement) as copy:
        for row in batch:
            copy.write_row(row)


def large_cache() -> None:
    """SQLite keeps 2 MB of pages by default: inserting a million index entries then reads
    and writes the same pages again and again. Give this connection 256 MB for the run."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")


def ids_by_slug(model: type[models.Model], slugs: Iterable[str]) -> dict[str, int]:
    """slug → id of rows just inserted (slugs are unique)."""
    found: dict[str, int] = {}
    slugs = list(slugs)
    for start in range(0, len(slugs), 900):
        chunk = slugs[start : start + 900]
        found.update(model.objects.filter(slug__in=chunk).values_list("slug", "pk"))
    return found
