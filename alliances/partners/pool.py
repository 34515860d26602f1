"""The candidates of the suggestions, kept in memory per process and data version (ADR 0157).

What matching compares (an organisation's actor profile, place, domains, past alliances; a
need's or offer's kind, reach, place and domains) is read from the database once, into
`matching.Actor`s grouped by département and région, and kept until the data changes. A
suggestion page then reads only the version (one row) and, after ranking in memory, the
display details of the few it shows.

Versions: every write to what the candidates are made of draws a new value in the
`DataVersion` table (signals connected in `connect()`; bulk loaders that bypass signals call
`bump()`), so every process (web workers, the job worker) sees the change at its next page.
The base search's `index_version()` is part of the key too: any change to the alliances
(and a bulk load, which rebuilds the index) reads the candidates again. What depends on the
clock (a need or offer expiring, a profile going stale) is kept as a date and compared with
the time of the request, never cached as a yes or no.
"""

from __future__ import annotations

import secrets
import threading
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models.signals import m2m_changed, post_delete, post_save

from alliances.base.models import Alliance, Organisation, Partner
from alliances.base.search import index as search_index
from alliances.territories.models import Territory
from alliances.territories.points import point_of

from . import freshness, matching
from .models import Claim, DataVersion, Listing, OrganisationProfile

T = TypeVar("T")
ORGANISATIONS, LISTINGS = "organisations", "listings"


# -- versions ------------------------------------------------------------------------------
def bump(*names: str) -> None:
    """Draw a new version of these parts (both when none is named)."""
    for name in names or (ORGANISATIONS, LISTINGS):
        DataVersion.objects.update_or_create(name=name, defaults={"value": secrets.randbits(62)})


def _versions() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("name", "value"))


_cache: dict[tuple[str, str], tuple[tuple, Any]] = {}
_lock = threading.RLock()


def _per_version(name: str, version: tuple, read: Callable[[], T]) -> T:
    alias = router.db_for_read(Organisation)
    key = (name, str(connections[alias].settings_dict.get("NAME")))
    found = _cache.get(key)
    if found is None or found[0] != version:
        with _lock:
            found = _cache.get(key)
            if found is None or found[0] != version:
                found = (version, read())
                _cache[key] = found
    return found[1]


# -- what is kept ------------------------------------------------------------------------------
class _Places:
    """Territories read once per build as plain rows (codes of the territory and of its
    EPCI, département, région): no model instances, which cost most of a build."""

    FILTER_LIMIT = 500  # beyond this many territories, read them all rather than filter

    def __init__(self, ids: set[int]) -> None:
        rows = Territory.objects.all()
        if len(ids) <= self.FILTER_LIMIT:
            rows = rows.filter(pk__in=ids)
        self.places: dict[int, dict] = {}
        for pk, level, code, epci, departement, region in rows.values_list(
            "pk", "level", "code", "epci__code", "departement__code", "region__code"
        ):
            if pk not in ids:
                continue
            self.places[pk] = {
                "commune": code if level == "commune" else "",
                "epci": code if level == "epci" else (epci or ""),
                "departement": code if level == "departement" else (departement or ""),
                "region": code if level == "region" else (region or ""),
                "point": point_of(level, code),
            }

    def get(self, territory_id: int | None) -> dict:
        return self.places.get(territory_id, {}) if territory_id else {}


@dataclass(frozen=True)
class OrganisationEntry:
    actor: matching.Actor
    synthetic: bool
    represented: bool
    stale_from: datetime | None  # None: never stale (freshness.py)


@dataclass
class Organisations:
    entries: dict[int, OrganisationEntry] = field(default_factory=dict)
    by_departement: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_region: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    ordered: list[int] = field(default_factory=list)  # not synthetic, by id

    def nearby(self, subject: matching.Actor, exclude: int, now: datetime, cap: int) -> list[int]:
        """Organisations in the subject's département (its région for a wider reach; all
        when it has no place), not synthetic, not stale, by id, at most `cap`."""
        if subject.reach in ("region", "national") and subject.region:
            ids = self.by_region.get(subject.region, [])
        elif subject.departement:
            ids = self.by_departement.get(subject.departement, [])
        else:
            ids = self.ordered
        found = []
        for pk in ids:
            entry = self.entries[pk]
            if pk == exclude or (entry.stale_from is not None and entry.stale_from <= now):
                continue
            found.append(pk)
            if len(found) >= cap:
                break
        return found


def _read_organisations() -> Organisations:
    rows = list(Organisation.objects.values_list("pk", "profile__key", "territory_id", "synthetic"))
    places = _Places({r[2] for r in rows if r[2]})
    counts: dict[int, int] = defaultdict(int)
    alliances_of: dict[int, list[int]] = defaultdict(list)
    for org_id, alliance_id in Partner.objects.filter(alliance__status="published").values_list(
        "organisation_id", "alliance_id"
    ):
        counts[org_id] += 1
        alliances_of[org_id].append(alliance_id)
    types_of: dict[int, set[str]] = defaultdict(set)
    through = Alliance.partnership_types.through
    for alliance_id, key in through.objects.filter(alliance__status="published").values_list(
        "alliance_id", "term__key"
    ):
        types_of[alliance_id].add(key)
    domains: dict[int, set[str]] = defaultdict(set)
    for org_id, key in OrganisationProfile.domains.through.objects.values_list(
        "organisationprofile__organisation_id", "term__key"
    ):
        domains[org_id].add(key)
    signs = freshness.last_signs()
    pool = Organisations()
    for pk, profile, territory_id, synthetic in rows:
        types = frozenset(t for a in alliances_of.get(pk, ()) for t in types_of.get(a, ()))
        actor = matching.Actor(
            key=f"organisation:{pk}",
            profile=profile or "",
            domains=frozenset(domains.get(pk, ())),
            alliance_count=counts.get(pk, 0),
            alliance_types=types,
            **places.get(territory_id),
        )
        pool.entries[pk] = OrganisationEntry(
            actor, synthetic, pk in signs, freshness.stale_from(signs.get(pk))
        )
        if synthetic:
            continue
        pool.ordered.append(pk)
        if actor.departement:
            pool.by_departement[actor.departement].append(pk)
        if actor.region:
            pool.by_region[actor.region].append(pk)
    pool.ordered.sort()
    for ids in (*pool.by_departement.values(), *pool.by_region.values()):
        ids.sort()
    pool.by_departement = dict(pool.by_departement)
    pool.by_region = dict(pool.by_region)
    return pool


@dataclass(frozen=True)
class ListingEntry:
    actor: matching.Actor
    pk: int
    organisation_id: int
    expires_at: datetime
    order: tuple  # the lists' order: newest published first


@dataclass
class Listings:
    """The published needs and offers (expired ones are left out at request time)."""

    by_direction: dict[str, list[ListingEntry]] = field(default_factory=dict)
    by_departement: dict[tuple[str, str], list[ListingEntry]] = field(default_factory=dict)
    by_region: dict[tuple[str, str], list[ListingEntry]] = field(default_factory=dict)
    wide: dict[str, list[ListingEntry]] = field(default_factory=dict)  # national or no place

    def near(
        self,
        subject: matching.Actor,
        direction: str,
        exclude_organisation: int,
        now: datetime,
        cap: int,
    ) -> list[ListingEntry]:
        """Open ones in the subject's département or région (by the subject's reach), the
        national ones and those without a place; everywhere for a national subject."""
        if subject.reach == "national" or not subject.region:
            rows = self.by_direction.get(direction, [])
        else:
            if subject.reach != "region" and subject.departement:
                area = self.by_departement.get((direction, subject.departement), [])
            else:
                area = self.by_region.get((direction, subject.region), [])
            merged = {x.pk: x for x in (*area, *self.wide.get(direction, []))}
            rows = sorted(merged.values(), key=lambda x: x.order)
        found = []
        for x in rows:
            if x.organisation_id == exclude_organisation or x.expires_at <= now:
                continue
            found.append(x)
            if len(found) >= cap:
                break
        return found


def _read_listings(organisations: Organisations) -> Listings:
    rows = list(
        Listing.objects.filter(status=Listing.Status.PUBLISHED).values_list(
            "pk",
            "organisation_id",
            "direction",
            "kind",
            "reach",
            "territory_id",
            "expires_at",
            "published_at",
        )
    )
    places = _Places({r[5] for r in rows if r[5]})
    domains: dict[int, set[str]] = defaultdict(set)
    for listing_id, key in Listing.domains.through.objects.filter(
        listing__status=Listing.Status.PUBLISHED
    ).values_list("listing_id", "term__key"):
        domains[listing_id].add(key)
    entries = []
    for pk, org_id, direction, kind, reach, territory_id, expires_at, published_at in rows:
        owner = organisations.entries.get(org_id)
        own_place = places.get(territory_id)
        place = own_place or (
            {
                k: getattr(owner.actor, k)
                for k in ("commune", "epci", "departement", "region", "point")
            }
            if owner
            else {}
        )
        actor = matching.Actor(
            key=f"listing:{pk}",
            profile=owner.actor.profile if owner else "",
            domains=frozenset(domains.get(pk, ())),
            alliance_count=owner.actor.alliance_count if owner else 0,
            alliance_types=owner.actor.alliance_types if owner else frozenset(),
            kind=kind,
            reach=reach,
            **place,
        )
        stamp = published_at.timestamp() if published_at else float("-inf")
        entries.append(
            (
                ListingEntry(actor, pk, org_id, expires_at, (-stamp, -pk)),
                direction,
                own_place,
                reach,
            )
        )
    entries.sort(key=lambda e: e[0].order)
    pool = Listings()
    for entry, direction, own_place, reach in entries:
        pool.by_direction.setdefault(direction, []).append(entry)
        if reach == Listing.Reach.NATIONAL or not own_place:
            pool.wide.setdefault(direction, []).append(entry)
        if own_place.get("departement"):
            pool.by_departement.setdefault((direction, own_place["departement"]), []).append(entry)
        if own_place.get("region"):
            pool.by_region.setdefault((direction, own_place["region"]), []).append(entry)
    return pool


def _keys() -> tuple[tuple, tuple]:
    versions = _versions()
    alliances = search_index.index_version()
    organisations = (versions.get(ORGANISATIONS, 0), alliances)
    return organisations, (*organisations, versions.get(LISTINGS, 0))


def listings_version() -> tuple:
    """What the open needs and offers, and the organisations they show, are as of now: it
    changes with any write to them (another process's included) or to the alliances."""
    return _keys()[1]


def current() -> tuple[Organisations, Listings]:
    """The candidates as of now (read again only when a version changed)."""
    org_key, listing_key = _keys()
    organisations = _per_version(ORGANISATIONS, org_key, _read_organisations)
    listings = _per_version(LISTINGS, listing_key, lambda: _read_listings(organisations))
    return organisations, listings


def clear() -> None:
    """Forget what this process keeps (tests that write behind the signals' back)."""
    with _lock:
        _cache.clear()


# -- signals ------------------------------------------------------------------------------
def _organisations_changed(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw") or not kwargs.get("action", "post").startswith("post"):
        return
    bump(ORGANISATIONS)


def _listings_changed(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw") or not kwargs.get("action", "post").startswith("post"):
        return
    bump(LISTINGS)


def _user_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    # Whether a representative's account is active decides whether a profile is represented.
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and set(fields) <= {"last_login"}):
        return
    if Claim.objects.filter(user_id=instance.pk).exists():
        bump(ORGANISATIONS)


def connect() -> None:
    # The alliances, their partners and types: the search index's version covers them (its
    # signals re-index on every save, and a bulk load rebuilds the index).
    for model in (Organisation, OrganisationProfile, Claim):
        post_save.connect(_organisations_changed, sender=model, dispatch_uid=f"pool-{model}")
        post_delete.connect(_organisations_changed, sender=model, dispatch_uid=f"pool-d-{model}")
    m2m_changed.connect(
        _organisations_changed,
        sender=OrganisationProfile.domains.through,
        dispatch_uid="pool-profile-domains",
    )
    post_save.connect(_listings_changed, sender=Listing, dispatch_uid="pool-listing")
    post_delete.connect(_listings_changed, sender=Listing, dispatch_uid="pool-d-listing")
    m2m_changed.connect(
        _listings_changed, sender=Listing.domains.through, dispatch_uid="pool-listing-domains"
    )
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="pool-user")
