"""Pages in French and English, their twins, the API shape, hostile input escaped."""

import csv
import io
import json

import pytest

pytestmark = pytest.mark.usefixtures("library")


def test_list_page_in_french_and_english(client_fr, client_en):
    fr = client_fr.get("/ressources/")
    assert fr.status_code == 200
    assert "75 ressources" in fr.content.decode()
    assert "appréciation raisonnée" in fr.content.decode()
    en = client_en.get("/ressources/")
    assert en.status_code == 200
    assert "75 resources" in en.content.decode()


def test_list_page_shows_facet_counts_and_notice_for_unknown_values(client_fr):
    page = client_fr.get("/ressources/?kind=methode&kind=potion").content.decode()
    assert "19 ressources" in page
    assert "potion" in page and "ignorée" in page
    assert 'value="methode" checked' in page


def test_page_past_the_end_shows_the_last_page(client_fr):
    page = client_fr.get("/ressources/?page=40").content.decode()
    assert "Page 4 sur 4" in page


def test_twins_answer_json_and_csv(client_fr):
    data = json.loads(client_fr.get("/ressources/?format=json&level=4").content)
    assert data["count"] == len(data["results"]) > 0
    assert all(4 in r["maturity_levels"] for r in data["results"])
    response = client_fr.get("/ressources/?format=csv&kind=donnee&page_size=50")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 18
    assert {r["kind"] for r in rows} == {"donnee"}


def test_detail_page(client_fr, client_en):
    slug = "rameau-evaluation-partenariale-en-pratique"
    page = client_fr.get(f"/ressources/{slug}/").content.decode()
    assert "L&#x27;évaluation partenariale en pratique" in page
    assert "non précisée" in page and "http://crois-sens.org/2019/12/" in page
    assert client_en.get(f"/ressources/{slug}/").status_code == 200
    assert client_fr.get("/ressources/inconnue/").status_code == 404


def test_api_shape(client_fr):
    data = json.loads(
        client_fr.get("/api/v1/resources?q=évaluation&level=3&page_size=2&kind=potion").content
    )
    assert set(data) == {"count", "results", "facets", "ignored", "reading"}
    assert len(data["results"]) <= 2 and data["count"] >= len(data["results"])
    assert set(data["facets"]) == {
        "kind",
        "format",
        "audience",
        "level",
        "domain",
        "sdg",
        "language",
    }
    assert set(data["facets"]["kind"][0]) == {"value", "label", "count"}
    assert sum(v["count"] for v in data["facets"]["kind"]) == data["count"]
    assert data["ignored"] and "potion" in data["ignored"][0]
    first = data["results"][0]
    assert {"slug", "kind", "title", "licence", "maturity_levels", "audience", "source_url"} <= set(
        first
    )
    one = json.loads(client_fr.get(f"/api/v1/resources/{first['slug']}").content)
    assert one["slug"] == first["slug"]
    assert client_fr.get("/api/v1/resources/inconnue").status_code == 404


def test_api_comma_lists_and_page_past_end(client_fr):
    data = json.loads(client_fr.get("/api/v1/resources?kind=methode,outil&page=99").content)
    assert data["count"] == 31
    assert len(data["results"]) == 11  # the last page of 20


def test_hostile_strings_are_escaped(client_fr):
    hostile = "<script>alert(1)</script>"
    page = client_fr.get("/ressources/", {"q": hostile, "kind": hostile}).content.decode()
    assert hostile not in page
    assert "&lt;script&gt;" in page
