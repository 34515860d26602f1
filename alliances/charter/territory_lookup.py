"""Find the territory a signatory typed: an official code, a postcode, a name ("Lyon",
"Lyon, Rhône"), or "Name (code)" as the form suggests when a name is ambiguous.

Built on the shared lookups of `alliances.territories.lookups`; an ambiguous answer is
returned with its candidates for the user to choose, never guessed.
"""

import re
from dataclasses import dataclass

from alliances.common.text import normalize_name
from alliances.territories import lookups
from alliances.territories.models import PLACE_LEVELS, Territory

_NAME_AND_CODE = re.compile(r"^(?P<name>.*?)\s*\((?P<code>[0-9A-Za-z]{1,12})\)\s*$")
_CODE = re.compile(r"\d[\dAB]\d{0,7}|\d{9}", flags=re.IGNORECASE)
MAX_CANDIDATES = 6


@dataclass
class Lookup:
    territory: Territory | None
    candidates: list[Territory]


def _answer(found: list[Territory]) -> Lookup:
    if len(found) == 1:
        return Lookup(found[0], [])
    return Lookup(None, found[:MAX_CANDIDATES])


def find_territory(text: str) -> Lookup:
    text = " ".join(text.split())
    if not text:
        return Lookup(None, [])
    match = _NAME_AND_CODE.match(text)
    if match:
        # "Aude (11)": the name and the code together are one territory.
        return _answer(
            list(
                Territory.objects.filter(
                    level__in=PLACE_LEVELS,
                    obsolete=False,
                    code__iexact=match["code"],
                    search_name=normalize_name(match["name"]),
                )[: MAX_CANDIDATES + 1]
            )
        )
    if _CODE.fullmatch(text):
        # A code may be a région and a département ("11"), or a postcode of several communes.
        return _answer(lookups.search(text, limit=MAX_CANDIDATES + 1))
    resolution = lookups.resolve_place_text(text)
    if resolution.territory is not None and not resolution.unresolved:
        return Lookup(resolution.territory, [])
    candidates = resolution.candidates or lookups.search_by_name(text, limit=MAX_CANDIDATES + 1)
    if resolution.territory is None and len(candidates) == 1:
        exact = candidates[0].search_name == normalize_name(text)
        return Lookup(candidates[0], []) if exact else Lookup(None, candidates)
    return Lookup(None, candidates[:MAX_CANDIDATES])
