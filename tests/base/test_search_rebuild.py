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
