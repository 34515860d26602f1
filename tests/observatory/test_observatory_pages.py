"""Pages (French and English), their twins, charts, the API and unknown keys."""

import csv
import io

import pytest
from django.test import Client

from alliances.observatory.charts import cached_chart

PAGES = [
    "/observatoire/",
    "/observatoire/indicateurs/",
    "/observatoire/indicateurs/partenariats-source-innovation/",
    "/observatoire/populations/",
    "/observatoire/populations/citoyens/",
    "/observatoire/territoires/27/",
    "/observatoire/territoires/FR/",
    "/observatoire/fragilites/",
    "/observatoire/representativite/",
]


@pytest.fixture
def fr(loaded):
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


@pytest.fixture
def en(loaded):
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.mark.parametrize("url", PAGES)
def test_pages_answer_with_twins(fr, url):
    response = fr.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1" in html and "?format=json" in html
    data = fr.get(url, {"format": "json"}).json()
    assert data["count"] == len(data["results"])
    text = fr.get(url, {"format": "csv"}).content.decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == data["count"] + 1


def test_home_shows_latest_study_and_timeline(fr):
    html = fr.get("/observatoire/").content.decode()
    assert "Impacts &amp; Trajectoires" in html and "ARPEA" in html and "PHARE" in html
    assert "91 %" in html  # key figure of the 2024 study of local elected officials
    assert "Wilson" in html


def test_indicator_page_charts_interval_and_sources(fr):
    url = "/observatoire/indicateurs/territoire-en-mouvement-transitions/"
    html = fr.get(url).content.decode()
    assert html.count('role="img"') >= 2
    assert "Voir les données du graphique" in html
    assert "87.2 – 93.7" in html or "87,2 – 93,7" in html  # Wilson interval of 91 % among 302
    assert "lerameau" in html or "http" in html
    chart = fr.get(url, {"format": "json", "graphique": "tendance"}).json()
    assert chart["results"][0]["value"] == 91.0


def test_indicator_page_approximate_year_is_shown(fr):
    html = fr.get("/observatoire/indicateurs/en-partenariat-interet-general/").content.decode()
    assert "≈ 2015" in html and "année approximative" in html


def test_significance_of_last_change(fr, loaded):
    from alliances.observatory.figures import latest_change

    rows = [
        {
            "key": "a",
            "population": "p",
            "population_name": "P",
            "territory": "FR",
            "territory_name": "France",
            "year": 2015,
            "year_label": "2015",
            "value": 46.0,
            "n": 500,
        },
        {
            "key": "b",
            "population": "p",
            "population_name": "P",
            "territory": "FR",
            "territory_name": "France",
            "year": 2020,
            "year_label": "2020",
            "value": 53.0,
            "n": 500,
        },
    ]
    change = latest_change(rows)
    assert change["significant"] and change["difference"] == 7.0
    rows[0]["n"] = None
    assert latest_change(rows) is None


def test_territory_page_puts_national_figures_beside(fr):
    data = fr.get("/observatoire/territoires/84/", {"format": "json"}).json()
    security = [r for r in data["results"] if r["indicator"] == "fragilite-securite"][0]
    assert security["value"] == 36.0 and security["national_value"] == 37.0


def test_an_overseas_region_shows_the_overseas_rate_under_its_own_scope(fr, en):
    """La Réunion has no rate of its own: its page shows the one « Drom Tom » rate, named as
    the overseas territories together, in both languages (ADR 0161)."""
    data = fr.get("/observatoire/territoires/04/", {"format": "json"}).json()
    rows = [r for r in data["results"] if r["indicator"] == "entreprises-mecenes"]
    assert [r["value"] for r in rows] == [3.6]
    assert "Drom Tom" in rows[0]["scope"] and "ensemble" in rows[0]["scope"]
    html = fr.get("/observatoire/territoires/04/").content.decode()
    assert "Drom Tom" in html
    english = en.get("/observatoire/territoires/04/", {"format": "json"}).json()
    scopes = [r["scope"] for r in english["results"] if r["indicator"] == "entreprises-mecenes"]
    assert scopes == ["overseas France ('Drom Tom' in the source: the overseas régions together)"]


def test_english_pages(en):
    html = en.get("/observatoire/indicateurs/partenariats-source-innovation/").content.decode()
    assert 'lang="en"' in html
    assert "Partnerships as a source of innovation" in html
    assert "Share of respondents who say partnerships are a source of innovation." in html
    assert "Business leaders" in html
    assert "Part des répondants" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/observatoire/indicateurs/inconnu/",
        "/observatoire/populations/inconnue/",
        "/observatoire/territoires/ZZ/",
        "/observatoire/indicateurs/partenariats-source-innovation/?format=json&graphique=x",
    ],
)
def test_unknown_keys_are_404_in_user_language(fr, en, url):
    assert fr.get(url).status_code == 404
    response = en.get(url)
    assert response.status_code == 404
    assert 'lang="en"' in response.content.decode()


def test_chart_cache_is_keyed_on_data_version(loaded):
    from alliances.observatory.models import Figure

    calls = []

    def build():
        calls.append(1)
        return None

    cached_chart("test", "x", build)
    cached_chart("test", "x", build)
    assert len(calls) == 1
    figure = Figure.objects.first()
    figure.note = "changed"
    figure.save()
    cached_chart("test", "x", build)
    assert len(calls) == 2


def test_api_figures_shape_and_filters(fr):
    data = fr.get(
        "/api/v1/observatory/figures",
        {"indicator": "territoire-en-mouvement-transitions", "territory": "FR", "year": 2024},
    ).json()
    assert data["count"] == 1  # once, with its n, although two pages report it
    first = data["results"][0]
    for key in (
        "indicator",
        "population",
        "territory",
        "year",
        "value",
        "n",
        "ci_low",
        "ci_high",
        "source",
        "sources",
        "scope",
    ):
        assert key in first
    with_n = [r for r in data["results"] if r["n"]][0]
    assert (with_n["ci_low"], with_n["ci_high"]) == (87.2, 93.7)
    paged = fr.get("/api/v1/observatory/figures", {"page_size": 10, "page": 2}).json()
    assert paged["count"] == 113 and len(paged["results"]) == 10


@pytest.mark.parametrize("name", ["indicators", "studies", "programmes"])
def test_api_lists(fr, name):
    data = fr.get(f"/api/v1/observatory/{name}").json()
    assert data["count"] >= 4 and data["results"]
