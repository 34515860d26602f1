import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .catalogue import catalogue, datasets


def index(request: HttpRequest) -> HttpResponse:
    return render(request, "opendata/index.html", {"datasets": datasets(request)})


def catalogue_jsonld(request: HttpRequest) -> HttpResponse:
    return HttpResponse(
        json.dumps(catalogue(request), ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
