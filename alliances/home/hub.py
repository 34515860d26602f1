"""The sections the pages on top give to a place's page (territories.hub): its alliances and
catalysts (located there, covering it, nearby), its organisations, the survey figures that
apply with their exact scope, its reference sheet, the events.

The home app sits on top of the parts, so it may read them all; the territories app only
shows what is registered here (HomeConfig.ready).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, Organisation
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.library.events import upcoming
from alliances.observatory.figures import figure_rows, figures_in, published_figures
from alliances.territories.hub import HubSection, register
from alliances.territories.models import Level, Territory

SHOWN = 6
FEW = 3  # below this many alliances located in a place, nearby ones are shown too
ORGANISATIONS_SHOWN = 12
NATIONAL_FIGURES_SHOWN = 6
EVENTS_SHOWN = 3
HUB_LEVELS = (Level.COUNTRY, Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE)
# The relation that puts a territory inside a place of each level (organisations, figures).
WITHIN = {
    Level.REGION: "region",
    Level.DEPARTEMENT: "departement",
    Level.EPCI: "epci",
}


def _search_url(value: str) -> str:
    return f"{reverse('base:search')}?territory={value}"


def _containers(place: Territory) -> list[Territory]:
    """The places that contain this one, the nearest first (EPCI, département, région)."""
    chain = [place.epci, place.departement, place.region]
    return [t for t in chain if t is not None and t.pk != place.pk]


def _france() -> Territory | None:
    return Territory.objects.filter(level=Level.COUNTRY).first()


def _covering(place: Territory) -> tuple[int, list[Alliance]]:
    """Published alliances whose territory contains this place (its EPCI, département,
    région, or the whole country)."""
    ids = [t.pk for t in _containers(place)]
    france = _france()
    if france is not None and place.level != Level.COUNTRY:
        ids.append(france.pk)
    if not ids:
        return 0, []
    found = Alliance.objects.published().filter(territory_id__in=ids).select_related("territory")
    return found.count(), list(found.order_by("-start_year", "pk")[:SHOWN])


def _nearby(place: Territory, exclude: set[int]) -> dict[str, Any] | None:
    """Alliances of the nearest containing place that has some (when few are located here)."""
    for container in _containers(place):
        query, _notices = parse_query(
            {"territory": f"{container.level}:{container.code}", "page_size": str(SHOWN * 2)}
        )
        result = run_search(query, with_facets=False)
        hits = [h for h in result.alliances if h.id not in exclude][:SHOWN]
        if hits:
            return {
                "place": container,
                "hits": hits,
                "count": result.count,
                "url": _search_url(f"{container.level}:{container.code}"),
            }
    return None


def alliances_section(request: HttpRequest, place: Territory) -> HubSection | None:
    if place.level not in HUB_LEVELS:
        return None
    value = f"{place.level}:{place.code}"
    query, _notices = parse_query({"territory": value, "page_size": str(SHOWN)})
    result = run_search(query, with_facets=False)
    covering_count, covering = _covering(place)
    nearby = None
    if result.count < FEW and place.level != Level.COUNTRY:
        nearby = _nearby(place, {h.id for h in result.alliances} | {a.pk for a in covering})
    context = {
        "place": place,
        "result": result,
        "search_url": _search_url(value),
        "covering": covering,
        "covering_count": covering_count,
        "nearby": nearby,
    }
    html = render_to_string("home/hub/alliances.html", context, request=request)
    return HubSection("alliances", _("Alliances et catalyseurs"), mark_safe(html), 10)  # noqa: S308


def organisations_section(request: HttpRequest, place: Territory) -> HubSection | None:
    if place.level not in HUB_LEVELS or place.level == Level.COUNTRY:
        return None
    relation = WITHIN.get(place.level)
    where = {f"territory__{relation}": place} if relation else {"territory": place}
    organisations = (
        Organisation.objects.filter(
            partnerships__alliance__status=Alliance.Status.PUBLISHED, **where
        )
        .select_related("profile", "territory")
        .distinct()
        .order_by("name")
    )
    count = organisations.count()
    context = {
        "place": place,
        "organisations": list(organisations[:ORGANISATIONS_SHOWN]),
        "count": count,
    }
    html = render_to_string("home/hub/organisations.html", context, request=request)
    return HubSection("organisations", _("Organisations"), mark_safe(html), 20)  # noqa: S308


def _latest(rows: list[dict]) -> list[dict]:
    """The latest figure of each indicator and population."""
    kept: dict[tuple[str, str], dict] = {}
    for row in sorted(rows, key=lambda r: (r["year"], r["n"] is not None)):
        kept[(row["indicator"], row["population"])] = row
    return sorted(kept.values(), key=lambda r: (r["statement"], r["population_name"]))


def figures_section(request: HttpRequest, place: Territory) -> HubSection | None:
    """The survey figures that apply here, each with its exact scope: those measured in the
    région (for a place inside it, labelled as the région's), then the national ones."""
    if place.level not in HUB_LEVELS:
        return None
    region = place if place.level == Level.REGION else place.region
    regional = _latest(figure_rows(figures_in(region.pk))) if region is not None else []
    national = _latest(figure_rows(published_figures().filter(territory__level=Level.COUNTRY)))
    try:
        observatory_url = (
            reverse(
                "observatory:territory-level", kwargs={"level": place.level, "code": place.code}
            )
            if place.level in (Level.REGION, Level.DEPARTEMENT)
            else None
        )
    except NoReverseMatch:
        observatory_url = None
    context = {
        "place": place,
        "region": region,
        "regional": regional,
        "national": national[:NATIONAL_FIGURES_SHOWN],
        "national_count": len(national),
        "observatory_url": observatory_url,
    }
    html = render_to_string("home/hub/figures.html", context, request=request)
    return HubSection("chiffres", _("Ce que disent les enquêtes"), mark_safe(html), 30)  # noqa: S308


def _sheet_links(place: Territory) -> list[dict[str, Any]]:
    """The reference sheets of this place, or of the département and région it lies in."""
    sheets = []
    candidates = [place] if place.level in (Level.REGION, Level.DEPARTEMENT) else []
    candidates += [t for t in (place.departement, place.region) if t and t.pk != place.pk]
    for territory in candidates:
        try:
            html_url = reverse(
                "sheets:sheet", kwargs={"kind": territory.level, "key": territory.code}
            )
            pdf_url = reverse("sheets:pdf", kwargs={"kind": territory.level, "key": territory.code})
        except NoReverseMatch:
            continue
        sheets.append(
            {"place": territory, "own": territory.pk == place.pk, "url": html_url, "pdf": pdf_url}
        )
    return sheets


def sheet_section(request: HttpRequest, place: Territory) -> HubSection | None:
    sheets = _sheet_links(place)
    if not sheets:
        return None
    html = render_to_string(
        "home/hub/sheets.html", {"place": place, "sheets": sheets}, request=request
    )
    return HubSection("fiche", _("Fiche repères"), mark_safe(html), 40)  # noqa: S308


def events_section(request: HttpRequest, place: Territory) -> HubSection | None:
    occurrences = upcoming()[:EVENTS_SHOWN]
    context = {"place": place, "occurrences": occurrences}
    html = render_to_string("home/hub/events.html", context, request=request)
    return HubSection("agenda", _("Événements et ressources"), mark_safe(html), 60)  # noqa: S308


def register_sections() -> None:
    for builder in (
        alliances_section,
        organisations_section,
        figures_section,
        sheet_section,
        events_section,
    ):
        register(builder)
