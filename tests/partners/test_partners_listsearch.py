"""Issue 17, item 2: needs and offers searched with the base's engine: facets with counts,
filters that combine, French text (accents, plurals, places in the words), the API with the
same parameters, saved searches with e-mail alerts, and the Atom feed (ADR 0146)."""

import html
import re
from datetime import timedelta
from xml.etree import ElementTree

import pytest
from django.core import mail
from django.db.models import Count
from django.utils import timezone

from alliances.alerts import sending
from alliances.alerts.models import SavedSearch
from alliances.partners import search
from alliances.partners.models import Listing
from alliances.referentials.models import Term
from alliances.territories.models import Territory

ATOM = "{http://www.w3.org/2005/Atom}"


def _place(level: str, code: str) -> Territory:
    return Territory.objects.get(level=level, code=code)


def _listing(org, **fields) -> Listing:
    domains = fields.pop("domains", [])
    values = {
        "organisation": org,
        "direction": "need",
        "kind": "benevoles",
        "title": "Titre",
        "description": "Description",
        "status": "published",
        "published_at": timezone.now(),
    }
    values.update(fields)
    listing = Listing.objects.create(**values)
    if domains:
        listing.domains.set(Term.objects.filter(taxonomy__key="domains", key__in=domains))
    return listing


@pytest.fixture
def listed(orgs):
    """Four open needs and offers in two régions, and one closed (never counted)."""
    lyon, villeurbanne, paris = (
        _place("commune", "69123"),
        _place("commune", "69266"),
        _place("commune", "75056"),
    )
    return {
        "benevoles": _listing(
            orgs["asso"],
            title="Des bénévoles pour l'aide aux devoirs",
            description="Nous cherchons des bénévoles le mercredi.",
            territory=lyon,
            reach="local",
            domains=["emploi_insertion", "education"],
        ),
        "mecenat": _listing(
            orgs["asso"],
            kind="mecenat_competences",
            title="Un comptable pour nos comptes",
            description="Mécénat de compétences, une demi-journée par mois.",
            territory=villeurbanne,
            domains=["emploi_insertion"],
        ),
        "locaux": _listing(
            orgs["company"],
            direction="offer",
            kind="locaux",
            title="Une salle de réunion prêtée",
            description="Salle de 30 places, le soir.",
            territory=lyon,
            reach="local",
        ),
        "paris": _listing(
            orgs["company"],
            direction="offer",
            kind="mecenat_competences",
            title="Mécénat de compétences en informatique",
            description="Nos développeurs, deux jours par mois.",
            territory=paris,
            reach="region",
        ),
        "closed": _listing(
            orgs["company"], title="Ancienne offre de bénévole", status="closed", territory=lyon
        ),
    }


def _ids(found) -> set[int]:
    return set(found.rows.values_list("pk", flat=True))


def _facet(found, name: str) -> dict[str, int]:
    group = next((g for g in found.facets if g.name == name), None)
    return {v.value: v.count for v in group.values} if group else {}


# -- facets ---------------------------------------------------------------------------------
def test_facet_counts(listed):
    found = search.search({})
    assert found.count == 4
    assert _facet(found, "direction") == {"besoins": 2, "propositions": 2}
    assert _facet(found, "kind") == {"benevoles": 1, "mecenat_competences": 2, "locaux": 1}
    assert _facet(found, "domain") == {"emploi_insertion": 2, "education": 1}
    assert _facet(found, "region") == {"region:84": 3, "region:11": 1}
    assert _facet(found, "reach") == {"local": 2, "departement": 1, "region": 1}


def test_facets_are_disjunctive_and_filters_combine(listed):
    found = search.search({"sens": "propositions", "lieu": "region:84"})
    assert _ids(found) == {listed["locaux"].pk}
    # A facet's own filter is left out of its counts: the other value stays offered.
    assert _facet(found, "direction") == {"besoins": 2, "propositions": 1}
    assert _facet(found, "region") == {"region:84": 1, "region:11": 1}
    assert _facet(found, "kind") == {"locaux": 1}
    # Two values of one filter: either; two filters: both.
    both = search.search({"nature": ["locaux", "benevoles"], "portee": "local"})
    assert _ids(both) == {listed["locaux"].pk, listed["benevoles"].pk}
    assert _ids(search.search({"domaine": "emploi_insertion", "sens": "besoins"})) == {
        listed["benevoles"].pk,
        listed["mecenat"].pk,
    }


def test_the_page_shows_facets_chips_and_the_feed(listed, client_fr):
    page = client_fr.get("/partenaires/?sens=besoins&domaine=education")
    html = page.content.decode()
    assert 'id="facette-kind"' in html and 'id="filtres"' in html and "data-autosubmit" in html
    assert 'class="chip"' in html and "Tout effacer" in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    assert "/partenaires/flux/?sens=besoins&amp;domaine=education" in html
    assert [x.pk for x in page.context["found"].results] == [listed["benevoles"].pk]


# -- text -------------------------------------------------------------------------------------
def test_text_ignores_accents_and_plurals(listed):
    assert _ids(search.search({"q": "benevoles"})) == {listed["benevoles"].pk}
    assert _ids(search.search({"q": "bénévole"})) == {listed["benevoles"].pk}
    assert _ids(search.search({"q": "MECENAT competence"})) == {
        listed["mecenat"].pk,
        listed["paris"].pk,
    }
    # The last word is a prefix, as one types; the organisation's name is searched too.
    assert _ids(search.search({"q": "salle reun"})) == {listed["locaux"].pk}
    assert listed["locaux"].pk in _ids(search.search({"q": "entreprise essai"}))


def test_a_place_in_the_words_becomes_a_place_filter(listed, client_fr):
    found = search.search({"q": "bénévoles à Lyon"})
    assert _ids(found) == {listed["benevoles"].pk}
    assert found.reading.places and "Lyon" in found.reading.places[0][1]
    assert _ids(search.search({"q": "mécénat à Lyon"})) == set()  # Villeurbanne is not Lyon
    assert _ids(search.search({"q": "mécénat Rhône"})) == {listed["mecenat"].pk}
    assert _ids(search.search({"q": "mécénat Paris"})) == {listed["paris"].pk}
    # exact=1: the words as typed, no place read.
    assert _ids(search.search({"q": "mécénat Paris", "exact": "1"})) == set()
    page = client_fr.get("/partenaires/?q=bénévoles+à+Lyon").content.decode()
    assert "Lieu lu dans le texte" in page and "exact=1" in page


def test_renaming_the_organisation_updates_its_text(listed, orgs):
    orgs["company"].name = "Fondation Zéphyrine"
    orgs["company"].save()
    assert _ids(search.search({"q": "zephyrine"})) == {
        listed["locaux"].pk,
        listed["paris"].pk,
    }


# -- bad values --------------------------------------------------------------------------------
def test_bad_values_are_named_and_ignored_in_the_users_language(listed, client_fr, client_en):
    query = "?sens=les-deux&nature=zzz&domaine=inconnu&portee=mondiale&lieu=Nulle-Part-Xyz&page=x"
    found = client_fr.get("/partenaires/" + query).context["found"]
    assert found.count == 4
    text = " ".join(found.notices)
    for value in ("les-deux", "zzz", "inconnu", "mondiale", "Nulle-Part-Xyz", "« x »"):
        assert value in text
    assert "valeur inconnue" in text
    english = " ".join(client_en.get("/partenaires/" + query).context["found"].notices)
    assert "unknown value" in english and "zzz" in english
    assert "valeur inconnue" not in english


# -- API ------------------------------------------------------------------------------------------
def test_the_api_takes_the_same_parameters_and_finds_the_same(listed, client_fr):
    for query in (
        "q=benevoles",
        "q=bénévoles+à+Lyon",
        "lieu=region:84&nature=locaux&nature=benevoles",
        "domaine=emploi_insertion&portee=local",
        "",
    ):
        html_ids = {x.pk for x in client_fr.get(f"/partenaires/?{query}").context["found"].results}
        api_ids = set()
        for endpoint in ("needs", "offers"):
            body = client_fr.get(f"/api/v1/{endpoint}?{query}").json()
            assert body["count"] == len(body["results"])
            api_ids |= {row["id"] for row in body["results"]}
        assert api_ids == html_ids, query
    body = client_fr.get("/api/v1/offers?portee=mondiale&lieu=region:84").json()
    assert body["ignored"] and "mondiale" in body["ignored"][0]
    assert {r["id"] for r in body["results"]} == {listed["locaux"].pk}
    assert {v["value"]: v["count"] for v in body["facets"]["kind"]} == {"locaux": 1}


# -- saved searches and alerts -----------------------------------------------------------------
def test_saving_a_search_of_needs_and_offers(listed, people, as_user):
    client = as_user(people["stranger"])
    page = client.get("/partenaires/?q=benevoles&sens=besoins").content.decode()
    link = re.search(r'href="(/recherches/enregistrer/\?cible=listings[^"]*)"', page).group(1)
    assert "Mes recherches" in page
    form = client.get(html.unescape(link))
    assert form.status_code == 200 and form.context["count"] == 1
    assert form.context["form"]["target"].value() == "listings"
    response = client.post(
        "/recherches/enregistrer/",
        {
            "target": "listings",
            "querystring": "sens=besoins&q=benevoles&page=3&nature=zzz",
            "name": "Bénévoles",
            "frequency": "daily",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    saved = SavedSearch.objects.get(owner=people["stranger"])
    assert saved.target == "listings"
    assert saved.querystring == "q=benevoles&sens=besoins"  # canonical: parsed, no page
    assert saved.search_url == "/partenaires/?q=benevoles&sens=besoins"
    mine = client.get("/recherches/")
    assert mine.context["searches"][0].current_count == 1
    # A portal publishes searches of alliances only.
    assert client.get(f"/recherches/{saved.pk}/portail/").status_code == 404


def test_the_alert_holds_only_the_new_matching_listings(listed, orgs, people):
    now = timezone.now()
    SavedSearch.objects.create(
        owner=people["stranger"],
        name="Bénévoles à Lyon",
        target="listings",
        querystring="q=benevoles+Lyon",
        frequency="daily",
        alerts_since=now - timedelta(hours=1),
    )
    lyon = _place("commune", "69123")
    Listing.objects.filter(pk=listed["benevoles"].pk).update(published_at=now - timedelta(days=3))
    new = _listing(
        orgs["asso"], title="Bénévole pour la fête de quartier", territory=lyon, published_at=now
    )
    _listing(orgs["asso"], title="Bénévoles à Paris", territory=_place("commune", "75056"))
    _listing(orgs["asso"], title="Un local à Lyon", territory=lyon)  # not the words
    outcome = sending.run(("daily",), "https://alliances.example", now=now + timedelta(minutes=1))
    assert outcome.sent == 1
    (message,) = mail.outbox
    assert message.to == [people["stranger"].email]
    assert "1 nouveau besoin ou nouvelle proposition : Bénévoles à Lyon" == message.subject
    assert "Bénévole pour la fête de quartier" in message.body
    assert f"https://alliances.example/partenaires/{new.pk}/" in message.body
    for other in ("aide aux devoirs", "Paris", "Un local"):
        assert other not in message.body
    assert "https://alliances.example/partenaires/?q=benevoles+Lyon" in message.body
    # The next day, nothing new: no e-mail.
    assert sending.run(("daily",), "https://x", now=now + timedelta(days=1)).sent == 0


# -- feed ------------------------------------------------------------------------------------
def test_the_feed_of_a_search(listed, client_fr):
    response = client_fr.get("/partenaires/flux/?sens=propositions&lieu=Rhône")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ElementTree.fromstring(response.content)
    entries = feed.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == [
        "Proposition · Une salle de réunion prêtée"
    ]
    link = entries[0].find(f"{ATOM}link").get("href")
    assert link.endswith(f"/partenaires/{listed['locaux'].pk}/")
    assert "Rhône" in feed.find(f"{ATOM}title").text
    everything = ElementTree.fromstring(client_fr.get("/partenaires/flux/").content)
    assert len(everything.findall(f"{ATOM}entry")) == 4


def test_the_api_declares_every_filter_of_the_table():
    from alliances.api.v1 import api

    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    for path in ("/api/v1/needs", "/api/v1/offers"):
        declared = {p["name"] for p in schema["paths"][path]["get"]["parameters"]}
        wanted = {f.param for f in search.FILTERS if f.param != "sens"} | {"q", "exact"}
        assert wanted <= declared, path


def test_the_place_box_gives_back_the_same_place(listed, client_fr):
    page = client_fr.get("/partenaires/?lieu=departement:69")
    assert page.context["place_box"] == "Rhône"
    # A name shared by several places stays as its code, so that sending the form again
    # (each facet ticked) keeps the same place.
    homonyms = (
        Territory.objects.filter(level="commune", obsolete=False)
        .values("name")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .order_by("name")
        .values_list("name", flat=True)
        .first()
    )
    commune = Territory.objects.filter(level="commune", name=homonyms).order_by("code").first()
    value = f"commune:{commune.code}"
    assert client_fr.get(f"/partenaires/?lieu={value}").context["place_box"] == value


def test_a_national_need_counts_in_every_region_and_is_found_anywhere(orgs):
    """ADR 0166: a national need or offer is relevant to every région: the place filter
    finds it and the région facet counts it under each région."""
    from django.utils import timezone

    from alliances.partners import search
    from alliances.partners.models import Listing

    def listing(title, **fields):
        return Listing.objects.create(
            organisation=orgs["asso"],
            direction="need",
            kind="benevoles",
            title=title,
            description="x",
            status="published",
            published_at=timezone.now(),
            **fields,
        )

    local = listing("Dans le Rhône", territory=orgs["asso"].territory, reach="local")
    national = listing("Partout", reach="national")
    placed = listing("Nationale depuis Lyon", territory=orgs["asso"].territory, reach="national")
    found = search.search({})
    regions = {v.value: v.count for g in found.facets if g.name == "region" for v in g.values}
    assert regions["region:84"] == 3  # the local one, and both national ones once each
    assert regions["region:11"] == 2 and regions["region:93"] == 2
    assert set(search.search({"lieu": "region:11"}).ids) == {national.pk, placed.pk}
    assert set(search.search({"lieu": "departement:69"}).ids) == {local.pk, national.pk, placed.pk}
