"""The rejects file of an import: the rejected rows as read, with an `error` column, in the
format of the import, ready to be fixed and imported again.

Written by the platform's one export system (`alliances.common.exports`), so formula-like
text is made inert on the way out and the importer takes the apostrophe off on the way back.
A record that could not be split into cells keeps its text in an `unreadable` column.
"""

from typing import Any, Protocol

from django.utils.translation import gettext as _

from alliances.common import exports

from .readers import ERROR_COLUMN, UNREADABLE_COLUMN, Table


class Rejected(Protocol):
    """What the rejects file needs of an import report (importer.ImportReport)."""

    table: Table
    rejected: list[tuple[int, dict[str, str], list[Any]]]


def rejects_rows(report: Rejected) -> tuple[list[dict[str, str]], list[str]]:
    """(rows, columns) of the rejects file."""
    table = report.table
    columns = [c for c in table.columns if c and c not in (ERROR_COLUMN, UNREADABLE_COLUMN)]
    if any(number in table.raw for number, _cells, _problems in report.rejected):
        columns.append(UNREADABLE_COLUMN)
    columns.append(ERROR_COLUMN)
    rows = []
    for number, cells, problems in report.rejected:
        error = " ; ".join(
            _("ligne %(row)s, colonne %(column)s : %(message)s")
            % {"row": p.row, "column": p.column or "-", "message": p.message}
            for p in problems
        )
        row = {c: cells.get(c, "") for c in columns}
        row[UNREADABLE_COLUMN] = table.raw.get(number, "")
        row[ERROR_COLUMN] = error
        rows.append(row)
    return rows, columns


def rejects_bytes(report: Rejected, fmt: str = "csv", separator: str = ",") -> bytes:
    rows, columns = rejects_rows(report)
    table = exports.Table(columns, rows, "rejets", count=len(rows), separator=separator)
    return exports.write(table, fmt if fmt in ("xlsx", "jsonl") else "csv")
