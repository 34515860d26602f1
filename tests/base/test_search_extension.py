"""Adding a filter with its facet is one entry of the table (docs/architecture.md).

The test registers a filter on the alliance's scale (locale, départementale, régionale,
nationale) — which the platform does not have — and checks that every part of the search
takes it: the parser and the URL, the API's filter schema, the index's tags and bitmaps, the
condition, the disjunctive facet counts with their labels, the page's facet groups, and the
notices for a value it does not know.
"""

import pytest
from django.test import Client

from alliances.base import api
from alliances.base.models import Alliance
from alliances.base.search import filters, index
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.base.synthetic import generate


def scale_filter() -> filters.SearchFilter:
    scale = filters.ChoiceFilter()
    scale.name = "scale"
    scale.params = ("scale",)
    scale.label = "l'échelle"
    scale.api_description = "Scale of the alliance: local, departemental, regional, national."
    scale.column = "scale"
    scale.choices = Alliance.Scale
    scale.prefix = "sc"
    scale.facet = filters.Facet("scale", "sc", "Échelle", words=True)
    return scale


@pytest.fixture
def base_with_scales(db):
    Alliance.objects.filter(synthetic=False).update(status=Alliance.Status.ARCHIVED)
    ids = generate(120, seed=3)
    scales = [s for s, _label in Alliance.Scale.choices]
    for position, pk in enumerate(ids):
        Alliance.objects.filter(pk=pk).update(scale=scales[position % len(scales)])
    return ids


def test_one_entry_adds_a_filter_and_its_facet_everywhere(base_with_scales):
    expected = dict.fromkeys((s for s, _label in Alliance.Scale.choices), 30)
    with filters.registered(scale_filter()):
        index.rebuild_index()  # the index stores the new tags and their bitmaps
        query, notices = parse_query({"scale": ["regional", "national", "galactique"]})
        assert query.scale == ("regional", "national")
        assert [n.param for n in notices] == ["scale"]  # the malformed value is noticed
        assert "scale=regional&scale=national" in query.to_querystring()
        assert "scale" in api._filters_schema().model_fields

        result = run_search(query)
        assert result.count == 60
        counts = {v.value: v.count for v in result.facets["scale"]}
        assert counts == expected  # disjunctive: the other scales keep their counts
        labels = {v.value: v.label for v in result.facets["scale"]}
        assert labels["regional"] == str(Alliance.Scale.REGIONAL.label)
        assert {chip.value for chip in result.chips()} >= {labels["regional"]}

        narrowed = run_search(parse_query({"scale": "local", "kind": "alliance"})[0])
        kinds = {v.value: v.count for v in narrowed.facets["kind"]}
        assert narrowed.count == kinds.get("alliance", 0)

        page = Client().get("/alliances/?scale=regional")
        assert page.status_code == 200
        assert 'name="scale"' in page.content.decode()  # its facet group on the page

    # Without the entry, the parameter means nothing again.
    query, notices = parse_query({"scale": "regional"})
    assert query.values("scale") == () and notices == []
    index.rebuild_index()
