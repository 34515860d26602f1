"""Suggestions of the place box (/territoires/suggestions/) and the reading of a typed place."""

import pytest

from alliances.territories.suggest import resolve, suggest

pytestmark = pytest.mark.django_db


def test_start_of_a_name_gives_places_of_every_level_best_first(client_fr):
    results = client_fr.get("/territoires/suggestions/", {"q": "besan"}).json()["results"]
    assert results[0] == {
        "value": "commune:25056",
        "label": "Besançon",
        "detail": "commune · Doubs (25)",
    }
    values = [s.value for s in suggest("doubs")]
    assert values[0] == "departement:25"
    assert suggest("bourgogne")[0].value == "region:27"


def test_postcode_and_official_code(client_fr):
    assert [s.value for s in suggest("25000")][:1] == ["commune:25056"]
    assert "25000" in suggest("25000")[0].detail
    assert suggest("25")[0].value == "departement:25"
    assert suggest("242500361")[0].value.startswith("epci:")


def test_too_short_or_unknown_gives_nothing(client_fr):
    assert client_fr.get("/territoires/suggestions/", {"q": "b"}).json() == {"results": []}
    assert suggest("zzzyzx") == []
    response = client_fr.get("/territoires/suggestions/", {"q": "x" * 5000})
    assert response.status_code == 200 and response["Cache-Control"] == "public, max-age=3600"


def test_resolve_reads_the_most_likely_place():
    assert resolve("Besançon").code == "25056"
    assert resolve("besan").code == "25056"
    assert resolve("25000").code == "25056"
    assert resolve("Doubs").level == "departement"
    assert resolve("nulle part du tout") is None
