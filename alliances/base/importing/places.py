"""The `territory` cell of an import: an official code, or a place as people write it.

- Codes: `commune:25056`, a bare official code (`25056`, `2A`, `200046977`), `national`; the
  code of a Paris, Lyon or Marseille arrondissement (`75111`) leads to its commune.
- A five-digit number that is no official code is read as a postcode when it serves one
  commune (several: the row lists them).
- Anything else goes to the platform's one resolver of place texts
  (`alliances.territories.lookups.resolve_place_text`): "Besançon", "Lyon 3e", "Paris 11e
  arrondissement", "Pipriac, Ille-et-Vilaine", "Vienne, Nouvelle-Aquitaine".

An ambiguous text is a row error listing the candidates. A cell naming several places ("Paris
et Marseille", or parts apart with ";" or "|") gives the alliance its main territory (the
first named) and its other territories. A part that matches nothing beside parts that do is a
warning, the territory the other parts name standing (as the loader does, ADR 0041).
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from alliances.territories.lookups import (
    NATIONAL_WORDS,
    PlaceResolution,
    by_postcode,
    resolve_place_text,
)
from alliances.territories.models import FRANCE_CODE, PLACE_LEVELS, Level, Territory

from .cells import CellError, gettext_noop, parse_territory

# Official codes: régions and départements (2-3 characters, Corsica's 2A/2B), communes (5),
# EPCI (9 digits). Anything else is a name.
_CODE = re.compile(r"^(?:\d[\dab]\d{0,3}|\d{9}|fr)$", flags=re.IGNORECASE)
_SPLIT_PLACES = re.compile(r"\s+(?:et|&)\s+|\s*/\s*", flags=re.IGNORECASE)  # as the resolver
_LEVEL_CODE = re.compile(r"^[a-z-]+\s*:\s*\S+$", flags=re.IGNORECASE)
MAX_CANDIDATES = 8


class PlaceError(Exception):
    """A territory cell that cannot be placed; the message is already in the user's language."""


@dataclass
class Place:
    territory_id: int
    level: str
    warnings: list[str] = field(default_factory=list)
    others: list[int] = field(default_factory=list)  # the alliance's other territories


# Places apart in one cell: "commune:75056 ; commune:13055", "Paris | Marseille".
_CELL_PARTS = re.compile(r"\s*[;|]\s*")


def _label(territory: Territory) -> str:
    return f"{territory.name} ({territory.get_level_display()} {territory.code})"


class _Codes:
    """(level, code) → (id, level), loaded once: tens of thousands of lookups stay in memory.
    Arrondissements (Paris, Lyon, Marseille) are found under their own code and lead to
    their commune."""

    def __init__(self) -> None:
        self.by_level: dict[tuple[str, str], tuple[int, str]] = {}
        self.by_code: dict[str, list[tuple[int, str]]] = defaultdict(list)
        rows = Territory.objects.filter(level__in=PLACE_LEVELS, obsolete=False).values_list(
            "pk", "level", "code"
        )
        for pk, level, code in rows:
            self.by_level[(level, code.upper())] = (pk, level)
            self.by_code[code.upper()].append((pk, level))
        districts = Territory.objects.filter(
            level=Level.MUNICIPAL_DISTRICT, obsolete=False, parent__isnull=False
        ).values_list("code", "parent_id")
        for code, parent in districts:
            commune = (parent, Level.COMMUNE)
            for level in (Level.MUNICIPAL_DISTRICT, Level.COMMUNE):
                self.by_level.setdefault((level, code.upper()), commune)
            if not self.by_code.get(code.upper()):
                self.by_code[code.upper()].append(commune)

    def find(self, value: str) -> tuple[int, str]:
        level, code = parse_territory(value)
        if level:
            return self._with_level(value, level, code)
        matches = self.by_code.get(code, [])
        if not matches:
            raise CellError(gettext_noop("code de territoire inconnu : « %(value)s »"), value=value)
        if len(matches) > 1:
            levels = ", ".join(sorted(level for _pk, level in matches))
            raise CellError(
                gettext_noop("code ambigu : « %(value)s » (%(levels)s) ; précisez niveau:code"),
                value=value,
                levels=levels,
            )
        return matches[0]

    def _with_level(self, value: str, level: str, code: str) -> tuple[int, str]:
        if level not in PLACE_LEVELS and level != Level.MUNICIPAL_DISTRICT:
            known = ", ".join(str(v) for v in PLACE_LEVELS)
            raise CellError(
                gettext_noop("niveau de territoire inconnu : « %(level)s » (%(known)s)"),
                level=level,
                known=known,
            )
        found = self.by_level.get((level, code))
        if not found:
            raise CellError(gettext_noop("code de territoire inconnu : « %(value)s »"), value=value)
        return found


def several_places(resolution: PlaceResolution) -> list[str]:
    """The places a text names side by side and reads as their common territory ("Paris et
    Marseille", "Lille, Nantes"); empty when it names one place with its context."""
    named: list[str] = []
    single = []
    for part in resolution.parts:
        if part.chosen is None:
            continue
        members = {t.pk for option in part.options for t in option}
        if part.chosen.pk in members:
            single.append(part)
        else:  # a part such as "Pomerol et Bordeaux", read as their common territory
            named += [n.strip() for n in _SPLIT_PLACES.split(part.text) if n.strip()]
    # Parts of the same level side by side ("Lille, Nantes") are siblings, not context.
    levels = [p.chosen.level for p in single]
    named += [p.text for p in single if levels.count(p.chosen.level) > 1]
    return named


class PlaceReader:
    """Reads territory cells for one import; each distinct text is resolved once."""

    def __init__(self) -> None:
        self.codes = _Codes()
        self.seen: dict[str, Place | PlaceError] = {}

    def read(self, value: str) -> Place:
        text = " ".join(value.split())
        if text not in self.seen:
            try:
                self.seen[text] = self._read(text)
            except PlaceError as error:
                self.seen[text] = error
        found = self.seen[text]
        if isinstance(found, PlaceError):
            raise found
        return found

    def _read(self, text: str) -> Place:
        """The first place named is the main territory; the others follow it."""
        parts = [p for p in _CELL_PARTS.split(text) if p]
        places = [self._read_one(p) for p in parts] if len(parts) > 1 else [self._read_one(text)]
        return together(places)

    def _read_one(self, text: str) -> Place:
        if text.casefold() in NATIONAL_WORDS:
            text = f"{Level.COUNTRY}:{FRANCE_CODE}"
        if _LEVEL_CODE.match(text) or _CODE.match(text):
            try:
                return Place(*self.codes.find(text))
            except CellError as error:
                if re.fullmatch(r"\d{5}", text):
                    return self._postcode(text, error)
                raise PlaceError(error.translated(_)) from None
        return self._free_text(text)

    def _postcode(self, text: str, unknown: CellError) -> Place:
        communes = by_postcode(text)
        if not communes:
            raise PlaceError(unknown.translated(_))
        if len(communes) > 1:
            raise PlaceError(
                _(
                    "« %(text)s » n'est pas un code officiel ; comme code postal, il dessert "
                    "plusieurs communes : %(candidates)s. Donnez le code officiel "
                    "(commune:…) ou le nom."
                )
                % {
                    "text": text,
                    "candidates": ", ".join(_label(c) for c in communes[:MAX_CANDIDATES]),
                }
            )
        commune = communes[0]
        note = _("« %(text)s » lu comme le code postal de %(commune)s") % {
            "text": text,
            "commune": _label(commune),
        }
        return Place(commune.pk, commune.level, [note])

    def _free_text(self, text: str) -> Place:
        resolution = resolve_place_text(text)
        if resolution.candidates:
            raise PlaceError(
                _(
                    "« %(text)s » désigne plusieurs territoires : %(candidates)s. Précisez "
                    "(par exemple « %(example)s ») ou donnez le code (niveau:code)."
                )
                % {
                    "text": text,
                    "candidates": ", ".join(
                        _label(c) for c in resolution.candidates[:MAX_CANDIDATES]
                    ),
                    "example": f"{text}, {_context(resolution.candidates[0])}",
                }
            )
        territory = resolution.territory
        if territory is None:
            raise PlaceError(" ; ".join(resolution.problems()))
        named = several_places(resolution)
        if named:  # "Paris et Marseille": each place, the first one the main territory
            return together([self._read_one(name) for name in named])
        if territory.level not in PLACE_LEVELS:
            raise PlaceError(_("« %s » : aucun territoire reconnu") % text)
        warnings = []
        if resolution.unresolved:
            warnings.append(
                _("%(problems)s ; territoire retenu : %(territory)s")
                % {"problems": " ; ".join(resolution.problems()), "territory": _label(territory)}
            )
        return Place(territory.pk, territory.level, warnings)


def _context(territory: Territory) -> str:
    """What a person would add to tell a homonym apart: its département, else its région."""
    for attribute in ("departement", "region", "parent"):
        outer = getattr(territory, f"{attribute}_id", None)
        if outer and outer != territory.pk:
            found = Territory.objects.filter(pk=outer).values_list("name", flat=True).first()
            if found:
                return found
    return territory.code


def together(places: list[Place]) -> Place:
    """One place, or the first of several with the others attached (each once)."""
    main = places[0]
    others: list[int] = []
    for place in places[1:]:
        for pk in [place.territory_id, *place.others]:
            if pk != main.territory_id and pk not in others:
                others.append(pk)
    warnings = [w for place in places for w in place.warnings]
    return Place(main.territory_id, main.level, warnings, [*main.others, *others])
