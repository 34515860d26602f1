"""Points of the alliances' territories for maps and GeoJSON (see territories.points)."""

from alliances.territories.models import Territory
from alliances.territories.points import point_of

__all__ = ["point_for", "point_of"]


def point_for(territory: Territory | None) -> tuple[float, float] | None:
    """(lon, lat) of a territory; a territory missing from the shipped points (a commune
    created after the source's vintage) takes the point of what contains it."""
    if territory is None:
        return None
    found = point_of(territory.level, territory.code)
    if found:
        return found
    for parent_id in (territory.epci_id, territory.departement_id, territory.region_id):
        if parent_id and parent_id != territory.pk:
            parent = Territory.objects.filter(pk=parent_id).only("level", "code").first()
            if parent and (found := point_of(parent.level, parent.code)):
                return found
    return None
