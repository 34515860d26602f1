"""A full re-index in batches (ADR 0175): every alliance stays indexed while it runs, a writer
in between is not lost, and the result is the index a rebuild in one go gives."""

import pytest
from base_search_fixtures import build_world, term
from test_search_bitmaps import derived_sets, stored_sets

from alliances.base.models import Alliance
from alliances.base.search import index
from alliances.base.search.dialects import FACET_TABLE


def index_rows() -> dict[str, list[tuple]]:
    from django.db import connection

    dialect = index.dialect_for("default")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {dialect.key_table} ORDER BY 1")
        keys = cursor.fetchall()
        cursor.execute(f"SELECT alliance_id, facet, value FROM {FACET_TABLE} ORDER BY 1, 2, 3")
        facets = cursor.fetchall()
    return {"keys": keys, "facets": facets}


@pytest.fixture
def small_batches(monkeypatch):
    monkeypatch.setattr(index, "BATCH", 2)


@pytest.mark.django_db
def test_every_alliance_stays_indexed_while_the_index_is_rebuilt(small_batches) -> None:
    build_world()
    total = Alliance.objects.count()
    assert total > 2 * index.BATCH
    before = index_rows()
    seen: list[int] = []
    index.rebuild_index(progress=lambda _n: seen.append(index.indexed_count()))
    assert len(seen) > 1 and set(seen) == {total}  # never one missing between two batches
    assert index_rows() == before
    assert stored_sets() == derived_sets()


@pytest.mark.django_db
def test_a_write_between_two_batches_is_kept_in_the_bitmaps(small_batches) -> None:
    world = build_world()
    emploi = world.alliances["emploi"]
    climat = term("domains", "environnement_climat", "Environnement")
    assert emploi.pk not in index.facet_set("domain", climat.pk)
    total, done = Alliance.objects.count(), []

    def write_after_last_batch(count: int) -> None:
        done.append(count)
        if sum(done) == total:  # every batch written, the bitmaps not yet: a curator saves
            emploi.domains.add(climat)  # its signal re-indexes it at once

    index.rebuild_index(progress=write_after_last_batch)
    assert emploi.pk in index.facet_set("domain", climat.pk)
    assert stored_sets() == derived_sets()


@pytest.mark.django_db
def test_an_indexed_alliance_gone_from_the_base_leaves_the_index() -> None:
    from django.db import connection

    from alliances.base.search.dialects import Document

    build_world()
    before = index_rows()
    stray = max(Alliance.objects.values_list("id", flat=True)) + 1000  # not in the base
    dialect = index.dialect_for("default")
    with connection.cursor() as cursor:  # as a raw delete of its alliance leaves it
        dialect.write_documents(
            cursor, [Document(stray, "titre", "", "", "", "titre", "zkalliance")]
        )
        dialect.insert_facet_rows(cursor, [(stray, "k", "alliance")])
    assert index_rows() != before
    index.rebuild_index()
    assert index_rows() == before
    assert stored_sets() == derived_sets()


def text_search(words: str) -> set[int]:
    from alliances.base.search.executor import run_search
    from alliances.base.search.query import parse_query

    query, _notices = parse_query({"q": words, "page_size": "50"})
    return {a.pk for a in run_search(query).alliances}


@pytest.mark.django_db
def test_a_text_written_between_two_batches_is_in_the_rebuilt_index(small_batches) -> None:
    """SQLite writes the text into a new index and swaps it in at the end (ADR 0194): a save
    between two batches, of an alliance already rewritten, must reach the new index too."""
    build_world()
    ordered = list(Alliance.objects.order_by("id").values_list("id", flat=True))
    first = Alliance.objects.filter(status=Alliance.Status.PUBLISHED).order_by("id").first()
    position = ordered.index(first.pk)
    assert position + 1 < len(ordered) - index.BATCH  # batches follow its own
    done: list[int] = []

    def save_after_its_batch(count: int) -> None:
        done.append(count)
        if sum(done) > position and len(done) == position // index.BATCH + 1:
            first.title = "Alliance zygomorphe des cantons"
            first.save()  # its signal re-indexes it at once

    assert first.pk not in text_search("zygomorphe")
    index.rebuild_index(progress=save_after_its_batch)
    assert first.pk in text_search("zygomorphe")
    assert stored_sets() == derived_sets()


@pytest.mark.django_db
def test_readers_find_every_alliance_by_its_text_while_the_index_is_rebuilt(
    small_batches,
) -> None:
    build_world()
    last = Alliance.objects.filter(status=Alliance.Status.PUBLISHED).order_by("-id").first()
    word = last.title.split()[-1]
    assert last.pk in text_search(word)
    found: list[bool] = []
    index.rebuild_index(progress=lambda _n: found.append(last.pk in text_search(word)))
    assert len(found) > 1 and all(found)


def next_text_tables() -> list[str]:
    from django.db import connection

    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE 'base_alliance_fts_next%'")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_failed_rebuild_leaves_the_index_as_it_was(small_batches) -> None:
    build_world()
    before = index_rows()
    last = Alliance.objects.filter(status=Alliance.Status.PUBLISHED).order_by("-id").first()
    word = last.title.split()[-1]

    def fail_on_second_batch(_count: int, seen: list[int] = []) -> None:  # noqa: B006
        seen.append(_count)
        if len(seen) == 2:
            raise RuntimeError("interrupted")

    with pytest.raises(RuntimeError):
        index.rebuild_index(progress=fail_on_second_batch)
    assert next_text_tables() == []  # no half-written index left behind (SQLite)
    assert index_rows() == before
    assert last.pk in text_search(word)
    index.rebuild_index()
    assert next_text_tables() == [] and index_rows() == before


@pytest.mark.django_db
def test_the_rebuilt_text_index_merges_as_fts5_does_by_default() -> None:
    """The re-index merges its new table's segments less often (ADR 0194); the table it puts
    in place goes back to FTS5's setting, which keeps the searches' segments few."""
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's FTS5 setting")
    from alliances.base.search.dialects.sqlite import FTS5_AUTOMERGE, FTS_TABLE

    build_world()
    index.rebuild_index()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT v FROM {FTS_TABLE}_config WHERE k = 'automerge'")
        assert [int(row[0]) for row in cursor.fetchall()] in ([], [FTS5_AUTOMERGE])
