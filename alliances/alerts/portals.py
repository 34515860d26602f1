"""What a portal and its widget show: the current results of the saved search, every time."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from alliances.base.search.executor import Hit, SearchResult, run_search

from .models import Portal

PORTAL_LIMIT = 20


@dataclass
class PortalResults:
    count: int
    hits: list[Hit]


def current_results(portal: Portal, limit: int) -> PortalResults:
    """The first `limit` published alliances the saved search finds now, in its own order."""
    result: SearchResult = run_search(portal.saved_search.query, with_facets=False, limit=limit)
    return PortalResults(count=result.count, hits=result.alliances)


def visible_portal(request: HttpRequest, slug: str) -> tuple[Portal | None, bool]:
    """The portal and whether the viewer only sees it as its owner (not published).

    An unpublished (or withdrawn) portal exists for its owner only, as a preview.
    """
    portal = Portal.objects.select_related("saved_search__owner").filter(slug=slug).first()
    if portal is None:
        return None, False
    if portal.is_visible:
        return portal, False
    user = request.user
    if user.is_authenticated and portal.saved_search.owner_id == user.pk:
        return portal, True
    return None, False


def portal_payload(request: HttpRequest, portal: Portal, results: PortalResults) -> dict[str, Any]:
    saved = portal.saved_search
    return {
        "slug": portal.slug,
        "title": portal.title,
        "intro": portal.intro,
        "url": request.build_absolute_uri(portal.get_absolute_url()),
        "widget_url": request.build_absolute_uri(reverse("alerts:widget", args=[portal.slug])),
        "search_url": request.build_absolute_uri(saved.search_url),
        "querystring": saved.querystring,
        "count": results.count,
        "results": [hit.row() for hit in results.hits],
    }
