"""API of the library: resources (faceted search) and events (occurrences)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from . import events as event_service
from . import search
from .models import Resource

router = Router(tags=["library"])


class ResourceOut(Schema):
    slug: str = Field(description="Stable identifier, also the page /ressources/<slug>/.")
    kind: str = Field(description="M.E.D.O.C. kind: methode, exemple, donnee, outil, competence.")
    kind_label: str = Field(description="Label of the kind in the active language.")
    title: str = Field(description="Title as published.")
    summary: str = Field(description="Summary written for the platform (French by default).")
    publisher: str
    year: int | None = Field(description="Year of publication, null when unknown.")
    format: str = Field(
        description="guide, report, tool, training, video, webinar (replay), dataset, "
        "platform, article, charter."
    )
    format_label: str
    url: str = Field(description="Link to the resource at its publisher (or a mirror).")
    licence: str = Field(description="Licence of the resource; « non précisée » when unknown.")
    language: str = Field(description="Language code of the resource (fr, en).")
    duration_minutes: int | None = Field(description="Duration in minutes, when known.")
    audience: list[str] = Field(description="Actor profile keys (taxonomy actor_profiles).")
    maturity_levels: list[int] = Field(
        description="Maturity levels 1-4 the resource suits: a reasoned judgement of the "
        "project, not stated by the publisher."
    )
    domains: list[str] = Field(description="Domain keys (taxonomy domains).")
    sdg_goals: list[int] = Field(description="SDG numbers (1-17).")
    source_url: str = Field(description="Where the facts of this record come from.")
    page_url: str = Field(description="The resource's page on this platform.")


class ResourceFacetValueOut(Schema):
    value: str = Field(description="The value to pass to the filter parameter.")
    label: str
    count: int = Field(description="Number of current results with this value.")


class ResourceListOut(Schema):
    count: int = Field(description="Number of resources matching the query (all pages).")
    results: list[ResourceOut]
    facets: dict[str, list[ResourceFacetValueOut]] = Field(
        description="For each filter (kind, format, audience, level, domain, sdg, language), "
        "every known value with its count among the current results."
    )
    ignored: list[str] = Field(
        default_factory=list,
        description="Messages about parameter values that were not understood and ignored.",
    )
    reading: dict[str, Any] = Field(
        default_factory=dict,
        description="How the text was read: synonyms and acronyms met, words corrected, "
        "relaxed (no resource had every word) and semantic (meaning took part).",
    )


class ResourceFilters(Schema):
    q: str = Field(
        "",
        description="Words to find in the title, publisher or summary (accent-insensitive; "
        "each word must start a word of the resource).",
    )
    kind: list[str] = Field([], description="M.E.D.O.C. kind(s); several values mean any of them.")
    format: list[str] = Field([], description="Format(s).")
    audience: list[str] = Field([], description="Actor profile key(s).")
    level: list[str] = Field([], description="Maturity level(s) 1-4.")
    domain: list[str] = Field([], description="Domain key(s).")
    sdg: list[str] = Field([], description="SDG number(s) 1-17.")
    language: list[str] = Field([], description="Language code(s).")
    year_min: int | None = Field(None, description="Published in or after this year.")
    year_max: int | None = Field(None, description="Published in or before this year.")
    sort: str = Field(
        "",
        description="relevance (default with text), title (default without), -year (newest "
        "first) or year.",
    )
    page: int = Field(1, description="Page number from 1; past the end gives the last page.")
    page_size: int = Field(20, description="Results per page, 1-100.")


@router.get(
    "/resources",
    response=ResourceListOut,
    summary="Search the M.E.D.O.C. resources",
    description="Faceted search over the published resources of the library: filters "
    "combine with AND, several values of one filter with OR. Unknown filter values are "
    "ignored and listed in `ignored`.",
)
def list_resources(request: HttpRequest, filters: Query[ResourceFilters]) -> dict:
    # The raw query string goes through the same parser as the HTML page.
    query, known = search.parse(request.GET)
    result = search.run(query, known)
    return {
        "count": result.count,
        "results": [search.resource_row(r, request) for r in result.items],
        "facets": {
            name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for name, values in result.facets.items()
        },
        "ignored": search.problem_messages(query),
        "reading": result.reading.as_dict(),
    }


@router.get(
    "/resources/{slug}",
    response=ResourceOut,
    summary="One resource",
    description="A published resource by its slug.",
)
def get_resource(request: HttpRequest, slug: str) -> dict:
    resource = get_object_or_404(Resource.objects.published(), slug=slug)
    return search.resource_row(resource, request)


class EventOut(Schema):
    uid: str = Field(description="Stable identifier of the event (the iCalendar UID prefix).")
    title: str
    kind: str = Field(description="webinar, jeudi (recurring Thursday session) or other.")
    kind_label: str
    description: str
    start: str = Field(description="Start of this occurrence, ISO 8601 with its UTC offset.")
    end: str | None = Field(description="End of this occurrence, when known.")
    timezone: str = Field(description="Time zone of the event (Europe/Paris).")
    location: str
    online_url: str
    recurrence: str = Field(description="RFC 5545 RRULE of the event, empty when single.")
    replay: str | None = Field(description="Page of the replay resource, when there is one.")
    all_day: bool = Field(description="The source gives the day only (start is midnight).")
    source: str = Field(description="Public page that gives the event, when shipped.")


class EventListOut(Schema):
    count: int
    results: list[EventOut]


@router.get(
    "/events",
    response=EventListOut,
    summary="Event occurrences",
    description="Occurrences of the published events, recurrence rules expanded: upcoming "
    f"ones (next {event_service.UPCOMING_DAYS} days, soonest first) by default, past ones "
    f"(the archive, latest first) with `past=1`. The whole calendar "
    "with its rules is the iCalendar feed /evenements/calendrier.ics.",
)
def list_events(
    request: HttpRequest,
    past: bool = Query(False, description="1 for past occurrences instead of upcoming ones."),
    page: int = Query(1, description="Page number from 1; past the end gives the last page."),
    page_size: int = Query(50, description="Occurrences per page, 1-100."),
) -> dict:
    if not 1 <= page_size <= 100:
        raise HttpError(422, "page_size doit être entre 1 et 100.")
    found = event_service.past() if past else event_service.upcoming()
    last = max(1, -(-len(found) // page_size))
    page = max(1, min(page, last))
    chunk = found[(page - 1) * page_size : page * page_size]
    return {
        "count": len(found),
        "results": [event_service.occurrence_row(o, request) for o in chunk],
    }
