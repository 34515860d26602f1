"""Saving a search, "Mes recherches", editing, deleting; only the owner sees their searches."""

import json

import pytest

from alliances.alerts.models import Portal, SavedSearch


def save(client, querystring="q=jardins&domain=sante", **changes):
    data = {"querystring": querystring, "name": "Jardins", "frequency": "daily", "language": "fr"}
    data.update(changes)
    return client.post("/recherches/enregistrer/", data)


def test_search_page_offers_to_save_the_current_search(client_fr, people, signed_in):
    page = client_fr.get("/alliances/?q=jardins&page=2&domain=sante").content.decode()
    assert 'href="/recherches/enregistrer/?q=jardins&amp;domain=sante"' in page
    assert "Enregistrer cette recherche" in page and "Mes recherches" not in page
    page = signed_in(people["owner"]).get("/alliances/").content.decode()
    assert 'href="/recherches/enregistrer/"' in page and 'href="/recherches/"' in page


def test_anonymous_goes_to_login_and_comes_back(client_fr):
    response = client_fr.get("/recherches/enregistrer/?q=jardins&domain=sante")
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/?next=")
    back = "next=/recherches/enregistrer/%3Fq%3Djardins%26domain%3Dsante"
    assert response["Location"].endswith(back)
    assert client_fr.get("/recherches/")["Location"].startswith("/comptes/login/")
    assert client_fr.post("/recherches/enregistrer/", {"name": "x"}).status_code == 302
    assert SavedSearch.objects.count() == 0


def test_save_form_shows_the_search_and_what_is_not_kept(people, signed_in):
    client = signed_in(people["owner"])
    response = client.get("/recherches/enregistrer/?q=eau&page=4&drafts=1&kind=licorne")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="querystring" value="q=eau"' in page
    assert 'value="eau"' in page  # the suggested name
    assert "repart de la première page" in page and "Les brouillons ne sont jamais suivis" in page
    assert "Paramètre « kind » : valeur « licorne » non comprise" in page
    assert 'href="/alliances/?q=eau"' in page


def test_save_stores_the_canonical_query_string(people, signed_in):
    client = signed_in(people["owner"])
    response = save(client, querystring="page=3&domain=sante&q=  jardins &drafts=1&page_size=99")
    assert response.status_code == 302 and response["Location"] == "/recherches/"
    saved = SavedSearch.objects.get()
    assert saved.owner == people["owner"]
    assert saved.querystring == "q=jardins&domain=sante"
    assert saved.frequency == "daily" and saved.language == "fr"
    assert saved.last_sent_at is None and saved.alerts_since is not None


def test_list_shows_counts_and_links(people, signed_in, publish):
    publish("Zorglub des jardins partagés")
    publish("Zorglub solidaire")
    client = signed_in(people["owner"])
    save(client, querystring="q=zorglub", name="Mes zorglubs")
    page = client.get("/recherches/").content.decode()
    assert "Mes zorglubs" in page and 'href="/alliances/?q=zorglub"' in page
    assert '<td class="num">2</td>' in page and "chaque jour" in page
    rows = json.loads(client.get("/recherches/?format=json").content)
    assert rows["count"] == 1 and rows["results"][0]["count"] == 2
    assert rows["results"][0]["querystring"] == "q=zorglub"
    assert "Mes zorglubs" in client.get("/recherches/?format=csv").content.decode()


def test_rename_and_change_frequency(people, signed_in):
    client = signed_in(people["owner"])
    save(client, frequency="none")
    saved = SavedSearch.objects.get()
    before = saved.alerts_since
    response = client.post(
        f"/recherches/{saved.pk}/modifier/",
        {"name": "  Jardins   de Bretagne ", "frequency": "weekly", "language": "en"},
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Jardins de Bretagne"
    assert saved.frequency == "weekly" and saved.language == "en"
    # Switching alerts on starts from now, not from when the search was saved.
    assert saved.alerts_since > before and saved.last_checked_at is None


def test_bad_input_is_explained_and_kept(people, signed_in):
    client = signed_in(people["owner"])
    response = save(client, name="   ", frequency="hourly", language="de")
    page = response.content.decode()
    assert response.status_code == 400
    assert "La recherche n'a pas été enregistrée" in page
    assert '<a href="#id_frequency_0">Alerte par e-mail</a>' in page
    assert "Donnez un nom à cette recherche." in page
    assert "Fréquence « hourly » inconnue" in page and "« chaque semaine »" in page
    assert "Langue « de » inconnue" in page
    assert 'aria-describedby="id_frequency_helptext id_frequency_error"' in page
    assert 'name="querystring" value="q=jardins&amp;domain=sante"' in page
    assert SavedSearch.objects.count() == 0
    saved = SavedSearch.objects.create(owner=people["owner"], name="Gardée", querystring="q=x")
    response = client.post(
        f"/recherches/{saved.pk}/modifier/",
        {"name": "Nouveau nom tapé", "frequency": "monthly", "language": "fr"},
    )
    page = response.content.decode()
    assert response.status_code == 400 and 'value="Nouveau nom tapé"' in page
    assert "Fréquence « monthly » inconnue" in page
    saved.refresh_from_db()
    assert saved.name == "Gardée" and saved.frequency == "none"


def test_name_too_long_and_limit_per_owner(people, signed_in, monkeypatch):
    client = signed_in(people["owner"])
    response = save(client, name="x" * 121)
    assert "Le nom ne doit pas dépasser 120 caractères." in response.content.decode()
    monkeypatch.setattr("alliances.alerts.forms.MAX_SAVED_PER_OWNER", 1)
    assert save(client).status_code == 302
    response = save(client)
    assert response.status_code == 400
    assert "Vous avez déjà 1 recherches enregistrées" in response.content.decode()


def test_delete_asks_then_deletes_with_its_portal(people, signed_in):
    client = signed_in(people["owner"])
    save(client)
    saved = SavedSearch.objects.get()
    Portal.objects.create(saved_search=saved, slug="jardins", title="Jardins", is_public=True)
    page = client.get(f"/recherches/{saved.pk}/supprimer/").content.decode()
    assert "Son portail « Jardins »" in page
    assert SavedSearch.objects.count() == 1
    assert client.post(f"/recherches/{saved.pk}/supprimer/").status_code == 302
    assert SavedSearch.objects.count() == 0 and Portal.objects.count() == 0


@pytest.mark.parametrize("action", ["modifier", "supprimer", "portail"])
def test_other_people_get_404_on_direct_urls(people, signed_in, action):
    saved = SavedSearch.objects.create(owner=people["owner"], name="Privée", querystring="q=x")
    for intruder in (people["other"], people["curator"]):
        client = signed_in(intruder)
        assert client.get(f"/recherches/{saved.pk}/{action}/").status_code == 404
        assert client.post(f"/recherches/{saved.pk}/{action}/", {"name": "pris"}).status_code == 404
        assert "Privée" not in client.get("/recherches/").content.decode()
    saved.refresh_from_db()
    assert saved.name == "Privée"


def test_hostile_name_is_stored_as_text_and_escaped(people, signed_in):
    client = signed_in(people["owner"])
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    save(client, name=hostile)
    saved = SavedSearch.objects.get()
    assert saved.name == hostile
    pages = (
        "/recherches/",
        f"/recherches/{saved.pk}/modifier/",
        f"/recherches/{saved.pk}/supprimer/",
    )
    for url in pages:
        page = client.get(url).content.decode()
        assert "<script>alert(" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(" in page


def test_hostile_query_strings_are_harmless(people, signed_in):
    client = signed_in(people["owner"])
    for qs in ("q=<script>alert(1)</script>", "territory=' OR 1=1 --", "q=" + "é" * 5000):
        response = client.get("/recherches/enregistrer/", QUERY_STRING=qs)
        assert response.status_code == 200
        assert "<script>alert(" not in response.content.decode()
    save(client, querystring="q=<script>alert(1)</script>&territory=' OR 1=1 --")
    saved = SavedSearch.objects.get()
    assert saved.querystring == "q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"
    page = client.get("/recherches/").content.decode()
    assert 'href="/alliances/?q=%3Cscript%3Ealert%281%29%3C%2Fscript%3E"' in page


def test_gdpr_export_lists_saved_searches(people, signed_in):
    client = signed_in(people["owner"])
    save(client, name="Pour mes données")
    data = json.loads(client.get("/comptes/mes-donnees/?format=json").content)
    assert data["saved_searches"][0]["name"] == "Pour mes données"
    assert data["saved_searches"][0]["querystring"] == "q=jardins&domain=sante"


def test_english_interface(people, signed_in):
    client = signed_in(people["owner"])
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get("/recherches/enregistrer/?q=eau").content.decode()
    assert "Save this search" in page
    assert "My searches" in client.get("/recherches/").content.decode()


def test_the_base_does_not_depend_on_this_part():
    from pathlib import Path

    import alliances.base

    base = Path(alliances.base.__file__).parent
    offenders = [
        str(path.relative_to(base))
        for path in base.rglob("*")
        if path.suffix in (".py", ".html") and "alerts" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_published_portals_list_and_twins(client_fr, people):
    saved = SavedSearch.objects.create(owner=people["owner"], name="P", querystring="q=eau")
    Portal.objects.create(saved_search=saved, slug="eau-douce", title="Eau douce", is_public=True)
    Portal.objects.create(
        saved_search=SavedSearch.objects.create(owner=people["other"], name="Q"),
        slug="cache",
        title="Caché",
    )
    page = client_fr.get("/portails/").content.decode()
    assert 'href="http://testserver/portails/eau-douce/"' in page and "Caché" not in page
    data = json.loads(client_fr.get("/portails/?format=json").content)
    assert data["count"] == 1 and data["results"][0]["slug"] == "eau-douce"
    assert data["results"][0]["widget_url"].endswith("/portails/eau-douce/widget/")
    assert "eau-douce" in client_fr.get("/portails/?format=csv").content.decode()
