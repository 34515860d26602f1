"""Extra sections of the public alliance page, contributed by parts built on the base.

The base does not know the parts that build on it (dependencies flow one way): a part such
as the partner workspaces registers a function that renders its section, or returns "".
"""

from collections.abc import Callable

from django.http import HttpRequest

Section = Callable[[HttpRequest, object], str]
_SECTIONS: list[Section] = []


def register(section: Section) -> Section:
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def render_sections(request: HttpRequest, alliance: object) -> list[str]:
    return [html for section in _SECTIONS if (html := section(request, alliance))]


# The organisation page has its own list: a part (the partners' profiles, needs and offers)
# adds its sections there the same way.
_ORGANISATION_SECTIONS: list[Section] = []


def register_organisation(section: Section) -> Section:
    if section not in _ORGANISATION_SECTIONS:
        _ORGANISATION_SECTIONS.append(section)
    return section


def render_organisation_sections(request: HttpRequest, organisation: object) -> list[str]:
    return [html for section in _ORGANISATION_SECTIONS if (html := section(request, organisation))]


# An organisation is public through its published alliances; a part may make it public for
# another reason it owns (a profile its members chose to publish).
_ORGANISATION_PUBLIC: list[Callable[[object], bool]] = []


def register_organisation_visibility(rule: Callable[[object], bool]) -> None:
    if rule not in _ORGANISATION_PUBLIC:
        _ORGANISATION_PUBLIC.append(rule)


def organisation_is_public(organisation: object) -> bool:
    return any(rule(organisation) for rule in _ORGANISATION_PUBLIC)
