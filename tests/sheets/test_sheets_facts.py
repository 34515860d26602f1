"""The sets every sheet reads (facts), against the plain queries they replace."""

import pytest
from django.db.models import Exists, F, OuterRef, Q

from alliances.base.models import Alliance, Partner, Result
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.sheets import content, facts
from alliances.sheets.subjects import get_subject

pytestmark = pytest.mark.django_db


def published_ids() -> set[int]:
    return set(Alliance.objects.filter(status="published").values_list("id", flat=True))


def test_subject_sets_are_the_subjects_alliances():
    for kind, key in [
        ("profil", "association"),
        ("domaine", "emploi_insertion"),
        ("region", "27"),
        ("departement", "25"),
        ("odd", "17"),
    ]:
        subject = get_subject(kind, key)
        expected = set(content.subject_alliances(subject).values_list("id", flat=True))
        assert set(content.subject_ids(subject)) == expected, (kind, key)


def test_a_goal_sheet_counts_alliances_tagged_with_one_of_its_targets():
    alliance = Alliance.objects.filter(status="published").first()
    goal = SdgGoal.objects.get(number=3)
    target = SdgTarget.objects.filter(goal=goal).first()
    alliance.sdg_goals.remove(goal)
    before = len(content.subject_ids(get_subject("odd", "3")))
    alliance.sdg_targets.add(target)
    subject = get_subject("odd", "3")
    assert alliance.pk in set(content.subject_ids(subject))
    assert len(content.subject_ids(subject)) == before + 1
    assert content.subject_alliances(subject).filter(pk=alliance.pk).exists()


def test_year_counts_and_the_pool_order():
    ids = content.subject_ids(get_subject("odd", "17"))
    if not ids:  # the shipped examples may carry no SDG: take every published one
        ids = facts.facts().published
    years: dict[int, int] = {}
    for year in Alliance.objects.filter(id__in=list(ids), start_year__isnull=False).values_list(
        "start_year", flat=True
    ):
        years[year] = years.get(year, 0) + 1
    assert facts.year_counts(ids) == years
    documented = ~Q(results_text="") | Exists(Result.objects.filter(alliance_id=OuterRef("pk")))
    ordered = Alliance.objects.filter(id__in=list(ids)).order_by(
        F("start_year").desc(nulls_last=True), "title"
    )
    expected = list(ordered.filter(documented).values_list("id", flat=True))
    expected += list(ordered.exclude(documented).values_list("id", flat=True))
    pool = content._pool(ids)
    assert [a.pk for a in pool] == expected[: content.CANDIDATE_POOL]
    assert all(a.documented in (0, 1) for a in pool)


def test_organisations_counted_the_same_both_ways(monkeypatch):
    ids = facts.facts().published
    expected = (
        Partner.objects.filter(alliance_id__in=list(ids))
        .values("organisation_id")
        .distinct()
        .count()
    )
    assert expected > 0
    monkeypatch.setattr(facts, "LARGE", 10**9)  # the SQL path
    assert facts.organisation_count(ids) == expected
    monkeypatch.setattr(facts, "LARGE", 1)  # the in-memory pairs
    assert facts.organisation_count(ids) == expected
    assert facts.organisation_count(facts.facts().published & type(ids)()) == 0


def test_facts_follow_a_change():
    alliance = Alliance.objects.filter(status="published").first()
    assert alliance.pk in facts.facts().published
    alliance.status = Alliance.Status.ARCHIVED
    alliance.save()
    assert alliance.pk not in facts.facts().published
    alliance.start_year = 1901
    alliance.save()
    assert alliance.pk in facts.facts().years[1901]


def test_facts_read_a_few_rows_at_a_time_are_the_whole_reads(monkeypatch):
    """At 1,000,000 alliances the sets and the five million partner pairs, fetched whole as
    Python rows, took a process building a sheet to 1.9 GB: they are read `STREAMED` rows
    at a time into arrays and bitmaps, with the same result however the rows are cut."""
    whole = facts._read()
    assert whole.published == type(whole.published)(published_ids())
    dated = Alliance.objects.filter(start_year__isnull=False)
    assert sum(len(ids) for ids in whole.years.values()) == dated.count()
    pairs = sorted(Partner.objects.values_list("alliance_id", "organisation_id"))
    sql = f"SELECT alliance_id, organisation_id FROM {Partner._meta.db_table}"
    for size in (1, 7):
        monkeypatch.setattr(facts, "STREAMED", size)
        assert facts._read() == whole
        chunks = list(facts._stream(sql))
        assert max(len(chunk) for chunk in chunks) == size
        assert sorted(tuple(row) for chunk in chunks for row in chunk.tolist()) == pairs
