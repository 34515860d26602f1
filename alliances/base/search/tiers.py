"""The results of a search in a place, in tiers (docs/adr/0134): the alliances located in the
place (the results), then those whose territory covers it (`SearchResult.covering`, labelled
by their scale: "à l'échelle de la région", "nationale"), then, when the place has few,
alliances of the nearest départements (`SearchResult.nearby`, closest first, labelled with
their distance between centroids). Also what the page shows of the places read in the text:
their chips and, for a name several territories share, the choices.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from alliances.territories.points import point_of

from .dialects import fetch
from .hits import Hit, load_hits
from .places import Place, distance_km, gazetteer, nearest_departements
from .query import SearchQuery
from .schema import marks, tables
from .understanding import Reading, with_place, without_place

if TYPE_CHECKING:
    from .compiler import CompiledQuery

NEARBY_WHEN = 5  # fewer results located in the place than this: show nearby ones
NEARBY_LIMIT = 10
NEARBY_CANDIDATES = 300


@dataclass(frozen=True)
class PlaceChoice:
    typed: str  # the words read as a place
    label: str  # one territory they may name
    querystring: str  # the search in that territory only


def scale_label(level: str) -> str:
    return {
        "pays": _("nationale"),
        "region": _("à l'échelle de la région"),
        "departement": _("à l'échelle du département"),
        "epci": _("à l'échelle de l'intercommunalité"),
    }.get(level, "")


def place_chips(query: SearchQuery, reading: Reading) -> Iterator[tuple[str, str, str]]:
    """(label, value, query without it) of each place read in the text."""
    for match in reading.places:
        remove = without_place(query, match).to_querystring()
        yield str(_("Lieu")), match.label, remove


def place_choices(query: SearchQuery, reading: Reading) -> list[PlaceChoice]:
    choices = []
    for match in reading.places:
        for choice in match.choices:
            chosen = with_place(query, match, choice.values).to_querystring()
            choices.append(PlaceChoice(match.typed, choice.label, chosen))
    return choices


def label_covering(hits: list[Hit]) -> None:
    for hit in hits:
        hit.note = scale_label((hit.territory or {}).get("level", ""))


def _located_places(compiled: CompiledQuery) -> list[Place]:
    by_value = gazetteer(compiled.using).by_value
    return [by_value[v] for v in compiled.context.located if v in by_value]


def _candidates(compiled: CompiledQuery, departements: list[int], shown: set[int]) -> list[tuple]:
    """(id, territory level, code, name) of alliances of these départements not yet shown."""
    t = tables()
    condition = (
        f"a.territory_id IN (SELECT id FROM {t.territory} WHERE departement_id IN "
        f"({marks(departements)}))",
        departements,
    )
    sql, params = compiled.ids_sql(exclude={"territory", "place"}, extra=condition)
    rows = fetch(
        compiled.using,
        f"SELECT a.id, tr.level, tr.code, tr.name FROM {t.alliance} a JOIN {t.territory} tr "
        f"ON tr.id = a.territory_id WHERE a.id IN ({sql}) ORDER BY a.id "
        f"LIMIT {NEARBY_CANDIDATES}",
        params,
    )
    return [r for r in rows if int(r[0]) not in shown]


def nearby_hits(compiled: CompiledQuery, count: int, shown: set[int]) -> list[Hit]:
    """Few results in a place (`count`): the alliances of the nearest départements not
    `shown` yet, closest first."""
    if count >= NEARBY_WHEN:
        return []
    places = [p for p in _located_places(compiled) if p.point and p.kind != "pays"]
    if not places:
        return []
    departements: dict[int, float] = {}
    for place in places:
        for departement, _distance in nearest_departements(place, using=compiled.using):
            departements.setdefault(departement.ids[0], _distance)
    if not departements:
        return []
    found = []
    for pk, level, code, name in _candidates(compiled, sorted(departements), shown):
        point = point_of(level, code)
        distances = [d for p in places if (d := distance_km(p.point, point)) is not None]
        if distances:
            found.append((min(distances), int(pk), name))
    found.sort()
    chosen = found[:NEARBY_LIMIT]
    hits = load_hits([pk for _d, pk, _n in chosen], compiled.terms, compiled.using)
    for hit, (distance, _pk, name) in zip(hits, chosen, strict=False):
        hit.note = _("à proximité : %(place)s, à %(km)s km") % {
            "place": name,
            "km": max(5, int(round(distance / 5.0)) * 5),
        }
        hit.distance_km = round(distance, 1)
    return hits
