"""Pages of the base: the search (/alliances/), one alliance, one organisation.

The search page, its twins (?format=json|csv|xlsx|geojson|jsonl) and the API all run the same
query object (`search.query`) through the same executor (`search.executor`).
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alliances.territories.models import Territory

from .models import Alliance, Organisation, Partner
from .search.executor import (
    FACET_FILTER,
    alliance_row,
    filter_label,
    notice_message,
    run_search,
    search_queryset,
)
from .search.query import MULTI, SORTS, SearchQuery, parse_query
from .search.similar import similar_alliances
from .sections import render_sections

EXPORT_FORMATS = ("csv", "xlsx", "json", "geojson", "jsonl")


def facet_titles() -> dict[str, str]:
    return {
        "kind": _("Nature"),
        "profile": _("Profil d'acteur des partenaires"),
        "type": _("Type de partenariat"),
        "domain": _("Domaine"),
        "sdg": _("Objectif de développement durable"),
        "stage": _("Étape du cycle de vie"),
        "region": _("Région"),
        "light": _("Voyant de suivi (rapports des partenaires)"),
    }


def sort_labels() -> dict[str, str]:
    return {"relevance": _("pertinence"), "date": _("date de début"), "title": _("titre")}


def is_curator(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated and request.user.is_staff)


def run_request_search(request: HttpRequest, params: Any = None) -> tuple[SearchQuery, Any]:
    """Parse and run the search of a request (page and API share this)."""
    query, notices = parse_query(request.GET if params is None else params)
    include_drafts = query.drafts and is_curator(request)
    result = run_search(query, include_drafts=include_drafts)
    result.notices = [notice_message(n) for n in notices] + result.notices
    if query.drafts and not include_drafts:
        result.notices.append(_("Les brouillons ne sont visibles que des curateurs."))
    return query, result


def search_payload(result: Any) -> dict[str, Any]:
    """The JSON answer of a search (API and ?format=json of the page)."""
    payload: dict[str, Any] = {
        "count": result.count,
        "page": result.page,
        "last_page": result.last_page,
        "page_size": result.query.page_size,
        "results": [alliance_row(hit) for hit in result.alliances],
        "facets": {name: [v.as_dict() for v in values] for name, values in result.facets.items()},
        "notices": result.notices,
        "suggestions": [
            {"drop": s.param, "label": s.label, "count": s.count, "query": s.querystring}
            for s in result.suggestions
        ],
    }
    if result.covering or result.covering_count:
        payload["covering"] = {
            "count": result.covering_count,
            "results": [alliance_row(hit) for hit in result.covering],
        }
    return payload


def _region_map(result: Any) -> Any:
    """A choropleth of the results by région (None when the maps part is not there)."""
    try:
        from alliances.maps.boundaries import load
        from alliances.maps.choropleth import choropleth, figure_html
    except ImportError:
        return None
    counts = {v.value.split(":", 1)[1]: v.count for v in result.facets.get("region", [])}
    try:
        known = load("region").areas
        values = {code: float(counts.get(code, 0)) for code in known}
        query = result.query
        chart = choropleth(
            "region",
            values,
            title=_("Résultats par région"),
            description=_("Nombre d'alliances de la recherche, par région."),
            unit="",
            link=lambda code: (
                "?"
                + query.without("territory")
                .with_value("territory", f"region:{code}")
                .to_querystring()
            ),
            locale=(get_language() or "fr")[:2],
            decimals=0,
            slug="carte-resultats",
        )
    except (ValueError, KeyError, OSError):
        return None
    # figure_html escapes every text it writes (the figure with its data table).
    return mark_safe(figure_html(chart))  # noqa: S308


def search(request: HttpRequest) -> HttpResponse:
    fmt = request.GET.get("format", "html").lower()
    query, result = run_request_search(request)
    if fmt in EXPORT_FORMATS and fmt != "json":
        from .exports import export_response

        alliances = search_queryset(query, include_drafts=query.drafts and is_curator(request))
        return export_response(
            alliances, fmt, filename="alliances", base_url=request.build_absolute_uri("/")[:-1]
        )
    if fmt == "json":
        return JsonResponse(search_payload(result), json_dumps_params={"ensure_ascii": False})
    titles = facet_titles()
    facet_groups = [
        {
            "name": name,
            "param": FACET_FILTER[name],
            "title": titles[name],
            "values": values,
            "id": f"facette-{name}",
        }
        for name, values in result.facets.items()
        if values
    ]
    active = []
    for name in MULTI:
        for value in getattr(query, name):
            active.append(
                {
                    "label": filter_label(name),
                    "value": _active_label(name, value, result),
                    "remove": query.without(name, value).to_querystring(),
                }
            )
    if query.year_min is not None or query.year_max is not None:
        active.append(
            {
                "label": filter_label("years"),
                "value": f"{query.year_min or '…'} – {query.year_max or '…'}",
                "remove": query.without("years").to_querystring(),
            }
        )
    base_qs = query.to_querystring()
    exports = [
        {"format": fmt_name, "label": label, "url": "?" + _with_format(base_qs, fmt_name)}
        for fmt_name, label in (
            ("csv", "CSV"),
            ("xlsx", "XLSX"),
            ("json", "JSON"),
            ("geojson", "GeoJSON"),
        )
    ]
    pages = _pagination(query, result)
    context = {
        "query": query,
        "result": result,
        "facet_groups": facet_groups,
        "active_filters": active,
        "sorts": [(key, sort_labels()[key]) for key in SORTS],
        "current_sort": query.effective_sort,
        "exports": exports,
        "pages": pages,
        "region_map": _region_map(result),
        "is_curator": is_curator(request),
        "kinds": Alliance.Kind.choices,
    }
    return render(request, "base/search.html", context)


def _with_format(querystring: str, fmt: str) -> str:
    return f"{querystring}&format={fmt}" if querystring else f"format={fmt}"


def _active_label(name: str, value: str, result: Any) -> str:
    facet = {"territory": "region"}.get(name, name)
    for v in result.facets.get(facet, []):
        if v.value == value:
            return v.label
    if name == "territory":
        level, _sep, code = value.rpartition(":")
        place = Territory.objects.filter(code=code, **({"level": level} if level else {})).first()
        if place:
            return place.name
    if name == "organisation":
        org = Organisation.objects.filter(pk=value).first()
        if org:
            return org.name
    if name == "kind":
        return str(dict(Alliance.Kind.choices).get(value, value))
    if name == "light":
        return str(dict(Alliance.StatusLight.choices).get(value, value))
    return value


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


def _visible(request: HttpRequest) -> list[str]:
    if is_curator(request):
        return [s for s, _label in Alliance.Status.choices]
    return [Alliance.Status.PUBLISHED]


def get_alliance(request: HttpRequest, slug: str) -> Alliance:
    alliance = (
        Alliance.objects.filter(slug=slug, status__in=_visible(request))
        .select_related(
            "territory",
            "territory__region",
            "territory__departement",
            "stage",
            "co_construction",
        )
        .prefetch_related(
            "domains",
            "partnership_types",
            "sdg_goals",
            "sdg_targets",
            "catalyst_trades",
            "results",
            "sources",
        )
        .first()
    )
    if alliance is None:
        raise Http404(
            _("Aucune alliance publiée ne porte l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    return alliance


def partners_of(alliance: Alliance) -> list[Partner]:
    return list(
        alliance.partners.select_related(
            "organisation", "organisation__profile", "organisation__subtype"
        ).order_by("position", "id")
    )


def _small_map(alliance: Alliance) -> Any:
    territory = alliance.territory
    if territory is None or not territory.region_id:
        return None
    try:
        from alliances.maps.boundaries import load
        from alliances.maps.choropleth import choropleth, figure_html

        region = territory.region
        known = load("region").areas
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
    except (ImportError, ValueError, KeyError, OSError):
        return None
    return mark_safe(figure_html(chart))  # noqa: S308


def alliance_detail(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_alliance(request, slug)
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
        "is_curator": is_curator(request),
        "extra_sections": render_sections(request, alliance),
    }
    return render(request, "base/alliance.html", context)


def alliance_payload(alliance: Alliance, partners: list[Partner], similar: list) -> dict[str, Any]:
    territory = alliance.territory
    return {
        "id": alliance.pk,
        "slug": alliance.slug,
        "url": alliance.get_absolute_url(),
        "kind": alliance.kind,
        "title": alliance.title,
        "summary": alliance.summary,
        "description": alliance.description,
        "status": alliance.status,
        "territory": (
            {
                "level": territory.level,
                "code": territory.code,
                "name": territory.name,
                "region": territory.region.code if territory.region_id else None,
            }
            if territory
            else None
        ),
        "scale": alliance.scale,
        "start_year": alliance.start_year,
        "end_year": alliance.end_year,
        "stage": alliance.stage.key if alliance.stage_id else None,
        "co_construction": alliance.co_construction.key if alliance.co_construction_id else None,
        "types": [t.key for t in alliance.partnership_types.all()],
        "domains": [t.key for t in alliance.domains.all()],
        "catalyst_trades": [t.key for t in alliance.catalyst_trades.all()],
        "sdg_goals": sorted(g.number for g in alliance.sdg_goals.all()),
        "sdg_targets": [t.code for t in alliance.sdg_targets.all()],
        "partners": [
            {
                "organisation": p.organisation_id,
                "name": p.organisation.name,
                "profile": p.organisation.profile.key,
                "role": p.role,
                "url": p.organisation.get_absolute_url(),
            }
            for p in partners
        ],
        "results": [
            {
                "label": r.label,
                "value": float(r.value) if r.value is not None else None,
                "unit": r.unit,
                "year": r.year,
            }
            for r in alliance.results.all()
        ],
        "results_text": alliance.results_text,
        "sources": [
            {"url": s.url, "title": s.title, "date": s.date.isoformat() if s.date else None}
            for s in alliance.sources.all()
        ],
        "similar": [
            {"slug": s.alliance.slug, "title": s.alliance.title, "why": s.reasons} for s in similar
        ],
    }


def get_organisation(request: HttpRequest, pk: int) -> tuple[Organisation, list[Alliance]]:
    organisation = (
        Organisation.objects.select_related("profile", "subtype", "territory").filter(pk=pk).first()
    )
    if organisation is None:
        raise Http404(_("Aucune organisation ne porte le numéro %(pk)s.") % {"pk": pk})
    alliances = list(
        Alliance.objects.filter(partners__organisation=organisation, status__in=_visible(request))
        .select_related("territory")
        .order_by("title")
        .distinct()
    )
    if not alliances and not is_curator(request):
        # An organisation is public through its published alliances only.
        raise Http404(_("Aucune organisation ne porte le numéro %(pk)s.") % {"pk": pk})
    roles = {
        p.alliance_id: p.get_role_display()
        for p in Partner.objects.filter(organisation=organisation)
    }
    for alliance in alliances:
        alliance.role_label = roles.get(alliance.pk, "")  # type: ignore[attr-defined]
    return organisation, alliances


def organisation_payload(organisation: Organisation, alliances: list[Alliance]) -> dict[str, Any]:
    territory = organisation.territory
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "profile": organisation.profile.key,
        "profile_label": organisation.profile.label,
        "subtype": organisation.subtype.key if organisation.subtype_id else None,
        "siren": organisation.siren,
        "siret": organisation.siret,
        "rna": organisation.rna,
        "website": organisation.website,
        "territory": (
            {"level": territory.level, "code": territory.code, "name": territory.name}
            if territory
            else None
        ),
        "alliances": [
            {
                "slug": a.slug,
                "title": a.title,
                "kind": a.kind,
                "role": getattr(a, "role_label", ""),
                "url": a.get_absolute_url(),
            }
            for a in alliances
        ],
    }


def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation, alliances = get_organisation(request, pk)
    if request.GET.get("format") == "json":
        return JsonResponse(
            organisation_payload(organisation, alliances),
            json_dumps_params={"ensure_ascii": False},
        )
    return render(
        request,
        "base/organisation.html",
        {"organisation": organisation, "alliances": alliances},
    )
