"""The JSON and CSV twins of every list page: same URL, `?format=json` or `?format=csv`.

A list view builds its rows once (plain dicts) and hands them here with its HTML template;
the twin answers carry exactly the rows the page shows, so the URL is the whole state.
"""

import csv
import io
import json
from collections.abc import Iterable, Sequence

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from .spreadsheet import as_text_cell

FORMATS = ("html", "json", "csv")


def requested_format(request: HttpRequest) -> str:
    value = request.GET.get("format", "html").lower()
    return value if value in FORMATS else "html"


def csv_response(rows: Iterable[dict], columns: Sequence[str], filename: str) -> HttpResponse:
    buffer = io.StringIO()
    # A BOM lets spreadsheet software open UTF-8 French text without garbling accents.
    buffer.write("\ufeff")
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_cell(row.get(k)) for k in columns})
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_cell(value: object) -> object:
    if isinstance(value, list | tuple):
        return as_text_cell("|".join(str(v) for v in value))
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return as_text_cell(value)


def list_response(
    request: HttpRequest,
    template: str,
    context: dict,
    rows: list[dict],
    columns: Sequence[str],
    filename: str,
) -> HttpResponse:
    """Answer the HTML page or its JSON/CSV twin, as the `format` parameter asks."""
    fmt = requested_format(request)
    if fmt == "json":
        return JsonResponse(
            {"count": len(rows), "results": rows}, json_dumps_params={"ensure_ascii": False}
        )
    if fmt == "csv":
        return csv_response(rows, columns, filename)
    context = {**context, "rows": rows, "twin_links": twin_links(request)}
    return render(request, template, context)


def twin_links(request: HttpRequest) -> dict[str, str]:
    """Links to the same view in every format, keeping the rest of the query string."""
    links = {}
    for fmt in ("json", "csv"):
        params = request.GET.copy()
        params["format"] = fmt
        links[fmt] = f"{request.path}?{params.urlencode()}"
    return links
