"""Matching: who could answer a need, take an offer, partner an organisation (no Django).

A subject (an organisation, or a need or offer with its organisation's traits) is compared
with candidates on four grounds, each scored 0-1 and weighted by `WEIGHTS` (data, ADR 0142):

- complementarity of actor profiles (`COMPLEMENTARITY`, and the profiles that usually
  answer a kind of need: `kind_profiles`);
- closeness: same commune, EPCI, département, then the distance between centroids;
- shared domains (Jaccard-like: shared / domains of the subject);
- experience: alliances the candidate took part in, more when of the types the subject wants.

Each suggestion keeps its reasons as codes with values; the caller puts them in words in
the reader's language (suggestions.explain). Candidates are first narrowed by an `Index`
(same département and région; a national reach adds those sharing a domain), so that a
ranking reads a few thousand candidates rather than every organisation.
"""

from __future__ import annotations

import functools
import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

WEIGHTS: dict[str, float] = {
    "complementarity": 0.30,
    "closeness": 0.30,
    "domains": 0.25,
    "experience": 0.15,
}

# Unordered pairs of actor profiles (taxonomy actor_profiles) and how well they complete each
# other; a pair not listed scores DEFAULT_COMPLEMENTARITY, the same profile SAME_PROFILE.
COMPLEMENTARITY: dict[frozenset[str], float] = {
    frozenset({"association", "entreprise"}): 1.0,
    frozenset({"association", "fondation"}): 0.9,
    frozenset({"association", "collectivite"}): 0.8,
    frozenset({"entreprise", "collectivite"}): 0.7,
    frozenset({"association", "academique"}): 0.6,
    frozenset({"association", "accompagnement"}): 0.6,
    frozenset({"entreprise", "accompagnement"}): 0.6,
    frozenset({"entreprise", "academique"}): 0.6,
    frozenset({"fondation", "collectivite"}): 0.5,
    frozenset({"association", "etat"}): 0.5,
}
DEFAULT_COMPLEMENTARITY = 0.4
SAME_PROFILE = 0.3

# Closeness by shared territory, then by distance between centroids (km).
SAME_COMMUNE = 1.0
SAME_EPCI = 0.85
SAME_DEPARTEMENT = 0.7
DISTANCE_SCALE_KM = 300.0  # beyond this, closeness is 0
DISTANCE_CEILING = 0.6  # the distance score of two points outside a shared département

# Experience: saturates at this many alliances.
EXPERIENCE_FULL = 5
STALE_PENALTY = 0.0  # stale candidates are left out before ranking, not penalised


@dataclass(frozen=True, slots=True)  # slots: the pool holds one per organisation (ADR 0187)
class Actor:
    """What matching knows of an organisation, or of a need or offer and its organisation."""

    key: str  # "organisation:12", "listing:5"
    profile: str = ""
    commune: str = ""
    epci: str = ""
    departement: str = ""
    region: str = ""
    point: tuple[float, float] | None = None  # (lon, lat)
    domains: frozenset[str] = frozenset()
    alliance_types: frozenset[str] = frozenset()  # partnership types of its alliances
    alliance_count: int = 0
    kind: str = ""  # of a need or offer
    reach: str = ""  # local, departement, region, national


@dataclass
class Suggestion:
    actor: Actor
    score: float
    reasons: list[tuple[str, dict]] = field(default_factory=list)


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lon, lat) points."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def complementarity(
    subject: Actor, candidate: Actor, kind_profiles: Mapping[str, Iterable[str]] | None = None
) -> float:
    if subject.kind and kind_profiles and candidate.profile in kind_profiles.get(subject.kind, ()):
        return 1.0
    if not subject.profile or not candidate.profile:
        return DEFAULT_COMPLEMENTARITY
    if subject.profile == candidate.profile:
        return SAME_PROFILE
    pair = frozenset({subject.profile, candidate.profile})
    return COMPLEMENTARITY.get(pair, DEFAULT_COMPLEMENTARITY)


def closeness(subject: Actor, candidate: Actor) -> tuple[float, tuple[str, dict] | None]:
    """The closeness score and its reason (None when nothing can be said)."""
    if subject.commune and subject.commune == candidate.commune:
        return SAME_COMMUNE, ("same_commune", {})
    if subject.epci and subject.epci == candidate.epci:
        return SAME_EPCI, ("same_epci", {})
    if subject.departement and subject.departement == candidate.departement:
        return SAME_DEPARTEMENT, ("same_departement", {})
    if subject.point and candidate.point:
        km = distance_km(subject.point, candidate.point)
        value = DISTANCE_CEILING * max(0.0, 1.0 - km / DISTANCE_SCALE_KM)
        return value, ("distance", {"km": round(km)})
    return 0.0, None


def shared_domains(subject: Actor, candidate: Actor) -> frozenset[str]:
    return subject.domains & candidate.domains


def experience(subject: Actor, candidate: Actor) -> float:
    if not candidate.alliance_count:
        return 0.0
    base = min(candidate.alliance_count, EXPERIENCE_FULL) / EXPERIENCE_FULL
    if subject.alliance_types and candidate.alliance_types & subject.alliance_types:
        return min(1.0, base + 0.3)
    return base * 0.8


def score(
    subject: Actor,
    candidate: Actor,
    weights: Mapping[str, float] = WEIGHTS,
    kind_profiles: Mapping[str, Iterable[str]] | None = None,
) -> Suggestion:
    reasons: list[tuple[str, dict]] = []
    comp = complementarity(subject, candidate, kind_profiles)
    if candidate.profile:
        reasons.append(("profile", {"profile": candidate.profile, "value": comp}))
    close, why = closeness(subject, candidate)
    if why:
        reasons.append(why)
    shared = shared_domains(subject, candidate)
    dom = len(shared) / len(subject.domains) if subject.domains else 0.0
    if shared:
        reasons.append(("domains", {"domains": sorted(shared)}))
    exp = experience(subject, candidate)
    if candidate.alliance_count:
        types = sorted(candidate.alliance_types & subject.alliance_types) or sorted(
            candidate.alliance_types
        )
        reasons.append(("alliances", {"n": candidate.alliance_count, "types": types[:2]}))
    total = (
        weights["complementarity"] * comp
        + weights["closeness"] * close
        + weights["domains"] * dom
        + weights["experience"] * exp
    )
    return Suggestion(candidate, round(total, 4), reasons)


def value(
    subject: Actor,
    candidate: Actor,
    weights: Mapping[str, float] = WEIGHTS,
    kind_profiles: Mapping[str, Iterable[str]] | None = None,
) -> float:
    """`score(...).score` without its reasons: what ranking thousands of candidates needs."""
    comp = complementarity(subject, candidate, kind_profiles)
    close, _why = closeness(subject, candidate)
    shared = len(subject.domains & candidate.domains) if subject.domains else 0
    dom = shared / len(subject.domains) if subject.domains else 0.0
    exp = experience(subject, candidate)
    total = (
        weights["complementarity"] * comp
        + weights["closeness"] * close
        + weights["domains"] * dom
        + weights["experience"] * exp
    )
    return round(total, 4)


_RADIANS: dict[tuple[float, float], tuple[float, float, float]] = {}


def _radians(point: tuple[float, float]) -> tuple[float, float, float]:
    """(lon, lat) in radians and the cosine of the latitude: kept per point (communes'
    centroids repeat), so a distance costs two sines and a square root."""
    found = _RADIANS.get(point)
    if found is None:
        lon, lat = math.radians(point[0]), math.radians(point[1])
        found = _RADIANS[point] = (lon, lat, math.cos(lat))
    return found


def _distance(a: tuple[float, float, float], b: tuple[float, float, float]) -> float:
    # distance_km's operations in its order, from `_radians`: the same float.
    h = math.sin((b[1] - a[1]) / 2) ** 2 + a[2] * b[2] * math.sin((b[0] - a[0]) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(min(1.0, h)))


def values(
    subject: Actor,
    candidates: list[Actor],
    weights: Mapping[str, float] = WEIGHTS,
    kind_profiles: Mapping[str, Iterable[str]] | None = None,
) -> list[float]:
    """`value(subject, c)` of each candidate, in their order, the same floats (the same
    operations in the same order), in one loop: what many candidates share is worked out
    once (complementarity per actor profile, the distance per point, from radians kept per
    point). A need's page ranks thousands (ADR 0167)."""
    comp_of: dict[str, float] = {}
    close_of: dict[tuple[float, float], float] = {}
    w_comp, w_close = weights["complementarity"], weights["closeness"]
    w_dom, w_exp = weights["domains"], weights["experience"]
    commune, epci, departement = subject.commune, subject.epci, subject.departement
    origin = _radians(subject.point) if subject.point else None
    wanted, n_domains = subject.domains, len(subject.domains)
    found = []
    for c in candidates:
        comp = comp_of.get(c.profile)
        if comp is None:
            comp = comp_of[c.profile] = complementarity(subject, c, kind_profiles)
        if commune and commune == c.commune:
            close = SAME_COMMUNE
        elif epci and epci == c.epci:
            close = SAME_EPCI
        elif departement and departement == c.departement:
            close = SAME_DEPARTEMENT
        elif origin is not None and c.point:
            close = close_of.get(c.point)  # type: ignore[assignment]
            if close is None:
                km = _distance(origin, _radians(c.point))
                close = DISTANCE_CEILING * max(0.0, 1.0 - km / DISTANCE_SCALE_KM)
                close_of[c.point] = close
        else:
            close = 0.0
        dom = len(wanted & c.domains) / n_domains if n_domains else 0.0
        exp = experience(subject, c) if c.alliance_count else 0.0
        found.append(round(w_comp * comp + w_close * close + w_dom * dom + w_exp * exp, 4))
    return found


def rank(
    subject: Actor,
    candidates: Iterable[Actor],
    limit: int = 10,
    hidden: frozenset[str] = frozenset(),
    weights: Mapping[str, float] = WEIGHTS,
    kind_profiles: Mapping[str, Iterable[str]] | None = None,
) -> list[Suggestion]:
    """The best `limit` candidates, best first (ties: by key, so the order is stable).

    Every candidate gets its value (`values`); only those at or above the `limit`-th best
    value are ordered with their tie-break, and only the best get their reasons (`score`)."""
    kept = [c for c in candidates if c.key != subject.key and c.key not in hidden]
    if not kept or limit <= 0:
        return []
    scores = values(subject, kept, weights, kind_profiles)
    floor = heapq.nlargest(limit, scores)[-1]
    best = sorted(
        ((v, _tie(c.key), c) for v, c in zip(scores, kept, strict=True) if v >= floor),
        key=lambda row: (row[0], row[1]),
        reverse=True,
    )[:limit]
    return [score(subject, c, weights, kind_profiles) for _value, _key, c in best]


def _tie(key: str) -> tuple[int, str]:
    # Lower ids first among equal scores: stable from one run to the next.
    kind, _sep, number = key.partition(":")
    return (-int(number) if number.isdigit() else 0, kind)


class Index:
    """Candidates narrowed by place and domain before scoring."""

    def __init__(self, actors: Iterable[Actor]) -> None:
        self.by_departement: dict[str, list[Actor]] = defaultdict(list)
        self.by_region: dict[str, list[Actor]] = defaultdict(list)
        self.by_domain: dict[str, list[Actor]] = defaultdict(list)
        self.size = 0
        for actor in actors:
            self.size += 1
            if actor.departement:
                self.by_departement[actor.departement].append(actor)
            if actor.region:
                self.by_region[actor.region].append(actor)
            for domain in actor.domains:
                self.by_domain[domain].append(actor)

    def candidates(self, subject: Actor, national_cap: int = 3000) -> list[Actor]:
        """Same département; a regional or national reach adds the région; a national reach
        (or a subject without a place) adds up to `national_cap` sharing a domain."""
        pool: dict[str, Actor] = {}
        for actor in self.by_departement.get(subject.departement, ()):
            pool[actor.key] = actor
        if subject.reach in ("region", "national") or not subject.departement:
            for actor in self.by_region.get(subject.region, ()):
                pool[actor.key] = actor
        if subject.reach == "national" or not subject.region:
            extra = 0
            for domain in sorted(subject.domains):
                for actor in self.by_domain.get(domain, ()):
                    if extra >= national_cap:
                        break
                    if actor.key not in pool:
                        pool[actor.key] = actor
                        extra += 1
        return list(pool.values())


# -- many candidates at once ------------------------------------------------------------------
def _codes(values: list[str], known: dict[str, int]) -> np.ndarray:
    """Each value as a small integer (an empty one as -1), `known` growing as needed."""
    return np.fromiter(
        (known.setdefault(v, len(known)) if v else -1 for v in values), np.int32, len(values)
    )


def _ids(values: list, table: dict) -> np.ndarray:
    return np.fromiter((table.setdefault(v, len(table)) for v in values), np.int32, len(values))


def _key_parts(key: str) -> tuple[str, int]:
    """("organisation", 12) of "organisation:12"; a key of another form whole, with -1."""
    prefix, _sep, number = key.partition(":")
    return (prefix, int(number)) if number.isdigit() else (key, -1)


def _empty() -> np.ndarray:
    return np.empty(0, np.int32)


# Columns of small integers standing for a value held once in `Table.distinct`.
_DISTINCT = ("profile", "point", "domains", "experience", "kind", "reach", "key")


@dataclass(frozen=True)
class Table:
    """The traits of many actors as columns (one row per actor), made once when the
    candidates are read (pool.py), so that a ranking values thousands at once: places as
    integer codes, and what many actors share (a set of domains, a profile, an experience, a
    point) once per distinct value. Rows are only appended (`extended`): a changed actor gets
    a new row; the caller knows which row is current.

    No `Actor` is kept: `actor(row)` makes it again from the columns, equal to the one given
    (at 1,000,000 alliances the 250,000 organisations' Actors and keys held 47 MB per
    process, ADR 0190)."""

    codes: dict[str, int] = field(default_factory=dict)  # communes, EPCI, départements, régions
    distinct: dict[str, dict] = field(default_factory=dict)  # column: {value: id}
    profile: np.ndarray = field(default_factory=_empty)
    commune: np.ndarray = field(default_factory=_empty)
    epci: np.ndarray = field(default_factory=_empty)
    departement: np.ndarray = field(default_factory=_empty)
    region: np.ndarray = field(default_factory=_empty)
    point: np.ndarray = field(default_factory=_empty)
    domains: np.ndarray = field(default_factory=_empty)
    experience: np.ndarray = field(default_factory=_empty)
    kind: np.ndarray = field(default_factory=_empty)
    reach: np.ndarray = field(default_factory=_empty)
    key: np.ndarray = field(default_factory=_empty)  # the key's prefix
    number: np.ndarray = field(default_factory=lambda: np.empty(0, np.int64))  # the key's id

    def extended(self, actors: list[Actor]) -> Table:
        """A table with these actors appended (rows len(self) ...); this one is unchanged."""
        codes = dict(self.codes)
        distinct = {k: dict(v) for k, v in self.distinct.items()}
        for name in _DISTINCT:
            distinct.setdefault(name, {})
        keys = [_key_parts(a.key) for a in actors]
        columns = {
            "profile": _ids([a.profile for a in actors], distinct["profile"]),
            "commune": _codes([a.commune for a in actors], codes),
            "epci": _codes([a.epci for a in actors], codes),
            "departement": _codes([a.departement for a in actors], codes),
            "region": _codes([a.region for a in actors], codes),
            "point": _ids([a.point for a in actors], distinct["point"]),
            "domains": _ids([a.domains for a in actors], distinct["domains"]),
            "experience": _ids(
                [(a.alliance_count, a.alliance_types) for a in actors], distinct["experience"]
            ),
            "kind": _ids([a.kind for a in actors], distinct["kind"]),
            "reach": _ids([a.reach for a in actors], distinct["reach"]),
            "key": _ids([prefix for prefix, _n in keys], distinct["key"]),
            "number": np.fromiter((n for _p, n in keys), np.int64, len(keys)),
        }
        return Table(
            codes,
            distinct,
            **{k: np.concatenate([getattr(self, k), v]) for k, v in columns.items()},
        )

    def __len__(self) -> int:
        return len(self.profile)

    @functools.cached_property
    def _values(self) -> dict[str, list]:
        """Each column's values by id (ids are given in turn); "codes" for the places."""
        values = {name: list(self.distinct.get(name, {})) for name in _DISTINCT}
        values["codes"] = list(self.codes)
        return values

    def place(self, name: str, row: int) -> str:
        """The commune, EPCI, département or région code of this row ("" when none)."""
        code = int(getattr(self, name)[row])
        return self._values["codes"][code] if code >= 0 else ""

    def actor(self, row: int) -> Actor:
        """The actor of this row, equal to the one appended."""
        values = self._values
        prefix, number = values["key"][self.key[row]], int(self.number[row])
        count, types = values["experience"][self.experience[row]]
        return Actor(
            key=prefix if number < 0 else f"{prefix}:{number}",
            profile=values["profile"][self.profile[row]],
            commune=self.place("commune", row),
            epci=self.place("epci", row),
            departement=self.place("departement", row),
            region=self.place("region", row),
            point=values["point"][self.point[row]],
            domains=values["domains"][self.domains[row]],
            alliance_types=types,
            alliance_count=count,
            kind=values["kind"][self.kind[row]],
            reach=values["reach"][self.reach[row]],
        )

    def _closeness(self, subject: Actor, rows: np.ndarray) -> np.ndarray:
        close = np.zeros(len(rows))
        decided = np.zeros(len(rows), bool)
        for name, value in (
            ("commune", SAME_COMMUNE),
            ("epci", SAME_EPCI),
            ("departement", SAME_DEPARTEMENT),
        ):
            mine = getattr(subject, name)
            if mine and mine in self.codes:
                same = ~decided & (getattr(self, name)[rows] == self.codes[mine])
                close[same] = value
                decided |= same
        if subject.point:
            points = self.point[rows]
            far = ~decided
            origin = _radians(subject.point)
            keys = list(self.distinct["point"])  # in id order: ids are given in turn
            table = np.zeros(len(keys))
            for pid in np.unique(points[far]).tolist():
                if keys[pid]:
                    km = _distance(origin, _radians(keys[pid]))
                    table[pid] = DISTANCE_CEILING * max(0.0, 1.0 - km / DISTANCE_SCALE_KM)
            close[far] = table[points[far]]
        return close

    def totals(
        self,
        subject: Actor,
        rows: np.ndarray,
        weights: Mapping[str, float] = WEIGHTS,
        kind_profiles: Mapping[str, Iterable[str]] | None = None,
    ) -> np.ndarray:
        """`value` of these rows before its rounding (the same operations, elementwise)."""
        n_domains = len(subject.domains)

        def per(name: str, of: Callable[[Any], float]) -> np.ndarray:
            found = np.zeros(max(1, len(self.distinct[name])))
            for value, pid in self.distinct[name].items():
                found[pid] = of(value)
            return found

        comp = per("profile", lambda p: complementarity(subject, Actor("", p), kind_profiles))
        dom = per(
            "domains",
            lambda d: len(subject.domains & d) / n_domains if n_domains else 0.0,
        )
        exp = per(
            "experience",
            lambda e: experience(subject, Actor("", alliance_count=e[0], alliance_types=e[1])),
        )
        total = weights["complementarity"] * comp[self.profile[rows]]
        total = total + weights["closeness"] * self._closeness(subject, rows)
        total = total + weights["domains"] * dom[self.domains[rows]]
        return total + weights["experience"] * exp[self.experience[rows]]


def rank_rows(
    subject: Actor,
    tables: list[tuple[Table, list[int]]],
    limit: int = 10,
    weights: Mapping[str, float] = WEIGHTS,
    kind_profiles: Mapping[str, Iterable[str]] | None = None,
) -> list[Suggestion]:
    """`rank(subject, candidates, limit)` of the actors at these rows of these tables (the
    caller leaves out the subject and the hidden ones): the same suggestions in the same
    order. Raw values pick those that can reach the `limit`-th rounded value (rounding
    moves a value by at most 0.00005); only those are rounded by Python and ordered."""
    found: list[tuple[float, Actor]] = []
    for table, rows in tables:
        if not rows:
            continue
        index = np.asarray(rows, np.int64)
        totals = table.totals(subject, index, weights, kind_profiles)
        if len(totals) > limit:
            floor = np.partition(totals, len(totals) - limit)[len(totals) - limit]
            keep = np.nonzero(totals >= floor - 2e-4)[0]
        else:
            keep = np.arange(len(totals))
        found += [(totals[i], table.actor(rows[i])) for i in keep.tolist()]
    best = sorted(
        ((round(float(v), 4), _tie(a.key), a) for v, a in found),
        key=lambda row: (row[0], row[1]),
        reverse=True,
    )[:limit]
    return [score(subject, a, weights, kind_profiles) for _v, _t, a in best]
