"""The refresh script and the loader share one declaration of the territory files: rows
converted from the package come out as the shipped files have them, and read back."""

import csv
import json
import subprocess
import sys
from pathlib import Path

from alliances.territories.schema import FILES
from alliances.territories.source import read_plan

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "alliances" / "data" / "territories"
SCRIPT = ROOT / "scripts" / "refresh_territories.py"
SOURCE_TYPES = {
    "commune": "commune-actuelle",
    "commune-deleguee": "commune-deleguee",
    "commune-associee": "commune-associee",
    "arrondissement": "arrondissement-municipal",
}


def _shipped(name: str, keep) -> list[dict[str, str]]:
    with (SHIPPED / name).open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if keep(row)]


def _rennes_metropole() -> dict[str, list[dict[str, str]]]:
    """The shipped rows of Bretagne, Ille-et-Vilaine, Rennes Métropole and its communes."""
    communes = _shipped("communes.csv", lambda r: r["epci"] == "243500139")
    codes = {c["code"] for c in communes}
    communes += _shipped("communes.csv", lambda r: r["current"] in codes)
    return {
        "regions.csv": _shipped("regions.csv", lambda r: r["code"] == "53"),
        "departements.csv": _shipped("departements.csv", lambda r: r["code"] == "35"),
        "epci.csv": _shipped("epci.csv", lambda r: r["code"] == "243500139"),
        "communes.csv": communes,
    }


def _package(rows: dict[str, list[dict[str, str]]], folder: Path) -> Path:
    """The same rows written back as the npm package's JSON files."""
    data = folder / "data"
    data.mkdir(parents=True)
    (folder / "package.json").write_text(
        json.dumps({"name": "@etalab/decoupage-administratif", "version": "6.0.0"})
    )

    def dump(name: str, items: list[dict]) -> None:
        (data / name).write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")

    dump(
        "regions.json",
        [
            {"code": r["code"], "nom": r["name"], "zone": r["zone"], "chefLieu": r["chef_lieu"]}
            for r in rows["regions.csv"]
        ],
    )
    dump(
        "departements.json",
        [
            {
                "code": d["code"],
                "nom": d["name"],
                "region": d["region"],
                "zone": d["zone"],
                "chefLieu": d["chef_lieu"],
            }
            for d in rows["departements.csv"]
        ],
    )
    dump(
        "epci.json",
        [
            {
                "code": e["code"],
                "nom": e["name"],
                "type": e["type"],
                "populationMunicipale": int(e["population"]),
                "membres": [{"code": c["code"]} for c in rows["communes.csv"] if c["epci"]],
            }
            for e in rows["epci.csv"]
        ],
    )
    communes = []
    for c in rows["communes.csv"]:
        item = {
            "code": c["code"],
            "nom": c["name"],
            "type": SOURCE_TYPES[c["type"]],
            "departement": c["departement"],
            "region": c["region"],
            "zone": c["zone"],
            "codesPostaux": [p for p in c["postcodes"].split("|") if p],
        }
        if c["siren"]:
            item["siren"] = c["siren"]
        if c["population"]:
            item["population"] = int(c["population"])
        if c["current"]:
            item["chefLieu"] = c["current"]
        communes.append(item)
    dump("communes.json", communes)
    return folder


def test_converted_files_equal_the_shipped_rows_and_load(tmp_path):
    rows = _rennes_metropole()
    assert len(rows["communes.csv"]) > 40  # the 43 communes and their former communes
    target = tmp_path / "territories"
    package = _package(rows, tmp_path / "package")
    subprocess.run(
        [sys.executable, str(SCRIPT), "--from", str(package), "--target", str(target)],
        check=True,
        capture_output=True,
    )
    for name, columns in FILES.items():
        with (target / name).open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == columns
            assert list(reader) == rows[name]
    plan = read_plan(target)
    assert plan.version == "@etalab/decoupage-administratif@6.0.0"
    rennes = next(t for t in plan.territories if t.code == "35238" and t.level == "commune")
    assert rennes.epci == ("epci", "243500139") and rennes.region == ("region", "53")
