"""The pages of the base: search, alliance, organisation (French and English)."""

import pytest
from base_search_fixtures import World, build_world
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def test_search_page_lists_results_with_facets_and_snippets(client_fr, world):
    response = client_fr.get("/alliances/", {"q": "economie", "domain": "emploi_insertion"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Emploi et insertion à Besançon" in html
    assert "<mark>économie</mark>" in html
    # Facets are checkboxes of the GET form, with counts; the active one is checked.
    assert 'name="domain" value="emploi_insertion"' in html
    assert 'value="emploi_insertion" id="facette-domain-' in html and "checked" in html
    assert "Exporter cette recherche" in html
    assert 'lang="fr"' in html


def test_search_page_in_english(client_en, world):
    response = client_en.get("/alliances/", {"q": "zzzz introuvable"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'lang="en"' in html
    assert "Search alliances" in html
    assert "remove a filter" in html


def test_hostile_input_is_safe(client_fr, world):
    response = client_fr.get(
        "/alliances/",
        {"q": '<script>"x" OR (y* NEAR' + "😀" * 20, "page": "999999", "sdg": "99", "kind": "x"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<script>"x"' not in html
    assert "non comprise" in html  # the notice of the ignored values
    response = client_fr.get("/alliances/", {"q": "a" * 10_000})
    assert response.status_code == 200


def test_script_title_is_escaped(client_fr, world):
    html = client_fr.get("/alliances/", {"q": "jardin"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


def test_last_page_clamp_and_pagination_links(client_fr, world):
    response = client_fr.get("/alliances/", {"page_size": "3", "page": "50", "sort": "date"})
    html = response.content.decode()
    assert 'aria-current="page">3<' in html
    assert "page_size=3" in html


def test_unknown_filter_value_notice(client_fr, world):
    html = client_fr.get("/alliances/", {"domain": "licornes"}).content.decode()
    assert "licornes" in html and "inconnue" in html


def test_commune_search_lists_covering_alliances(client_fr, world):
    html = client_fr.get("/alliances/", {"territory": "commune:25056"}).content.decode()
    assert "Alliances qui couvrent aussi ce territoire" in html
    assert "Réseau national pour l&#x27;éducation" in html


def test_json_twin_and_exports(client_fr, world):
    data = client_fr.get("/alliances/", {"domain": "sante", "format": "json"}).json()
    assert data["count"] == 1
    assert data["results"][0]["slug"] == "test-search-sante"
    assert {"profile", "type", "domain", "kind", "sdg", "stage", "region"} <= set(data["facets"])
    csv = client_fr.get("/alliances/", {"domain": "sante", "format": "csv"})
    assert csv.status_code == 200
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert "test-search-sante" in body and "test-search-emploi" not in body
    for fmt in ("xlsx", "geojson"):
        assert client_fr.get("/alliances/", {"format": fmt}).status_code == 200


def test_alliance_page_shows_everything(client_fr, world):
    world.alliances["emploi"].sources.create(url="https://example.org/source", title="La source")
    response = client_fr.get("/alliances/test-search-emploi/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in (
        "Emploi et insertion à Besançon",
        "Association Solidarité Doubs",
        "Entreprise",
        "Coopération économique",
        "Emploi et insertion",
        "La source",
        "Alliances similaires",
        "Besançon",
    ):
        assert text in html, text
    # Similar alliances say why.
    assert "même domaine" in html


def test_similar_alliances_with_reasons(world):
    from alliances.base.search.similar import similar_alliances

    similar = similar_alliances(world.alliances["emploi"])
    assert similar[0].alliance == world.alliances["pole"]
    reasons = " ; ".join(similar[0].reasons)
    assert "même domaine : Emploi et insertion" in reasons
    assert "même département : Doubs" in reasons
    assert world.alliances["brouillon"] not in [s.alliance for s in similar]


def test_drafts_hidden_from_public_shown_to_curators(world):
    public = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert public.get("/alliances/test-search-brouillon/").status_code == 404
    assert (
        "secret de partenariat"
        not in public.get("/alliances/", {"q": "brouillon", "drafts": "1"}).content.decode()
    )
    staff = User.objects.create_user("curateur", password="x", is_staff=True)
    curator = Client(HTTP_ACCEPT_LANGUAGE="fr")
    curator.force_login(staff)
    assert curator.get("/alliances/test-search-brouillon/").status_code == 200
    assert (
        "</mark> secret de partenariat"
        in curator.get("/alliances/", {"q": "brouillon", "drafts": "1"}).content.decode()
    )
    assert (
        "secret de partenariat"
        not in curator.get("/alliances/", {"q": "brouillon"}).content.decode()
    )


def test_unknown_slug_and_id_give_404_in_the_user_language(client_fr, client_en, world):
    response = client_fr.get("/alliances/nulle-part/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    response = client_en.get("/organisations/999999999/")
    assert response.status_code == 404
    assert 'lang="en"' in response.content.decode()


def test_organisation_page(client_fr, world):
    org = world.organisations["ville"]
    response = client_fr.get(f"/organisations/{org.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ville de Besançon" in html and "Collectivité" in html
    assert "Mobilité durable dans le Grand Besançon" in html
    assert "3 alliances" in html
