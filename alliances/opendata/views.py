import json
from datetime import datetime

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from .catalogue import catalogue, datasets
from .registry import iati_xml, registry_csv
from .registry_data import publisher_ref, registry_activities


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "opendata/index.html",
        {
            "datasets": datasets(request),
            "iati_ref": publisher_ref(request),
            "iati_ref_is_set": bool(settings.ALLIANCES_IATI_ORG_REF),
        },
    )


def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(catalogue(request), ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )


def _registry(request: HttpRequest) -> tuple[list, datetime]:
    from alliances.base.search.query import parse_query

    query, _notices = parse_query(request.GET)  # the search's filters narrow the export
    return registry_activities(query, request.build_absolute_uri("/")[:-1]), timezone.now()


def registry_iati(request: HttpRequest) -> HttpResponse:
    """The published alliances as IATI 2.03 activities, SDG goals and targets as tags."""
    activities, now = _registry(request)
    body = iati_xml(
        activities,
        publisher_ref=publisher_ref(request),
        publisher_name=settings.ALLIANCES_PUBLISHER_NAME,
        publisher_type=settings.ALLIANCES_IATI_ORG_TYPE,
        own_vocabulary_uri=request.build_absolute_uri(
            reverse("referentials:taxonomy", args=["domains"])
        ),
        generated=now,
    )
    response = HttpResponse(body, content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="alliances-iati.xml"'
    return response


def registry_csv_view(request: HttpRequest) -> HttpResponse:
    """The published alliances, one row each, with their SDG goals and target codes."""
    activities, now = _registry(request)
    body = registry_csv(activities, publisher_ref(request), timezone.localdate(now))
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="alliances-odd-registre.csv"'
    return response
