"""Merge duplicate organisations into one (admin action), keeping every alliance's partners."""

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from . import history
from .models import Organisation, Partner

MERGED = "merged"
# When both organisations are partners of one alliance, the more engaged role is kept.
ROLE_WEIGHT = {
    Partner.Role.LEADER: 5,
    Partner.Role.FUNDER: 4,
    Partner.Role.FACILITATOR: 3,
    Partner.Role.PARTNER: 2,
    Partner.Role.BENEFICIARY: 1,
}


def merge_organisations(
    keep: Organisation,
    others: Iterable[Organisation],
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    actor: str = "",
) -> dict[str, int]:
    """Move the partnerships of `others` to `keep`, then delete `others`.

    An alliance where both were partners keeps one partner row (the more engaged role); blank
    identifiers, website and territory of `keep` are filled from the others. Each alliance
    touched gets a history record. Returns counts: moved, conflicts, merged.
    """
    others = [o for o in others if o.pk != keep.pk]
    counts = {"moved": 0, "conflicts": 0, "merged": 0}
    with transaction.atomic():
        for other in others:
            for partner in Partner.objects.filter(organisation=other).select_related("alliance"):
                alliance = partner.alliance
                existing = Partner.objects.filter(alliance=alliance, organisation=keep).first()
                if existing is None:
                    partner.organisation = keep
                    partner.save(update_fields=["organisation"])
                    counts["moved"] += 1
                    change = {
                        "partners": [
                            f"{other.name} ({partner.role})",
                            f"{keep.name} ({partner.role})",
                        ]
                    }
                else:
                    role = max(existing.role, partner.role, key=lambda r: ROLE_WEIGHT.get(r, 0))
                    if role != existing.role:
                        existing.role = role
                        existing.save(update_fields=["role"])
                    partner.delete()
                    counts["conflicts"] += 1
                    change = {
                        "partners": [
                            f"{other.name} ({partner.role}) + {keep.name}",
                            f"{keep.name} ({role})",
                        ]
                    }
                history.record(alliance, MERGED, change, user=user, actor=actor)
            for attr in ("siren", "siret", "rna", "website", "territory_id", "subtype_id"):
                if not getattr(keep, attr) and getattr(other, attr):
                    setattr(keep, attr, getattr(other, attr))
            other.delete()
            counts["merged"] += 1
        keep.save()
    return counts
