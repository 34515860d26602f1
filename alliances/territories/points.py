"""Points (centroids) of territories for maps and GeoJSON (shipped, see data/centroids)."""

import csv
from functools import lru_cache
from pathlib import Path

CENTROIDS = Path(__file__).resolve().parent.parent / "data" / "centroids" / "centroids.csv"


@lru_cache(maxsize=1)
def _points() -> dict[tuple[str, str], tuple[float, float]]:
    with CENTROIDS.open(encoding="utf-8", newline="") as handle:
        return {
            (row["level"], row["code"]): (float(row["lon"]), float(row["lat"]))
            for row in csv.DictReader(handle)
        }


def point_of(level: str, code: str) -> tuple[float, float] | None:
    """(lon, lat) of a territory given by level and official code, or None."""
    return _points().get((level, code))
