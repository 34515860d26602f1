"""A search of needs and offers is kept for its next pages and visits, and a write (here or in
another process, through the data version) shows at the next search."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alliances.partners import pool, search
from alliances.partners.models import Listing

pytestmark = pytest.mark.django_db


def _listing(organisation, title: str) -> Listing:
    return Listing.objects.create(
        organisation=organisation,
        direction="need",
        kind="benevoles",
        title=title,
        description="Description",
        status="published",
        published_at=timezone.now(),
    )


def _scans(queries) -> int:
    # A search reads the ids passing each active condition: here the text's.
    return sum(1 for q in queries if "search_text" in q["sql"].partition("WHERE")[2])


def test_a_search_is_scanned_once_for_its_pages_and_a_write_shows_next_time(orgs):
    first = _listing(orgs["asso"], "Cherche bénévoles pour l'aide aux devoirs")
    with CaptureQueriesContext(connection) as queries:
        found = search.search({"q": "benevoles"})
    assert found.ids == [first.pk] and _scans(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        again = search.search({"q": "benevoles", "page": "2"})
    assert again.ids == [first.pk] and _scans(queries) == 0
    second = _listing(orgs["company"], "Bénévoles recherchés pour un jardin partagé")
    assert search.search({"q": "benevoles"}).ids == [second.pk, first.pk]
    # A write behind the signals' back (a bulk update) is seen once the version is drawn anew,
    # as the loaders do.
    Listing.objects.filter(pk=second.pk).update(title="Matériel de jardinage")
    Listing.objects.filter(pk=second.pk).update(search_text="materiel jardinage")
    pool.bump(pool.LISTINGS)
    assert search.search({"q": "benevoles"}).ids == [first.pk]
