"""The twins of every list page: same URL, `?format=json|csv|xlsx` (and `geojson` for lists of
places), rendered by the platform's one export system (`common.exports`).

A list view builds its rows once (plain dicts) and hands them here with its HTML template;
the twin answers carry exactly the rows the page shows, so the URL is the whole state.
"""

from collections.abc import Callable, Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import exports

FORMATS = ("html", "json", "csv", "xlsx")


def requested_format(request: HttpRequest) -> str:
    value = request.GET.get("format", "html").lower()
    return value if value in FORMATS else "html"


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
    if fmt == "geojson" and point is None:
        fmt = "html"
    elif fmt != "geojson":
        fmt = requested_format(request)
    if fmt != "html":
        table = exports.Table(columns, rows, filename, count=len(rows), point=point)
        inline = fmt in ("json", "geojson")
        return exports.response(table, fmt, inline=inline, stream=False)
    links = twin_links(request, geojson=point is not None)
    return render(request, template, {**context, "rows": rows, "twin_links": links})


def twin_links(request: HttpRequest, geojson: bool = False) -> dict[str, str]:
    """Links to the same view in every format, keeping the rest of the query string."""
    links = {}
    for fmt in ("json", "csv", "xlsx", *(("geojson",) if geojson else ())):
        params = request.GET.copy()
        params["format"] = fmt
        links[fmt] = f"{request.path}?{params.urlencode()}"
    return links
