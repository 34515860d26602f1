"""The sections this part adds to the base's pages (the base does not import this part)."""

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, Organisation
from alliances.territories.hub import HubSection
from alliances.territories.models import Territory

from . import freshness, services
from .forms import WorkspaceRequestForm
from .models import Decision, Listing, WorkspaceRequest


def alliance_section(request: HttpRequest, alliance: Alliance) -> str:
    """ "Espace partenaires" on a published alliance page: open it, or ask for it."""
    if not alliance.is_published:
        return ""
    user = request.user
    workspace = services.workspace_of(alliance)
    context = {"alliance": alliance, "workspace": workspace, "form": None, "pending": None}
    if workspace is not None:
        context["member"] = user.is_authenticated and workspace.members.filter(user=user).exists()
    elif user.is_authenticated:
        context["pending"] = WorkspaceRequest.objects.filter(
            alliance=alliance, user=user, status=Decision.PENDING
        ).first()
        context["form"] = WorkspaceRequestForm(alliance=alliance)
        context["has_partners"] = context["form"].fields["organisation"].queryset.exists()
    return render_to_string("partners/alliance_section.html", context, request)


def organisation_section(request: HttpRequest, organisation: Organisation) -> str:
    """The partner profile, open needs and offers, and what one can do from here."""
    profile = getattr(organisation, "partner_profile", None)
    listings = list(
        Listing.objects.open().filter(organisation=organisation).order_by("direction", "-id")
    )
    user = request.user
    fresh = freshness.freshness_of(organisation)
    context = {
        "organisation": organisation,
        "freshness": fresh,
        "stale": fresh.is_stale(timezone.now()),
        "profile": profile,
        "domains": list(profile.domains.order_by("position", "key")) if profile else [],
        "needs": [x for x in listings if x.direction == Listing.Direction.NEED],
        "offers": [x for x in listings if x.direction == Listing.Direction.OFFER],
        "can_edit": services.can_edit(user, organisation),
        "represents": services.represents(user, organisation),
        "has_representative": bool(services.representatives(organisation)),
        "claim": (organisation.claims.filter(user=user).first() if user.is_authenticated else None),
        "reply_rate": services.reply_rate(organisation),
    }
    return render_to_string("partners/organisation_section.html", context, request)


def published_profile(organisation: Organisation) -> bool:
    """Public once someone represents it or it has an open need or offer."""
    return (
        organisation.claims.filter(status=Decision.APPROVED).exists()
        or Listing.objects.open().filter(organisation=organisation).exists()
    )


PLACE_LISTINGS = 8


def place_section(request: HttpRequest, place: Territory) -> HubSection | None:
    """The open needs and offers of a place (and inside it), on the territory's page."""
    from .listings import within

    if place.level == "pays":
        rows = Listing.objects.open()
    else:
        rows = Listing.objects.open().filter(within(place))
    found = list(
        rows.select_related("organisation").order_by("-published_at", "-id")[: PLACE_LISTINGS + 1]
    )
    if not found:
        return None
    context = {
        "place": place,
        "listings": found[:PLACE_LISTINGS],
        "more": len(found) > PLACE_LISTINGS,
    }
    html = render_to_string("partners/place_section.html", context, request=request)
    return HubSection("besoins", _("Besoins et propositions"), mark_safe(html), 55)  # noqa: S308
