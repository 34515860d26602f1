"""/odd/ and /odd/<n>/ in French and English, their twins and their 404s."""

import csv
import io

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_url_names():
    assert reverse("sdg:index") == "/odd/"
    assert reverse("sdg:goal", kwargs={"number": 17}) == "/odd/17/"


def test_index_in_french(client_fr):
    response = client_fr.get("/odd/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Objectifs de développement durable" in html
    assert "Partenariats pour la réalisation des objectifs" in html
    assert html.count('href="/odd/') >= 17
    assert "<caption>" in html and 'scope="col"' in html


def test_index_in_english(client_en):
    html = client_en.get("/odd/").content.decode()
    assert '<html lang="en"' in html
    assert "Sustainable Development Goals" in html
    assert "Partnerships for the goals" in html


def test_index_twins(client_fr):
    data = client_fr.get("/odd/?format=json").json()
    assert data["count"] == 17
    first = data["results"][0]
    assert first["number"] == 1 and first["targets"] == 7
    assert first["title_fr"] and first["title_en"]
    response = client_fr.get("/odd/?format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 17 and rows[16]["number"] == "17"
    assert sum(int(r["targets"]) for r in rows) == 169


def test_goal_page_in_both_languages(client_fr, client_en):
    html_fr = client_fr.get("/odd/17/").content.decode()
    assert "ODD 17" in html_fr and "17.17" in html_fr and "17.a" not in html_fr
    assert "partenariat" in html_fr.lower()
    html_en = client_en.get("/odd/17/").content.decode()
    assert "SDG 17" in html_en and "Partnerships for the goals" in html_en
    html_4 = client_fr.get("/odd/4/").content.decode()
    assert html_4.index("4.7") < html_4.index("4.a") < html_4.index("4.c")


def test_goal_twins(client_fr, client_en):
    data = client_fr.get("/odd/4/?format=json").json()
    assert data["count"] == 10
    assert [r["code"] for r in data["results"]][-3:] == ["4.a", "4.b", "4.c"]
    assert data["results"][0]["title"] == data["results"][0]["title_fr"]
    english = client_en.get("/odd/4/?format=json").json()
    assert english["results"][0]["title"] == english["results"][0]["title_en"]
    response = client_fr.get("/odd/4/?format=csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["code"] for r in rows][:2] == ["4.1", "4.2"]


@pytest.mark.parametrize("value", ["0", "18", "abc", "017"])
def test_unknown_goal_is_a_404_in_the_user_language(client_fr, client_en, value):
    response = client_fr.get(f"/odd/{value}/")
    assert response.status_code == 404
    assert "Page introuvable" in response.content.decode()
    response = client_en.get(f"/odd/{value}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
