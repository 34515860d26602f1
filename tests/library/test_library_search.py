"""The executor: text search without accents, filters, facets counted right."""

from collections import Counter

import pytest
from django.http import QueryDict

from alliances.library import search
from alliances.library.models import Resource, Status

pytestmark = pytest.mark.usefixtures("library")


def run(qs: str):
    query, known = search.parse(QueryDict(qs))
    return search.run(query, known)


def facet(result, name):
    return {v.value: v.count for v in result.facets[name]}


def test_text_search_ignores_accents_and_case():
    counts = {run(f"q={q}").count for q in ("évaluation", "EVALUATION", "Évaluation", "evaluation")}
    assert len(counts) == 1
    assert counts.pop() > 0


def test_text_words_must_start_a_word():
    # A word prefix matches: "partenari" finds "partenariat" and "partenariale".
    assert run("q=partenari").count >= run("q=partenariat").count > 0
    # "valuation" is inside "evaluation" but starts no word: no match from that word alone.
    only_inner = run("q=valuation")
    assert all(" valuation" in r.search_text for r in only_inner.items)


def test_filters_combine_with_and_values_with_or():
    both = run("kind=methode&kind=outil").count
    assert both == run("kind=methode").count + run("kind=outil").count
    narrowed = run("kind=methode&level=4")
    assert all(r.kind == "methode" and 4 in r.maturity_levels for r in narrowed.items)


def test_facets_count_the_current_results_including_many_to_many():
    result = run("level=2&page_size=100")
    resources = list(
        Resource.objects.published().filter(level_2=True).prefetch_related("audience", "domains")
    )
    assert result.count == len(resources)
    assert facet(result, "kind") == {
        k: v for k, v in Counter(r.kind for r in resources).items()
    } | {k: 0 for k in facet(result, "kind") if k not in {r.kind for r in resources}}
    expected_audience = Counter(t.key for r in resources for t in r.audience.all())
    assert {k: v for k, v in facet(result, "audience").items() if v} == dict(expected_audience)
    expected_domains = Counter(t.key for r in resources for t in r.domains.all())
    assert {k: v for k, v in facet(result, "domain").items() if v} == dict(expected_domains)
    assert facet(result, "level")["2"] == result.count
    # A resource has several levels: level counts add up to more than the results.
    assert sum(facet(result, "level").values()) >= result.count


def test_audience_filter_counts_each_resource_once():
    result = run("audience=association&audience=entreprise&page_size=100")
    slugs = [r.slug for r in result.items]
    assert len(slugs) == len(set(slugs)) == result.count


def test_drafts_are_not_found():
    resource = Resource.objects.get(slug="fondation-territoires-charte-faire-alliance-2021")
    resource.status = Status.DRAFT
    resource.save()
    found = run("q=charte faire alliance")
    assert "fondation-territoires-charte-faire-alliance-2021" not in {r.slug for r in found.items}


def test_page_past_the_end_gives_the_last_page():
    result = run("page_size=20&page=99")
    assert result.page == result.last_page == 4
    assert len(result.items) == 75 - 60


def test_unknown_values_give_notices():
    query, _ = search.parse(QueryDict("kind=potion&level=9&year_min=abc"))
    messages = search.problem_messages(query)
    assert len(messages) == 3
    assert "potion" in messages[0]


def test_for_level_selects_resources_aimed_at_a_level():
    level_3 = Resource.objects.published().for_level(3)
    assert level_3.count() == run("level=3").count > 0
    assert all(3 in r.maturity_levels for r in level_3)
    with pytest.raises(ValueError):
        Resource.objects.for_level(5)
