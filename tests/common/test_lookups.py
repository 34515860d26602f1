"""`__in_ids`: the ids of a re-index batch sent as one parameter (ADR 0193)."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliances.base.models import Alliance, Organisation, Partner
from alliances.referentials.models import Term


def _alliances(count):
    return Alliance.objects.bulk_create(
        Alliance(kind="alliance", title=f"A{n}", slug=f"lookup-{n}", status="published")
        for n in range(count)
    )


def test_the_same_rows_as_in_on_a_field_and_through_a_relation(db):
    made = _alliances(30)
    profile = Term.objects.get(taxonomy__key="actor_profiles", key="fondation", parent=None)
    organisation = Organisation.objects.create(name="Partenaire", profile=profile)
    Partner.objects.bulk_create(Partner(alliance=a, organisation=organisation) for a in made)
    wanted = [a.pk for a in made[::3]] + [10**9]  # an id that no row has
    by_in = set(Alliance.objects.filter(pk__in=wanted).values_list("pk", flat=True))
    assert set(Alliance.objects.filter(pk__in_ids=wanted).values_list("pk", flat=True)) == by_in
    partners = Partner.objects.filter(alliance_id__in_ids=set(wanted))
    assert set(partners.values_list("alliance_id", flat=True)) == by_in
    assert not Alliance.objects.filter(pk__in_ids=[]).exists()


def test_a_long_list_is_one_parameter(db):
    made = _alliances(5)
    wanted = [a.pk for a in made] + list(range(10**8, 10**8 + 2000))
    with CaptureQueriesContext(connection) as seen:
        assert Alliance.objects.filter(pk__in_ids=wanted).count() == 5
    sql = seen.captured_queries[-1]["sql"]
    assert sql.count(str(10**8 + 1999)) <= 1  # the ids travel together, not one placeholder each
    assert "IN (%s" not in sql and sql.count("%s") <= 1
