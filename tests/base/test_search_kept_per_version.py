"""What a search keeps per process and index version (docs/adr/0162): the matches of a text and
their order are read once, reused by the same words searched again, and read again after any
write to the index; the stores are bounded."""

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.base.search.versions import KeptPerVersion, new_version


def _text_index_reads(params: dict, scoring: bool = True) -> tuple[list[int], int]:
    """The page's ids and the statements that asked the text index (without `scoring`, only
    those that read its matches, not their order)."""
    marker, score = (
        ("MATCH", "bm25(") if connection.vendor == "sqlite" else ("to_tsquery", "ts_rank(")
    )
    with CaptureQueriesContext(connection) as queries:
        found = run_search(parse_query(params)[0])
    reads = [q["sql"] for q in queries if marker in q["sql"]]
    if not scoring:
        reads = [sql for sql in reads if score not in sql]
    return [h.id for h in found.alliances], len(reads)


@pytest.mark.django_db
def test_the_same_words_do_not_ask_the_text_index_again_until_it_changes() -> None:
    world = build_world()
    params = {"q": "emploi", "kind": "alliance"}
    first, reads = _text_index_reads(params)
    assert first and reads >= 1
    # PostgreSQL scores a narrow first page alone, then keeps the order the second time.
    _text_index_reads(params)
    again, reads = _text_index_reads(params)
    assert again == first and reads == 0
    # Another filter, the same words: the matches are not read again either.
    _other, reads = _text_index_reads({"q": "emploi"}, scoring=False)
    assert reads == 0
    # A write to the index: the matches are read again and the changed alliance is found.
    alliance = next(
        a
        for a in world.alliances.values()
        if a.pk not in first and a.status == "published" and a.kind == "alliance"
    )
    alliance.title = alliance.title + " (emploi)"
    alliance.save()
    after, reads = _text_index_reads({**params, "page_size": "100"})
    assert reads >= 1 and alliance.pk in after


@pytest.mark.django_db
def test_a_kept_value_is_read_again_under_a_new_version() -> None:
    store: KeptPerVersion[int] = KeptPerVersion(4)
    calls: list[int] = []

    def make() -> int:
        calls.append(1)
        return len(calls)

    assert store.read(("k",), make) == 1
    assert store.read(("k",), make) == 1
    new_version()
    assert store.get(("k",)) is None
    assert store.read(("k",), make) == 2


@pytest.mark.django_db
def test_the_stores_are_bounded_by_count_and_by_weight() -> None:
    by_count: KeptPerVersion[int] = KeptPerVersion(2)
    for key in ("a", "b", "c"):
        by_count.read((key,), lambda: 1)
    assert by_count.get(("a",)) is None and by_count.get(("c",)) == 1
    by_weight: KeptPerVersion[list[int]] = KeptPerVersion(10, budget=5, weight=len)
    by_weight.read(("a",), lambda: [1, 2, 3])
    by_weight.read(("b",), lambda: [1, 2, 3])
    assert by_weight.get(("a",)) is None and by_weight.get(("b",)) == [1, 2, 3]
    # One value over the budget is still kept: the store never refuses the last one.
    by_weight.read(("c",), lambda: list(range(9)))
    assert by_weight.get(("c",)) is not None
