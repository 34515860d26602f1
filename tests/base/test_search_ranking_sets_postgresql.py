"""PostgreSQL fuses a text search's page with the neighbours in meaning over the results found
from the bitmaps: the same page as the SQL way (`_fused` over MATERIALIZED id sets), which
took seconds at 100,000 alliances (bench/RESULTS.md, issue 20)."""

from dataclasses import replace

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.search import bitmap_plan
from alliances.base.search.compiler import PUBLIC_STATUSES, compile_query
from alliances.base.search.dialects import orders, postgresql
from alliances.base.search.executor import _plan, _sort, run_search
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


def _ranked_both_ways(compiled, ids, plan, monkeypatch) -> tuple[list[int], list[int]]:
    """The page ranked from the text's kept order, and by ts_rank over the set alone."""
    dialect = compiled.dialect
    monkeypatch.setattr(postgresql, "KEEP_FROM", 0)
    from_order = dialect.rank_page(compiled, ids, plan.offset, plan.limit, plan)
    orders.clear()
    monkeypatch.setattr(postgresql, "KEEP_FROM", 10**9)
    monkeypatch.setattr(postgresql, "KEEP_SHARE", 10.0)
    over_set = dialect.rank_page(compiled, ids, plan.offset, plan.limit, plan)
    monkeypatch.undo()
    orders.clear()
    return from_order, over_set


@pytest.mark.django_db
def test_fused_pages_over_a_set_are_the_sql_pages(monkeypatch) -> None:
    world = build_world()
    everyone = sorted(a.pk for a in world.alliances.values())
    for params in SEARCHES:
        for neighbours in ([], everyone[::-2], everyone[:3], everyone[-1:]):
            compiled, plan = _compiled(params, neighbours)
            assert bool(plan.semantic) == bool(neighbours), params
            by_sql = compiled.dialect.run(compiled, replace(plan, sets=("",)))
            assert by_sql.page, params
            from_order, over_set = _ranked_both_ways(compiled, by_sql.sets[""], plan, monkeypatch)
            assert from_order == over_set == by_sql.page, (params, neighbours)


def _ts_rank_reads(params: dict) -> tuple[list[int], int, int]:
    """The page's ids, the statements that scored documents and those that read a whole
    order (over every match of the text, not over the given ids)."""
    with CaptureQueriesContext(connection) as queries:
        found = run_search(parse_query(params)[0])
    scoring = [q["sql"] for q in queries if "ts_rank(" in q["sql"]]
    whole = [sql for sql in scoring if "ANY(" not in sql]
    return [h.id for h in found.alliances], len(scoring), len(whole)


@pytest.mark.django_db
def test_the_text_order_is_kept_for_the_next_pages_until_the_index_changes(monkeypatch) -> None:
    world = build_world()
    monkeypatch.setattr(postgresql, "KEEP_SHARE", 10.0)  # the first page: its results alone
    params = {"q": "entreprises", "page_size": "1"}
    first, scoring, whole = _ts_rank_reads(params)
    assert scoring == 1 and whole == 0
    second, scoring, whole = _ts_rank_reads({**params, "page": "2"})
    assert whole == 1 and scoring == 1 and second and second != first
    third, scoring, _whole = _ts_rank_reads({**params, "page": "3"})
    assert scoring == 0 and third not in (first, second)
    # A change to the index draws a new version: the order is read again.
    alliance = next(iter(world.alliances.values()))
    alliance.title = alliance.title + " (entreprises)"
    alliance.save()
    _again, scoring, whole = _ts_rank_reads({**params, "page": "3"})
    assert whole == 1


@pytest.mark.django_db
def test_a_narrow_first_page_scores_its_results_alone(monkeypatch) -> None:
    build_world()
    # As if the text matched far more alliances than the filters keep.
    monkeypatch.setattr(postgresql, "KEEP_SHARE", 10.0)
    params = {"q": "emploi", "kind": "alliance"}
    first, scoring, whole = _ts_rank_reads(params)
    assert scoring == 1 and whole == 0
    # Asked again under the same index version: its whole order is read and kept.
    again, scoring, whole = _ts_rank_reads(params)
    assert again == first and whole == 1
    _page, scoring, whole = _ts_rank_reads(params)
    assert scoring == 0


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
