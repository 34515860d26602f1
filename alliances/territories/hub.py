"""The sections of a place's page (/territoires/<level>/<code>/), given by the parts.

The territories are reference data: they read no part. A part that knows something about a
place (its alliances, organisations, survey figures, sheet, needs and offers, events)
registers a function that returns its section for a territory, or None when it has nothing
to say there; the page shows the sections in their `order`, each with an anchor in the
page's table of contents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.safestring import SafeString

from .models import Territory


@dataclass(frozen=True)
class HubSection:
    anchor: str  # the id of the section in the page ("alliances", "chiffres")
    title: str  # its heading, in the page's language
    html: SafeString  # its content, rendered by the part (without the heading)
    order: int = 50


HubBuilder = Callable[[HttpRequest, Territory], HubSection | None]
_BUILDERS: list[HubBuilder] = []


def register(builder: HubBuilder) -> HubBuilder:
    """Add a section to every place's page (usable as a decorator; registering twice is
    harmless)."""
    if builder not in _BUILDERS:
        _BUILDERS.append(builder)
    return builder


def sections_for(request: HttpRequest, territory: Territory) -> list[HubSection]:
    found = [section for builder in _BUILDERS if (section := builder(request, territory))]
    return sorted(found, key=lambda s: s.order)
