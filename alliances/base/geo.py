"""Points of territories for maps and GeoJSON (shipped centroids, see data/centroids)."""

import csv
from functools import lru_cache
from pathlib import Path

from alliances.territories.models import Territory

CENTROIDS = Path(__file__).resolve().parent.parent / "data" / "centroids" / "centroids.csv"


@lru_cache(maxsize=1)
def _points() -> dict[tuple[str, str], tuple[float, float]]:
    with CENTROIDS.open(encoding="utf-8", newline="") as handle:
        return {
            (row["level"], row["code"]): (float(row["lon"]), float(row["lat"]))
            for row in csv.DictReader(handle)
        }


def point_of(level: str, code: str) -> tuple[float, float] | None:
    """The point of a territory given by level and official code, or None."""
    return _points().get((level, code))


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
