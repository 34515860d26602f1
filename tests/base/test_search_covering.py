"""The covering tier (alliances of the territories covering a place) from the bitmaps: the
same alliances, count and order as the SQL way, without a second search (issue 13)."""

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.search import bitmap_plan
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query

SEARCHES = [
    {"territory": "commune:25056"},
    {"q": "Besançon"},
    {"territory": "epci:242500361"},
    {"territory": "departement:25"},
    {"territory": "departement:25", "domain": "emploi_insertion"},
    {"territory": "commune:25056", "q": "insertion"},
    {"territory": "commune:25056", "q": "mobilité", "kind": "alliance"},
    {"territory": "region:53"},
    {"territory": "commune:25056", "year_min": "2000"},  # a filter without bitmap: SQL way
]


def _covering(params, **kw):
    result = run_search(parse_query(params)[0], **kw)
    return result.covering_count, [(h.id, h.note) for h in result.covering]


@pytest.mark.django_db
def test_covering_from_bitmaps_is_the_sql_covering(monkeypatch) -> None:
    build_world()
    fast = {str(p): _covering(p) for p in SEARCHES}
    drafts = {str(p): _covering(p, include_drafts=True) for p in SEARCHES}
    monkeypatch.setattr(bitmap_plan, "covering", lambda *a, **k: None)
    assert any(count for count, _hits in fast.values())
    assert fast == {str(p): _covering(p) for p in SEARCHES}
    assert drafts == {str(p): _covering(p, include_drafts=True) for p in SEARCHES}


@pytest.mark.django_db
def test_covering_runs_no_second_search() -> None:
    world = build_world()
    params = {"territory": "commune:25056"}
    run_search(parse_query(params)[0])
    with CaptureQueriesContext(connection) as queries:
        result = run_search(parse_query(params)[0])
    assert {h.id for h in result.covering} == world.ids("mobilite", "pole", "national")
    assert not [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(*) FROM (")]
