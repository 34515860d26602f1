"""Turn the territory a contributor typed into the importer's territory cell.

Codes ("69123", "commune:69123", "national") go to the importer as they are: its validator
is the one place that decides whether a code exists. Names ("Lyon", "Vienne, Nouvelle-
Aquitaine") are read by the territories part's resolver; an ambiguous name is answered with
its candidates, written "Name (level:code)" so that the contributor can copy one back.
"""

import re

from django.utils.translation import gettext as _

from alliances.common.text import normalize_name
from alliances.territories import lookups
from alliances.territories.models import Territory

_CODE = re.compile(r"^(?:[a-z_]+\s*:\s*)?(?:\d[\dAB]\d{0,7}|\d{9}|FR)$", re.IGNORECASE)
_TRAILING_CODE = re.compile(r"\(\s*(?P<code>[a-z_]+\s*:\s*[0-9A-Za-z]{1,12})\s*\)\s*$")
MAX_CANDIDATES = 6


class TerritoryTextError(ValueError):
    """The text names no territory, or several: the message says which and what to do."""


def readable(territory: Territory) -> str:
    """ "Lyon (commune:69123)": a name the contributor recognises, with the exact cell."""
    return f"{territory.name} ({territory.level}:{territory.code})"


def territory_cell(text: str) -> str:
    """The territory cell for this text ("" for an empty text)."""
    text = " ".join((text or "").split())
    if not text:
        return ""
    trailing = _TRAILING_CODE.search(text)
    if trailing:
        return "".join(trailing["code"].split())
    if normalize_name(text) in lookups.NATIONAL_WORDS:
        return "national"
    if _CODE.match(text):
        return "".join(text.split())
    resolution = lookups.resolve_place_text(text)
    if resolution.complete:
        territory = resolution.territory
        return f"{territory.level}:{territory.code}"
    if resolution.candidates:
        names = ", ".join(readable(t) for t in resolution.candidates[:MAX_CANDIDATES])
        raise TerritoryTextError(
            _(
                "Plusieurs territoires s'appellent « %(text)s » : %(names)s. Recopiez celui "
                "qui convient, avec son code entre parenthèses."
            )
            % {"text": text, "names": names}
        )
    raise TerritoryTextError(
        _(
            "Aucun territoire ne correspond à « %(text)s ». Écrivez le nom d'une commune, "
            "d'un département ou d'une région (ex. « Lyon », « Gironde »), son code officiel, "
            "ou « national »."
        )
        % {"text": text}
    )


def territory_label(cell: str) -> str:
    """The name of the territory of a cell, for curators ("" when unknown)."""
    if not cell:
        return ""
    if normalize_name(cell) in lookups.NATIONAL_WORDS:
        return "France"
    level, _sep, code = cell.rpartition(":")
    found = Territory.objects.filter(code__iexact=code.strip(), obsolete=False)
    if level:
        found = found.filter(level=level.strip().lower())
    territory = found.first()
    return readable(territory) if territory else cell
