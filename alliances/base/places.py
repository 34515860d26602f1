"""The scale of an alliance from its territory.

Free territory texts are read by the territories part's resolver
(`alliances.territories.lookups.resolve_place_text`, ADR 0012 and ADR 0041).
"""

from alliances.territories.models import Level, Territory

_SCALE_OF_LEVEL = {
    Level.COMMUNE: "local",
    Level.EPCI: "local",
    Level.DEPARTEMENT: "departemental",
    Level.REGION: "regional",
    Level.COUNTRY: "national",
}


def scale_for(territory: Territory | None) -> str:
    """The scale of an alliance from the level of its territory ("" when unknown)."""
    if territory is None:
        return ""
    return _SCALE_OF_LEVEL.get(territory.level, "")
