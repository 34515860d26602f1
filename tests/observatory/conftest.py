"""Fixtures of the observatory tests: the nation and the régions the sources name.

The session database is loaded by `setup`; when the territory loader has run, these rows
already exist and are reused (get_or_create), otherwise they are created for the test only.
"""

import pytest

from alliances.common.text import normalize_name
from alliances.territories.models import Level, Territory

# Official codes (COG) of the régions the observatory sources name.
REGIONS = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}


def ensure_territories() -> dict[str, Territory]:
    france, _ = Territory.objects.get_or_create(
        level=Level.COUNTRY,
        code="FR",
        defaults={"name": "France", "search_name": normalize_name("France")},
    )
    found = {"FR": france}
    for code, name in REGIONS.items():
        region, created = Territory.objects.get_or_create(
            level=Level.REGION,
            code=code,
            defaults={"name": name, "search_name": normalize_name(name), "parent": france},
        )
        if created:
            region.region = region
            region.save(update_fields=["region"])
        found[code] = region
    return found


@pytest.fixture
def territories(db):
    return ensure_territories()


@pytest.fixture
def loaded(territories):
    """The shipped data loaded with resolved territories (inside the test's transaction)."""
    from alliances.observatory.loader import load

    load()
    return territories
