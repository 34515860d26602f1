"""The columns of the shipped territory files, declared once.

Written by `scripts/refresh_territories.py` (which runs without Django, hence no import of
the models here) and read by `alliances.territories.source`, which refuses a file whose header
differs.
"""

import csv
from pathlib import Path

FILES: dict[str, list[str]] = {
    "regions.csv": ["code", "name", "zone", "chef_lieu"],
    # Including the overseas collectivities (zone "com"), also listed in regions.csv.
    "departements.csv": ["code", "name", "region", "zone", "chef_lieu"],
    # code is the SIREN of the EPCI.
    "epci.csv": ["code", "name", "type", "population"],
    "communes.csv": [
        "code",
        "type",
        "name",
        "departement",
        "region",
        "zone",
        "siren",
        "population",
        "postcodes",  # "|"-separated
        "epci",
        "current",  # the commune a delegated or associated commune or a district belongs to
    ],
}


def write_files(rows_by_file: dict[str, list[dict]], target: Path) -> None:
    """Write the rows of each file with its declared columns (a row with another column is
    refused by csv.DictWriter)."""
    target.mkdir(parents=True, exist_ok=True)
    for name, rows in rows_by_file.items():
        with (target / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=FILES[name], lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
