"""SQLite ranks a text search's page over the results found from the bitmaps (issue 13): the
same page as the SQL way (TEMP table, bm25, fusion with the neighbours in meaning)."""

from dataclasses import replace

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.search import bitmap_plan
from alliances.base.search.compiler import PUBLIC_STATUSES, compile_query
from alliances.base.search.dialects import sqlite
from alliances.base.search.executor import _plan, _sort, run_search
from alliances.base.search.query import parse_query

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's ranking")

SEARCHES = [
    {"q": "insertion"},
    {"q": "emploi", "kind": "alliance"},
    {"q": "emploi", "page_size": "1", "page": "2"},
    {"q": "jeunes emploi"},
]


def _pages(params, neighbours):
    query = parse_query(params)[0]
    compiled = compile_query(query, PUBLIC_STATUSES, "default")
    compiled.semantic = [n for n in neighbours]
    size = query.page_size
    plan = _plan(compiled, _sort(query, compiled), (query.page - 1) * size, size)
    by_sql = compiled.dialect.run(compiled, replace(plan, sets=("",)))
    ids = by_sql.sets[""]
    in_python = compiled.dialect.rank_page(compiled, ids, plan.offset, plan.limit, plan)
    old, sqlite.RANK_IN_PYTHON = sqlite.RANK_IN_PYTHON, -1
    try:
        in_sql = compiled.dialect.rank_page(compiled, ids, plan.offset, plan.limit, plan)
    finally:
        sqlite.RANK_IN_PYTHON = old
    return by_sql.page, in_python, in_sql


@pytest.mark.django_db
def test_pages_ranked_over_a_set_are_the_sql_pages() -> None:
    world = build_world()
    everyone = sorted(a.pk for a in world.alliances.values())
    for params in SEARCHES:
        for neighbours in ([], everyone[::-2], everyone[:3]):
            by_sql, in_python, in_sql = _pages(params, neighbours)
            assert by_sql, params
            assert in_python == by_sql == in_sql, (params, neighbours)


@pytest.mark.django_db
def test_a_text_search_of_facet_filters_uses_no_temp_table() -> None:
    build_world()
    params = {"q": "insertion", "kind": "alliance"}
    fast = run_search(parse_query(params)[0])
    with CaptureQueriesContext(connection) as queries:
        run_search(parse_query(params)[0])
    assert not [q for q in queries if sqlite.TEMP_IDS in q["sql"]]
    original = bitmap_plan.run
    bitmap_plan.run = lambda *a, **k: None
    try:
        slow = run_search(parse_query(params)[0])
    finally:
        bitmap_plan.run = original
    assert [h.id for h in fast.alliances] == [h.id for h in slow.alliances]
    assert fast.count == slow.count and fast.facets == slow.facets


@pytest.mark.django_db
def test_the_text_order_is_kept_for_the_next_pages_until_the_index_changes() -> None:
    world = build_world()
    params = {"q": "entreprises", "page_size": "1"}
    first = run_search(parse_query(params)[0])

    def bm25_reads(page: str) -> tuple[list[int], int]:
        with CaptureQueriesContext(connection) as queries:
            found = run_search(parse_query({**params, "page": page})[0])
        return [h.id for h in found.alliances], sum("bm25(" in q["sql"] for q in queries)

    second, reads = bm25_reads("2")
    assert reads == 0 and second and second != [h.id for h in first.alliances]
    # A change to the index draws a new version: the order is read again.
    alliance = next(iter(world.alliances.values()))
    alliance.title = alliance.title + " (entreprises)"
    alliance.save()
    _again, reads = bm25_reads("2")
    assert reads == 1
