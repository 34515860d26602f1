"""The JSON shapes of the base, shared by the API and the pages' ?format=json twins."""

from __future__ import annotations

from typing import Any

from .models import Alliance, Organisation, Partner
from .search.executor import SearchResult


def search_payload(result: SearchResult) -> dict[str, Any]:
    """The answer of a search: total, page, results, facets, notices, suggestions, covering."""
    payload: dict[str, Any] = {
        "count": result.count,
        "page": result.page,
        "last_page": result.last_page,
        "page_size": result.query.page_size,
        "results": [hit.row() for hit in result.alliances],
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
            "results": [hit.row() for hit in result.covering],
        }
    if result.nearby:
        payload["nearby"] = [hit.row() for hit in result.nearby]
    payload["reading"] = reading_payload(result)
    return payload


def reading_payload(result: SearchResult) -> dict[str, Any]:
    """How the search read the text: places, choices, synonyms, corrections, relaxation,
    meaning."""
    reading = result.reading
    return {
        "text": [getattr(item, "typed", "") or getattr(item, "word", "") for item in reading.items],
        "places": [
            {"typed": m.typed, "label": m.label, "territories": list(m.values)}
            for m in reading.places
        ],
        "place_choices": [
            {"typed": c.typed, "label": c.label, "query": c.querystring}
            for c in result.place_choices
        ],
        "synonyms": [
            {"typed": s.typed, "key": s.key, "label": s.label, "names": list(s.names)}
            for s in reading.synonyms
        ],
        "corrections": [
            {"typed": c["typed"], "corrected": c["corrected"], "query": c["as_typed"]}
            for c in result.corrections
        ],
        "relaxed": reading.relaxed,
        "semantic": reading.semantic,
        "exact": reading.exact,
    }


def _territory(alliance: Alliance) -> dict[str, Any] | None:
    territory = alliance.territory
    if territory is None:
        return None
    return {
        "level": territory.level,
        "code": territory.code,
        "name": territory.name,
        "region": territory.region.code if territory.region_id else None,
    }


def alliance_payload(alliance: Alliance, partners: list[Partner], similar: list) -> dict[str, Any]:
    """One alliance with its partners, terms, results, sources and similar alliances."""
    return {
        "id": alliance.pk,
        "slug": alliance.slug,
        "url": alliance.get_absolute_url(),
        "kind": alliance.kind,
        "title": alliance.title,
        "summary": alliance.summary,
        "description": alliance.description,
        "status": alliance.status,
        "territory": _territory(alliance),
        "other_territories": [
            {"level": t.level, "code": t.code, "name": t.name}
            for t in alliance.other_territories.all()
        ],
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
                "as_named": p.as_named,
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
            {
                "url": s.url,
                "title": s.title,
                "date": s.date.isoformat() if s.date else None,
                "read_on": s.read_on.isoformat() if s.read_on else None,
            }
            for s in alliance.sources.all()
        ],
        "similar": [
            {"slug": s.alliance.slug, "title": s.alliance.title, "why": s.reasons} for s in similar
        ],
    }


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
