"""ADR 0157: the candidates of the suggestions are kept in memory per data version; a write
(in this process or another) is seen at the next page; a page reads only what it shows."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.models import Organisation
from alliances.partners import pool, suggestions
from alliances.partners.models import DataVersion
from alliances.referentials.models import Term
from alliances.territories.models import Territory


def profile(key):
    return Term.objects.get(taxonomy__key="actor_profiles", key=key, parent=None)


def place(level, code):
    return Territory.objects.get(level=level, code=code)


def _keys(found):
    return [s["key"] for s in found]


def test_a_write_is_seen_at_the_next_page(orgs, people):
    assert _keys(suggestions.for_organisation(orgs["asso"], people["stranger"]))
    newcomer = Organisation.objects.create(
        name="Fondation voisine", profile=profile("fondation"), territory=place("commune", "69123")
    )
    assert f"organisation:{newcomer.pk}" in _keys(
        suggestions.for_organisation(orgs["asso"], people["stranger"])
    )


def test_a_write_of_another_process_is_seen_through_the_version(orgs):
    before, _listings = pool.current()
    assert pool.current()[0] is before  # kept while nothing changed
    # Another process moves the company and draws a new version (its signals would).
    Organisation.objects.filter(pk=orgs["company"].pk).update(territory=place("commune", "75056"))
    assert pool.current()[0] is before
    DataVersion.objects.update_or_create(name=pool.ORGANISATIONS, defaults={"value": 12345})
    after, _listings = pool.current()
    assert after is not before
    assert after.entries[orgs["company"].pk].actor.departement == "75"


def _queries(organisation) -> int:
    suggestions.for_organisation(organisation, None)  # read the candidates once
    with CaptureQueriesContext(connection) as seen:
        suggestions.for_organisation(organisation, None)
    return len(seen)


def test_a_page_reads_the_same_rows_whatever_the_number_of_candidates(orgs):
    few = _queries(orgs["asso"])
    Organisation.objects.bulk_create(
        Organisation(
            name=f"Voisine {i}", profile=profile("entreprise"), territory=place("commune", "69123")
        )
        for i in range(40)
    )
    pool.bump()  # bulk_create sends no signal: a bulk loader draws the version itself
    assert len(suggestions.for_organisation(orgs["asso"], None)) == suggestions.LIMIT
    assert _queries(orgs["asso"]) == few
