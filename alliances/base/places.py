"""Resolve the free territory text of an example ("Pipriac et Saint-Ganton, Ille-et-Vilaine,
Bretagne", "national") to one official territory.

The text lists places most specific first, with their département and région as context.
Rules (docs/adr/0041-territory-text-resolution.md):
- parentheses are comments ("(quartier Saint-Jean)", "(puis réseau national)") and are dropped;
- the rest is split on commas, slashes and " et "; each part is looked up by its folded name
  among communes, EPCI, départements, régions (a delegated commune or a Paris/Lyon/Marseille
  district leads to its commune); "national"/"France" is the nation;
- a name with several homonyms keeps the candidates consistent with the larger places named
  (the Vienne that contains Poitiers), then a département or région over a homonym commune
  (a commune would be given with its département), then the one that contains the others
  (La Réunion: the région over the département);
- parts that contain another named part are context; the remaining places give their most
  specific common territory (the smallest by population among the territories containing
  them all: two communes of one EPCI give the EPCI);
- a part that matches nothing is reported, never guessed; when other parts resolve, the
  territory they give stands (it is what the text says) and the part is reported as unresolved.
"""

import re
from dataclasses import dataclass, field

from alliances.common.text import normalize_name
from alliances.territories.models import FRANCE_CODE, Level, Territory

_PARENTHESES = re.compile(r"\([^)]*\)")
_SPLIT = re.compile(r"\s*(?:,|/|;)\s*|\s+et\s+")
_NATIONAL = {"national", "nationale", "france", "france entiere", "territoire national"}
_DISTRICT = re.compile(r"^(paris|lyon|marseille) (\d{1,2})(?:e|er|eme)$")
_LOOKUP_LEVELS = (
    Level.COUNTRY,
    Level.REGION,
    Level.DEPARTEMENT,
    Level.EPCI,
    Level.COMMUNE,
    Level.DELEGATED_COMMUNE,
    Level.ASSOCIATED_COMMUNE,
    Level.MUNICIPAL_DISTRICT,
)
_SPECIFICITY = {
    Level.COMMUNE: 0,
    Level.EPCI: 1,
    Level.DEPARTEMENT: 2,
    Level.REGION: 3,
    Level.COUNTRY: 4,
}


@dataclass
class PlaceResolution:
    text: str
    territory: Territory | None = None
    unresolved: list[str] = field(default_factory=list)  # parts that matched nothing
    ambiguous: list[str] = field(default_factory=list)  # parts with several candidates left

    @property
    def complete(self) -> bool:
        return self.territory is not None and not self.unresolved and not self.ambiguous


def split_parts(text: str) -> list[str]:
    """The place names of a territory text, comments in parentheses dropped."""
    cleaned = _PARENTHESES.sub(" ", text).replace("…", " ").replace("...", " ")
    return [p.strip(" .-") for p in _SPLIT.split(cleaned) if p.strip(" .-")]


def _containers(territory: Territory, france: Territory | None) -> set[int]:
    ids = {territory.pk}
    for attr in ("epci_id", "departement_id", "region_id"):
        value = getattr(territory, attr)
        if value:
            ids.add(value)
    if france is not None:
        ids.add(france.pk)
    return ids


def _current(territory: Territory) -> Territory:
    """A delegated commune or a district stands for the commune it belongs to."""
    if territory.level in (
        Level.DELEGATED_COMMUNE,
        Level.ASSOCIATED_COMMUNE,
        Level.MUNICIPAL_DISTRICT,
    ):
        if territory.parent_id:
            return territory.parent
    return territory


def candidates_for(part: str, france: Territory | None) -> list[Territory]:
    key = normalize_name(part)
    if key in _NATIONAL:
        return [france] if france else []
    keys = [key]
    district = _DISTRICT.match(key)
    if district:
        keys.append(f"{district[1]} {district[2]}e arrondissement")
        keys.append(f"{district[1]} {district[2]}er arrondissement")
    found = Territory.objects.filter(
        search_name__in=keys, level__in=_LOOKUP_LEVELS, obsolete=False
    ).select_related("parent")
    unique: dict[int, Territory] = {}
    for territory in found:
        current = _current(territory)
        if current.level in _SPECIFICITY:
            unique[current.pk] = current
    return list(unique.values())


def resolve_place_text(text: str) -> PlaceResolution:
    result = PlaceResolution(text=text)
    france = Territory.objects.filter(level=Level.COUNTRY, code=FRANCE_CODE).first()
    parts = split_parts(text)
    options: dict[str, list[Territory]] = {}
    for part in parts:
        found = candidates_for(part, france)
        if found:
            options[part] = found
        else:
            result.unresolved.append(part)
    if not options:
        return result
    containers = {t.pk: _containers(t, france) for ts in options.values() for t in ts}

    def related(a: Territory, b: Territory) -> bool:
        return a.pk in containers[b.pk] or b.pk in containers[a.pk]

    chosen: dict[str, Territory] = {p: ts[0] for p, ts in options.items() if len(ts) == 1}
    for part, found in options.items():
        if part in chosen:
            continue
        # Named communes are siblings, not context: only larger places narrow the choice.
        context = [t for p, t in chosen.items() if p != part and t.level != Level.COMMUNE]
        fitting = [c for c in found if all(related(c, t) for t in context)] or found
        if len(fitting) > 1:
            # A commune named like a département or région ("Aube", "La Réunion") would be
            # given with its département: the larger place is meant.
            larger = [c for c in fitting if c.level != Level.COMMUNE and c.level != Level.EPCI]
            fitting = larger or fitting
        if len(fitting) > 1:
            # Same name at nested levels (La Réunion: région and département): the container.
            outer = [c for c in fitting if all(c.pk in containers[o.pk] for o in fitting)]
            fitting = outer or fitting
        if len(fitting) == 1:
            chosen[part] = fitting[0]
        else:
            result.ambiguous.append(part)
    if not chosen:
        return result
    places = list({t.pk: t for t in chosen.values()}.values())
    # Context parts (a département after its commune) are not places of their own.
    leaves = [
        t for t in places if not any(o.pk != t.pk and t.pk in containers[o.pk] for o in places)
    ]
    common = set.intersection(*(containers[t.pk] for t in leaves))
    if len(leaves) == 1:
        result.territory = leaves[0]
        return result
    territories = Territory.objects.in_bulk(common)
    result.territory = min(
        territories.values(),
        key=lambda t: (
            t.level == Level.COUNTRY,
            t.population if t.population is not None else 10**12,
            _SPECIFICITY.get(t.level, 9),
        ),
        default=None,
    )
    return result


def scale_for(territory: Territory | None) -> str:
    """The scale of an alliance from the level of its territory ("" when unknown)."""
    if territory is None:
        return ""
    return {
        Level.COMMUNE: "local",
        Level.EPCI: "local",
        Level.DEPARTEMENT: "departemental",
        Level.REGION: "regional",
        Level.COUNTRY: "national",
    }.get(territory.level, "")
