"""Export writers: CSV parses back, XLSX opens, JSON and GeoJSON are valid."""

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from alliances.base import exports, geo
from alliances.base.importing import importer
from alliances.base.importing.readers import read_table
from alliances.base.models import Alliance

pytestmark = pytest.mark.django_db


def real():
    return Alliance.objects.filter(origin__startswith="alliances_reelles:").order_by("slug")


def test_csv_parses_back_with_bom_and_separator():
    data = exports.write(real(), "csv")
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == real().count() >= 66
    assert rows[0].keys() >= {"slug", "title", "partners", "territory", "url"}
    colombelles = next(r for r in rows if r["slug"] == "tzcld-colombelles")
    assert colombelles["territory"] == "commune:14167"
    assert colombelles["url"] == "/alliances/tzcld-colombelles/"
    assert "(collectivite:partner)" in colombelles["partners"]
    semicolon = exports.write(real()[:3], "csv", sep=";").decode("utf-8-sig")
    assert semicolon.splitlines()[0].startswith("slug;title;kind")


def test_export_can_be_imported_back():
    """An export, renamed, is a valid import file (the columns are the import's)."""
    alliance = real().get(slug="tzcld-colombelles")
    text = exports.write(Alliance.objects.filter(pk=alliance.pk), "csv").decode("utf-8-sig")
    text = text.replace(alliance.title, "Copie de travail").replace(alliance.slug, "copie")
    report = importer.validate(read_table(text.encode(), "export.csv"))
    assert report.ok, report.problems


def test_xlsx_opens_with_openpyxl():
    workbook = load_workbook(io.BytesIO(exports.write(real(), "xlsx")), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:3] == ("slug", "title", "kind")
    assert len(rows) == real().count() + 1


def test_json_and_jsonl():
    document = json.loads(exports.write(real(), "json"))
    shipped = real().count()
    assert document["count"] == shipped and len(document["results"]) == shipped
    assert isinstance(document["results"][0]["partners"], list)
    lines = exports.write(real(), "jsonl").decode().splitlines()
    assert len(lines) == shipped and json.loads(lines[0])["slug"] == document["results"][0]["slug"]


def test_geojson_is_a_feature_collection_of_points():
    document = json.loads(exports.write(real(), "geojson"))
    assert document["type"] == "FeatureCollection"
    assert len(document["features"]) == real().count()
    for feature in document["features"]:
        assert feature["type"] == "Feature"
        lon, lat = feature["geometry"]["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    colombelles = next(
        f for f in document["features"] if f["properties"]["slug"] == "tzcld-colombelles"
    )
    lon, lat = colombelles["geometry"]["coordinates"]
    assert 49.1 < lat < 49.3 and -0.4 < lon < -0.2  # near Caen


def test_point_for_falls_back_to_containing_territory():
    alliance = real().get(slug="renault-mobiliz")
    lon, lat = geo.point_for(alliance.territory)
    assert 42 < lat < 51 and -5 < lon < 8  # mainland France
    assert geo.point_for(None) is None


def test_export_response_streams_text_formats():
    response = exports.export_response(real(), "csv", filename="recherche")
    assert response.streaming
    assert 'filename="recherche.csv"' in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert len(body.splitlines()) >= 67
    response = exports.export_response(real()[:2], "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxml")
    with pytest.raises(ValueError):
        exports.export_response(real(), "pdf")
