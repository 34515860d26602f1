"""The SDG codes in the search: verified, by definition and suggested, kept apart.

Goal 17 and target 17.17 apply to every alliance by definition (the facet says so); the
suggester's codes are a filter and a facet of their own (`sdg_suggested`), which the SDG
coding registers into the search's filter table; a curator's decision moves a code from one
to the other at once.
"""

import pytest
from django.utils import translation

from alliances.base.models import Alliance
from alliances.base.search.executor import run_search
from alliances.base.search.query import parse_query
from alliances.sdg_coding import services
from alliances.sdg_coding.models import SdgSuggestion

pytestmark = pytest.mark.django_db


def search(params: dict):
    with translation.override("fr"):
        return run_search(parse_query(params)[0])


def facet(result, name: str) -> dict[str, int]:
    return {v.value: v.count for v in result.facets.get(name, [])}


def test_goal_17_applies_to_every_published_alliance_by_definition():
    published = Alliance.objects.published().count()
    assert search({"sdg": "17"}).count == published
    assert search({"sdg": "17.17"}).count == published
    values = search({}).facets["sdg"]
    seventeen = next(v for v in values if v.value == "17")
    assert seventeen.count == published
    assert "par définition" in seventeen.label


def test_suggested_codes_are_a_facet_and_a_filter_of_their_own():
    whole = search({})
    suggested = facet(whole, "sdg_suggested")
    assert suggested, "the shipped examples carry suggestions (manage.py suggest_sdg)"
    goal, count = max(suggested.items(), key=lambda item: item[1])
    assert search({"sdg_suggested": goal}).count == count
    assert all("suggéré" in v.label for v in whole.facets["sdg_suggested"])
    # Verified codes are counted apart: no shipped example has a verified code of this goal.
    verified = facet(whole, "sdg")
    assert verified.get(goal, 0) < count


def test_a_curator_decision_moves_the_code_between_the_facets():
    row = SdgSuggestion.objects.filter(status=SdgSuggestion.Status.SUGGESTED).first()
    assert row is not None
    code = row.target.code
    alliance = row.alliance
    in_suggested = {h.slug for h in search({"sdg_suggested": code}).alliances}
    assert alliance.slug in in_suggested or search({"sdg_suggested": code}).count > 20
    services.verify([row])
    assert alliance.slug in {h.slug for h in search({"sdg": code, "page_size": 100}).alliances}
    after = search({"sdg_suggested": code, "page_size": 100})
    assert alliance.slug not in {h.slug for h in after.alliances}


def test_exports_carry_suggested_codes_in_a_column_of_their_own():
    import csv
    import io

    from alliances.base import exports

    alliance_ids = list(
        SdgSuggestion.objects.filter(status=SdgSuggestion.Status.SUGGESTED).values_list(
            "alliance_id", flat=True
        )[:5]
    )
    text = exports.write(alliance_ids, "csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows and all(row["sdg_suggested"] for row in rows)
    codes = services.suggested_codes(alliance_ids)
    first = Alliance.objects.get(pk=alliance_ids[0])
    row = next(r for r in rows if r["slug"] == first.slug)
    assert row["sdg_suggested"] == "|".join(codes[first.pk])
    assert not set(codes[first.pk]) & set(row["sdg"].split("|"))  # never among verified codes
