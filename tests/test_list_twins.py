"""Every public list has JSON, CSV and XLSX twins at the same address, with the same rows."""

import csv
import io

import pytest
from openpyxl import load_workbook

LISTS = [
    "/territoires/",
    "/territoires/region/27/",
    "/odd/",
    "/odd/17/",
    "/taxonomies/",
    "/taxonomies/domains/",
    "/ressources/",
    "/evenements/",
    "/charte/signataires/",
    "/observatoire/indicateurs/",
    "/fiches/",
    "/portails/",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", LISTS)
def test_the_twins_carry_the_same_rows(client, url):
    page = client.get(url)
    assert page.status_code == 200
    assert "format=xlsx" in page.content.decode(), "the page links its XLSX twin"
    join = "&" if "?" in url else "?"
    as_json = client.get(f"{url}{join}format=json").json()
    as_csv = list(
        csv.reader(io.StringIO(client.get(f"{url}{join}format=csv").content.decode("utf-8-sig")))
    )
    response = client.get(f"{url}{join}format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    as_xlsx = [[c.value for c in row] for row in sheet.iter_rows()]
    assert as_xlsx[0] == as_csv[0]  # same columns
    assert len(as_xlsx) == len(as_csv) == as_json["count"] + 1


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/territoires/", "/territoires/departement/25/"])
def test_lists_of_places_also_answer_geojson(client, url):
    assert "format=geojson" in client.get(url).content.decode()
    response = client.get(f"{url}?format=geojson")
    assert response["Content-Type"].startswith("application/geo+json")
    collection = response.json()
    rows = client.get(f"{url}?format=json").json()["results"]
    assert collection["type"] == "FeatureCollection"
    assert 0 < len(collection["features"]) <= len(rows)
    lon, lat = collection["features"][0]["geometry"]["coordinates"]
    assert -180 <= lon <= 180 and -90 <= lat <= 90
    assert collection["features"][0]["properties"]["code"]


@pytest.mark.django_db
def test_lists_without_places_have_no_geojson_twin(client):
    assert "format=geojson" not in client.get("/odd/").content.decode()
    assert client.get("/odd/?format=geojson")["Content-Type"].startswith("text/html")
