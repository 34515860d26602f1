import json
import xml.etree.ElementTree as ET

import pytest

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.mark.django_db
@pytest.mark.parametrize("feed", ["alliances", "ressources", "evenements"])
def test_atom_feeds_are_valid(client, feed):
    response = client.get(f"/flux/{feed}.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text


@pytest.mark.django_db
def test_alliance_feed_lists_published_examples(client):
    root = ET.fromstring(client.get("/flux/alliances.atom").content)
    entries = root.findall(f"{ATOM}entry")
    assert entries, "the shipped examples are published"
    assert all(e.find(f"{ATOM}link").get("href").startswith("http") for e in entries)


@pytest.mark.django_db
def test_dcat_catalogue_names_a_licence_and_publisher_for_every_dataset(client):
    response = client.get("/donnees/catalogue.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    catalogue = json.loads(response.content)
    assert catalogue["@type"] == "dcat:Catalog"
    datasets = catalogue["dcat:dataset"]
    assert {d["dct:identifier"] for d in datasets} >= {"alliances", "observatoire", "odd"}
    for dataset in datasets:
        assert dataset["dct:license"]["@id"].startswith("https://")
        assert dataset["dct:publisher"]["foaf:name"]
        assert dataset["dcat:distribution"]
    licences = {d["dct:identifier"]: d["dct:license"]["@id"] for d in datasets}
    assert "licence-ouverte" in licences["alliances"]
    assert "mit" in licences["odd"]


@pytest.mark.django_db
def test_open_data_page(client):
    html = client.get("/donnees/").content.decode()
    assert "Catalogue DCAT-AP" in html and "/flux/alliances.atom" in html
