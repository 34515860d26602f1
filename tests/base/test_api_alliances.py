"""API of the base: same query object as the page, the documented shape."""

import pytest
from base_search_fixtures import World, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world() -> World:
    return build_world()


def test_list_shape(client, world):
    response = client.get(
        "/api/v1/alliances", {"q": "partenariat", "domain": ["sante", "emploi_insertion"]}
    )
    assert response.status_code == 200
    data = response.json()
    assert set(data) >= {"count", "results", "facets", "notices", "page", "last_page"}
    assert data["count"] == 2
    assert {r["slug"] for r in data["results"]} == {"test-search-sante", "test-search-emploi"}
    for name in ("profile", "type", "domain", "kind", "sdg", "stage", "region"):
        assert name in data["facets"]
    value = data["facets"]["domain"][0]
    assert set(value) == {"value", "label", "count"}
    snippets = {r["slug"]: r["snippet_html"] for r in data["results"]}
    assert "<mark>partenariat</mark>" in snippets["test-search-emploi"]


def test_list_bad_input_never_fails(client, world):
    response = client.get(
        "/api/v1/alliances",
        {"q": "\"'; DROP TABLE x; --", "year_min": "abc", "page": "-1", "territory": "x:y:z"},
    )
    assert response.status_code == 200
    data = response.json()
    assert len(data["notices"]) >= 3


def test_list_empty_result_suggestions(client, world):
    data = client.get("/api/v1/alliances", {"domain": "sante", "kind": "catalyst"}).json()
    assert data["count"] == 0
    assert {s["drop"] for s in data["suggestions"]} == {"domain", "kind"}


def test_detail_and_organisation(client, world):
    data = client.get("/api/v1/alliances/test-search-pole").json()
    assert data["kind"] == "catalyst"
    assert data["territory"]["code"] == "25"
    assert {p["profile"] for p in data["partners"]} == {"association", "collectivite"}
    assert data["similar"] and all(s["why"] for s in data["similar"])
    assert client.get("/api/v1/alliances/test-search-brouillon").status_code == 404
    org = world.organisations["alpha"].pk
    data = client.get(f"/api/v1/organisations/{org}").json()
    assert data["profile"] == "entreprise"
    assert len(data["alliances"]) == 4
    assert client.get("/api/v1/organisations/999999999").status_code == 404


def test_detail_gives_the_sources_wording_of_partners_and_when_sources_were_read(client):
    from alliances.base.models import Partner, Source

    partner = Partner.objects.exclude(as_named="").select_related("alliance").first()
    assert partner is not None, "the shipped examples keep the source's wording of partners"
    data = client.get(f"/api/v1/alliances/{partner.alliance.slug}").json()
    wording = {p["name"]: p["as_named"] for p in data["partners"]}
    assert wording[partner.organisation.name] == partner.as_named
    source = Source.objects.filter(alliance=partner.alliance).first()
    read_on = {s["url"]: s["read_on"] for s in data["sources"]}
    assert read_on[source.url] == (source.read_on.isoformat() if source.read_on else None)
