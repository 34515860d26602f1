"""The labels of a search (terms, SDG goals, régions) are read once per index version, and a
change to them is seen at the next search (issue 13: they were read on every search)."""

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.referentials import synonyms
from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal
from alliances.territories.models import Territory

REFERENCE_TABLES = ('FROM "referentials_term"', 'FROM "sdg_sdggoal"')


def _search():
    return run_search(parse_query({"q": "insertion", "domain": "emploi_insertion"})[0])


def _labels(result, facet):
    return {v.value: v.label for v in result.facets[facet]}


@pytest.mark.django_db
def test_reference_rows_are_read_once_per_index_version(monkeypatch) -> None:
    # The synonyms' table checks the terms' count every few seconds: on a slow run that check
    # could fall between the two searches (CI, 2026-12-06). It is not a label read.
    monkeypatch.setattr(synonyms, "REFRESH_SECONDS", 3600)
    build_world()
    _search()
    with CaptureQueriesContext(connection) as queries:
        result = _search()
    read = [q["sql"] for q in queries if any(t in q["sql"] for t in REFERENCE_TABLES)]
    assert read == []
    assert _labels(result, "domain")["emploi_insertion"] == "Emploi et insertion"
    assert result.alliances and all(h.domains for h in result.alliances)


@pytest.mark.django_db
def test_a_renamed_term_goal_or_region_is_seen_at_the_next_search() -> None:
    build_world()
    result = _search()
    region = next(iter(result.facets["region"]))
    goal = next(v for v in result.facets["sdg"] if v.value != "17")
    term = Term.objects.get(taxonomy__key="domains", key="emploi_insertion")
    term.label_fr = "Emploi, insertion"
    term.save()
    number = int(goal.value)
    SdgGoal.objects.filter(number=number).update(short_fr="Renommé")  # no signal: next line
    SdgGoal.objects.get(number=number).save()
    place = Territory.objects.get(level="region", code=region.value.split(":")[1])
    place.name = "Région renommée"
    place.save()
    result = _search()
    assert _labels(result, "domain")["emploi_insertion"] == "Emploi, insertion"
    assert _labels(result, "sdg")[goal.value] == f"{number}. Renommé"
    assert _labels(result, "region")[region.value] == "Région renommée"
    assert ("emploi_insertion", "Emploi, insertion") in result.alliances[0].domains


@pytest.mark.django_db
def test_labels_follow_the_language_of_the_request() -> None:
    build_world()
    term = Term.objects.get(taxonomy__key="domains", key="emploi_insertion")
    term.label_en = "Jobs and inclusion"
    term.save()
    assert _labels(_search(), "domain")["emploi_insertion"] == "Emploi et insertion"
    with translation.override("en"):
        assert _labels(_search(), "domain")["emploi_insertion"] == "Jobs and inclusion"
