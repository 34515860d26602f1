"""The territories API: list shape, filters, one territory, 404 JSON, OpenAPI."""

import pytest

from alliances.api.v1 import api

pytestmark = pytest.mark.django_db


def test_list_shape_and_search(client):
    data = client.get("/api/v1/territories", {"q": "besancon"}).json()
    assert set(data) == {"count", "results"}
    first = data["results"][0]
    assert first["code"] == "25056" and first["level"] == "commune"
    for key in (
        "name",
        "parent_code",
        "region_code",
        "departement_code",
        "population",
        "siren",
        "postcodes",
        "url",
    ):
        assert key in first
    assert first["region_code"] == "27" and first["departement_code"] == "25"
    assert first["postcodes"] == ["25000"]


def test_filters_level_parent_and_pages(client):
    data = client.get("/api/v1/territories", {"level": "departement", "parent": "region:27"}).json()
    assert data["count"] == 8
    page = client.get(
        "/api/v1/territories",
        {"level": "commune", "parent": "departement:25", "page": 2, "page_size": 10},
    ).json()
    assert page["count"] > 500 and len(page["results"]) == 10
    assert client.get("/api/v1/territories", {"q": "25000"}).json()["results"][0]["code"] == "25056"


def test_bad_parameters_are_422(client):
    assert client.get("/api/v1/territories", {"level": "planete"}).status_code == 422
    assert client.get("/api/v1/territories", {"parent": "region:99"}).status_code == 422
    assert client.get("/api/v1/territories", {"page_size": 1000}).status_code == 422


def test_one_territory_and_404(client):
    data = client.get("/api/v1/territories/region/27").json()
    assert data["name"] == "Bourgogne-Franche-Comté" and data["parent_code"] == "FR"
    response = client.get("/api/v1/territories/commune/00000")
    assert response.status_code == 404
    assert "00000" in response.json()["detail"]


def test_openapi_describes_the_fields():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert "/api/v1/territories" in schema["paths"]
    assert "/api/v1/territories/{level}/{code}" in schema["paths"]
    props = schema["components"]["schemas"]["TerritoryOut"]["properties"]
    assert all(p.get("description") for p in props.values())
