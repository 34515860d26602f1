"""Template filters writing a place with its article, in the page's language.

`{{ territory|of_place }}` gives "de l'Occitanie" ("of Occitanie" in English) and
`{{ territory|in_place }}` "en Occitanie" ("in Occitanie"). Both take a Territory, or any
object or dict with `level`, `code` and `name`.
"""

from django import template

from alliances.common.i18n import current_language

from ..grammar import in_place as _in_place
from ..grammar import of_place as _of_place

register = template.Library()


def _parts(place: object) -> tuple[str, str, str]:
    if isinstance(place, dict):
        return place.get("level", ""), place.get("code", ""), place.get("name", "")
    return (
        getattr(place, "level", ""),
        getattr(place, "code", ""),
        getattr(place, "name", str(place)),
    )


@register.filter
def of_place(place: object) -> str:
    level, code, name = _parts(place)
    return _of_place(level, code, name, current_language())


@register.filter
def in_place(place: object) -> str:
    level, code, name = _parts(place)
    return _in_place(level, code, name, current_language())
