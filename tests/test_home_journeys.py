"""The home page, the navigation and the place hub (issue 14)."""

import pytest

pytestmark = pytest.mark.django_db


def test_home_leads_somewhere(client_fr):
    html = client_fr.get("/").content.decode()
    # A search box and a place box first.
    assert html.index('id="recherche-texte"') < html.index("La plateforme en chiffres")
    assert 'data-place-suggest data-url="/territoires/suggestions/"' in html
    # Key figures, the latest survey figure with its source, the latest examples, the map.
    assert "exemples publiés" in html and "organisations partenaires" in html
    assert "régions couvertes sur 18" in html
    assert ">source</a>" in html
    assert "Derniers exemples publiés" in html
    assert 'href="/territoires/region/76/"' in html
    # Every part is reachable, the partner workspaces included; nothing is "coming soon".
    assert 'href="/espaces/"' in html and "Bientôt disponible" not in html
    assert 'href="/contributions/"' in html and 'href="/comptes/inscription/"' in html


def test_navigation_has_a_slot_for_finding_partners(client_fr, settings):
    from alliances.common.context_processors import NAVIGATION

    assert ("partners:index", "Trouver des partenaires") in [
        (u, str(label)) for u, label in NAVIGATION
    ]
    html = client_fr.get("/").content.decode()
    assert 'aria-label="Navigation principale"' in html
    assert (
        "Espaces partenaires" in html and 'href="/donnees/"' in html and 'href="/api/v1/"' in html
    )


def test_favicon(client_fr):
    response = client_fr.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith(".ico")


def test_departement_hub_gathers_what_the_parts_know(client_fr):
    html = client_fr.get("/territoires/departement/32/").content.decode()
    for anchor in ("alliances", "organisations", "chiffres", "fiche", "agenda", "territoire"):
        assert f'id="{anchor}"' in html and f'href="#{anchor}"' in html
    # The survey figures with their exact scope: the région's labelled as such, then France.
    assert "Chiffres de la région Occitanie, qui contient ce territoire" in html
    assert "Occitanie, 2019" in html and "France entière" in html
    assert 'href="/fiches/departement/32.pdf"' in html and 'href="/fiches/region/76/"' in html
    # The Gers's own examples (the shipped base has several there).
    assert "Rezo Pouce en Pays Portes de Gascogne" in html
    assert 'href="/observatoire/territoires/departement/32/"' in html


def test_commune_hub_shows_covering_and_nearby_alliances(client_fr):
    html = client_fr.get("/territoires/commune/59350/").content.decode()
    assert "Alliances qui couvrent aussi le territoire de Lille" in html
    # A small commune of the Nord with no example of its own: nearby ones, labelled.
    html = client_fr.get("/territoires/commune/59001/").content.decode()
    assert "Près d'ici : dans les Hauts-de-France" in html or "dans le Nord" in html


def test_hub_in_english(client_en):
    html = client_en.get("/territoires/departement/32/").content.decode()
    assert "Chiffres de la région" not in html and "France entière" not in html


def test_observatory_answers_for_a_departement_with_its_regions_figures(client_fr):
    response = client_fr.get("/observatoire/territoires/departement/32/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "L'observatoire pour Gers" in html
    assert (
        "ce sont ceux de la région Occitanie" in html or "sont ceux de la région Occitanie" in html
    )
    twin = client_fr.get("/observatoire/territoires/departement/32/", {"format": "json"})
    assert twin.status_code == 200 and twin.json()["results"]
    assert client_fr.get("/observatoire/territoires/commune/32013/").status_code == 404
    # The former address still serves régions (the code 32 is the Hauts-de-France there).
    assert "Hauts-de-France" in client_fr.get("/observatoire/territoires/32/").content.decode()


def test_survey_figures_are_punctuated_as_each_language_writes(client_fr, client_en):
    # French sets a space before the colon; English none ("officials: see", not "officials : see").
    for client, population in ((client_fr, "Élus locaux"), (client_en, "Local elected officials")):
        html = client.get("/").content.decode()
        if client is client_fr:
            assert f"{population} : " in html
        else:
            assert f"{population}: " in html and f"{population} : " not in html
