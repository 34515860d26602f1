"""What the pages and the API of the base read: one alliance, one organisation, who sees what.

Views and API endpoints call these functions; they raise `Http404` with a message in the
user's language when nothing visible matches.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _

from .models import Alliance, Organisation, Partner
from .sections import organisation_is_public


def is_curator(user: object) -> bool:
    """Curators (staff) also see drafts, reviews and archives."""
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def get_alliance(user: object, slug: str) -> Alliance:
    """The alliance of this slug, with what its page shows, if the user may see it."""
    alliance = (
        Alliance.objects.visible_to(user)
        .filter(slug=slug)
        .select_related(
            "territory",
            "territory__region",
            "territory__departement",
            "stage",
            "co_construction",
        )
        .prefetch_related(
            "domains",
            "partnership_types",
            "sdg_goals",
            "sdg_targets",
            "catalyst_trades",
            "results",
            "sources",
        )
        .first()
    )
    if alliance is None:
        raise Http404(
            _("Aucune alliance publiée ne porte l'identifiant « %(slug)s ».") % {"slug": slug}
        )
    return alliance


def partners_of(alliance: Alliance) -> list[Partner]:
    return list(
        alliance.partners.select_related(
            "organisation", "organisation__profile", "organisation__subtype"
        ).order_by("position", "id")
    )


def get_organisation(user: object, pk: int) -> tuple[Organisation, list[Alliance]]:
    """The organisation and its alliances visible to the user, each with `role_label`.

    An organisation is public through its published alliances only."""
    organisation = (
        Organisation.objects.select_related("profile", "subtype", "territory").filter(pk=pk).first()
    )
    missing = _("Aucune organisation ne porte le numéro %(pk)s.") % {"pk": pk}
    if organisation is None:
        raise Http404(missing)
    alliances = list(
        Alliance.objects.visible_to(user)
        .filter(partners__organisation=organisation)
        .select_related("territory")
        .order_by("title")
        .distinct()
    )
    if not alliances and not is_curator(user) and not organisation_is_public(organisation):
        raise Http404(missing)
    roles = {
        p.alliance_id: p.get_role_display()
        for p in Partner.objects.filter(organisation=organisation)
    }
    for alliance in alliances:
        alliance.role_label = roles.get(alliance.pk, "")  # type: ignore[attr-defined]
    return organisation, alliances
