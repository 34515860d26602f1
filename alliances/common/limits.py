"""The import limits an operator sets (settings `ALLIANCES_IMPORT_*`, docs/operators.md)."""

from django.conf import settings

from .tables import Limits


def import_limits() -> Limits:
    return Limits(
        max_bytes=settings.ALLIANCES_IMPORT_MAX_BYTES,
        max_rows=settings.ALLIANCES_IMPORT_MAX_ROWS,
        max_columns=settings.ALLIANCES_IMPORT_MAX_COLUMNS,
        max_cell_chars=settings.ALLIANCES_IMPORT_MAX_CELL_CHARS,
        max_unzipped_bytes=settings.ALLIANCES_IMPORT_MAX_UNZIPPED_BYTES,
        max_problems=settings.ALLIANCES_IMPORT_MAX_PROBLEMS,
    )
