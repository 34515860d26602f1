"""Item 10: /api/v1/organisations, /api/v1/needs, /api/v1/offers and the suggestions."""

from django.utils import timezone

from alliances.partners.models import Listing


def _listing(org, **fields) -> Listing:
    values = {
        "organisation": org,
        "direction": "need",
        "kind": "benevoles",
        "title": "Titre",
        "description": "Description",
        "status": "published",
        "published_at": timezone.now(),
        "territory": org.territory,
    }
    values.update(fields)
    return Listing.objects.create(**values)


def test_needs_and_offers(client_fr, orgs, people):
    need = _listing(orgs["asso"], title="Besoin api zq", author=people["asso"])
    _listing(orgs["company"], title="Offre api zq", direction="offer", kind="locaux")
    _listing(orgs["asso"], title="En attente zq", status="pending")
    body = client_fr.get("/api/v1/needs?q=zq").json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["id"] == need.pk and row["kind"] == "benevoles"
    assert row["organisation"]["name"] == "Association d'essai"
    assert row["territory"]["code"] == "69123"
    assert "author" not in row and "presidente" not in str(body)  # no person
    offers = client_fr.get("/api/v1/offers?q=zq&lieu=departement:69&nature=locaux").json()
    assert [r["title"] for r in offers["results"]] == ["Offre api zq"]
    ignored = client_fr.get("/api/v1/offers?nature=inconnue").json()["ignored"]
    assert ignored and "inconnue" in ignored[0]


def test_organisations(client_fr, orgs, alliance):
    _listing(orgs["asso"])
    body = client_fr.get("/api/v1/organisations?q=d'essai&region=84").json()
    rows = {r["name"]: r for r in body["results"]}
    assert set(rows) == {"Association d'essai", "Entreprise d'essai"}
    assert rows["Association d'essai"]["open_needs"] == 1
    assert rows["Entreprise d'essai"]["profile"] == "entreprise"
    assert client_fr.get("/api/v1/organisations?profile=fondation&q=d'essai").json()["count"] == 0


def test_suggestions_need_a_session_or_a_key(client_fr, orgs, alliance, people, as_user):
    need = _listing(orgs["asso"], kind="materiel")
    url = f"/api/v1/listings/{need.pk}/suggestions"
    assert client_fr.get(url).status_code == 401
    rows = as_user(people["stranger"]).get(url).json()
    assert rows[0]["key"] == f"organisation:{orgs['company'].pk}"
    assert rows[0]["why"].startswith("Entreprise")
    page = as_user(people["stranger"]).get(f"/api/v1/organisations/{orgs['asso'].pk}/suggestions")
    assert page.status_code == 200
    assert as_user(people["stranger"]).get("/api/v1/listings/999999/suggestions").status_code == 404


def test_documented_in_openapi(client_fr, db):
    paths = client_fr.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/organisations",
        "/api/v1/needs",
        "/api/v1/offers",
        "/api/v1/listings/{id}/suggestions",
        "/api/v1/organisations/{id}/suggestions",
    ):
        assert path in paths
