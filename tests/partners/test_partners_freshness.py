"""Item 9 for profiles (ADR 0155): a represented profile not confirmed for
ALLIANCES_PARTNERS_PROFILE_STALE_DAYS leaves the suggestions until confirmed again, its page
says so, its representatives are asked beforehand (once, in their language); an organisation
nobody represents is never stale, and its suggestion says it has no representative."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alliances.partners import followups, pool, suggestions
from alliances.partners.models import Claim, Listing, OrganisationProfile


@pytest.fixture
def need(orgs):
    return Listing.objects.create(
        organisation=orgs["asso"],
        direction="need",
        kind="mecenat_competences",
        title="Un comptable",
        description="x",
        status="published",
        published_at=timezone.now(),
        territory=orgs["asso"].territory,
        reach="departement",
    )


def _confirmed(organisation, days_ago):
    """The profile and its representation were last confirmed `days_ago` (a write behind the
    signals' back, as the clock would do: the pool compares dates at each request)."""
    when = timezone.now() - timedelta(days=days_ago)
    OrganisationProfile.objects.update_or_create(
        organisation=organisation, defaults={"confirmed_at": when}
    )
    Claim.objects.filter(organisation=organisation).update(decided_at=when, created_at=when)
    pool.bump()


def _keys(found):
    return [s["key"] for s in found]


def test_a_stale_profile_leaves_the_suggestions_until_confirmed(
    orgs, people, represent, need, as_user, settings
):
    settings.ALLIANCES_PARTNERS_PROFILE_STALE_DAYS = 365
    represent(people["company"], orgs["company"])
    company = f"organisation:{orgs['company'].pk}"
    _confirmed(orgs["company"], 300)
    assert company in _keys(suggestions.for_listing(need, people["stranger"]))
    assert company in _keys(suggestions.for_organisation(orgs["asso"], people["stranger"]))

    _confirmed(orgs["company"], 400)
    assert company not in _keys(suggestions.for_listing(need, people["stranger"]))
    assert company not in _keys(suggestions.for_organisation(orgs["asso"], people["stranger"]))
    page = as_user(people["company"]).get(orgs["company"].get_absolute_url()).content.decode()
    assert "il n'est plus proposé comme partenaire possible" in page

    # A representative confirms it: back at once, in this process and any other.
    as_user(people["company"]).post(f"/partenaires/organisations/{orgs['company'].pk}/confirmer/")
    assert company in _keys(suggestions.for_listing(need, people["stranger"]))
    page = as_user(people["company"]).get(orgs["company"].get_absolute_url()).content.decode()
    assert "il n'est plus proposé" not in page and "À confirmer avant le" in page


def test_without_representative_never_stale_but_said_so(orgs, people, need, client_fr):
    OrganisationProfile.objects.create(
        organisation=orgs["company"], confirmed_at=timezone.now() - timedelta(days=2000)
    )
    found = suggestions.for_listing(need, people["stranger"])
    company = next(s for s in found if s["key"] == f"organisation:{orgs['company'].pk}")
    assert company["represented"] is False
    page = client_fr.get(need.get_absolute_url()).content.decode()
    assert "Personne ne représente encore cette organisation sur la plateforme" in page


def test_representatives_are_asked_before_once_in_their_language(orgs, people, represent, settings):
    settings.ALLIANCES_PARTNERS_PROFILE_STALE_DAYS = 365
    settings.ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS = 30
    claim = represent(people["company"], orgs["company"])
    Claim.objects.filter(pk=claim.pk).update(language="en")
    _confirmed(orgs["company"], 320)  # 45 days before it goes stale: not yet
    mail.outbox.clear()
    assert followups.run().profile_notices == 0 and not mail.outbox

    _confirmed(orgs["company"], 340)  # 25 days before
    assert followups.run().profile_notices == 1
    assert mail.outbox[0].to == ["rse@entreprise-essai.example"]
    assert mail.outbox[0].subject == (
        "[Alliances] Is the profile of Entreprise d'essai still up to date?"
    )
    assert orgs["company"].get_absolute_url() in mail.outbox[0].body
    assert followups.run().profile_notices == 0  # idempotent
    assert len(mail.outbox) == 1

    # Confirmed after the notice: nothing more; close to stale again a year later (the
    # notice, then the confirmation, moved back in time): asked again.
    _confirmed(orgs["company"], 0)
    assert followups.run().profile_notices == 0
    OrganisationProfile.objects.filter(organisation=orgs["company"]).update(
        stale_reminded_at=timezone.now() - timedelta(days=360)
    )
    _confirmed(orgs["company"], 350)
    assert followups.run().profile_notices == 1


def test_an_organisation_nobody_represents_gets_no_notice(orgs, people):
    OrganisationProfile.objects.create(
        organisation=orgs["company"], confirmed_at=timezone.now() - timedelta(days=340)
    )
    mail.outbox.clear()
    assert followups.run().profile_notices == 0 and not mail.outbox


def test_the_claim_keeps_the_language_of_the_request(orgs, people, as_user):
    client = as_user(people["company"])
    client.post(
        f"/partenaires/organisations/{orgs['company'].pk}/revendiquer/",
        {"note": "RSE"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert Claim.objects.get(user=people["company"]).language == "en"
