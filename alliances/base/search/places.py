"""Places typed in the search box, recognised from the official geographic data (ADR 0134).

A gazetteer of every territory name (communes with their "Saint"/"St", hyphens, accents and
optional leading article; municipal districts; EPCI with and without their legal prefix;
départements by name and number; régions, current and former, and their usual short names)
and of the postcodes is built once per process from `territories` and
`data/referentials/anciennes_regions.yaml`, then kept until the territories change. Reading a
query is a look-up of its word sequences, longest first: well under a millisecond.

What is read as a place:
- a name or number of a région or département, a multi-word name, a postcode, a name marked
  as a place ("à Sens", "ville de Plaisir", "Orange 84");
- a one-word commune name only when it is not also a common French word
  (`data/referentials/lieux_mots_courants.txt`, from a dictionary): "Rodez" is a place,
  "mer" or "orange" alone stay words;
- a number after "ODD"/"SDG" stays a number.

A name several territories share is resolved by rank (a région or département before a
commune; "Paris" the département, which holds the commune) then by population: a clear first
(five times the next) is chosen and the others are offered as choices; close ones ("Saint-
Denis": La Réunion and Seine-Saint-Denis) are all kept, each offered alone as a choice.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings
from django.db import router

from alliances.common.text import normalize_name
from alliances.territories.lookups import SUB_COMMUNE_LEVELS, epci_core
from alliances.territories.models import Level, PostalCode, Territory
from alliances.territories.points import point_of

DATA = Path(settings.BASE_DIR) / "alliances" / "data" / "referentials"
FORMER_REGIONS = DATA / "anciennes_regions.yaml"
COMMON_WORDS = DATA / "lieux_mots_courants.txt"

MAX_WORDS = 8  # the longest name looked up, in words
CLEAR_FIRST = 5.0  # population ratio that makes the first of homonyms the reading
SMALL_COMMUNE = 1000  # a commune smaller than this is read as a place only when marked
MAX_CHOICES = 8
REFRESH_SECONDS = 60  # how often a process checks whether the territories changed
# Words that say "a place follows" (folded), consumed with the place.
MARKERS = {"a", "au", "aux", "en", "dans", "pres", "autour", "ville", "commune", "departement"}
MARKER_LINKS = {"de", "du", "des", "d", "l", "la", "le", "les"}
NOT_PLACE_BEFORE = {"odd", "sdg", "objectif", "objectifs", "cible", "goal", "n", "no", "numero"}
RANK = {
    "region": 0,
    "former": 0,
    "departement": 1,
    "epci": 2,
    "commune": 3,
    "postcode": 3,
}
ARTICLES = ("le ", "la ", "les ", "l ")


@dataclass(frozen=True)
class Place:
    """One territory a name may designate."""

    kind: str  # "region", "former", "departement", "epci", "commune", "postcode"
    values: tuple[str, ...]  # territory filter values ("commune:59350"; a former région: many)
    label: str  # "Lille (59)", "Gers (32)", "Alsace (ancienne région)"
    population: int
    ids: tuple[int, ...]  # territory ids
    level: str  # the level of the territories (commune, departement...)
    departement: str = ""  # the département code (communes, EPCI, départements)
    region: str = ""  # the région code (every level)
    point: tuple[float, float] | None = None  # (lon, lat)

    @property
    def rank(self) -> int:
        return RANK.get(self.kind, 4)


@dataclass
class Entry:
    """A gazetteer key's places; `marked_only` those read as places only when marked."""

    places: list[Place] = field(default_factory=list)
    marked_only: set[tuple[str, ...]] = field(default_factory=set)  # their values

    def readable(self, marked: bool) -> list[Place]:
        return [p for p in self.places if marked or p.values not in self.marked_only]


@dataclass
class PlaceMatch:
    """A span of the query read as a place."""

    start: int  # first word (index in the query's words), marker words included
    end: int  # one past the last word
    typed: str  # the words as typed
    chosen: list[Place]  # the reading (one place, or close homonyms kept together)
    choices: list[Place] = field(default_factory=list)  # other readings, to offer

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(v for p in self.chosen for v in p.values)

    @property
    def label(self) -> str:
        return " ; ".join(p.label for p in self.chosen)


@dataclass
class Gazetteer:
    names: dict[str, Entry]
    numbers: dict[str, Place]  # département numbers
    postcodes: dict[str, list[Place]]
    departements: dict[str, Place]  # by code
    by_value: dict[str, Place]  # by territory filter value ("commune:59350")
    stamp: tuple
    checked: float = 0.0


# -- building -----------------------------------------------------------------------------------
def _label(row: dict, departements: dict[int, str]) -> str:
    level, name, code = row["level"], row["name"], row["code"]
    if level in (Level.COMMUNE, Level.EPCI):
        dep = departements.get(row["departement_id"] or 0, "")
        return f"{name} ({dep})" if dep and level == Level.COMMUNE else name
    if level == Level.DEPARTEMENT:
        return f"{name} ({code})"
    return name


def _place(row: dict, departements: dict[int, str], regions: dict[int, str]) -> Place:
    level = row["level"]
    dep_code = departements.get(row["departement_id"] or 0, "")
    return Place(
        kind=level,
        values=(f"{level}:{row['code']}",),
        label=_label(row, departements),
        population=int(row["population"] or 0),
        ids=(row["id"],),
        level=level,
        departement=dep_code,
        region=regions.get(row["region_id"] or 0, ""),
        point=point_of(level, row["code"]),
    )


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    lines = COMMON_WORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _add(names: dict[str, Entry], key: str, place: Place, needs_marker: bool = False) -> None:
    if not key:
        return
    entry = names.setdefault(key, Entry())
    if place.values not in [p.values for p in entry.places]:
        entry.places.append(place)
        if needs_marker:
            entry.marked_only.add(place.values)


def _bare(key: str) -> str:
    for article in ARTICLES:
        if key.startswith(article):
            return key[len(article) :]
    return key


def _guarded(key: str, place: Place) -> bool:
    """A name alone stays a word: a common word, with or without its article ("Mer",
    "Les Déserts"), unless a big city; a village's name (under `SMALL_COMMUNE` inhabitants:
    its alliances are found by their text anyway); or too short."""
    if place.kind in ("region", "departement", "former"):
        return len(key) < 3
    if len(key) < 3:
        return True
    if place.population < SMALL_COMMUNE:
        return True
    return _bare(key) in common_words() and place.population < 50_000


def _territory_rows(alias: str) -> list[dict]:
    levels = [Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE, *SUB_COMMUNE_LEVELS]
    return list(
        Territory.objects.using(alias)
        .filter(level__in=levels, obsolete=False)
        .values(
            "id",
            "level",
            "code",
            "name",
            "search_name",
            "population",
            "parent_id",
            "departement_id",
            "region_id",
        )
    )


def _add_names(names: dict[str, Entry], rows: list[dict], places: dict[int, Place]) -> None:
    for row in rows:
        place = places.get(row["parent_id"] if row["level"] in SUB_COMMUNE_LEVELS else row["id"])
        if place is None:
            continue
        key = normalize_name(row["name"])
        _add(names, key, place, _guarded(key, place))
        if row["level"] == Level.MUNICIPAL_DISTRICT and key.endswith(" arrondissement"):
            _add(names, key.removesuffix(" arrondissement"), place)
        for article in ARTICLES:
            if key.startswith(article) and len(key) > len(article) + 2:
                bare = key[len(article) :]
                _add(names, bare, place, bare in common_words() or _guarded(bare, place))
        if row["level"] == Level.EPCI:
            core = epci_core(row["name"])
            if core and core != key and len(core.split()) >= 2:
                _add(names, core, place)


def _add_regions(names: dict[str, Entry], by_code: dict[tuple[str, str], Place]) -> None:
    data = yaml.safe_load(FORMER_REGIONS.read_text(encoding="utf-8"))
    for item in data.get("former_regions", []):
        parts = [by_code.get(("departement", code)) for code in item["departements"]]
        parts = [p for p in parts if p is not None]
        if not parts:
            continue
        place = Place(
            kind="former",
            values=tuple(v for p in parts for v in p.values),
            label=f"{item['name']} ({', '.join(p.departement for p in parts)})",
            population=sum(p.population for p in parts),
            ids=tuple(i for p in parts for i in p.ids),
            level="departement",
            point=_mean_point([p.point for p in parts]),
        )
        _add(names, normalize_name(item["name"]), place)
    for item in data.get("aliases", []):
        region = by_code.get(("region", item["region"]))
        if region is not None:
            _add(names, normalize_name(item["name"]), region)


def _mean_point(points: list[tuple[float, float] | None]) -> tuple[float, float] | None:
    known = [p for p in points if p]
    if not known:
        return None
    return (sum(p[0] for p in known) / len(known), sum(p[1] for p in known) / len(known))


def _postcodes(alias: str, places: dict[int, Place], rows: list[dict]) -> dict[str, list[Place]]:
    parent = {r["id"]: r["parent_id"] for r in rows if r["level"] in SUB_COMMUNE_LEVELS}
    out: dict[str, list[Place]] = {}
    for code, territory_id in PostalCode.objects.using(alias).values_list("code", "territory_id"):
        place = places.get(parent.get(territory_id, territory_id))
        if place is not None and place.level == Level.COMMUNE:
            found = out.setdefault(code, [])
            if place not in found:
                found.append(place)
    return out


def _stamp(alias: str) -> tuple:
    rows = Territory.objects.using(alias)
    last = rows.order_by("-id").values_list("id", flat=True).first()
    return (alias, last, PostalCode.objects.using(alias).order_by("-id").values_list("id").first())


def build(alias: str) -> Gazetteer:
    rows = _territory_rows(alias)
    departements = {r["id"]: r["code"] for r in rows if r["level"] == Level.DEPARTEMENT}
    regions = {r["id"]: r["code"] for r in rows if r["level"] == Level.REGION}
    places = {
        r["id"]: _place(r, departements, regions)
        for r in rows
        if r["level"] not in SUB_COMMUNE_LEVELS
    }
    by_code = {(p.level, p.values[0].split(":", 1)[1]): p for p in places.values()}
    names: dict[str, Entry] = {}
    _add_names(names, rows, places)
    _add_regions(names, by_code)
    numbers = {}
    for (level, code), place in by_code.items():
        if level == Level.DEPARTEMENT:
            numbers[code.lower()] = place
    return Gazetteer(
        names=names,
        numbers=numbers,
        postcodes=_postcodes(alias, places, rows),
        departements={code: p for (lv, code), p in by_code.items() if lv == Level.DEPARTEMENT},
        by_value={p.values[0]: p for p in places.values()},
        stamp=_stamp(alias),
        checked=time.monotonic(),
    )


_gazetteers: dict[str, Gazetteer] = {}
_lock = threading.Lock()


def gazetteer(using: str | None = None) -> Gazetteer:
    """The process's gazetteer, rebuilt when the territories changed (checked every minute)."""
    alias = using or router.db_for_read(Territory)
    found = _gazetteers.get(alias)
    now = time.monotonic()
    if found is not None and now - found.checked < REFRESH_SECONDS:
        return found
    with _lock:
        found = _gazetteers.get(alias)
        if found is not None and now - found.checked < REFRESH_SECONDS:
            return found
        if found is None or found.stamp != _stamp(alias):
            found = build(alias)
            _gazetteers[alias] = found
        found.checked = now
    return found


def forget() -> None:
    """Drop the gazetteers held in memory (tests that change territories)."""
    with _lock:
        _gazetteers.clear()


# -- reading a query ------------------------------------------------------------------------------
def _candidates(gaz: Gazetteer, key: str, marked: bool) -> list[Place]:
    """The places a folded word sequence may name (marked as a place or not)."""
    words = key.split()
    if len(words) == 1:
        word = words[0]
        if word.isdigit() and len(word) == 5 and word in gaz.postcodes:
            return gaz.postcodes[word]
        if word in gaz.numbers and (word.isdigit() or word in ("2a", "2b")):
            return [gaz.numbers[word]]
    entry = gaz.names.get(key)
    return entry.readable(marked) if entry is not None else []


def _resolve(places: list[Place]) -> tuple[list[Place], list[Place]]:
    """(chosen, other choices) among the places a name designates."""
    ordered = sorted(places, key=lambda p: (p.rank, -p.population, p.label))
    first = ordered[0]
    same_level = [p for p in ordered if p.rank == first.rank]
    chosen = [first]
    for other in same_level[1:]:
        if other.population * CLEAR_FIRST > first.population:
            chosen.append(other)
    rest = [p for p in ordered if p not in chosen and not any(_nested(p, c) for c in chosen)]
    if len(chosen) > 1:
        rest = chosen + rest  # close homonyms: each is also offered alone
    return chosen, rest[:MAX_CHOICES]


def _nested(inner: Place, outer: Place) -> bool:
    """Whether a homonym lies inside the chosen place ("Paris" the commune in the
    département): the same place for the reader, never offered as another choice."""
    if outer.kind == "region":
        return inner.region == outer.region
    if outer.kind in ("departement", "former"):
        return inner.departement in {v.split(":", 1)[1] for v in outer.values}
    return False


def _marked(folded: list[str], start: int) -> int:
    """The first word of a place marker ending just before `start`, or `start`."""
    at = start
    while at > 0 and folded[at - 1] in MARKER_LINKS:
        at -= 1
    if at > 0 and folded[at - 1] in MARKERS:
        return at - 1
    return start


def _match_at(
    gaz: Gazetteer, folded: list[str], start: int, marked: bool
) -> tuple[int, list[Place], bool]:
    """The longest place name starting at `start`: (end, places, read only when marked)."""
    for end in range(min(len(folded), start + MAX_WORDS), start, -1):
        key = " ".join(folded[start:end])
        places = _candidates(gaz, key, marked=False)
        if places:
            return end, places, False
        places = _candidates(gaz, key, marked=True)
        if places:
            return end, places, True
    return start, [], False


def _context_choice(places: list[Place], context: list[Place]) -> list[Place]:
    """Homonyms narrowed by a département or région named beside them ("Orange 84")."""
    inside = [
        p
        for p in places
        if any(set(p.values) & set(c.values) or p.departement == c.departement for c in context)
        and p.rank > min(c.rank for c in context)
    ]
    return inside


def read_places(words: list[str], using: str | None = None) -> list[PlaceMatch]:
    """The places named in the words of a query (as typed), in order."""
    gaz = gazetteer(using)
    folded = [normalize_name(w) for w in words]
    spans: list[tuple[int, int, list[Place], bool]] = []
    at = 0
    while at < len(folded):
        if at > 0 and folded[at - 1] in NOT_PLACE_BEFORE:
            at += 1
            continue
        end, places, needs_marker = _match_at(gaz, folded, at, marked=True)
        if places:
            spans.append((at, end, places, needs_marker))
            at = end
        else:
            at += 1
    return _matches(words, folded, spans)


def _matches(
    words: list[str], folded: list[str], spans: list[tuple[int, int, list[Place], bool]]
) -> list[PlaceMatch]:
    """Spans turned into matches: markers and neighbouring départements taken into account."""
    out: list[PlaceMatch] = []
    used: set[int] = set()
    for index, (start, end, places, needs_marker) in enumerate(spans):
        if index in used:
            continue
        neighbours = [
            (j, s)
            for j, s in enumerate(spans)
            if j != index and j not in used and (s[0] == end or s[1] == start)
        ]
        context = [p for _j, s in neighbours for p in s[2] if p.rank <= 1]
        narrowed = _context_choice(places, context) if context else []
        begin = _marked(folded, start)
        if narrowed:
            used.update(j for j, _s in neighbours)
            start = min([start, *[s[0] for _j, s in neighbours]])
            end = max([end, *[s[1] for _j, s in neighbours]])
            places = narrowed
        elif needs_marker and begin == start:
            continue
        chosen, choices = _resolve(places)
        begin = _marked(folded, start)
        out.append(PlaceMatch(begin, end, " ".join(words[begin:end]), chosen, choices))
    return out


def distance_km(a: tuple[float, float] | None, b: tuple[float, float] | None) -> float | None:
    """Great-circle distance between two (lon, lat) points."""
    if a is None or b is None:
        return None
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def nearest_departements(
    place: Place, limit: int = 6, radius_km: float = 160.0, using: str | None = None
) -> list[tuple[Place, float]]:
    """The départements whose centroid is closest to the place's (its own included for a
    commune or EPCI, excluded for a département or région), within `radius_km`."""
    gaz = gazetteer(using)
    own = set(place.values)
    found = []
    for departement in gaz.departements.values():
        inside = bool(set(departement.values) & own) or (
            place.kind == "region" and departement.region == place.region
        )
        if inside and place.kind in ("departement", "former", "region"):
            continue
        distance = distance_km(place.point, departement.point)
        if distance is not None and distance <= radius_km:
            found.append((departement, distance))
    found.sort(key=lambda item: item[1])
    return found[:limit]
