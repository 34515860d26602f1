"""Portals and widgets: current results, who may publish, framing allowed for the widget only."""

import json

import pytest

from alliances.alerts.models import Portal, SavedSearch


@pytest.fixture
def saved(people):
    return SavedSearch.objects.create(
        owner=people["owner"], name="Zorglubs du Doubs", querystring="q=zorglub"
    )


def make_portal(saved, **extra):
    values = {"slug": "zorglubs", "title": "Les zorglubs", "intro": "", "is_public": True}
    values.update(extra)
    return Portal.objects.create(saved_search=saved, **values)


def publish_portal(client, saved, **changes):
    data = {"slug": "zorglubs", "title": "Les zorglubs", "intro": "Bonjour.", "is_public": "on"}
    data.update(changes)
    return client.post(f"/recherches/{saved.pk}/portail/", data)


def test_owner_publishes_a_portal(saved, people, signed_in, publish):
    publish("Zorglub visible")
    client = signed_in(people["owner"])
    page = client.get(f"/recherches/{saved.pk}/portail/").content.decode()
    assert 'value="zorglubs-du-doubs"' in page  # suggested address
    response = publish_portal(client, saved)
    assert response.status_code == 302 and response["Location"] == "/portails/zorglubs/"
    portal = Portal.objects.get()
    assert portal.is_public and portal.saved_search == saved
    assert "Les zorglubs" in client.get("/portails/").content.decode()


def test_portal_shows_current_results_every_time(client_fr, saved, publish):
    make_portal(saved, intro="Première ligne\n\nSecond paragraphe")
    publish("Zorglub premier")
    page = client_fr.get("/portails/zorglubs/").content.decode()
    assert "Zorglub premier" in page and "<p>Second paragraphe</p>" in page
    assert 'href="/alliances/?q=zorglub"' in page
    publish("Zorglub second")
    data = json.loads(client_fr.get("/portails/zorglubs/?format=json").content)
    assert data["count"] == 2
    assert {r["title"] for r in data["results"]} == {"Zorglub premier", "Zorglub second"}
    assert data["widget_url"] == "http://testserver/portails/zorglubs/widget/"
    widget = client_fr.get("/portails/zorglubs/widget/").content.decode()
    assert "Zorglub second" in widget and "Zorglub premier" in widget


def test_portal_shows_snippet_escaped_and_a_preview(client_fr, saved):
    make_portal(saved, title='Zorglubs "><script>alert(1)</script>')
    page = client_fr.get("/portails/zorglubs/?limit=5&lang=en").content.decode()
    assert "<script>alert(1)" not in page
    assert (
        "&lt;iframe src=&quot;http://testserver/portails/zorglubs/widget/?limit=5&amp;amp;lang=en"
        in page
    )
    preview = '<iframe class="alerts-preview" src="/portails/zorglubs/widget/?limit=5&amp;lang=en"'
    assert preview in page
    bad = client_fr.get("/portails/zorglubs/?limit=500&lang=xx").content.decode()
    assert "Paramètre « limit » : « 500 » n&#x27;est pas un nombre entier de 1 à 50" in bad
    assert "Paramètre « lang » : « xx »" in bad


def test_unpublished_portal_is_404_except_as_owner_preview(client_fr, saved, people, signed_in):
    make_portal(saved, is_public=False)
    assert client_fr.get("/portails/zorglubs/").status_code == 404
    assert client_fr.get("/portails/zorglubs/widget/").status_code == 404
    assert client_fr.get("/portails/zorglubs/?format=json").status_code == 404
    assert signed_in(people["other"]).get("/portails/zorglubs/").status_code == 404
    owner = signed_in(people["owner"])
    page = owner.get("/portails/zorglubs/").content.decode()
    assert "Aperçu : ce portail n'est pas publié" in page
    assert "Les zorglubs" not in client_fr.get("/portails/").content.decode()
    assert client_fr.get("/portails/inconnu/").status_code == 404


def test_curators_withdraw_and_owner_cannot_republish(client_fr, saved, people, signed_in, rf):
    from django.contrib.admin.sites import site

    from alliances.alerts.admin import PortalAdmin

    make_portal(saved)
    request = rf.post("/admin/")
    request.user = people["curator"]
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    PortalAdmin(Portal, site).withdraw(request, Portal.objects.all())
    portal = Portal.objects.get()
    assert portal.blocked and not portal.is_public
    assert client_fr.get("/portails/zorglubs/").status_code == 404
    response = publish_portal(signed_in(people["owner"]), saved)
    assert response.status_code == 400
    assert "Les curateurs ont retiré ce portail" in response.content.decode()
    assert not Portal.objects.get().is_public
    PortalAdmin(Portal, site).allow(request, Portal.objects.all())
    assert publish_portal(signed_in(people["owner"]), saved).status_code == 302
    assert client_fr.get("/portails/zorglubs/").status_code == 200


def test_bad_slug_and_title_are_explained_and_kept(saved, people, signed_in):
    other = SavedSearch.objects.create(owner=people["other"], name="Autre", querystring="")
    make_portal(other, slug="deja-pris")
    client = signed_in(people["owner"])
    for slug, message in (
        ("Mon Portail!", "L&#x27;adresse « Mon Portail! » n&#x27;est pas valide"),
        ("ab", "doit compter de 3 à 60 caractères"),
        ("deja-pris", "est déjà prise par un autre portail"),
        ("", "Choisissez l&#x27;adresse du portail"),
    ):
        response = publish_portal(client, saved, slug=slug, title="Titre gardé")
        page = response.content.decode()
        assert response.status_code == 400, slug
        assert message in page, slug
        assert 'value="Titre gardé"' in page
    response = publish_portal(client, saved, title="   ", intro="x" * 3001)
    page = response.content.decode()
    assert "Donnez un titre au portail." in page
    assert "ne doit pas dépasser 3000 caractères" in page
    assert Portal.objects.filter(saved_search=saved).count() == 0


def test_hostile_portal_texts_are_escaped_everywhere(client_fr, saved, people, signed_in):
    hostile = '<script>alert("p")</script><img src=x onerror=alert(1)>'
    client = signed_in(people["owner"])
    assert publish_portal(client, saved, title=hostile, intro=hostile).status_code == 302
    portal = Portal.objects.get()
    assert portal.title == hostile and portal.intro == hostile
    for url in ("/portails/zorglubs/", "/portails/zorglubs/widget/", "/portails/", "/recherches/"):
        body = (client_fr if url != "/recherches/" else client).get(url).content.decode()
        assert "<script>alert(" not in body and "<img src=x" not in body, url


def test_widget_may_be_framed_other_pages_may_not(client_fr, saved, publish):
    make_portal(saved)
    publish("Zorglub encadré")
    widget = client_fr.get("/portails/zorglubs/widget/?limit=3&lang=en")
    assert widget.status_code == 200
    assert "X-Frame-Options" not in widget
    csp = widget["Content-Security-Policy"]
    assert "frame-ancestors *" in csp and "script-src 'none'" in csp
    assert "public" in widget["Cache-Control"] and "max-age=300" in widget["Cache-Control"]
    body = widget.content.decode()
    assert '<html lang="en">' in body and 'target="_blank" rel="noopener"' in body
    assert 'href="http://testserver/alliances/alerte-essai-' in body
    assert "/static/alerts/widget.css" in body
    assert "<script" not in body and "site-header" not in body
    assert widget["Content-Language"] == "en"
    for url in ("/portails/zorglubs/", "/recherches/enregistrer/", "/alliances/"):
        response = client_fr.get(url)
        assert response.get("X-Frame-Options") == "DENY", url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url


def test_widget_limit_and_bad_options(client_fr, saved, publish):
    make_portal(saved)
    for i in range(4):
        publish(f"Zorglub {i}")
    body = client_fr.get("/portails/zorglubs/widget/?limit=2").content.decode()
    assert body.count('rel="noopener"') == 2 + 2  # two alliances, the title and the full list
    assert "Voir les 4 alliances" in body
    bad = client_fr.get("/portails/zorglubs/widget/?limit=abc")
    assert bad.status_code == 400 and "X-Frame-Options" not in bad
    assert "« abc » n&#x27;est pas un nombre entier de 1 à 50" in bad.content.decode()
    assert client_fr.get("/portails/zorglubs/widget/?lang=de").status_code == 400
    hostile = client_fr.get("/portails/zorglubs/widget/", {"limit": "<script>alert(1)</script>"})
    assert hostile.status_code == 400
    assert "&lt;script&gt;alert(1)" in hostile.content.decode()
    assert "<script>alert(" not in hostile.content.decode()


def test_owner_preview_of_unpublished_widget_is_not_cached(saved, people, signed_in):
    make_portal(saved, is_public=False)
    response = signed_in(people["owner"]).get("/portails/zorglubs/widget/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
