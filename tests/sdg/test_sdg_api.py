"""GET /api/v1/sdg/goals and /api/v1/sdg/goals/{number}."""

import pytest

pytestmark = pytest.mark.django_db


def test_goals_list_has_17_goals_with_their_targets(client_fr):
    response = client_fr.get("/api/v1/sdg/goals")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 17 and len(data["results"]) == 17
    assert sum(len(g["targets"]) for g in data["results"]) == 169
    goal = data["results"][16]
    assert goal["number"] == 17
    assert goal["title"] == goal["title_fr"] and "partenariat" in goal["title_fr"].lower()
    assert goal["title_en"] and goal["short_en"] == "Partnerships for the goals"
    assert goal["page_url"].endswith("/odd/17/")
    target = goal["targets"][0]
    assert set(target) == {"code", "position", "title", "title_fr", "title_en"}
    assert target["code"] == "17.1" and target["title"] == target["title_fr"]


def test_goals_in_english(client_en):
    data = client_en.get("/api/v1/sdg/goals").json()
    goal = data["results"][0]
    assert goal["title"] == goal["title_en"] and goal["short"] == "No poverty"
    assert goal["targets"][0]["title"] == goal["targets"][0]["title_en"]


def test_goals_pagination(client_fr):
    data = client_fr.get("/api/v1/sdg/goals?page=2&page_size=10").json()
    assert data["count"] == 17
    assert [g["number"] for g in data["results"]] == list(range(11, 18))


def test_one_goal(client_fr):
    data = client_fr.get("/api/v1/sdg/goals/4").json()
    assert data["number"] == 4
    assert [t["code"] for t in data["targets"]][-3:] == ["4.a", "4.b", "4.c"]


@pytest.mark.parametrize("value", ["0", "18"])
def test_unknown_goal_is_a_404(client_fr, client_en, value):
    response = client_fr.get(f"/api/v1/sdg/goals/{value}")
    assert response.status_code == 404
    assert "1 à 17" in response.json()["detail"]
    response = client_en.get(f"/api/v1/sdg/goals/{value}")
    assert response.status_code == 404
    assert "1 to 17" in response.json()["detail"]


def test_non_numeric_goal_is_rejected(client_fr):
    assert client_fr.get("/api/v1/sdg/goals/abc").status_code in (404, 422)


def test_admin_lists_goals_and_targets(admin_client):
    assert admin_client.get("/admin/sdg/sdggoal/").status_code == 200
    goal_pk = admin_client.get("/admin/sdg/sdggoal/").context["cl"].result_list[0].pk
    page = admin_client.get(f"/admin/sdg/sdggoal/{goal_pk}/change/")
    assert page.status_code == 200 and "1.a" in page.content.decode()
    assert admin_client.get("/admin/sdg/sdgtarget/?goal__id__exact=1").status_code == 200
