"""API of the base: /api/v1/alliances, /api/v1/alliances/{slug}, /api/v1/organisations/{id}.

The list declares its query parameters from the search's filter table and runs them through
the same service as the search page (`search.service.search_request`), so a parameter repeated
(?domain=a&domain=b) means "a or b", a malformed
or unknown value is ignored with a notice instead of failing, and a page past the end gives
the last page.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import create_model

from .payloads import alliance_payload, organisation_payload, search_payload
from .search.filters import table
from .search.service import search_request
from .search.similar import similar_alliances
from .services import get_alliance, get_organisation, partners_of

router = Router(tags=["base"])


def _filters_schema() -> type[Schema]:
    """The query parameters of the search, declared by the filter table (one field per URL
    parameter, repeated parameters as lists), plus text, sort, page and drafts."""
    fields: dict[str, Any] = {
        "q": (
            str,
            Field(
                "",
                description="Text: French, accent-insensitive, stemmed; last word prefix. "
                "Places named in it (town, département name or number, région, postcode) "
                "filter the results; acronyms, English words and typos are understood; "
                "see `reading` in the answer.",
            ),
        ),
    }
    for search_filter in table().filters:
        for api in search_filter.api_fields():
            kind = list[str] if api.many else str
            fields[api.param] = (kind, Field([] if api.many else "", description=api.description))
    fields["sort"] = (str, Field("", description="relevance (default with text), date or title."))
    fields["page"] = (
        str,
        Field("", description="Page number from 1 (past the end: the last page)."),
    )
    fields["page_size"] = (
        str,
        Field("", description="Results per page (default 20, at most 100)."),
    )
    fields["drafts"] = (
        str,
        Field("", description="1: also drafts and reviews (curators signed in only)."),
    )
    fields["exact"] = (
        str,
        Field(
            "",
            description="1: search the words as typed (no place read in them, no typo corrected).",
        ),
    )
    return create_model("AllianceFilters", __base__=Schema, **fields)


AllianceFilters = _filters_schema()


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
    note: str = Field(
        "",
        description="In `covering`: the alliance's scale (\"à l'échelle de la région\", "
        '"nationale"); in `nearby`: where it is and how far.',
    )
    distance_km: float | None = Field(
        None, description="In `nearby`: distance between the centroids of the territories."
    )


class PlaceReadOut(Schema):
    typed: str = Field(description="The words read as a place.")
    label: str = Field(description='The place, e.g. "Gers (32)".')
    territories: list[str] = Field(description='Its territory filter values ("departement:32").')


class PlaceChoiceOut(Schema):
    typed: str
    label: str = Field(description="One territory the words may name.")
    query: str = Field(description="The query string searching that territory only.")


class SynonymReadOut(Schema):
    typed: str
    key: str
    label: str
    names: list[str] = Field(description="Every name searched for it.")


class CorrectionOut(Schema):
    typed: str
    corrected: str
    query: str = Field(description="The query string searching the words as typed (exact=1).")


class ReadingOut(Schema):
    text: list[str] = Field(description="What was searched as text (after places were read).")
    places: list[PlaceReadOut] = Field(description="Places recognised in the text (filters).")
    place_choices: list[PlaceChoiceOut] = Field(
        description="For a place name several territories share: each, as its own search."
    )
    synonyms: list[SynonymReadOut] = Field(
        description="Acronyms and synonyms met (each matches all its names)."
    )
    corrections: list[CorrectionOut] = Field(description="Words corrected (typos).")
    relaxed: bool = Field(
        description="No alliance had every word: the results are the closest partial matches."
    )
    semantic: bool = Field(
        description="Whether meaning (multilingual embeddings) took part in this search."
    )
    exact: bool = Field(description="Words searched as typed (exact=1).")


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
        description=f"Counts per value for {', '.join(table().facet_names)}: "
        "each facet applies every other active filter."
    )
    notices: list[str] = Field(description="What was ignored in the request, and why.")
    suggestions: list[SuggestionOut] = Field(
        description="For an empty result: the filters whose removal gives results."
    )
    covering: dict[str, Any] | None = Field(
        None,
        description="For a place (filter or text): the alliances of the territories that "
        "cover it (EPCI, département, région, nation; count and first results, each with its "
        "scale in `note`).",
    )
    nearby: list[AllianceSummaryOut] | None = Field(
        None,
        description="For a place with few results: alliances of the nearest départements, "
        "closest first (distance between centroids).",
    )
    reading: ReadingOut = Field(description="How the text was read.")


@router.get("/alliances", response=AllianceListOut, url_name="list_alliances")
def list_alliances(request: HttpRequest, filters: Query[AllianceFilters]) -> dict[str, Any]:  # type: ignore[valid-type]
    """Search the published alliances: text, filters, facets, sort and pages."""
    return search_payload(search_request(filters.dict(), request.user))


@router.get("/alliances/{slug}", url_name="alliance_detail")
def alliance_detail(request: HttpRequest, slug: str) -> dict[str, Any]:
    """One published alliance: partners, types, domains, SDGs, results, sources, similar."""
    try:
        alliance = get_alliance(request.user, slug)
    except Http404 as error:
        raise HttpError(404, str(error)) from error
    return alliance_payload(alliance, partners_of(alliance), similar_alliances(alliance))


@router.get("/organisations/{id}", url_name="organisation_detail")
def organisation_detail(request: HttpRequest, id: int) -> dict[str, Any]:  # noqa: A002
    """One organisation: profile, identifiers, territory and its published alliances."""
    try:
        organisation, alliances = get_organisation(request.user, id)
    except Http404 as error:
        raise HttpError(404, str(error)) from error
    return organisation_payload(organisation, alliances)
