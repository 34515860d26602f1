"""Export writers for any set of alliances: CSV, XLSX, JSON, JSON Lines and GeoJSON.

The search views pass the queryset of their current search (`?format=csv|xlsx|json|geojson`).
The columns are those of the import format (docs/base-curation.md), plus the address of each
alliance, so that an export can be edited in a spreadsheet and imported back.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse

from alliances.common.spreadsheet import as_text_cell
from alliances.territories.models import Territory

from .geo import point_for, point_of
from .models import Alliance, Partner, Source

COLUMNS = [
    "slug",
    "title",
    "kind",
    "status",
    "summary",
    "description",
    "partners",
    "partnership_types",
    "domains",
    "sdg",
    "territory",
    "territory_name",
    "scale",
    "start_year",
    "end_year",
    "stage",
    "co_construction",
    "catalyst_trades",
    "results_text",
    "source_url",
    "source_title",
    "url",
]
FORMATS = ("csv", "xlsx", "json", "jsonl", "geojson")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
}
CHUNK = 2000


def with_related(alliances: Iterable[Alliance]) -> Iterable[Alliance]:
    """Fetch everything the rows show in a fixed number of queries per chunk."""
    if not isinstance(alliances, QuerySet):
        return alliances
    return alliances.select_related("territory", "stage", "co_construction").prefetch_related(
        "partnership_types",
        "domains",
        "sdg_goals",
        "sdg_targets",
        "catalyst_trades",
        Prefetch(
            "partners",
            queryset=Partner.objects.select_related(
                "organisation", "organisation__profile"
            ).order_by("position", "id"),
        ),
        Prefetch("sources", queryset=Source.objects.order_by("id")),
    )


def partner_cell(partner: Partner) -> str:
    """ "Name (profile:role)", the import format of one partner."""
    return f"{partner.organisation.name} ({partner.organisation.profile.key}:{partner.role})"


_SLUG = "slug-placeholder"


def _url_pattern() -> str:
    """The address of an alliance with a placeholder slug, reversed once (not per row)."""
    try:
        return reverse("base:alliance", kwargs={"slug": _SLUG})
    except NoReverseMatch:
        return f"/alliances/{_SLUG}/"  # the public address (DESIGN.md) before the pages exist


def alliance_row(alliance: Alliance, base_url: str = "") -> dict[str, Any]:
    territory = alliance.territory
    sources = list(alliance.sources.all())
    sdg = [str(g.number) for g in alliance.sdg_goals.all()]
    sdg += [t.code for t in alliance.sdg_targets.all()]
    return {
        "slug": alliance.slug,
        "title": alliance.title,
        "kind": alliance.kind,
        "status": alliance.status,
        "summary": alliance.summary,
        "description": alliance.description,
        "partners": [partner_cell(p) for p in alliance.partners.all()],
        "partnership_types": sorted(t.key for t in alliance.partnership_types.all()),
        "domains": sorted(t.key for t in alliance.domains.all()),
        "sdg": sdg,
        "territory": f"{territory.level}:{territory.code}" if territory else "",
        "territory_name": territory.name if territory else "",
        "scale": alliance.scale,
        "start_year": alliance.start_year,
        "end_year": alliance.end_year,
        "stage": alliance.stage.key if alliance.stage_id else "",
        "co_construction": alliance.co_construction.key if alliance.co_construction_id else "",
        "catalyst_trades": sorted(t.key for t in alliance.catalyst_trades.all()),
        "results_text": alliance.results_text,
        "source_url": sources[0].url if sources else "",
        "source_title": sources[0].title if sources else "",
        "url": base_url + _url_pattern().replace(_SLUG, alliance.slug),
    }


def rows(alliances: Iterable[Alliance], base_url: str = "") -> Iterator[dict[str, Any]]:
    for row in _row_chunks(alliances, base_url):
        row.pop("_territory", None)
        yield row


_MAIN = (
    "pk",
    "slug",
    "title",
    "kind",
    "status",
    "summary",
    "description",
    "territory_id",
    "territory__level",
    "territory__code",
    "territory__name",
    "scale",
    "start_year",
    "end_year",
    "stage__key",
    "co_construction__key",
    "results_text",
)


def _row_chunks(alliances: Iterable[Alliance], base_url: str) -> Iterator[dict[str, Any]]:
    """Rows from plain value queries, CHUNK alliances at a time: building model instances
    for every partner and term of 100,000 alliances would take the export minutes."""
    if not isinstance(alliances, QuerySet):
        for alliance in alliances:
            row = alliance_row(alliance, base_url)
            territory = alliance.territory
            row["_territory"] = (
                (territory.level, territory.code, territory.pk) if territory else None
            )
            yield row
        return
    pattern = base_url + _url_pattern()
    ids = list(alliances.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        main = {r["pk"]: r for r in Alliance.objects.filter(pk__in=chunk).values(*_MAIN)}
        many: dict[str, dict[int, list[str]]] = {}
        for name, through, column in (
            ("partnership_types", Alliance.partnership_types.through, "term__key"),
            ("domains", Alliance.domains.through, "term__key"),
            ("catalyst_trades", Alliance.catalyst_trades.through, "term__key"),
            ("goals", Alliance.sdg_goals.through, "sdggoal__number"),
            ("targets", Alliance.sdg_targets.through, "sdgtarget__code"),
        ):
            values: dict[int, list[str]] = {}
            for alliance_id, value in (
                through.objects.filter(alliance_id__in=chunk)
                .values_list("alliance_id", column)
                .order_by(column)
            ):
                values.setdefault(alliance_id, []).append(str(value))
            many[name] = values
        partners: dict[int, list[str]] = {}
        for alliance_id, name, profile, role in (
            Partner.objects.filter(alliance_id__in=chunk)
            .order_by("alliance_id", "position", "id")
            .values_list("alliance_id", "organisation__name", "organisation__profile__key", "role")
        ):
            partners.setdefault(alliance_id, []).append(f"{name} ({profile}:{role})")
        sources: dict[int, tuple[str, str]] = {}
        for alliance_id, url, title in (
            Source.objects.filter(alliance_id__in=chunk)
            .order_by("-id")
            .values_list("alliance_id", "url", "title")
        ):
            sources[alliance_id] = (url, title)  # ordered by -id: the first source stays
        for pk in chunk:
            r = main.get(pk)
            if r is None:
                continue
            source = sources.get(pk, ("", ""))
            goals = sorted(many["goals"].get(pk, []), key=int)
            level, code = r["territory__level"], r["territory__code"]
            yield {
                "slug": r["slug"],
                "title": r["title"],
                "kind": r["kind"],
                "status": r["status"],
                "summary": r["summary"],
                "description": r["description"],
                "partners": partners.get(pk, []),
                "partnership_types": many["partnership_types"].get(pk, []),
                "domains": many["domains"].get(pk, []),
                "sdg": goals + many["targets"].get(pk, []),
                "territory": f"{level}:{code}" if level else "",
                "territory_name": r["territory__name"] or "",
                "scale": r["scale"],
                "start_year": r["start_year"],
                "end_year": r["end_year"],
                "stage": r["stage__key"] or "",
                "co_construction": r["co_construction__key"] or "",
                "catalyst_trades": many["catalyst_trades"].get(pk, []),
                "results_text": r["results_text"],
                "source_url": source[0],
                "source_title": source[1],
                "url": pattern.replace(_SLUG, r["slug"]),
                "_territory": (level, code, r["territory_id"]) if level else None,
            }


def _flat(value: Any) -> Any:
    """A cell value: lists joined with "|", None as empty, formula-like text made inert."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return as_text_cell("|".join(str(v) for v in value))
    if isinstance(value, Decimal):
        return str(value)
    return as_text_cell(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def iter_csv(alliances: Iterable[Alliance], sep: str = ",", base_url: str = "") -> Iterator[str]:
    """CSV text chunks, UTF-8 BOM first (spreadsheets then read French accents right)."""
    writer = csv.writer(_Echo(), delimiter=sep)
    yield "\ufeff" + writer.writerow(COLUMNS)
    for row in rows(alliances, base_url):
        yield writer.writerow([_flat(row[c]) for c in COLUMNS])


def write_csv(alliances: Iterable[Alliance], sep: str = ",", base_url: str = "") -> bytes:
    return "".join(iter_csv(alliances, sep, base_url)).encode("utf-8")


def write_xlsx(alliances: Iterable[Alliance], base_url: str = "") -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("alliances")
    sheet.append(COLUMNS)
    for row in rows(alliances, base_url):
        sheet.append([_flat(row[c]) for c in COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def iter_jsonl(alliances: Iterable[Alliance], base_url: str = "") -> Iterator[str]:
    for row in rows(alliances, base_url):
        yield json.dumps(row, ensure_ascii=False) + "\n"


def iter_json(alliances: Iterable[Alliance], base_url: str = "") -> Iterator[str]:
    """{"count": n, "results": [...]}, streamed (count written last would break readers that
    expect it first, so it is computed by the database up front)."""
    count = alliances.count() if isinstance(alliances, QuerySet) else len(list(alliances))
    yield f'{{"count": {count}, "results": ['
    for index, row in enumerate(rows(alliances, base_url)):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]}"


def feature(row: dict[str, Any], point: tuple[float, float] | None) -> dict[str, Any]:
    geometry = {"type": "Point", "coordinates": list(point)} if point else None
    return {"type": "Feature", "geometry": geometry, "properties": row}


def iter_geojson(alliances: Iterable[Alliance], base_url: str = "") -> Iterator[str]:
    """A FeatureCollection: one Point per alliance at its territory's point (null geometry,
    as GeoJSON allows, when the alliance has no territory)."""
    yield '{"type": "FeatureCollection", "features": ['
    for index, row in enumerate(_row_chunks(alliances, base_url)):
        place = row.pop("_territory")
        point = None
        if place:
            point = point_of(place[0], place[1]) or point_for(Territory.objects.get(pk=place[2]))
        text = json.dumps(feature(row, point), ensure_ascii=False)
        yield ("," if index else "") + text
    yield "]}"


def write(alliances: Iterable[Alliance], fmt: str, sep: str = ",", base_url: str = "") -> bytes:
    """The whole export in one format, as bytes (tests, small sets)."""
    if fmt == "csv":
        return write_csv(alliances, sep, base_url)
    if fmt == "xlsx":
        return write_xlsx(alliances, base_url)
    generators = {"json": iter_json, "jsonl": iter_jsonl, "geojson": iter_geojson}
    if fmt not in generators:
        raise ValueError(f"unknown export format: {fmt}")
    return "".join(generators[fmt](alliances, base_url)).encode("utf-8")


def export_response(
    alliances: Iterable[Alliance],
    fmt: str,
    filename: str = "alliances",
    sep: str = ",",
    base_url: str = "",
) -> HttpResponse | StreamingHttpResponse:
    """The HTTP answer of an export; text formats stream, so 100,000 rows use little memory."""
    if fmt == "xlsx":
        response: HttpResponse | StreamingHttpResponse = HttpResponse(
            write_xlsx(alliances, base_url), content_type=CONTENT_TYPES["xlsx"]
        )
    elif fmt == "csv":
        response = StreamingHttpResponse(
            iter_csv(alliances, sep, base_url), content_type=CONTENT_TYPES["csv"]
        )
    elif fmt in ("json", "jsonl", "geojson"):
        generator = {"json": iter_json, "jsonl": iter_jsonl, "geojson": iter_geojson}[fmt]
        response = StreamingHttpResponse(
            generator(alliances, base_url), content_type=CONTENT_TYPES[fmt]
        )
    else:
        raise ValueError(f"unknown export format: {fmt}")
    extension = "json" if fmt == "json" else fmt
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response
