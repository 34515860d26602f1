"""How fresh an organisation's profile is (ADR 0155).

A profile is *represented* when at least one active account represents the organisation (an
approved claim). Its freshness is the last sign of life of its representatives: the latest
confirmation of the profile ("Confirmer que ce profil est à jour", an edit, the registration)
or, when later, the latest grant of a representation. It goes *stale*
`ALLIANCES_PARTNERS_PROFILE_STALE_DAYS` after that date: it leaves the suggestions (matching
candidates) until a representative confirms it again, and its page says so. The
representatives are asked to confirm it `ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS` before.

An organisation nobody represents (known through the published alliances of the base) is
never stale: nobody could confirm it, and the base's curators keep the alliances it comes
from. It stays in the suggestions, which say that it has no representative on the platform.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.db.models.functions import Coalesce

from alliances.base.models import Organisation

from .models import Claim, Decision, OrganisationProfile


def stale_after() -> timedelta:
    return timedelta(days=int(getattr(settings, "ALLIANCES_PARTNERS_PROFILE_STALE_DAYS", 365)))


def notice_before() -> timedelta:
    return timedelta(days=int(getattr(settings, "ALLIANCES_PARTNERS_PROFILE_NOTICE_DAYS", 30)))


@dataclass(frozen=True)
class Freshness:
    represented: bool
    confirmed: datetime | None  # the last sign of life of its representatives
    stale_from: datetime | None  # None: never stale (nobody represents it)

    def is_stale(self, now: datetime) -> bool:
        return self.stale_from is not None and self.stale_from <= now


def _approved_claims() -> object:
    return Claim.objects.filter(status=Decision.APPROVED, user__is_active=True)


def last_signs(organisation_ids: list[int] | None = None) -> dict[int, datetime | None]:
    """{organisation id: last confirmation or grant} of every represented organisation
    (of these ids when given); a represented organisation is always a key."""
    claims = _approved_claims()
    profiles = OrganisationProfile.objects.filter(confirmed_at__isnull=False)
    if organisation_ids is not None:
        claims = claims.filter(organisation_id__in=organisation_ids)
        profiles = profiles.filter(organisation_id__in=organisation_ids)
    found: dict[int, datetime | None] = dict(
        claims.values("organisation_id")
        .annotate(last=Max(Coalesce("decided_at", "created_at")))
        .values_list("organisation_id", "last")
    )
    for org_id, confirmed in profiles.values_list("organisation_id", "confirmed_at"):
        if org_id in found and (found[org_id] is None or confirmed > found[org_id]):
            found[org_id] = confirmed
    return found


def freshness_of(organisation: Organisation) -> Freshness:
    signs = last_signs([organisation.pk])
    if organisation.pk not in signs:
        return Freshness(False, None, None)
    confirmed = signs[organisation.pk]
    return Freshness(True, confirmed, (confirmed + stale_after()) if confirmed else None)


def stale_from(confirmed: datetime | None) -> datetime | None:
    return confirmed + stale_after() if confirmed else None
