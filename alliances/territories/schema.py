"""The columns of the shipped territory files, declared once.

Written by `scripts/refresh_territories.py` (which runs without Django, hence no import of
the models here) and read by `alliances.territories.source`, which refuses a file whose header
differs.
"""

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
