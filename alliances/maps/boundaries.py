"""Read the shipped boundaries (alliances/data/maps/*.json), once per process."""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "maps"
LEVELS = {"region": "regions.json", "departement": "departements.json"}


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    d: str  # SVG path data in the common frame (fine detail, for zoomed maps)
    d_coarse: str  # the same outline simplified more, for the map of all France
    bbox: tuple[float, float, float, float]  # x0, y0, x1, y1 in the same frame
    parent: str | None  # région of a département


@dataclass(frozen=True)
class Boundaries:
    level: str
    view_box: tuple[float, float, float, float]
    areas: dict[str, Area]
    insets: tuple[dict, ...]  # DROM inset boxes: code, region, label, box [x, y, w, h]


def check_level(level: str) -> str:
    if level not in LEVELS:
        raise ValueError(
            f"Niveau de carte inconnu : « {level} » (attendu : region ou departement)."
        )
    return level


@lru_cache(maxsize=2)
def load(level: str) -> Boundaries:
    """The boundaries of one level; the file is parsed once and shared (read-only)."""
    path = DATA / LEVELS[check_level(level)]
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        areas = {
            code: Area(
                code=code,
                name=item["name"],
                d=item["d"],
                d_coarse=item.get("d_coarse") or item["d"],
                bbox=tuple(item["bbox"]),
                parent=item.get("region"),
            )
            for code, item in payload["areas"].items()
        }
        return Boundaries(
            level=level,
            view_box=tuple(payload["viewBox"]),
            areas=areas,
            insets=tuple(payload["insets"]),
        )
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RuntimeError(
            f"Fichier de contours illisible : {path} ({exc}). "
            "Reconstruisez-le avec scripts/build_boundaries.py."
        ) from exc


def areas(level: str) -> dict[str, Area]:
    """Every area of a level, by official code, in the order of the official code."""
    return load(level).areas


def known_codes(level: str) -> set[str]:
    return set(load(level).areas)


def departements_of(region: str) -> set[str]:
    """Codes of the départements of a région (to draw a région zoomed, with `subset`)."""
    found = {a.code for a in load("departement").areas.values() if a.parent == region}
    if not found:
        raise ValueError(f"Code de région inconnu : « {region} ».")
    return found
