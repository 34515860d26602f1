"""Suggestions for a place box: any commune, EPCI, département or région by the start of its
name, its official code or a postcode, best first.

Read-only over the public functions of `lookups`: a postcode or an official code goes
through `lookups.search`; a name through the folded-name index (`lookups.name_prefix`), so
that "rod" already offers Rodez. Exact names come first, then the most populated (a région
or a département before a commune of the same name).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from alliances.common.text import normalize_name

from .lookups import SUB_COMMUNE_LEVELS, name_prefix, search
from .models import Level, Territory

SUGGESTION_LEVELS = (Level.REGION, Level.DEPARTEMENT, Level.EPCI, Level.COMMUNE)
MAX_SUGGESTIONS = 8
_CODE = re.compile(r"\d[\dAB]\d{0,7}|\d{9}", flags=re.IGNORECASE)


@dataclass(frozen=True)
class Suggestion:
    value: str  # what the search's territory filter reads: "commune:12202"
    label: str  # "Rodez"
    detail: str  # "commune · Aveyron (12) · 12000"

    def as_dict(self) -> dict[str, str]:
        return {"value": self.value, "label": self.label, "detail": self.detail}


def _detail(place: Territory, postcode: str = "") -> str:
    parts = [str(place.get_level_display())]
    departement = place.departement if place.departement_id else None
    if departement is not None and departement.pk != place.pk:
        parts.append(f"{departement.name} ({departement.code})")
    elif place.level == Level.DEPARTEMENT:
        parts.append(place.code)
    if postcode:
        parts.append(postcode)
    return " · ".join(parts)


def _by_name(text: str, limit: int) -> list[Territory]:
    folded = normalize_name(text)
    if not folded:
        return []
    places = Territory.objects.filter(level__in=SUGGESTION_LEVELS, obsolete=False).select_related(
        "departement"
    )
    exact = list(places.filter(search_name=folded).order_by("-population", "code")[:limit])
    known = {t.pk for t in exact}
    starting = [
        t
        for t in places.filter(name_prefix(folded))
        .exclude(search_name=folded)
        .order_by("-population", "code")[: limit * 2]
        if t.pk not in known
    ]
    return (exact + starting)[:limit]


def suggest(text: str, limit: int = MAX_SUGGESTIONS) -> list[Suggestion]:
    """At most `limit` places for what was typed (at least two characters)."""
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return []
    postcode = text if re.fullmatch(r"\d{5}", text) else ""
    if postcode or _CODE.fullmatch(text):
        found = [t for t in search(text, limit=limit) if t.level in SUGGESTION_LEVELS]
    else:
        found = _by_name(text, limit)
    return [Suggestion(f"{t.level}:{t.code}", t.name, _detail(t, postcode)) for t in found]


def resolve(text: str) -> Territory | None:
    """The one place a typed text most likely names (the place box without JavaScript): an
    exact name first, then a code or postcode, then the start of a name."""
    text = " ".join(text.split())[:100]
    if not text:
        return None
    for found in (search(text, limit=1), _by_name(text, 1)):
        for place in found:
            if place.level in SUB_COMMUNE_LEVELS and place.parent_id:
                place = place.parent
            if place.level in (*SUGGESTION_LEVELS, Level.COUNTRY):
                return place
    return None


def no_place_message(text: str) -> str:
    return _(
        "Lieu « %(text)s » introuvable : essayez un nom de commune, un département, une "
        "région ou un code postal."
    ) % {"text": text}
