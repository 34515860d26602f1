"""GET /api/v1/referentials/{key} and POST /api/v1/diagnoses."""

import json

import pytest
from maturity_helpers import answer_all

from alliances.maturity.models import Diagnosis, ReferentialVersion

pytestmark = pytest.mark.django_db


def post(client, payload):
    return client.post("/api/v1/diagnoses", json.dumps(payload), content_type="application/json")


def test_get_referential(client_fr):
    response = client_fr.get("/api/v1/referentials/territoire")
    assert response.status_code == 200
    data = response.json()
    assert data["key"] == "territoire" and data["version"] == 2 and data["target"] == "territory"
    assert len(data["content"]["axes"]) == 5
    assert data["content"]["thresholds"] == [20, 50, 80]


def test_get_unknown_referential(client_fr):
    response = client_fr.get("/api/v1/referentials/inconnu")
    assert response.status_code == 404
    assert "inconnu" in response.json()["detail"]


def test_post_diagnosis_scores_levels_and_path(client_fr):
    version = ReferentialVersion.objects.get(key="organisation", active=True)
    answers = answer_all(version.referential, "middle")
    response = post(
        client_fr, {"referential": "organisation", "profile": "entreprise", "answers": answers}
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["version"] == 2 and data["profile"] == "entreprise"
    assert 0 <= data["score"] <= 100 and data["level"] in (1, 2, 3, 4)
    assert [a["axis"] for a in data["axes"]] == [a.key for a in version.referential.axes]
    assert "strat_collectivite" in data["axes"][0]["not_applicable"]
    assert isinstance(data["path"], list)
    for rank, item in enumerate(data["path"], start=1):
        assert (
            item["rank"] == rank and item["why"] and item["target_level"] == item["axis_level"] + 1
        )
    assert Diagnosis.objects.count() == 0  # nothing stored


@pytest.mark.parametrize(
    ("answers", "question"),
    [
        ({"strat_portefeuille": "mille"}, "strat_portefeuille"),
        ({"strat_gouvernance": 12}, "strat_gouvernance"),
        ({"inexistante": 1}, "inexistante"),
    ],
)
def test_post_tampered_answer_is_422(client_fr, answers, question):
    response = post(
        client_fr, {"referential": "organisation", "profile": "association", "answers": answers}
    )
    assert response.status_code == 422
    data = response.json()
    assert data["question"] == question
    assert "refusée" in data["detail"] or "inconnue" in data["detail"]


def test_post_unknown_profile_and_referential(client_fr):
    assert (
        post(
            client_fr, {"referential": "organisation", "profile": "pirate", "answers": {}}
        ).status_code
        == 422
    )
    assert (
        post(client_fr, {"referential": "zz", "profile": "association", "answers": {}}).status_code
        == 404
    )
    bad = client_fr.post("/api/v1/diagnoses", "{pas du json", content_type="application/json")
    assert bad.status_code in (400, 422)


@pytest.mark.parametrize("field", ["referential", "profile"])
def test_a_key_with_control_characters_is_refused_not_a_server_error(client_fr, field):
    # Found by the API's property test on PostgreSQL, which refuses NUL in a text parameter.
    payload = {"referential": "organisation", "profile": "association", "answers": {}}
    payload[field] = "organ\u0000isation\n"
    response = post(client_fr, payload)
    assert response.status_code == 422
    assert field in json.dumps(response.json())


def test_paths_in_openapi(client_fr):
    paths = client_fr.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/referentials/{key}" in paths and "/api/v1/diagnoses" in paths
