"""A text found in nearly every alliance says nothing about which come first: from enough
results, both databases order them newest first (docs/base-search.md, ADR 0151, 0136)."""

import pytest
from base_search_fixtures import build_world

from alliances.base.search import bitmap_plan
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query

pytestmark = pytest.mark.django_db


def _ids(params):
    return [h.id for h in run_search(parse_query(params)[0]).alliances]


def test_a_word_of_every_alliance_orders_by_date_on_both_databases(monkeypatch):
    build_world()
    by_relevance = _ids({"q": "entreprises"})
    by_date = _ids({"q": "entreprises", "sort": "date"})
    assert len(by_date) > 2 and by_relevance != by_date  # the fixture tells the orders apart
    # The test's base is small: the word counts as found everywhere from one result.
    monkeypatch.setattr(bitmap_plan, "RANK_BOUND", 1)
    monkeypatch.setattr(bitmap_plan, "UNINFORMATIVE_SHARE", 0.0)
    assert _ids({"q": "entreprises"}) == by_date
