"""Tables in every open format: one registry of renderers for the whole platform.

Every list page's twins (`twins.list_response`), the search's exports (`base.exports`) and the
importers' rejects files hand a `Table` to `response()` or `write()`; the format picks a
registered `Renderer`. Adding a format is one `register` call.

Rules every format follows: a cell that a spreadsheet would read as a formula is made inert
(`spreadsheet.as_text_cell`); lists are joined with "|" in CSV and XLSX; keys of a row that
start with "_" (a place for the GeoJSON point...) are never written; text formats stream, so
100,000 rows use little memory; CSV starts with a byte-order mark so that spreadsheet software
reads French accents right.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse, StreamingHttpResponse

from .spreadsheet import as_text_cell

Point = tuple[float, float]


@dataclass
class Table:
    columns: Sequence[str]
    rows: Iterable[dict[str, Any]]  # may be a generator: read once
    filename: str
    count: int | None = None  # JSON writes it first; counted from the rows when None
    point: Callable[[dict[str, Any]], Point | None] | None = None  # (lon, lat) for GeoJSON
    separator: str = ","  # CSV


@dataclass(frozen=True)
class Renderer:
    format: str
    content_type: str
    render: Callable[[Table], Iterator[str]] | Callable[[Table], bytes]
    streams: bool = True  # text rendered piece by piece; else bytes at once
    inline: bool = False  # shown by the browser rather than downloaded


RENDERERS: dict[str, Renderer] = {}


def register(renderer: Renderer) -> Renderer:
    RENDERERS[renderer.format] = renderer
    return renderer


def cell(value: Any) -> Any:
    """A CSV/XLSX cell: lists joined with "|", dicts as JSON, None empty, numbers kept,
    formula-like text made inert."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return as_text_cell("|".join(str(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, Decimal):
        return str(value)
    return as_text_cell(value)


def public(row: dict[str, Any]) -> dict[str, Any]:
    """The row without its private keys (those starting with "_")."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv(table: Table) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=table.separator)
    yield "\ufeff" + writer.writerow(list(table.columns))
    for row in table.rows:
        yield writer.writerow([cell(row.get(c)) for c in table.columns])


def _xlsx(table: Table) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(table.filename[:31] or "data")
    sheet.append(list(table.columns))
    for row in table.rows:
        sheet.append([cell(row.get(c)) for c in table.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _json(table: Table) -> Iterator[str]:
    """{"count": n, "results": [...]}, the count first (readers expect it there)."""
    rows = table.rows
    count = table.count
    if count is None:
        rows = list(rows)
        count = len(rows)
    yield f'{{"count": {count}, "results": ['
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(public(row), ensure_ascii=False, default=str)
    yield "]}"


def _jsonl(table: Table) -> Iterator[str]:
    for row in table.rows:
        yield json.dumps(public(row), ensure_ascii=False, default=str) + "\n"


def _geojson(table: Table) -> Iterator[str]:
    """A FeatureCollection: one Point per row at `table.point(row)`, a null geometry (as
    GeoJSON allows) for a row without a place."""
    yield '{"type": "FeatureCollection", "features": ['
    for index, row in enumerate(table.rows):
        where = table.point(row) if table.point else None
        geometry = {"type": "Point", "coordinates": list(where)} if where else None
        feature = {"type": "Feature", "geometry": geometry, "properties": public(row)}
        yield ("," if index else "") + json.dumps(feature, ensure_ascii=False, default=str)
    yield "]}"


register(Renderer("csv", "text/csv; charset=utf-8", _csv))
register(
    Renderer(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _xlsx,
        streams=False,
    )
)
register(Renderer("json", "application/json", _json, inline=True))
register(Renderer("jsonl", "application/x-ndjson", _jsonl))
register(Renderer("geojson", "application/geo+json", _geojson, inline=True))


def renderer(fmt: str) -> Renderer:
    try:
        return RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format: {fmt}") from None


def write(table: Table, fmt: str) -> bytes:
    """The whole table in one format, as bytes (tests, rejects files, small sets)."""
    chosen = renderer(fmt)
    if not chosen.streams:
        return chosen.render(table)  # type: ignore[return-value]
    return "".join(chosen.render(table)).encode("utf-8")  # type: ignore[arg-type]


def response(
    table: Table, fmt: str, *, inline: bool | None = None, stream: bool = True
) -> HttpResponse | StreamingHttpResponse:
    """The HTTP answer of a table in one format; text formats stream unless `stream` is
    False (a short list already in memory)."""
    chosen = renderer(fmt)
    if chosen.streams and stream:
        answer: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            chosen.render(table), content_type=chosen.content_type
        )
    else:
        answer = HttpResponse(write(table, fmt), content_type=chosen.content_type)
    shown = chosen.inline if inline is None else inline
    disposition = "inline" if shown else "attachment"
    answer["Content-Disposition"] = f'{disposition}; filename="{table.filename}.{fmt}"'
    return answer


def formats() -> tuple[str, ...]:
    return tuple(RENDERERS)
