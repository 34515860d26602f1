"""Pages of the base: the search (/alliances/), one alliance, one organisation.

The search page, its twins (?format=json|csv|xlsx|geojson|jsonl) and the API run the same
query object through the same executor (`search.service.search_request`); what a page reads
comes from `services`, its JSON shape from `payloads`.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alliances.maps.boundaries import load as load_boundaries
from alliances.maps.choropleth import choropleth, figure_html
from alliances.territories.lookups import get_territory
from alliances.territories.suggest import no_place_message, resolve

from .exports import export_response
from .models import Alliance
from .payloads import alliance_payload, organisation_payload, search_payload
from .search.executor import SearchResult, search_ids
from .search.filters import table
from .search.query import SORTS, SearchQuery, parse_query
from .search.service import search_request
from .search.similar import similar_alliances
from .sections import render_organisation_sections, render_sections
from .services import get_alliance, get_organisation, is_curator, partners_of

EXPORT_FORMATS = ("csv", "xlsx", "geojson", "jsonl")


def sort_labels() -> dict[str, str]:
    return {"relevance": _("pertinence"), "date": _("date de début"), "title": _("titre")}


def _region_map(result: SearchResult) -> Any:
    """A choropleth of the results by région, with its data table."""
    counts = {v.value.split(":", 1)[1]: v.count for v in result.facets.get("region", [])}
    known = load_boundaries("region").areas
    query = result.query
    chart = choropleth(
        "region",
        {code: float(counts.get(code, 0)) for code in known},
        title=_("Résultats par région"),
        description=_("Nombre d'alliances de la recherche, par région."),
        unit="",
        link=lambda code: (
            "?"
            + query.without("territory").with_value("territory", f"region:{code}").to_querystring()
        ),
        locale=(get_language() or "fr")[:2],
        decimals=0,
        width=340,  # drawn for the column beside the results: its legend stays legible
        slug="carte-resultats",
    )
    # figure_html escapes every text it writes (the figure with its data table).
    return mark_safe(figure_html(chart))  # noqa: S308


def _facet_groups(result: SearchResult) -> list[dict[str, Any]]:
    """The facets the page shows, in the order of the filter table, with their values."""
    groups = []
    for search_filter in table().facets:
        facet = search_filter.facet
        values = result.facets.get(facet.name, []) if facet else []
        if facet and values:
            groups.append(
                {
                    "name": facet.name,
                    "param": search_filter.params[0],
                    "title": str(facet.title),
                    "values": values,
                    "id": f"facette-{facet.name}",
                }
            )
    return groups


def _export_links(query: SearchQuery) -> list[dict[str, str]]:
    base_qs = query.to_querystring()
    return [
        {"format": fmt, "label": label, "url": "?" + _with_format(base_qs, fmt)}
        for fmt, label in (
            ("csv", "CSV"),
            ("xlsx", "XLSX"),
            ("json", "JSON"),
            ("geojson", "GeoJSON"),
        )
    ]


def _export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The search's results in an export format: one run of the search, no facets."""
    query, _notices = parse_query(request.GET)
    ids = search_ids(query, include_drafts=query.drafts and is_curator(request.user))
    base_url = request.build_absolute_uri("/")[:-1]
    return export_response(ids, fmt, filename="alliances", base_url=base_url)


PLACE_PARAM = "lieu"  # the place box: a typed place name, read when JavaScript did not


def _place_name(value: str) -> str | None:
    level, _sep, code = value.partition(":")
    place = get_territory(level, code) if level and code else None
    return place.name if place else None


def _read_place_box(params: QueryDict) -> tuple[QueryDict | None, str]:
    """The query once the place box's text is read: the typed place replaces the places of
    the search (the régions ticked in the facet stay); an empty box removes them. None when
    the request has no place box; a notice when the text names no known place."""
    if PLACE_PARAM not in params:
        return None, ""
    text = " ".join(params.get(PLACE_PARAM, "").split())
    values = params.getlist("territory")
    regions = [v for v in values if v.startswith("region:")]
    places = [v for v in values if v and not v.startswith("region:")]
    updated = params.copy()
    updated.pop(PLACE_PARAM)
    updated.pop("page", None)
    notice = ""
    if not text:
        kept = regions
    elif places and text == _place_name(places[0]):
        kept = regions + places
    else:
        place = resolve(text)
        if place is None:
            kept, notice = regions + places, no_place_message(text)
        else:
            value = f"{place.level}:{place.code}"
            kept = regions + [value] if value not in regions else regions
    updated.setlist("territory", kept)
    for key in list(updated):  # empty fields of the form make no part of the address
        updated.setlist(key, [v for v in updated.getlist(key) if v.strip()])
        if not updated.getlist(key):
            del updated[key]
    return updated, notice


def _place_of(query: SearchQuery, result: SearchResult) -> dict[str, str]:
    """The place the place box shows: the first place of the search that is not a région
    (régions are ticked in their facet)."""
    for value in query.territory:
        if not value.startswith("region:"):
            return {"value": value, "label": result.labels.get(("territory", value), "")}
    return {"value": "", "label": ""}


def _place_links(query: SearchQuery, result: SearchResult) -> list[dict[str, str]]:
    """From a search on one place to its page, its sheet and its observatory page."""
    if len(query.territory) != 1:
        return []
    level, _sep, code = query.territory[0].partition(":")
    name = result.labels.get(("territory", query.territory[0]), code)
    links = []
    candidates = [
        ("territories:detail", {"level": level, "code": code}, _("Tout sur %(place)s")),
        ("sheets:sheet", {"kind": level, "key": code}, _("Fiche repères : %(place)s")),
        (
            "observatory:territory-level",
            {"level": level, "code": code},
            _("Chiffres de l'observatoire : %(place)s"),
        ),
    ]
    for url_name, kwargs, label in candidates:
        if url_name != "territories:detail" and level not in ("region", "departement"):
            continue
        try:
            url = reverse(url_name, kwargs=kwargs)
            links.append({"url": url, "label": label % {"place": name}})
        except NoReverseMatch:
            continue
    return links


def search(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "html").lower()
    if fmt in EXPORT_FORMATS:
        return _export(request, fmt)
    params, place_notice = _read_place_box(request.GET)
    if params is not None and not place_notice:
        return HttpResponseRedirect("?" + params.urlencode() if params else request.path)
    result = search_request(params if params is not None else request.GET, request.user)
    if place_notice:
        result.notices.insert(0, place_notice)
    if fmt == "json":
        return JsonResponse(search_payload(result), json_dumps_params={"ensure_ascii": False})
    query = result.query
    place = _place_of(query, result)
    context = {
        "query": query,
        "result": result,
        "facet_groups": _facet_groups(result),
        "active_filters": result.chips(),
        "clear_filters": _cleared(query),
        "place": place,
        "other_places": [
            v for v in query.territory if not v.startswith("region:") and v != place["value"]
        ],
        "place_links": _place_links(query, result),
        "sorts": [(key, sort_labels()[key]) for key in SORTS],
        "current_sort": query.effective_sort,
        "exports": _export_links(query),
        "pages": _pagination(query, result),
        "region_map": _region_map(result),
        "is_curator": is_curator(request.user),
        "kinds": Alliance.Kind.choices,
    }
    return render(request, "base/search.html", context)


def _cleared(query: SearchQuery) -> str:
    """The query string of the same text without any filter."""
    return SearchQuery(q=query.q, words=query.words, sort=query.sort).to_querystring()


def _with_format(querystring: str, fmt: str) -> str:
    return f"{querystring}&format={fmt}" if querystring else f"format={fmt}"


def _pagination(query: SearchQuery, result: Any) -> dict[str, Any]:
    page, last = result.page, result.last_page
    numbers = sorted({1, last, *range(max(1, page - 2), min(last, page + 2) + 1)})
    return {
        "current": page,
        "last": last,
        "previous": query.with_page(page - 1).to_querystring() if page > 1 else None,
        "next": query.with_page(page + 1).to_querystring() if page < last else None,
        "numbers": [(n, query.with_page(n).to_querystring()) for n in numbers],
    }


def _small_map(alliance: Alliance) -> Any:
    """The alliance's région highlighted on the map of France (none without a région)."""
    territory = alliance.territory
    if territory is None or not territory.region_id:
        return None
    region = territory.region
    known = load_boundaries("region").areas
    if region.code not in known:
        return None
    chart = choropleth(
        "region",
        {code: (1.0 if code == region.code else 0.0) for code in known},
        title=_("Région de l'alliance : %(name)s") % {"name": region.name},
        description=_("La région de l'alliance est mise en évidence."),
        classes=2,
        method="equal",
        highlight=[region.code],
        locale=(get_language() or "fr")[:2],
        decimals=0,
        width=320,
        slug="carte-alliance",
    )
    return mark_safe(figure_html(chart))  # noqa: S308


def alliance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_alliance(request.user, slug)
    partners = partners_of(alliance)
    similar = similar_alliances(alliance)
    if request.GET.get("format") == "json":
        return JsonResponse(
            alliance_payload(alliance, partners, similar), json_dumps_params={"ensure_ascii": False}
        )
    context = {
        "alliance": alliance,
        "partners": partners,
        "similar": similar,
        "small_map": _small_map(alliance),
        "results": list(alliance.results.all()),
        "sources": list(alliance.sources.all()),
        "is_curator": is_curator(request.user),
        "extra_sections": render_sections(request, alliance),
    }
    return render(request, "base/alliance.html", context)


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, alliances = get_organisation(request.user, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            organisation_payload(organisation, alliances),
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "base/organisation.html",
        {
            "organisation": organisation,
            "alliances": alliances,
            "extra_sections": render_organisation_sections(request, organisation),
        },
    )
