"""The DCAT catalogue conforms to the official DCAT-AP SHACL shapes, 3.0.0 and 2.1.1 (issue
19, item 9): what a harvester such as a national open-data portal checks before it takes a
catalogue in. The shapes are kept beside this file with their source and licence."""

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import Graph

SHAPES = Path(__file__).parent / "dcat-ap"


def _shapes(version: str) -> Graph:
    graph = Graph()
    for part in ("shapes", "range"):
        graph.parse(SHAPES / f"dcat-ap_{version}_shacl_{part}.ttl", format="turtle")
    return graph


@pytest.fixture
def catalogue(client) -> Graph:
    response = client.get("/donnees/catalogue.jsonld")
    assert response.status_code == 200
    return Graph().parse(data=response.content.decode(), format="json-ld")


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["3.0.0", "2.1.1"])
def test_the_catalogue_conforms_to_dcat_ap(catalogue, version):
    conforms, _graph, report = validate(
        catalogue, shacl_graph=_shapes(version), allow_warnings=True, inference="none"
    )
    assert conforms, report
