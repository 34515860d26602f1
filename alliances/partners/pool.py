"""The candidates of the suggestions, kept in memory per process (ADR 0157, 0165).

What matching compares (an organisation's actor profile, place, domains, past alliances; a
need's or offer's kind, reach, place and domains) is read from the database once, into
`matching.Actor`s grouped by département and région, and kept. A suggestion page then reads
only what changed since and, after ranking in memory, the display details of the few it
shows.

What changed, seen by every process (web workers, the job worker):
- each write of an organisation, its profile and domains, a claim, an account that
  represents one, a need or offer and its domains appends a row to `PoolChange` (signals in
  `connect()`); at its next page a process reads the rows it has not applied yet and reads
  again only those organisations (and their needs and offers) and those needs and offers;
- a write to the alliances changes the past alliances of their partners: each re-index of
  some alliances (`index.alliances_indexed`: a save, a loader's or an import's batch)
  appends, in its own transaction, a row for each organisation that is a partner of them
  now, and a partner deleted or moved to another organisation one for the organisation it
  leaves; those organisations are read again, alone (at 1,000,000 alliances, reading the
  experience of every organisation kept a visitor 5 to 9 s after any save, ADR 0192);
- a rebuild of the whole index (a bulk load), or a re-index of more alliances than
  CHANGES_AT_MOST, appends one `EXPERIENCE` row: the experience of every organisation is
  read again and only the organisations whose experience differs, or that are new, are;
- bulk writers that send no signal call `bump()`, which draws a new value in the
  `DataVersion` table: every process then reads everything again, as before ADR 0165.
What depends on the clock (a need or offer expiring, a profile going stale) is kept as a
date and compared with the time of the request, never cached as a yes or no.
"""

from __future__ import annotations

import bisect
import itertools
import secrets
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Max, Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from alliances.base.models import Alliance, Organisation, Partner
from alliances.base.search import index as search_index
from alliances.base.search.index import alliances_indexed
from alliances.common.memory import small_page_cache
from alliances.territories.models import Territory
from alliances.territories.points import point_of

from . import freshness, matching
from .models import Claim, DataVersion, Listing, OrganisationProfile, PoolChange

ORGANISATIONS, LISTINGS = "organisations", "listings"
EXPERIENCE = "experience"  # a change row of this part: compare every organisation's experience
# A change row is read again for this long after it was written, in case its transaction
# committed after a later one (PostgreSQL hands out ids at insert, not at commit).
LATE_COMMIT = timedelta(minutes=2)
KEEP_CHANGES = timedelta(days=1)  # `prune` deletes older rows; a process idle longer rereads
# Above this many rows changed at once, read everything again: fewer queries than reading
# them by id, and the ids stay within every database's limit of parameters per query.
CHANGES_AT_MOST = 900


# -- versions and changes -------------------------------------------------------------------
def bump(*names: str) -> None:
    """Draw a new version of these parts (both when none is named): every process reads
    them again in full (bulk writes that send no signal)."""
    for name in names or (ORGANISATIONS, LISTINGS):
        DataVersion.objects.update_or_create(name=name, defaults={"value": secrets.randbits(62)})


def note(part: str, ids: Iterable[int]) -> None:
    """Say that these rows were written (signals): processes read them again at their next
    page, and only them."""
    PoolChange.objects.bulk_create([PoolChange(part=part, row_id=pk) for pk in set(ids)])


def prune(now: datetime | None = None) -> int:
    """Delete the change rows older than KEEP_CHANGES (the daily follow-ups)."""
    limit = (now or timezone.now()) - KEEP_CHANGES
    return PoolChange.objects.filter(at__lt=limit).delete()[0]


def _versions() -> dict[str, int]:
    return dict(DataVersion.objects.values_list("name", "value"))


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


class _Copies:
    """Copy-on-write of the grouped lists: a change copies only the lists it touches, so a
    page ranking from the previous state (another thread) never sees a list half changed."""

    def __init__(self, groups: dict) -> None:
        self.groups = dict(groups)
        self.copied: set = set()

    def list(self, key: Any) -> list:
        if key not in self.copied:
            self.groups[key] = list(self.groups.get(key, ()))
            self.copied.add(key)
        return self.groups[key]


@dataclass(frozen=True, slots=True)
class OrganisationEntry:
    """What the pool knows of one organisation, made when asked (`Organisations.entry`)."""

    actor: matching.Actor
    synthetic: bool
    represented: bool
    stale_from: datetime | None  # None: never stale (freshness.py)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEVER = np.iinfo(np.int64).max  # stale_from of an organisation that never goes stale


def _microseconds(moment: datetime | None) -> int:
    """A moment as whole microseconds since 1970 (exact, unlike a float timestamp)."""
    return _NEVER if moment is None else (moment - _EPOCH) // timedelta(microseconds=1)


def _ids(values: Iterable[int]) -> np.ndarray:
    return np.fromiter(values, np.int64)


def _merged(ids: np.ndarray, removed: np.ndarray, added: list[int]) -> np.ndarray:
    """These ascending ids without `removed`, with `added`, ascending."""
    kept = ids[~np.isin(ids, removed)] if len(removed) else ids
    return np.union1d(kept, _ids(added)) if added else kept


class _ByOrganisation(Mapping):
    """{organisation id: what `make` gives for it} over the pool's columns, made when read
    (`Organisations.entries` and `rows`)."""

    def __init__(self, organisations: Organisations, make: Callable[[int], Any]) -> None:
        self._of, self._make = organisations, make

    def __getitem__(self, pk: int) -> Any:
        found = self._make(pk)
        if found is None:
            raise KeyError(pk)
        return found

    def __contains__(self, pk: object) -> bool:
        return isinstance(pk, int) and self._of.row_of(pk) is not None

    def __iter__(self) -> Iterator[int]:
        return iter(self._of.ids.tolist())

    def __len__(self) -> int:
        return len(self._of.ids)


@dataclass(frozen=True)
class Organisations:
    """The candidate organisations as columns, not as one Python object each (ADR 0190): at
    1,000,000 alliances the 250,000 organisations' entries, Actors, keys and row numbers held
    about 100 MB of a process's memory; these arrays hold about 25 (tracemalloc).

    `ids` are the organisations held, ascending, and `at` each one's current row in `table`
    (rows are only appended: a changed organisation gets a new row). `synthetic`,
    `represented` and `stale_from` are by row. The groups hold the ids of those not
    synthetic, ascending."""

    table: matching.Table = field(default_factory=matching.Table)
    ids: np.ndarray = field(default_factory=lambda: _ids(()))
    at: np.ndarray = field(default_factory=lambda: _ids(()))
    synthetic: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    represented: np.ndarray = field(default_factory=lambda: np.empty(0, bool))
    stale_from: np.ndarray = field(default_factory=lambda: _ids(()))  # µs since 1970
    ordered: np.ndarray = field(default_factory=lambda: _ids(()))  # not synthetic
    by_departement: dict[str, np.ndarray] = field(default_factory=dict)
    by_region: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def entries(self) -> Mapping[int, OrganisationEntry]:
        return _ByOrganisation(self, self.entry)

    @property
    def rows(self) -> Mapping[int, int]:
        return _ByOrganisation(self, self.row_of)

    def row_of(self, pk: int) -> int | None:
        """The current row of this organisation in `table`, or None if not held."""
        at = int(np.searchsorted(self.ids, pk))
        if at < len(self.ids) and self.ids[at] == pk:
            return int(self.at[at])
        return None

    def entry(self, pk: int) -> OrganisationEntry | None:
        row = self.row_of(pk)
        if row is None:
            return None
        stale = int(self.stale_from[row])
        return OrganisationEntry(
            self.table.actor(row),
            bool(self.synthetic[row]),
            bool(self.represented[row]),
            None if stale == _NEVER else _EPOCH + timedelta(microseconds=stale),
        )

    def nearby(self, subject: matching.Actor, exclude: int, now: datetime, cap: int) -> list[int]:
        """Organisations in the subject's département (its région for a wider reach; all
        when it has no place), not synthetic, not stale, by id, at most `cap`."""
        if subject.reach in ("region", "national") and subject.region:
            ids = self.by_region.get(subject.region, _ids(()))
        elif subject.departement:
            ids = self.by_departement.get(subject.departement, _ids(()))
        else:
            ids = self.ordered
        found: list[int] = []
        limit = _microseconds(now)
        step = max(cap, 1) * 4  # most are kept: few slices
        for start in range(0, len(ids), step):
            chunk = ids[start : start + step]
            rows = self.at[np.searchsorted(self.ids, chunk)]
            fresh = chunk[(chunk != exclude) & (self.stale_from[rows] > limit)]
            found += fresh[: cap - len(found)].tolist()
            if len(found) >= cap:
                break
        return found

    def _groups(
        self, found: dict[int, OrganisationEntry], removed: np.ndarray
    ) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        """The groups with the removed ids out and the found ones in (only the groups they
        touch are made again; the others are shared with this pool)."""
        touched: dict[str, dict[str, list[int]]] = {"departement": {}, "region": {}}
        for pk in removed.tolist():
            row = self.row_of(pk)
            if row is not None and not self.synthetic[row]:
                for name in touched:
                    if code := self.table.place(name, row):
                        touched[name].setdefault(code, [])
        for pk, entry in found.items():
            if not entry.synthetic:
                for name in touched:
                    if code := getattr(entry.actor, name):
                        touched[name].setdefault(code, []).append(pk)
        groups = []
        for name, held in (("departement", self.by_departement), ("region", self.by_region)):
            made = dict(held)
            for code, added in touched[name].items():
                made[code] = _merged(held.get(code, _ids(())), removed, added)
            groups.append(made)
        return groups[0], groups[1]

    def changed(self, found: dict[int, OrganisationEntry], gone: set[int]) -> Organisations:
        """A new pool with these entries written and these removed (this one is unchanged)."""
        removed = np.unique(_ids(gone | found.keys()))
        table = self.table.extended([entry.actor for entry in found.values()])
        ids = np.concatenate([self.ids[~np.isin(self.ids, removed)], _ids(found)])
        at = np.concatenate(
            [self.at[~np.isin(self.ids, removed)], np.arange(len(self.table), len(table))]
        )
        order = np.argsort(ids, kind="stable")
        by_departement, by_region = self._groups(found, removed)
        entries = found.values()
        return Organisations(
            table,
            ids[order],
            at[order],
            np.concatenate([self.synthetic, np.fromiter((e.synthetic for e in entries), bool)]),
            np.concatenate([self.represented, np.fromiter((e.represented for e in entries), bool)]),
            np.concatenate([self.stale_from, _ids(_microseconds(e.stale_from) for e in entries)]),
            _merged(self.ordered, removed, [pk for pk, e in found.items() if not e.synthetic]),
            by_departement,
            by_region,
        )


class Experience(Mapping[int, tuple[int, frozenset[str]]]):
    """{organisation id: (published alliances, their partnership types)}, held as two arrays
    indexed by organisation id (the count, and the types as the bits of one number) rather
    than as one dict entry per organisation; organisations without a published alliance are
    not in it."""

    def __init__(
        self, counts: np.ndarray, held: np.ndarray, sets: dict[int, frozenset[str]]
    ) -> None:
        self._counts, self._held, self._sets = counts, held, sets

    def __getitem__(self, pk: int) -> tuple[int, frozenset[str]]:
        if not 0 <= pk < len(self._counts) or not self._counts[pk]:
            raise KeyError(pk)
        return int(self._counts[pk]), self._sets[int(self._held[pk])]

    def __iter__(self) -> Iterator[int]:
        return iter(np.flatnonzero(self._counts).tolist())

    def __len__(self) -> int:
        return int(np.count_nonzero(self._counts))


MAX_TYPES = 63  # bits of the int64 mask (the referential has 8 partnership types)


def _batches(rows: Iterator[tuple], size: int) -> Iterator[list[tuple]]:
    while batch := list(itertools.islice(rows, size)):
        yield batch


def _types_by_alliance(through: Any, top: int) -> tuple[np.ndarray, dict[str, int]]:
    """The partnership types of each alliance up to id `top`, as bits, by alliance id."""
    bits: dict[str, int] = {}
    types_of = np.zeros(top + 1, dtype=np.int64)
    rows = through.values_list("alliance_id", "term__key").iterator(STREAMED)
    for batch in _batches(rows, STREAMED):
        masks = [bits.setdefault(key, 1 << len(bits)) for _alliance, key in batch]
        if len(bits) > MAX_TYPES:
            raise ValueError(f"more than {MAX_TYPES} partnership types: widen the mask")
        alliances = np.fromiter((a for a, _key in batch), np.int64, len(batch))
        np.bitwise_or.at(types_of, alliances, np.asarray(masks, dtype=np.int64))
    return types_of, bits


def _experience(ids: set[int] | None = None) -> Experience:
    """The experience of these organisations (of all when None)."""
    return _all_experience() if ids is None else _experience_of(ids)


BY_ID = 900  # ids in one query: within every database's limit of parameters


def _by_id(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(ids)
    for start in range(0, len(ordered), BY_ID):
        yield ordered[start : start + BY_ID]


def _experience_of(ids: set[int]) -> Experience:
    """The experience of a few organisations (those a write changed), read from their own
    partner rows, then their alliances and types by id. Joined from the alliances instead,
    the query had SQLite walk every published alliance: 2.9 s for the partners of one
    alliance at 1,000,000 alliances, against 7 ms (bench/RESULTS.md)."""
    pairs = [
        pair
        for chunk in _by_id(ids)
        for pair in Partner.objects.filter(organisation_id__in=chunk)
        .order_by()
        .values_list("organisation_id", "alliance_id")
    ]
    published = {
        pk
        for chunk in _by_id({alliance for _organisation, alliance in pairs})
        for pk in Alliance.objects.filter(pk__in=chunk, status="published").values_list(
            "pk", flat=True
        )
    }
    through = Alliance.partnership_types.through.objects
    types: dict[int, set[str]] = defaultdict(set)
    for chunk in _by_id(published):
        rows = through.filter(alliance_id__in=chunk).order_by()
        for alliance, key in rows.values_list("alliance_id", "term__key"):
            types[alliance].add(key)
    size = max(ids, default=0) + 1
    counts = np.zeros(size, dtype=np.int32)
    held = np.zeros(size, dtype=np.int64)
    bits: dict[str, int] = {}
    for organisation, alliance in pairs:
        if alliance in published:
            counts[organisation] += 1
            for key in types.get(alliance, ()):
                held[organisation] |= bits.setdefault(key, 1 << len(bits))
    if len(bits) > MAX_TYPES:
        raise ValueError(f"more than {MAX_TYPES} partnership types: widen the mask")
    return Experience(counts, held, _type_sets(held, counts, bits))


def _type_sets(held: np.ndarray, counts: np.ndarray, bits: dict[str, int]) -> dict:
    """One set of type keys for each combination of bits held (shared by the organisations)."""
    return {
        mask: frozenset(key for key, bit in bits.items() if mask & bit)
        for mask in np.unique(held[counts > 0]).tolist()
    }


def _all_experience() -> Experience:
    """The experience of every organisation.

    The rows are streamed `STREAMED` at a time into arrays indexed by alliance and by
    organisation id: with every row read into lists first, the five million partners of
    1,000,000 alliances took a process to 2.6 GB (bench/RESULTS.md); with a dict per
    alliance and per organisation, the read still added some 200 MB to a worker's peak
    (bench/worker_memory.py --warm-steps). Organisations with the same types share one set."""
    top_alliance = Alliance.objects.aggregate(top=Max("pk"))["top"] or 0
    top_organisation = Organisation.objects.aggregate(top=Max("pk"))["top"] or 0
    # Rows written after these maxima wait for the next read (the pool's changes log).
    partners = Partner.objects.filter(
        alliance__status="published", alliance_id__lte=top_alliance
    ).filter(organisation_id__lte=top_organisation)
    through = Alliance.partnership_types.through.objects.filter(
        alliance__status="published", alliance_id__lte=top_alliance
    )
    types_of, bits = _types_by_alliance(through.order_by(), top_alliance)
    counts = np.zeros(top_organisation + 1, dtype=np.int32)
    held = np.zeros(top_organisation + 1, dtype=np.int64)
    rows = partners.order_by().values_list("organisation_id", "alliance_id").iterator(STREAMED)
    for batch in _batches(rows, STREAMED):
        pairs = np.asarray(batch, dtype=np.int64).reshape(-1, 2)
        np.add.at(counts, pairs[:, 0], 1)
        np.bitwise_or.at(held, pairs[:, 0], types_of[pairs[:, 1]])
    return Experience(counts, held, _type_sets(held, counts, bits))


STREAMED = 20_000  # rows fetched at a time


CHUNK = 20_000  # organisations made into entries, then columns, at a time


def _organisation_chunks(ids: set[int] | None = None) -> Iterator[dict[int, OrganisationEntry]]:
    """The entries of these organisations (of all when None) as the database has them now,
    by id, `CHUNK` at a time (the columns hold them; the entries of all at once would be the
    peak of a full read); an id that no longer exists is absent."""
    rows = Organisation.objects.order_by("pk")
    profiles = OrganisationProfile.domains.through.objects.all()
    if ids is not None:
        rows = rows.filter(pk__in=ids)
        profiles = profiles.filter(organisationprofile__organisation_id__in=ids)
    rows = list(rows.values_list("pk", "profile__key", "territory_id", "synthetic"))
    places = _Places({r[2] for r in rows if r[2]})
    experience = _experience(ids)
    domains: dict[int, set[str]] = defaultdict(set)
    for org_id, key in profiles.values_list("organisationprofile__organisation_id", "term__key"):
        domains[org_id].add(key)
    signs = freshness.last_signs(None if ids is None else list(ids))
    # One object for each profile and each set of domains, shared by the organisations.
    profiles_held: dict[str, str] = {}
    domain_sets: dict[frozenset[str], frozenset[str]] = {}
    for start in range(0, len(rows), CHUNK):
        entries = {}
        for pk, profile, territory_id, synthetic in rows[start : start + CHUNK]:
            count, types = experience.get(pk, (0, frozenset()))
            held = frozenset(domains.get(pk, ()))
            actor = matching.Actor(
                key=f"organisation:{pk}",
                profile=profiles_held.setdefault(profile or "", profile or ""),
                domains=domain_sets.setdefault(held, held),
                alliance_count=count,
                alliance_types=types,
                **places.get(territory_id),
            )
            entries[pk] = OrganisationEntry(
                actor, synthetic, pk in signs, freshness.stale_from(signs.get(pk))
            )
        yield entries


def _organisation_entries(ids: set[int]) -> dict[int, OrganisationEntry]:
    """The entries of these organisations as the database has them now."""
    return {pk: e for chunk in _organisation_chunks(ids) for pk, e in chunk.items()}


def _read_organisations() -> Organisations:
    organisations = Organisations()
    # Every partner row of the published alliances is read once: its pages need not stay.
    with small_page_cache(router.db_for_read(Organisation)):
        for entries in _organisation_chunks():
            organisations = organisations.changed(entries, set())
    return organisations


@dataclass(frozen=True)
class ListingEntry:
    actor: matching.Actor
    pk: int
    organisation_id: int
    expires_at: datetime
    order: tuple  # the lists' order: newest published first
    direction: str = ""
    own_departement: str = ""  # of its own place (not its organisation's): its groups
    own_region: str = ""
    wide: bool = False  # national, or without a place of its own


def _order(entry: ListingEntry) -> tuple:
    return entry.order


@dataclass
class Listings:
    """The published needs and offers (expired ones are left out at request time)."""

    by_direction: dict[str, list[ListingEntry]] = field(default_factory=dict)
    by_departement: dict[tuple[str, str], list[ListingEntry]] = field(default_factory=dict)
    by_region: dict[tuple[str, str], list[ListingEntry]] = field(default_factory=dict)
    wide: dict[str, list[ListingEntry]] = field(default_factory=dict)  # national or no place
    entries: dict[int, ListingEntry] = field(default_factory=dict)
    table: matching.Table = field(default_factory=matching.Table)  # their traits as columns
    rows: dict[int, int] = field(default_factory=dict)  # id: its row in `table`

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
            rows = list(merged.values())
            if len(rows) > cap:  # the newest first when some must be left (rank has no order)
                rows.sort(key=_order)
        found = []
        for x in rows:
            if x.organisation_id == exclude_organisation or x.expires_at <= now:
                continue
            found.append(x)
            if len(found) >= cap:
                break
        return found

    def _groups(self, entry: ListingEntry, copies: tuple[_Copies, ...]) -> list[list]:
        """The lists this entry belongs to (copied on first touch)."""
        by_direction, by_departement, by_region, wide = copies
        lists = [by_direction.list(entry.direction)]
        if entry.wide:
            lists.append(wide.list(entry.direction))
        if entry.own_departement:
            lists.append(by_departement.list((entry.direction, entry.own_departement)))
        if entry.own_region:
            lists.append(by_region.list((entry.direction, entry.own_region)))
        return lists

    @classmethod
    def of(cls, entries: dict[int, ListingEntry]) -> Listings:
        return cls(entries={}).changed(entries, set())

    def changed(self, found: dict[int, ListingEntry], gone: set[int]) -> Listings:
        """A new pool with these entries written and these removed (this one is unchanged)."""
        copies = tuple(
            _Copies(g) for g in (self.by_direction, self.by_departement, self.by_region, self.wide)
        )
        entries, rows = dict(self.entries), dict(self.rows)
        for pk in gone | found.keys():
            rows.pop(pk, None)
            old = entries.pop(pk, None)
            if old is not None:
                for group in self._groups(old, copies):
                    at = bisect.bisect_left(group, old.order, key=_order)
                    if at < len(group) and group[at].pk == pk:
                        del group[at]
        added = sorted(found.values(), key=_order)
        table = self.table.extended([entry.actor for entry in added])
        for row, entry in enumerate(added, start=len(self.table)):
            entries[entry.pk], rows[entry.pk] = entry, row
            for group in self._groups(entry, copies):
                bisect.insort(group, entry, key=_order)
        groups = [c.groups for c in copies]
        return Listings(*groups, entries=entries, table=table, rows=rows)


def _listing_entries(rows: Any, organisations: Organisations) -> dict[int, ListingEntry]:
    """The entries of these published listings (a queryset), with their organisation's
    traits as `organisations` holds them."""
    rows = list(
        rows.filter(status=Listing.Status.PUBLISHED).values_list(
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
    through = Listing.domains.through.objects.filter(listing__status=Listing.Status.PUBLISHED)
    if len(rows) < places.FILTER_LIMIT:
        through = through.filter(listing_id__in=[r[0] for r in rows])
    for listing_id, key in through.values_list("listing_id", "term__key"):
        domains[listing_id].add(key)
    entries = {}
    owners: dict[int, OrganisationEntry | None] = {}  # an organisation's entry made once
    for pk, org_id, direction, kind, reach, territory_id, expires_at, published_at in rows:
        if org_id not in owners:
            owners[org_id] = organisations.entry(org_id)
        owner = owners[org_id]
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
        entries[pk] = ListingEntry(
            actor,
            pk,
            org_id,
            expires_at,
            (-stamp, -pk),
            direction=direction,
            own_departement=own_place.get("departement", ""),
            own_region=own_place.get("region", ""),
            wide=reach == Listing.Reach.NATIONAL or not own_place,
        )
    return entries


def _read_listings(organisations: Organisations) -> Listings:
    return Listings.of(_listing_entries(Listing.objects.all(), organisations))


# -- what a process holds, and how it catches up ---------------------------------------------
@dataclass(frozen=True)
class _State:
    versions: tuple[int, int]  # DataVersion of the organisations and of the listings
    alliances: int  # the base search's index version
    organisations: Organisations
    listings: Listings
    upto: int  # the highest change row applied
    applied: tuple[tuple[int, datetime], ...]  # rows applied, written in the late window
    synced_at: datetime
    generation: int = 0  # drawn at each change applied: a key of the list search's caches


_generations = itertools.count(1)


_cache: dict[str, _State] = {}
_lock = threading.RLock()


def _database() -> str:
    alias = router.db_for_read(Organisation)
    return str(connections[alias].settings_dict.get("NAME"))


def _full(versions: tuple[int, int], alliances: int, now: datetime) -> _State:
    # The change rows are read first: one written during the reads is applied next time.
    upto = PoolChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    recent = PoolChange.objects.filter(pk__lte=upto, at__gte=now - LATE_COMMIT)
    applied = tuple(recent.values_list("pk", "at"))  # what the reads below already show
    organisations = _read_organisations()
    listings = _read_listings(organisations)
    return _State(
        versions, alliances, organisations, listings, upto, applied, now, next(_generations)
    )


def _changes(state: _State) -> list[tuple[int, str, int, datetime]]:
    """The change rows after the highest applied, and those of the late-commit window not
    applied yet (left out here rather than in SQL: the window may hold many)."""
    applied = {pk for pk, _at in state.applied}
    late = Q(at__gte=state.synced_at - LATE_COMMIT)
    rows = PoolChange.objects.filter(Q(pk__gt=state.upto) | late).order_by("pk")
    return [
        row
        for row in rows.values_list("pk", "part", "row_id", "at")
        if row[0] > state.upto or row[0] not in applied
    ]


def _new_organisations(organisations: Organisations) -> set[int]:
    """The organisations added since these were read (a bulk load of the base adds them
    without a signal of its own)."""
    ids = organisations.ids
    highest = int(ids[-1]) if len(ids) else 0
    return set(Organisation.objects.filter(pk__gt=highest).values_list("pk", flat=True))


def _experience_changed(organisations: Organisations) -> set[int]:
    """The organisations whose past alliances differ from what is held, and the new ones."""
    now = _experience()
    table, ids = organisations.table, organisations.ids
    values = list(table.distinct.get("experience", {}))  # (count, types) by id
    held = {
        pk: values[value]
        for pk, value in zip(ids.tolist(), table.experience[organisations.at].tolist(), strict=True)
        if values[value][0]
    }
    changed = {pk for pk in now.keys() | held.keys() if now.get(pk) != held.get(pk)}
    return changed | _new_organisations(organisations)


def _apply(state: _State, organisation_ids: set[int], listing_ids: set[int]) -> _State:
    """The state with these organisations and listings read again; a listing carries its
    organisation's traits, so the listings of a changed organisation are read again too."""
    organisations, listings = state.organisations, state.listings
    if organisation_ids:
        found = _organisation_entries(organisation_ids)
        organisations = organisations.changed(found, organisation_ids - found.keys())
        listing_ids |= {
            pk for pk, e in listings.entries.items() if e.organisation_id in organisation_ids
        }
        rows = Listing.objects.filter(Q(pk__in=listing_ids) | Q(organisation_id__in=list(found)))
    else:
        rows = Listing.objects.filter(pk__in=listing_ids)
    if listing_ids or organisation_ids:
        found_listings = _listing_entries(rows, organisations)
        listings = listings.changed(found_listings, listing_ids - found_listings.keys())
    return replace(
        state,
        organisations=organisations,
        listings=listings,
        generation=next(_generations),
    )


def _catch_up(state: _State, alliances: int, now: datetime) -> _State:
    """The state with what was written since it was taken (see the module's docstring)."""
    changes = _changes(state)
    organisation_ids = {row for _pk, part, row, _at in changes if part == ORGANISATIONS}
    listing_ids = {row for _pk, part, row, _at in changes if part == LISTINGS}
    if any(part == EXPERIENCE for _pk, part, _row, _at in changes):
        organisation_ids |= _experience_changed(state.organisations)
    elif alliances != state.alliances:
        organisation_ids |= _new_organisations(state.organisations)
    if len(organisation_ids) + len(listing_ids) > CHANGES_AT_MOST:
        return _full(state.versions, alliances, now)  # a bulk write: reading all is cheaper
    if organisation_ids or listing_ids:
        state = _apply(state, organisation_ids, listing_ids)
    window = now - LATE_COMMIT
    applied = [(pk, at) for pk, at in state.applied if at >= window]
    applied += [(pk, at) for pk, _part, _row, at in changes if at >= window]
    upto = max([state.upto, *(pk for pk, *_rest in changes)])
    return replace(state, alliances=alliances, upto=upto, applied=tuple(applied), synced_at=now)


def _state() -> _State:
    versions = _versions()
    held_versions = (versions.get(ORGANISATIONS, 0), versions.get(LISTINGS, 0))
    alliances = search_index.index_version()
    now = timezone.now()
    key = _database()
    with _lock:
        state = _cache.get(key)
        if (
            state is None
            or state.versions[0] != held_versions[0]
            or now - state.synced_at > KEEP_CHANGES / 2
        ):
            state = _full(held_versions, alliances, now)
        elif state.versions[1] != held_versions[1]:
            listings = _read_listings(state.organisations)
            state = replace(
                state, versions=held_versions, listings=listings, generation=next(_generations)
            )
            state = _catch_up(state, alliances, now)
        else:
            state = _catch_up(state, alliances, now)
        _cache[key] = state
    return state


def listings_version() -> tuple:
    """What the open needs and offers, and the organisations they show, are as of now in
    this process: it changes with any write to them (another process's included) or to the
    alliances."""
    state = _state()
    return (*state.versions, state.alliances, state.generation)


def current() -> tuple[Organisations, Listings]:
    """The candidates as of now (what changed since the last look is read again)."""
    state = _state()
    return state.organisations, state.listings


def clear() -> None:
    """Forget what this process keeps (tests that write behind the signals' back)."""
    with _lock:
        _cache.clear()


# -- signals ------------------------------------------------------------------------------
def _written(kwargs: dict) -> bool:
    return not kwargs.get("raw") and kwargs.get("action", "post").startswith("post")


def _organisations_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if not _written(kwargs):
        return
    pk = instance.pk if isinstance(instance, Organisation) else instance.organisation_id
    note(ORGANISATIONS, [pk])


def _profile_domains_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if not _written(kwargs):
        return
    if isinstance(instance, OrganisationProfile):
        note(ORGANISATIONS, [instance.organisation_id])
    elif kwargs.get("pk_set") is None:  # a term's profiles cleared: which ones is unknown
        bump(ORGANISATIONS)
    else:
        profiles = OrganisationProfile.objects.filter(pk__in=kwargs["pk_set"])
        note(ORGANISATIONS, profiles.values_list("organisation_id", flat=True))


def _listings_changed(sender: type, instance: Any, **kwargs: Any) -> None:
    if not _written(kwargs):
        return
    if isinstance(instance, Listing):
        note(LISTINGS, [instance.pk])
    elif kwargs.get("pk_set") is None:  # a term's listings cleared: which ones is unknown
        bump(LISTINGS)
    else:
        note(LISTINGS, kwargs["pk_set"])


def _user_saved(sender: type, instance: Any, **kwargs: Any) -> None:
    # Whether a representative's account is active decides whether a profile is represented.
    fields = kwargs.get("update_fields")
    if kwargs.get("raw") or (fields is not None and set(fields) <= {"last_login"}):
        return
    note(
        ORGANISATIONS,
        Claim.objects.filter(user_id=instance.pk).values_list("organisation_id", flat=True),
    )


def _alliances_indexed(
    sender: Any, alliance_ids: list[int] | None, using: str | None = None, **kwargs: Any
) -> None:
    """Their partners' experience may have changed (a save, a loader's batch, an import: the
    index is told of every write to the alliances, with or without signals of their own)."""
    if alliance_ids is None or len(alliance_ids) > CHANGES_AT_MOST:
        note(EXPERIENCE, [0])
        return
    partners = Partner.objects.using(using).filter(alliance_id__in=alliance_ids)
    organisations = set(partners.values_list("organisation_id", flat=True))
    if len(organisations) > CHANGES_AT_MOST:  # a catch-up would read everything anyway
        note(EXPERIENCE, [0])
    else:
        note(ORGANISATIONS, organisations)


def _partner_leaving(sender: type, instance: Partner, raw: bool = False, **kwargs: Any) -> None:
    """Before a partner is saved: the organisation it leaves, if moved to another one, has one
    alliance less (the re-index that follows notes only the partners it has now)."""
    if raw or instance._state.adding:
        return
    was = Partner.objects.filter(pk=instance.pk).values_list("organisation_id", flat=True)
    left = [pk for pk in was if pk != instance.organisation_id]
    if left:
        note(ORGANISATIONS, left)


def _partner_deleted(sender: type, instance: Partner, **kwargs: Any) -> None:
    note(ORGANISATIONS, [instance.organisation_id])


def connect() -> None:
    # The alliances, their partners and types: every write to them re-indexes them, and the
    # index tells which (`_alliances_indexed`); a partner leaving is noted by its own signals.
    alliances_indexed.connect(_alliances_indexed, dispatch_uid="pool-alliances")
    pre_save.connect(_partner_leaving, sender=Partner, dispatch_uid="pool-partner-moved")
    post_delete.connect(_partner_deleted, sender=Partner, dispatch_uid="pool-d-partner")
    for model in (Organisation, OrganisationProfile, Claim):
        post_save.connect(_organisations_changed, sender=model, dispatch_uid=f"pool-{model}")
        post_delete.connect(_organisations_changed, sender=model, dispatch_uid=f"pool-d-{model}")
    m2m_changed.connect(
        _profile_domains_changed,
        sender=OrganisationProfile.domains.through,
        dispatch_uid="pool-profile-domains",
    )
    post_save.connect(_listings_changed, sender=Listing, dispatch_uid="pool-listing")
    post_delete.connect(_listings_changed, sender=Listing, dispatch_uid="pool-d-listing")
    m2m_changed.connect(
        _listings_changed, sender=Listing.domains.through, dispatch_uid="pool-listing-domains"
    )
    post_save.connect(_user_saved, sender=get_user_model(), dispatch_uid="pool-user")
