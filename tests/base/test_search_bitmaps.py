"""Facet bitmaps: the counting engine, and the stored bitmaps kept equal to the facet table."""

import pytest
from base_search_fixtures import build_world, term
from pyroaring import BitMap

from alliances.base.models import Alliance
from alliances.base.search import index
from alliances.base.search.bitmaps import FacetBitmaps
from alliances.base.search.dialects import BITMAP_TABLE, FACET_TABLE
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query

ROWS = [
    (1, "d", "12"),
    (1, "d", "13"),
    (1, "k", "alliance"),
    (2, "d", "12"),
    (2, "k", "catalyst"),
    (3, "k", "alliance"),
]


def test_counts_are_intersections_per_value() -> None:
    bitmaps = FacetBitmaps.from_rows(ROWS)
    assert bitmaps.counts(BitMap([1, 2, 3]), ["d", "k"]) == {
        "d": {"12": 2, "13": 1},
        "k": {"alliance": 2, "catalyst": 1},
    }
    # Only the facets asked, values counted zero left out, no result no count.
    assert bitmaps.counts(BitMap([3]), ["d"]) == {"d": {}}
    assert bitmaps.counts(BitMap(), ["d", "k"]) == {"d": {}, "k": {}}


def test_remove_and_add_touch_only_their_keys() -> None:
    bitmaps = FacetBitmaps.from_rows(ROWS)
    touched = bitmaps.remove_ids([1], keys=[("d", "13"), ("k", "catalyst")])
    assert touched == {("d", "13")}  # alliance 1 was not a catalyst
    assert bitmaps.counts(BitMap([1, 2]), ["d"]) == {"d": {"12": 2}}
    assert bitmaps.add_rows([(4, "d", "14")]) == {("d", "14")}
    assert bitmaps.counts(BitMap([4]), ["d"]) == {"d": {"14": 1}}


def test_serialisation_round_trip_leaves_empty_sets_out() -> None:
    bitmaps = FacetBitmaps.from_rows(ROWS)
    bitmaps.remove_ids([1], keys=[("d", "13")])
    stored = bitmaps.serialized()
    assert ("d", "13") not in {(f, v) for f, v, _bits in stored}
    again = FacetBitmaps.from_serialized(stored)
    assert again.counts(BitMap([1, 2, 3]), ["d", "k"]) == bitmaps.counts(
        BitMap([1, 2, 3]), ["d", "k"]
    )


# -- stored bitmaps on the database (both backends) ----------------------------------------
def stored_sets() -> dict[tuple[str, str], list[int]]:
    bitmaps = index.facet_bitmaps()
    return {key: list(bits) for key, bits in bitmaps.sets.items() if bits}


def derived_sets() -> dict[tuple[str, str], list[int]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT alliance_id, facet, value FROM {FACET_TABLE}")
        bitmaps = FacetBitmaps.from_rows(cursor.fetchall())
    return {key: list(bits) for key, bits in bitmaps.sets.items() if bits}


def domain_counts(params: dict) -> dict[str, int]:
    query, _notices = parse_query(params)
    return {v.value: v.count for v in run_search(query).facets["domain"]}


@pytest.mark.django_db
def test_stored_bitmaps_follow_every_write() -> None:
    world = build_world()
    assert stored_sets() == derived_sets()
    before = domain_counts({})
    emploi = world.alliances["emploi"]
    climat = term("domains", "environnement_climat", "Environnement")
    # An M2M change, a partner's profile change, a deletion: each re-indexes.
    emploi.domains.add(climat)
    assert stored_sets() == derived_sets()
    after = domain_counts({})
    assert after.get("environnement_climat", 0) == before.get("environnement_climat", 0) + 1
    organisation = world.organisations["alpha"]
    organisation.profile = term("actor_profiles", "fondation", "Fondation")
    organisation.save()
    assert stored_sets() == derived_sets()
    Alliance.objects.get(pk=emploi.pk).delete()
    assert stored_sets() == derived_sets()
    assert all(emploi.pk not in ids for ids in stored_sets().values())
    assert domain_counts({}).get("environnement_climat", 0) == before.get("environnement_climat", 0)


@pytest.mark.django_db
def test_full_rebuild_and_removal_keep_bitmaps_equal() -> None:
    world = build_world()
    index.rebuild_index()
    assert stored_sets() == derived_sets()
    index.remove_from_index([world.alliances["emploi"].pk])
    assert stored_sets() == derived_sets()


@pytest.mark.django_db
def test_an_index_without_its_bitmaps_is_stale_and_setup_rebuilds_it() -> None:
    from django.core.management import call_command
    from django.db import connection

    build_world()
    expected = derived_sets()
    assert expected and not index.is_stale()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {BITMAP_TABLE}")
    assert index.is_stale()
    call_command("reindex", if_stale=True, verbosity=0)
    assert not index.is_stale()
    assert stored_sets() == expected


@pytest.mark.django_db
def test_an_alliance_missing_from_the_index_makes_it_stale() -> None:
    world = build_world()
    index.remove_from_index([world.alliances["emploi"].pk])
    assert index.is_stale()
    index.rebuild_index()
    assert not index.is_stale()


@pytest.mark.django_db
def test_bitmaps_are_read_once_per_index_version() -> None:
    world = build_world()
    first = index.facet_bitmaps()
    assert index.facet_bitmaps() is first  # no write: the same copy, not read again
    world.alliances["emploi"].save()
    again = index.facet_bitmaps()
    assert again is not first
    assert index.facet_bitmaps() is again
