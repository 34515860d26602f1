"""PostgreSQL fuses a text search's page with the neighbours in meaning over the results found
from the bitmaps: the same page as the SQL way (`_fused` over MATERIALIZED id sets), which
took seconds at 100,000 alliances (bench/RESULTS.md, issue 20)."""

from dataclasses import replace

import pytest
from base_search_fixtures import build_world
from django.db import connection

from alliances.base.search import bitmap_plan
from alliances.base.search.compiler import PUBLIC_STATUSES, compile_query
from alliances.base.search.executor import _plan, _sort
from alliances.base.search.query import parse_query

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's ranking")

SEARCHES = [
    {"q": "insertion"},
    {"q": "emploi", "kind": "alliance"},
    {"q": "emploi", "page_size": "1", "page": "2"},
    {"q": "jeunes emploi"},
]


def _compiled(params, neighbours):
    query = parse_query(params)[0]
    compiled = compile_query(query, PUBLIC_STATUSES, "default")
    compiled.semantic = list(neighbours)
    size = query.page_size
    plan = _plan(compiled, _sort(query, compiled), (query.page - 1) * size, size)
    return compiled, plan


@pytest.mark.django_db
def test_fused_pages_over_a_set_are_the_sql_pages() -> None:
    world = build_world()
    everyone = sorted(a.pk for a in world.alliances.values())
    for params in SEARCHES:
        for neighbours in (everyone[::-2], everyone[:3], everyone[-1:]):
            compiled, plan = _compiled(params, neighbours)
            assert plan.semantic, params
            by_sql = compiled.dialect.run(compiled, replace(plan, sets=("",)))
            assert by_sql.page, params
            over_set = compiled.dialect.rank_page(
                compiled, by_sql.sets[""], plan.offset, plan.limit, plan
            )
            assert over_set == by_sql.page, (params, neighbours)


@pytest.mark.django_db
def test_a_text_search_with_meaning_is_answered_from_the_bitmaps() -> None:
    world = build_world()
    everyone = sorted(a.pk for a in world.alliances.values())
    compiled, plan = _compiled({"q": "emploi", "kind": "alliance"}, everyone[:3])
    assert bitmap_plan.eligible(compiled, plan)
    fast = bitmap_plan.run(compiled, plan)
    slow = compiled.dialect.run(compiled, plan)
    assert fast is not None
    assert fast.total == slow.total and fast.page == slow.page
    assert {k: set(v) for k, v in fast.sets.items()} == {k: set(v) for k, v in slow.sets.items()}
