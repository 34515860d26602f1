"""The table of alliances that every export writes: CSV, XLSX, JSON, JSON Lines, GeoJSON.

The search page passes the ids of its current search (`?format=csv|xlsx|jsonl|geojson`, one
run of the search); the formats are the platform's one export system (`common.exports`). The
columns are those of the import format (docs/base-curation.md), plus the address of each
alliance, so that an export can be edited in a spreadsheet and imported back.
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.urls import NoReverseMatch, reverse

from alliances.common import exports
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
    "other_territories",
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


@dataclass(frozen=True)
class ExtraColumn:
    """A column a part above the base adds to the exports (e.g. the suggested SDG codes):
    `values` gives {alliance id: cell} for a chunk of ids. The importer ignores it."""

    name: str
    values: Callable[[list[int]], dict[int, Any]]


_EXTRA_COLUMNS: list[ExtraColumn] = []


def register_column(column: ExtraColumn) -> None:
    if column.name not in {c.name for c in _EXTRA_COLUMNS}:
        _EXTRA_COLUMNS.append(column)


def columns() -> list[str]:
    """The export's columns: the import format's, then those registered by other parts."""
    return [*COLUMNS, *(c.name for c in _EXTRA_COLUMNS)]


CHUNK = 2000


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
        "other_territories": [f"{t.level}:{t.code}" for t in alliance.other_territories.all()],
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


def _ids_of(alliances: Iterable[Alliance] | Iterable[int]) -> list[int]:
    if isinstance(alliances, QuerySet):
        return list(alliances.values_list("pk", flat=True))
    return [a if isinstance(a, int) else a.pk for a in alliances]


def rows(alliances: Iterable[Alliance] | Iterable[int], base_url: str = "") -> Iterator[dict]:
    """The export rows of these alliances (a queryset, instances or ids), in their order,
    from plain value queries CHUNK alliances at a time: building model instances for every
    partner and term of 100,000 alliances would take the export minutes. `_territory` (level,
    code, id) is private: it places the row on a map."""
    pattern = base_url + _url_pattern()
    ids = _ids_of(alliances)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        main = {r["pk"]: r for r in Alliance.objects.filter(pk__in=chunk).values(*_MAIN)}
        extras = {column.name: column.values(chunk) for column in _EXTRA_COLUMNS}
        other_places = _other_places(chunk)
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
            row = {
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
                "other_territories": other_places.get(pk, []),
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
            for name, values in extras.items():
                row[name] = values.get(pk, "")
            yield row


def _other_places(ids: list[int]) -> dict[int, list[str]]:
    """{alliance id: its other territories as "level:code"}."""
    out: dict[int, list[str]] = {}
    through = Alliance.other_territories.through.objects.filter(alliance_id__in=ids)
    for alliance_id, level, code in through.order_by(
        "territory__level", "territory__code"
    ).values_list("alliance_id", "territory__level", "territory__code"):
        out.setdefault(alliance_id, []).append(f"{level}:{code}")
    return out


def _point(row: dict[str, Any]) -> tuple[float, float] | None:
    place = row.get("_territory")
    if not place:
        return None
    return point_of(place[0], place[1]) or point_for(Territory.objects.get(pk=place[2]))


def table(
    alliances: Iterable[Alliance] | Iterable[int],
    filename: str = "alliances",
    sep: str = ",",
    base_url: str = "",
) -> exports.Table:
    ids = _ids_of(alliances)
    return exports.Table(
        columns(), rows(ids, base_url), filename, count=len(ids), point=_point, separator=sep
    )


def write(
    alliances: Iterable[Alliance] | Iterable[int], fmt: str, sep: str = ",", base_url: str = ""
) -> bytes:
    """The whole export in one format, as bytes (tests, small sets)."""
    return exports.write(table(alliances, sep=sep, base_url=base_url), fmt)


def export_response(
    alliances: Iterable[Alliance] | Iterable[int],
    fmt: str,
    filename: str = "alliances",
    sep: str = ",",
    base_url: str = "",
) -> HttpResponse | StreamingHttpResponse:
    """The HTTP answer of an export; text formats stream, so 100,000 rows use little memory."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    return exports.response(table(alliances, filename, sep, base_url), fmt, inline=False)
