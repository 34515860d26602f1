"""Territory pages in French and English, 404s, twins, breadcrumbs."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db


def test_index_lists_regions_with_links_and_search_form(client_fr):
    response = client_fr.get("/territoires/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bourgogne-Franche-Comté" in html
    assert 'href="/territoires/region/27/"' in html
    assert '<label for="id_q">' in html and 'name="q"' in html
    assert html.count('<th scope="row">') >= 18 + 8


def test_index_in_english(client_en):
    html = client_en.get("/territoires/").content.decode()
    assert "Territories" in html and "Regions" in html


@pytest.mark.parametrize(
    ("query", "expected"), [("besancon", "25056"), ("25000", "25056"), ("st etienne", "42218")]
)
def test_index_search(client_fr, query, expected):
    response = client_fr.get("/territoires/", {"q": query, "format": "json"})
    assert response.json()["results"][0]["code"] == expected
    html = client_fr.get("/territoires/", {"q": query}).content.decode()
    assert f"/territoires/commune/{expected}/" in html


def test_index_search_without_result(client_fr):
    html = client_fr.get("/territoires/", {"q": "Atlantide"}).content.decode()
    assert "Aucun territoire ne correspond" in html


def test_region_page_lists_its_departements_with_breadcrumb(client_fr):
    html = client_fr.get("/territoires/region/27/").content.decode()
    assert "Doubs" in html and 'href="/territoires/departement/25/"' in html
    assert 'aria-current="page">Bourgogne-Franche-Comté' in html
    assert 'href="/territoires/pays/FR/">France' in html


def test_departement_page_has_epci_and_paginated_communes(client_fr):
    response = client_fr.get("/territoires/departement/25/")
    html = response.content.decode()
    assert "Grand Besançon Métropole" in html
    assert "Page 1 sur" in html
    rows = client_fr.get("/territoires/departement/25/", {"format": "json"}).json()
    assert rows["count"] == 100
    page2 = client_fr.get("/territoires/departement/25/", {"format": "json", "page": 2}).json()
    assert {r["code"] for r in rows["results"]}.isdisjoint({r["code"] for r in page2["results"]})


def test_epci_page_lists_its_communes(client_fr):
    data = client_fr.get("/territoires/epci/242500361/", {"format": "json"}).json()
    assert "25056" in {r["code"] for r in data["results"]}
    assert all(r["level"] == "commune" for r in data["results"])


def test_commune_page_shows_containment_and_postcodes(client_fr):
    html = client_fr.get("/territoires/commune/25056/").content.decode()
    for text in (
        "25000",
        "Doubs",
        "Bourgogne-Franche-Comté",
        "Grand Besançon Métropole",
        "212500565",
    ):
        assert text in html
    paris = client_fr.get("/territoires/commune/75056/", {"format": "json"}).json()
    assert paris["count"] == 20  # its municipal districts


def test_france_and_com_and_delegated_pages(client_fr):
    assert "Occitanie" in client_fr.get("/territoires/pays/FR/").content.decode()
    assert "Saint-Pierre" in client_fr.get("/territoires/com/975/").content.decode()
    html = client_fr.get("/territoires/commune-deleguee/29127/").content.decode()
    assert "Saint-Thégonnec Loc-Eguiner" in html and "Commune actuelle" in html


def test_csv_twin(client_fr):
    response = client_fr.get("/territoires/region/27/", {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 8 and rows[0]["level"] == "departement"


@pytest.mark.parametrize(
    "url", ["/territoires/region/99/", "/territoires/planete/1/", "/territoires/commune/25/"]
)
def test_unknown_territory_is_404(client_fr, url):
    assert client_fr.get(url).status_code == 404


def test_english_page_and_404(client_en):
    html = client_en.get("/territoires/departement/25/").content.decode()
    assert "Municipalities" in html
    assert client_en.get("/territoires/region/99/").status_code == 404


def test_region_page_query_count(client_fr, django_assert_max_num_queries):
    # The territory's own lists (what the twins carry) take a fixed, small number of
    # queries; the page adds the sections of the parts (alliances, figures, sheets...),
    # bounded too whatever the size of the lists.
    client_fr.get("/territoires/region/27/")
    with django_assert_max_num_queries(8):
        client_fr.get("/territoires/region/27/?format=json")
    with django_assert_max_num_queries(8):
        client_fr.get("/territoires/departement/25/?format=json")
    # +1 for the needs and offers of the place (partners.sections.place_section).
    with django_assert_max_num_queries(41):
        client_fr.get("/territoires/departement/25/")
    # A commune's hub searches the commune, then its wider places while the results are
    # few (each search: its page, the alliances covering the place, the nearby ones), and
    # reads the place gazetteer once per process: a fixed number whatever the base holds.
    with django_assert_max_num_queries(81):
        client_fr.get("/territoires/commune/25056/")
