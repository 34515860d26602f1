"""The JSON, CSV and XLSX twins of every list page: same URL, `?format=json|csv|xlsx`.

A list view builds its rows once (plain dicts) and hands them here with its HTML template;
the twin answers carry exactly the rows the page shows, so the URL is the whole state.
"""

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .spreadsheet import as_text_cell

FORMATS = ("html", "json", "csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def requested_format(request: HttpRequest) -> str:
    value = request.GET.get("format", "html").lower()
    return value if value in FORMATS else "html"


def csv_bytes(rows: Iterable[dict], columns: Sequence[str], delimiter: str = ",") -> bytes:
    """Rows as a UTF-8 CSV file (formula-like text made inert), what every CSV twin sends."""
    buffer = io.StringIO()
    # A BOM lets spreadsheet software open UTF-8 French text without garbling accents.
    buffer.write("\ufeff")
    writer = csv.DictWriter(
        buffer, fieldnames=list(columns), extrasaction="ignore", delimiter=delimiter
    )
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: Iterable[dict], columns: Sequence[str], sheet_name: str) -> bytes:
    """Rows as an XLSX workbook of one sheet (formula-like text made inert)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_name[:31])
    sheet.append(list(columns))
    for row in rows:
        sheet.append([_csv_cell(row.get(k)) for k in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def jsonl_bytes(rows: Iterable[dict], columns: Sequence[str]) -> bytes:
    """Rows as JSON Lines, one object per row with the given keys."""
    return "".join(
        json.dumps({k: row.get(k) for k in columns}, ensure_ascii=False) + "\n" for row in rows
    ).encode("utf-8")


def csv_response(rows: Iterable[dict], columns: Sequence[str], filename: str) -> HttpResponse:
    response = HttpResponse(csv_bytes(rows, columns), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(rows: Iterable[dict], columns: Sequence[str], filename: str) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(rows, columns, filename), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _csv_cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return as_text_cell("|".join(str(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return as_text_cell(value)


def geojson_response(
    rows: Iterable[dict], point: Callable[[dict], tuple[float, float] | None], filename: str
) -> HttpResponse:
    """The rows that have a place as GeoJSON points (lon, lat), every column a property."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": list(where)},
            "properties": row,
        }
        for row in rows
        if (where := point(row)) is not None
    ]
    response = JsonResponse(
        {"type": "FeatureCollection", "features": features},
        json_dumps_params={"ensure_ascii": False},
        content_type="application/geo+json",
    )
    response["Content-Disposition"] = f'inline; filename="{filename}.geojson"'
    return response


def list_response(
    request: HttpRequest,
    template: str,
    context: dict,
    rows: list[dict],
    columns: Sequence[str],
    filename: str,
    point: Callable[[dict], tuple[float, float] | None] | None = None,
) -> HttpResponse:
    """Answer the HTML page or its JSON/CSV/XLSX twin, as the `format` parameter asks; lists
    of places (`point` gives a row's lon, lat) also answer GeoJSON."""
    fmt = request.GET.get("format", "html").lower()
    if fmt == "geojson" and point is not None:
        return geojson_response(rows, point, filename)
    fmt = requested_format(request)
    if fmt == "json":
        return JsonResponse(
            {"count": len(rows), "results": rows}, json_dumps_params={"ensure_ascii": False}
        )
    if fmt == "csv":
        return csv_response(rows, columns, filename)
    if fmt == "xlsx":
        return xlsx_response(rows, columns, filename)
    links = twin_links(request, geojson=point is not None)
    context = {**context, "rows": rows, "twin_links": links}
    return render(request, template, context)


def twin_links(request: HttpRequest, geojson: bool = False) -> dict[str, str]:
    """Links to the same view in every format, keeping the rest of the query string."""
    links = {}
    for fmt in ("json", "csv", "xlsx", *(("geojson",) if geojson else ())):
        params = request.GET.copy()
        params["format"] = fmt
        links[fmt] = f"{request.path}?{params.urlencode()}"
    return links
