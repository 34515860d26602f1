"""The search page's layout and place box (issue 14): results first, chips, the place box
read by the server when JavaScript did not choose a suggestion."""

import pytest
from base_search_fixtures import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def test_the_typed_place_becomes_the_territory_filter(client_fr, world):
    response = client_fr.get("/alliances/", {"q": "emploi", "lieu": "Besançon", "sort": ""})
    assert response.status_code == 302
    assert response["Location"] == "?q=emploi&territory=commune%3A25056"


def test_the_typed_place_replaces_the_place_but_keeps_the_regions_ticked(client_fr, world):
    response = client_fr.get(
        "/alliances/",
        {"lieu": "Doubs", "territory": ["region:27", "commune:25056"], "page": "3"},
    )
    assert response["Location"] == "?territory=region%3A27&territory=departement%3A25"


def test_an_unchanged_or_emptied_place_box(client_fr, world):
    kept = client_fr.get("/alliances/", {"lieu": "Besançon", "territory": "commune:25056"})
    assert kept["Location"] == "?territory=commune%3A25056"
    emptied = client_fr.get("/alliances/", {"lieu": "", "territory": ["commune:25056"]})
    assert emptied["Location"] == "/alliances/"


def test_an_unknown_place_is_said_and_nothing_else_changes(client_fr, world):
    response = client_fr.get("/alliances/", {"lieu": "Atlantide", "domain": "emploi_insertion"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Lieu « Atlantide » introuvable" in html
    assert 'value="emploi_insertion" id="facette-domain-' in html


def test_the_place_box_shows_the_place_and_the_page_links_to_it(client_fr, world):
    html = client_fr.get("/alliances/", {"territory": "departement:25"}).content.decode()
    assert 'id="lieu" name="lieu" value="Doubs"' in html
    assert 'name="territory" value="departement:25"' in html
    assert 'href="/territoires/departement/25/"' in html  # the place's page
    assert 'href="/fiches/departement/25/"' in html  # its sheet
    assert 'href="/observatoire/territoires/departement/25/"' in html


def test_results_come_before_the_map_and_filters_are_a_disclosure(client_fr, world):
    html = client_fr.get("/alliances/", {"q": "economie"}).content.decode()
    assert '<details class="facets" id="filtres">' in html
    assert html.index('class="result-list"') < html.index('class="results-map"')
    assert "data-autosubmit" in html and 'class="apply-filters"' in html


def test_active_filters_are_removable_chips_with_a_clear_all(client_fr, world):
    html = client_fr.get(
        "/alliances/", {"q": "economie", "domain": "emploi_insertion", "kind": "alliance"}
    ).content.decode()
    assert html.count('class="chip"') == 2
    assert "(retirer ce filtre)" in html
    assert 'href="?q=economie">Tout effacer' in html
