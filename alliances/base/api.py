"""API of the base: /api/v1/alliances, /api/v1/alliances/{slug}, /api/v1/organisations/{id}.

The list runs the same query object as the search page (`search.query.parse_query`) on the
raw query string, so a parameter repeated (?domain=a&domain=b) means "a or b", a malformed
or unknown value is ignored with a notice instead of failing, and a page past the end gives
the last page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from . import views

router = Router(tags=["base"])


class AllianceFilters(Schema):
    q: str = Field("", description="Text: French, accent-insensitive, stemmed; last word prefix.")
    kind: list[str] = Field([], description="alliance or catalyst (repeat for several).")
    profile: list[str] = Field([], description="Actor profile key of any partner.")
    type: list[str] = Field([], description="Partnership type key.")
    domain: list[str] = Field([], description="Domain key.")
    sdg: list[str] = Field([], description='SDG goal ("17") or target ("17.17").')
    territory: list[str] = Field(
        [],
        description='Territory with containment: "region:27", "departement:25", '
        '"epci:242500361", "commune:25056", "pays:FR" or a bare code.',
    )
    year_min: str = Field("", description="Start year at least.")
    year_max: str = Field("", description="Start year at most.")
    stage: list[str] = Field([], description="Life-cycle stage key.")
    organisation: list[str] = Field([], description="Organisation id (partner).")
    light: list[str] = Field(
        [],
        description="Status light of the partners' follow-up: green (progress report within "
        "12 months), amber (12 to 24 months), red (over 24 months, inactive).",
    )
    sort: str = Field("", description="relevance (default with text), date or title.")
    page: str = Field("", description="Page number from 1 (past the end: the last page).")
    page_size: str = Field("", description="Results per page (default 20, at most 100).")


class FacetValueOut(Schema):
    value: str
    label: str
    count: int


class AllianceSummaryOut(Schema):
    id: int
    slug: str
    url: str
    kind: str
    title: str
    summary: str
    snippet_html: str = Field(
        "", description="Escaped HTML extract of the summary, matches in <mark>."
    )
    territory: dict[str, Any] | None
    region: str | None
    start_year: int | None
    end_year: int | None
    stage: str | None
    status_light: str | None
    types: list[str]
    domains: list[str]
    sdg_goals: list[int]
    profiles: list[str]
    partners: list[str]
    status: str


class SuggestionOut(Schema):
    drop: str = Field(description="The filter to drop (q, kind, profile, ...).")
    label: str
    count: int = Field(description="Number of results without that filter.")
    query: str = Field(description="The query string without that filter.")


class AllianceListOut(Schema):
    count: int = Field(description="Number of alliances matching (all pages).")
    page: int
    last_page: int
    page_size: int
    results: list[AllianceSummaryOut]
    facets: dict[str, list[FacetValueOut]] = Field(
        description="Counts per value for kind, profile, type, domain, sdg, stage, region, light: "
        "each facet applies every other active filter."
    )
    notices: list[str] = Field(description="What was ignored in the request, and why.")
    suggestions: list[SuggestionOut] = Field(
        description="For an empty result: the filters whose removal gives results."
    )
    covering: dict[str, Any] | None = Field(
        None,
        description="For a commune filter: the alliances of the EPCI, département, région and "
        "nation that cover it (count and first results).",
    )


@router.get("/alliances", response=AllianceListOut, url_name="list_alliances")
def list_alliances(request: HttpRequest, filters: Query[AllianceFilters]) -> dict[str, Any]:
    """Search the published alliances: text, filters, facets, sort and pages."""
    _query, result = views.run_request_search(request, request.GET)
    return views.search_payload(result)


@router.get("/alliances/{slug}", url_name="alliance_detail")
def alliance_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One published alliance: partners, types, domains, SDGs, results, sources, similar."""
    try:
        alliance = views.get_alliance(request, slug)
    except Http404 as error:
        raise HttpError(404, str(error)) from error
    from .search.similar import similar_alliances

    return views.alliance_payload(
        alliance, views.partners_of(alliance), similar_alliances(alliance)
    )


@router.get("/organisations/{id}", url_name="organisation_detail")
def organisation_detail(request: HttpRequest, id: int) -> dict[str, Any]:  # noqa: A002
    """One organisation: profile, identifiers, territory and its published alliances."""
    try:
        organisation, alliances = views.get_organisation(request, id)
    except Http404 as error:
        raise HttpError(404, str(error)) from error
    return views.organisation_payload(organisation, alliances)
