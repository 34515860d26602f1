from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from alliances.common.twins import list_response

from . import events as event_service
from . import search
from .models import Resource


def index(request: HttpRequest) -> HttpResponse:
    """/ressources/: the faceted search over the library (plain GET form)."""
    query, known = search.parse(request.GET)
    result = search.run(query, known)
    rows = [search.resource_row(r, request) for r in result.items]
    base = request.path
    context = {
        "result": result,
        "query": result.query,
        "notices": search.problem_messages(query) + result.reading.messages(),
        # Only values present in the results (or chosen) are offered; an empty facet is
        # left out rather than shown as an empty box.
        "facets": [
            (name, search.FACET_LABELS[name], shown)
            for name, values in result.facets.items()
            if (shown := [v for v in values if v.count or v.selected])
        ],
        "sort_choices": list(search.SORT_LABELS.items()),
        "previous_url": (
            f"{base}?{urlencode(result.query.to_params(result.page - 1))}"
            if result.has_previous
            else ""
        ),
        "next_url": (
            f"{base}?{urlencode(result.query.to_params(result.page + 1))}"
            if result.has_next
            else ""
        ),
        "page_sizes": (10, 20, 50, 100),
    }
    return list_response(
        request, "library/index.html", context, rows, search.ROW_COLUMNS, "ressources"
    )


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    resource = get_object_or_404(
        Resource.objects.prefetch_related("audience", "domains", "sdg_goals"), slug=slug
    )
    if not resource.is_public:
        raise Http404
    replays = resource.events.filter(published=True).order_by("-start")
    return render(
        request, "library/detail.html", {"resource": resource, "replay_of": list(replays)}
    )


def events(request: HttpRequest) -> HttpResponse:
    """/evenements/: upcoming occurrences (rules expanded, bounded window) and past ones."""
    upcoming = event_service.upcoming()
    past = event_service.past()
    rows = [
        {"period": "upcoming", **event_service.occurrence_row(o, request)} for o in upcoming
    ] + [{"period": "past", **event_service.occurrence_row(o, request)} for o in past]
    context = {
        "upcoming": upcoming,
        "past": past,
        "upcoming_days": event_service.UPCOMING_DAYS,
    }
    return list_response(
        request,
        "library/events.html",
        context,
        rows,
        ["period", *event_service.ROW_COLUMNS],
        "evenements",
    )


def calendar_feed(request: HttpRequest) -> HttpResponse:
    cal = event_service.calendar(host=request.get_host().split(":")[0] or "alliances")
    response = HttpResponse(cal.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="alliances-evenements.ics"'
    return response
