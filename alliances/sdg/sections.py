"""Extra sections of a goal's page (/odd/<n>/), contributed by parts built on the SDGs.

The SDGs are reference data and read no part (dependencies flow one way): a part such as the
SDG coding of alliances registers a function that renders its section, or returns "".
"""

from collections.abc import Callable

from django.http import HttpRequest

Section = Callable[[HttpRequest, object], str]
_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def render_sections(request: HttpRequest, goal: object) -> list[str]:
    return [html for section in _SECTIONS if (html := section(request, goal))]
