#!/usr/bin/env python3
"""Rebuild alliances/data/territories/ from the npm package @etalab/decoupage-administratif.

Run by a maintainer when a new vintage of the official geographic code (COG) is published;
users never need Node: the converted CSV files are shipped in the repository and read by
`manage.py populate_territories`.

    python scripts/refresh_territories.py                  # npm pack the pinned version
    python scripts/refresh_territories.py --version 6.0.0  # another version of the package
    python scripts/refresh_territories.py --from /path/to/unpacked/package

The conversion keeps only the fields the platform needs, in four small diffable CSV files
(regions.csv, departements.csv, epci.csv, communes.csv) whose columns are declared once, in
alliances/territories/schema.py, for this script and for the loader that reads them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

PACKAGE = "@etalab/decoupage-administratif"
PINNED_VERSION = "6.0.0"
ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "alliances" / "data" / "territories"

sys.path.insert(0, str(ROOT))
from alliances.territories.schema import write_files  # noqa: E402  (Django-free, see its docstring)

# Source types of communes.json and the level names of the platform.
COMMUNE_TYPES = {
    "commune-actuelle": "commune",
    "commune-deleguee": "commune-deleguee",
    "commune-associee": "commune-associee",
    "arrondissement-municipal": "arrondissement",
}


def fetch(version: str, workdir: Path) -> Path:
    """`npm pack` the package (a plain tarball download, no install scripts run)."""
    subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--silent"],
        cwd=workdir,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    tarball = next(workdir.glob("*.tgz"))
    with tarfile.open(tarball) as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package"


def _load(package_dir: Path, name: str) -> list[dict]:
    return json.loads((package_dir / "data" / name).read_text(encoding="utf-8"))


def convert(package_dir: Path) -> dict[str, list[dict]]:
    """Turn the package's JSON into the rows of the four CSV files."""
    regions = [
        {"code": r["code"], "name": r["nom"], "zone": r["zone"], "chef_lieu": r.get("chefLieu", "")}
        for r in _load(package_dir, "regions.json")
    ]
    departements = [
        {
            "code": d["code"],
            "name": d["nom"],
            "region": d["region"],
            "zone": d["zone"],
            "chef_lieu": d.get("chefLieu", ""),
        }
        for d in _load(package_dir, "departements.json")
    ]
    epci_of: dict[str, str] = {}
    epcis = []
    for e in _load(package_dir, "epci.json"):
        epcis.append(
            {
                "code": e["code"],
                "name": e["nom"],
                "type": e.get("type", ""),
                "population": e.get("populationMunicipale", ""),
            }
        )
        for member in e.get("membres", []):
            if member["code"] in epci_of:
                raise SystemExit(f"commune {member['code']} is in two EPCI")
            epci_of[member["code"]] = e["code"]
    communes = []
    for c in _load(package_dir, "communes.json"):
        level = COMMUNE_TYPES[c["type"]]
        current = c.get("chefLieu") or c.get("commune") or ""
        communes.append(
            {
                "code": c["code"],
                "type": level,
                "name": c["nom"],
                "departement": c.get("departement", ""),
                "region": c.get("region", ""),
                "zone": c.get("zone", ""),
                "siren": c.get("siren", ""),
                "population": c.get("population", ""),
                "postcodes": "|".join(c.get("codesPostaux", [])),
                "epci": epci_of.get(c["code"], "") if level == "commune" else "",
                "current": current if level != "commune" else "",
            }
        )
    return {
        "regions.csv": regions,
        "departements.csv": departements,
        "epci.csv": epcis,
        "communes.csv": communes,
    }


def write_version(target: Path, version: str) -> None:
    (target / "VERSION").write_text(
        f"{PACKAGE}@{version}\nconverted {datetime.now(UTC):%Y-%m-%d}\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--version", default=PINNED_VERSION)
    parser.add_argument("--from", dest="source", type=Path, help="an unpacked package folder")
    parser.add_argument("--target", type=Path, default=TARGET)
    args = parser.parse_args(argv)
    if args.source:
        package = json.loads((args.source / "package.json").read_text())
        if package.get("name") != PACKAGE:
            print(f"{args.source} is not {PACKAGE}", file=sys.stderr)
            return 2
        rows = convert(args.source)
        version = package["version"]
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = convert(fetch(args.version, Path(tmp)))
        version = args.version
    write_files(rows, args.target)
    write_version(args.target, version)
    for name, file_rows in rows.items():
        print(f"{name}: {len(file_rows)} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
