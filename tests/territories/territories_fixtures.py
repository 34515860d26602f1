"""Small copies of the territory data files, for the loader tests."""

from pathlib import Path

from alliances.territories import schema

ROWS = {
    "regions.csv": [
        {"code": "27", "name": "Bourgogne-Franche-Comté", "zone": "metro", "chef_lieu": "21231"},
        {"code": "53", "name": "Bretagne", "zone": "metro", "chef_lieu": "35238"},
        {"code": "975", "name": "Saint-Pierre-et-Miquelon", "zone": "com", "chef_lieu": "97502"},
    ],
    "departements.csv": [
        {"code": "25", "name": "Doubs", "region": "27", "zone": "metro", "chef_lieu": "25056"},
        {
            "code": "35",
            "name": "Ille-et-Vilaine",
            "region": "53",
            "zone": "metro",
            "chef_lieu": "35238",
        },
        {
            "code": "975",
            "name": "Saint-Pierre-et-Miquelon",
            "region": "975",
            "zone": "com",
            "chef_lieu": "97502",
        },
    ],
    "epci.csv": [
        {
            "code": "242500361",
            "name": "CU Grand Besançon Métropole",
            "type": "CU",
            "population": "196000",
        },
        {"code": "243500139", "name": "Rennes Métropole", "type": "METRO", "population": "230000"},
    ],
    "communes.csv": [
        {
            "code": "25056",
            "type": "commune",
            "name": "Besançon",
            "departement": "25",
            "region": "27",
            "zone": "metro",
            "siren": "212500565",
            "population": "119198",
            "postcodes": "25000",
            "epci": "242500361",
            "current": "",
        },
        {
            "code": "25047",
            "type": "commune",
            "name": "Beure",
            "departement": "25",
            "region": "27",
            "zone": "metro",
            "siren": "212500474",
            "population": "1400",
            "postcodes": "25720",
            "epci": "242500361",
            "current": "",
        },
        {
            "code": "35238",
            "type": "commune",
            "name": "Rennes",
            "departement": "35",
            "region": "53",
            "zone": "metro",
            "siren": "213502388",
            "population": "225081",
            "postcodes": "35000|35200|35700",
            "epci": "243500139",
            "current": "",
        },
        {
            "code": "35001",
            "type": "commune-deleguee",
            "name": "Ancienne-Commune",
            "departement": "35",
            "region": "53",
            "zone": "metro",
            "siren": "",
            "population": "",
            "postcodes": "",
            "epci": "",
            "current": "35238",
        },
        {
            "code": "97502",
            "type": "commune",
            "name": "Saint-Pierre",
            "departement": "975",
            "region": "975",
            "zone": "com",
            "siren": "",
            "population": "5194",
            "postcodes": "97500",
            "epci": "",
            "current": "",
        },
    ],
}


def write_files(folder: Path, rows: dict[str, list[dict]]) -> Path:
    schema.write_files(rows, folder)
    (folder / "VERSION").write_text("fixture@1\n")
    return folder
