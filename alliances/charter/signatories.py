"""The public list of signatories: accepted signatures filtered by région and profile."""

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from alliances.referentials.models import Term
from alliances.territories.models import Level, Territory

from .models import Signature, SignatureStatus

COLUMNS = [
    "organisation",
    "profile",
    "profile_label",
    "territory_code",
    "territory_level",
    "territory",
    "region",
    "signed_on",
]


@dataclass
class SignatoryList:
    signatures: list[Signature]
    regions: list[Territory]
    profiles: list[Term]
    region: Territory | None = None
    profile: Term | None = None
    notices: list[str] = field(default_factory=list)


def accepted() -> QuerySet[Signature]:
    return Signature.objects.filter(status=SignatureStatus.ACCEPTED).select_related(
        "profile", "territory", "territory__region"
    )


def signatory_list(region_code: str = "", profile_key: str = "") -> SignatoryList:
    """Accepted signatures; `region_code` keeps those inside a région (via Territory.region).

    Unknown values are ignored with a notice rather than answering an empty list.
    """
    regions = list(Territory.objects.filter(level=Level.REGION, obsolete=False).order_by("name"))
    profiles = list(
        Term.objects.filter(taxonomy__key="actor_profiles", parent__isnull=True).order_by(
            "position", "key"
        )
    )
    qs = accepted()
    result = SignatoryList([], regions, profiles)
    region_code, profile_key = region_code.strip(), profile_key.strip()
    result.region = next((r for r in regions if r.code == region_code), None)
    if region_code and result.region is None:
        result.notices.append(
            _("La région « %(value)s » est inconnue : filtre ignoré.") % {"value": region_code}
        )
    if result.region is not None:
        qs = qs.filter(territory__region=result.region)
    result.profile = next((p for p in profiles if p.key == profile_key), None)
    if profile_key and result.profile is None:
        result.notices.append(
            _("Le profil « %(value)s » est inconnu : filtre ignoré.") % {"value": profile_key}
        )
    if result.profile is not None:
        qs = qs.filter(profile=result.profile)
    result.signatures = list(qs.order_by("organisation_name", "pk"))
    return result


def signatory_row(signature: Signature) -> dict:
    """A public row: never the e-mail."""
    territory = signature.territory
    return {
        "organisation": signature.organisation_name,
        "profile": signature.profile.key,
        "profile_label": signature.profile.label,
        "territory_code": territory.code,
        "territory_level": territory.level,
        "territory": territory.name,
        "region": territory.region.name if territory.region_id else "",
        "signed_on": signature.created_at.date().isoformat(),
    }
