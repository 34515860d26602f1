"""What a saved search searches: the base's alliances, or the needs and offers of "Faire
alliance" (ADR 0146).

A saved search stores its target beside its query string. Each target says how its query
string is made canonical, how many results it has now, and which results are new for an alert;
this part reads the other parts below it (dependencies flow one way: alerts → partners, base).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from alliances.base.search.executor import notice_message, search_count, search_queryset
from alliances.partners import search as listing_search

from .querystrings import canonical_querystring, query_of

ALLIANCES, LISTINGS = "alliances", "listings"
SUMMARY_CHARS = 300


@dataclass(frozen=True)
class NewItem:
    title: str
    url: str  # relative to the site
    summary: str


@dataclass(frozen=True)
class Target:
    key: str
    label: Any  # lazy: "alliances", "besoins et propositions"
    url_name: str  # the search page
    canonical: Callable[[Mapping[str, Any]], tuple[str, list[str]]]  # query string, messages
    count: Callable[[str], int]
    new_items: Callable[[str, datetime, datetime], list[NewItem]]
    email_template: str
    portals: bool  # whether a portal may publish it

    def search_url(self, querystring: str) -> str:
        url = reverse(self.url_name)
        return f"{url}?{querystring}" if querystring else url


def summary_of(text: str) -> str:
    return Truncator(" ".join((text or "").split())).chars(SUMMARY_CHARS)


def _alliance_canonical(params: Mapping[str, Any]) -> tuple[str, list[str]]:
    querystring, notices = canonical_querystring(params)
    return querystring, [notice_message(n) for n in notices if n.code != "dropped"]


def new_alliances(querystring: str, since: datetime, until: datetime) -> list:
    """The published alliances the search finds, first published in (since, until]."""
    return list(
        search_queryset(query_of(querystring))
        .filter(published_at__gt=since, published_at__lte=until)
        .order_by("-published_at", "pk")
        .only("slug", "title", "summary", "published_at")
    )


def _alliance_items(querystring: str, since: datetime, until: datetime) -> list[NewItem]:
    return [
        NewItem(a.title, a.get_absolute_url(), summary_of(a.summary))
        for a in new_alliances(querystring, since, until)
    ]


def _listing_items(querystring: str, since: datetime, until: datetime) -> list[NewItem]:
    return [
        NewItem(
            f"{x.get_direction_display().capitalize()} · {x.title} — {x.organisation.name}",
            x.get_absolute_url(),
            summary_of(x.description),
        )
        for x in listing_search.published_between(querystring, since, until)
    ]


TARGETS: dict[str, Target] = {
    ALLIANCES: Target(
        key=ALLIANCES,
        label=_("alliances"),
        url_name="base:search",
        canonical=_alliance_canonical,
        count=lambda querystring: search_count(query_of(querystring)),
        new_items=_alliance_items,
        email_template="alerts/email/alert.txt",
        portals=True,
    ),
    LISTINGS: Target(
        key=LISTINGS,
        label=_("besoins et propositions"),
        url_name="partners:index",
        canonical=listing_search.canonical_querystring,
        count=listing_search.count_of,
        new_items=_listing_items,
        email_template="alerts/email/alert_listings.txt",
        portals=False,
    ),
}
CHOICES = [(key, target.label) for key, target in TARGETS.items()]


def target_of(key: str) -> Target:
    """The target of a stored key (an unknown one reads as the alliances)."""
    return TARGETS.get(key, TARGETS[ALLIANCES])


def requested(params: Mapping[str, Any]) -> Target:
    """The target a "save this search" link asks for (`cible`), the alliances by default."""
    return TARGETS.get(str(params.get("cible", "")), TARGETS[ALLIANCES])
