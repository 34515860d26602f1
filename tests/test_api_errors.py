"""The API's edges (issue 19, item 10; issue 13): one JSON shape for every error, every
status in the OpenAPI document, per-key limits whatever the global setting, and the kit
separated from the router that mounts the parts."""

import ast
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client

from alliances.api.v1 import api
from alliances.apikit.models import ApiKey

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.django_db


def assert_error_shape(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body.get("errors", []), list)
    return body


def test_unknown_address_and_method_answer_json(client_fr):
    assert_error_shape(client_fr.get("/api/v1/nulle-part"), 404)
    response = client_fr.delete("/api/v1/sheets")
    assert_error_shape(response, 405)
    assert "GET" in response["Allow"]


def test_parameters_that_do_not_validate_name_where_in_the_user_language(client_fr, client_en):
    body = assert_error_shape(client_fr.get("/api/v1/sdg/goals?page=deux"), 422)
    assert body["errors"] == [{"location": "query.page", "message": "nombre entier attendu"}]
    assert "query.page" in body["detail"]
    body = assert_error_shape(client_en.get("/api/v1/sdg/goals?page=deux"), 422)
    assert body["errors"][0]["message"] == "whole number expected"


def test_the_422_of_diagnoses_has_the_documented_shape(client_fr):
    response = client_fr.post(
        "/api/v1/diagnoses", {"referential": 3}, content_type="application/json"
    )
    body = assert_error_shape(response, 422)
    assert {e["location"] for e in body["errors"]} >= {"body.payload.profile"}
    malformed = client_fr.post("/api/v1/diagnoses", "{pas du json", content_type="application/json")
    assert_error_shape(malformed, 400)


def test_a_server_error_answers_json(monkeypatch):
    from alliances.sdg import api as sdg_api

    def broken(*args, **kwargs):
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(sdg_api, "paginate", broken)
    client = Client(raise_request_exception=False)
    body = assert_error_shape(client.get("/api/v1/sdg/goals"), 500)
    assert "panne" not in body["detail"]  # nothing internal leaks


def test_missing_key_answers_401_in_the_shape(client_fr):
    response = client_fr.post("/api/v1/observatory/figures/import", {})
    assert_error_shape(response, 401)


def test_every_error_status_is_in_the_openapi_document():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
    operations = {
        (method.upper(), path): {str(s) for s in op["responses"]}
        for path, ops in schema["paths"].items()
        for method, op in ops.items()
    }
    assert {"401", "422", "400", "429", "500"} <= operations[
        ("POST", "/api/v1/observatory/figures/import")
    ]
    assert {"404", "422", "429", "500"} <= operations[("GET", "/api/v1/alliances/{slug}")]
    assert {"400", "422"} <= operations[("POST", "/api/v1/diagnoses")]
    assert {"401", "404"} <= operations[("GET", "/api/v1/workspaces/{workspace_id}/model")]
    for statuses in operations.values():
        assert {"429", "500"} <= statuses


def test_per_key_limits_hold_whatever_the_global_setting(client, settings):
    settings.ALLIANCES_API_RATE_PER_MINUTE = 0  # no limit per address
    cache.clear()
    user = get_user_model().objects.create_user("k@example.org", "k@example.org", "x")
    _key, raw = ApiKey.issue("limitée", user, requests_per_minute=2)
    answers = [client.get("/api/v1/sdg/goals", HTTP_X_API_KEY=raw) for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert_error_shape(answers[2], 429)
    assert answers[0]["RateLimit-Limit"] == "2"
    assert client.get("/api/v1/sdg/goals").status_code == 200  # addresses: no limit


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_parts_import_the_kit_and_only_the_router_imports_the_parts():
    package = ROOT / "alliances"
    for path in package.rglob("*.py"):
        relative = path.relative_to(package)
        imports = _imports(path)
        router = {m for m in imports if m == "alliances.api" or m.startswith("alliances.api.")}
        if relative.parts[0] != "api" and relative.as_posix() != "urls.py":
            assert not router, f"{relative} imports the API router: {router}"
    parts = {p.name for p in package.iterdir() if (p / "api.py").exists()}
    for path in (package / "apikit").rglob("*.py"):
        for module in _imports(path):
            name = module.split(".")[1] if module.startswith("alliances.") else ""
            assert name not in parts, f"the kit imports a part: {path.name} → {module}"
