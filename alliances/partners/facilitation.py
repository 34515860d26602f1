"""Territorial facilitators: what got no answer in their territory, introductions, checks.

A facilitator is named by the curators (back office, `Facilitator`) for a territory; they see
everything placed in it or inside it. They see who wrote to whom and when, never what was
written (messages stay between the parties).
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.base.models import Organisation
from alliances.territories.models import Territory

from . import mail, services
from .followups import facilitators_for, is_facilitator, places_of
from .models import Conversation, Facilitator, Introduction, Listing


def territories_of(user: AbstractBaseUser) -> list[Territory]:
    rows = Facilitator.objects.filter(user=user).select_related("territory")
    return [f.territory for f in rows]


def inside(territories: list[Territory], prefix: str) -> Q:
    """Rows whose territory (through `prefix`) is one of these or inside one of them."""
    ids = [t.pk for t in territories]
    return (
        Q(**{f"{prefix}__in": ids})
        | Q(**{f"{prefix}__epci__in": ids})
        | Q(**{f"{prefix}__departement__in": ids})
        | Q(**{f"{prefix}__region__in": ids})
    )


def overview(user: AbstractBaseUser) -> dict:
    if not is_facilitator(user):
        raise PermissionDenied
    territories = territories_of(user)
    listings = Listing.objects.open().filter(conversations__isnull=True)
    waiting = Conversation.objects.filter(replied_at__isnull=True, escalated_at__isnull=False)
    if territories:
        listings = listings.filter(inside(territories, "territory"))
        waiting = waiting.filter(inside(territories, "recipient__territory"))
    elif not services.is_curator(user):
        listings, waiting = listings.none(), waiting.none()
    unverified = Organisation.objects.filter(
        claims__status="approved", partner_profile__verified_at__isnull=True
    )
    if territories:
        unverified = unverified.filter(inside(territories, "territory"))
    return {
        "territories": territories,
        "listings": listings.select_related("organisation", "territory").distinct()[:100],
        "waiting": waiting.select_related("recipient", "sender_organisation")[:100],
        "unverified": unverified.distinct().order_by("name")[:50],
    }


def introduce(
    user: AbstractBaseUser, first: Organisation, second: Organisation, note: str
) -> Introduction:
    if not is_facilitator(user):
        raise PermissionDenied
    if first.pk == second.pk:
        raise ValueError(_("Choisissez deux organisations différentes."))
    record = Introduction.objects.create(facilitator=user, first=first, second=second, note=note)
    people = services.representatives(first) + services.representatives(second)
    mail.introduction(first, second, note, sorted({u.email for u in people if u.email}))
    return record


def can_verify(user: AbstractBaseUser, organisation: Organisation) -> bool:
    if services.is_curator(user):
        return True
    own = set(Facilitator.objects.filter(user=user).values_list("territory_id", flat=True))
    return bool(own & set(places_of(organisation.territory)))


def verify(user: AbstractBaseUser, organisation: Organisation) -> None:
    if not can_verify(user, organisation):
        raise PermissionDenied
    profile = services.profile_of(organisation)
    profile.verified_at = timezone.now()
    profile.verified_by = user
    profile.save(update_fields=["verified_at", "verified_by"])


__all__ = ["facilitators_for", "introduce", "overview", "verify"]
