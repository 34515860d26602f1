"""What "Faire alliance" does apart from its pages: claims, workspace requests, profiles,
needs and offers. Views and the admin call these; e-mails go out from `mail`.
"""

from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, Organisation
from alliances.workspaces.models import Workspace
from alliances.workspaces.services import create_workspace, current_language

from . import mail
from .emaildomains import email_matches_website
from .models import (
    DEFAULT_LIFETIME,
    Claim,
    Decision,
    Listing,
    OrganisationProfile,
    ProfileChange,
    Via,
    WorkspaceRequest,
)


def is_curator(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def represents(user: object, organisation: Organisation) -> bool:
    """An approved claim: the person may edit the profile and publish for the organisation."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Claim.objects.filter(
        user=user, organisation=organisation, status=Decision.APPROVED
    ).exists()


def can_edit(user: object, organisation: Organisation) -> bool:
    return is_curator(user) or represents(user, organisation)


def represented_by(user: AbstractBaseUser) -> list[Organisation]:
    ids = Claim.objects.filter(user=user, status=Decision.APPROVED).values("organisation_id")
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def representatives(organisation: Organisation) -> list[AbstractBaseUser]:
    claims = Claim.objects.filter(organisation=organisation, status=Decision.APPROVED)
    return [c.user for c in claims.select_related("user").order_by("pk") if c.user.is_active]


# Claims --------------------------------------------------------------------------------


def claim(user: AbstractBaseUser, organisation: Organisation, note: str = "") -> Claim:
    """Ask to represent an organisation.

    Granted at once when the account's address is at the organisation's website domain
    (accounts exist only once their address is confirmed), unless the organisation already
    has a representative: a second person never takes over an organisation without a curator.
    """
    existing = Claim.objects.filter(user=user, organisation=organisation).first()
    if existing is not None and existing.status != Decision.REFUSED:
        return existing
    already_held = Claim.objects.filter(
        organisation=organisation, status=Decision.APPROVED
    ).exists()
    automatic = not already_held and email_matches_website(user.email, organisation.website)
    record = existing or Claim(user=user, organisation=organisation)
    record.note = note
    record.language = current_language()
    record.status = Decision.APPROVED if automatic else Decision.PENDING
    record.via = Via.DOMAIN if automatic else ""
    record.decided_at = timezone.now() if automatic else None
    record.decided_by = None
    record.save()
    if automatic:
        mail.tell_curators(_("Organisation revendiquée (domaine e-mail)"), str(record))
    else:
        mail.tell_curators(_("Demande de représentation à examiner"), str(record))
    return record


def decide_claim(record: Claim, curator: AbstractBaseUser, approve: bool) -> Claim:
    record.status = Decision.APPROVED if approve else Decision.REFUSED
    record.via = Via.CURATOR if approve else ""
    record.decided_at = timezone.now()
    record.decided_by = curator
    record.save(update_fields=["status", "via", "decided_at", "decided_by"])
    mail.claim_decided(record)
    return record


# Workspaces on request ------------------------------------------------------------------


def workspace_of(alliance: Alliance) -> Workspace | None:
    return Workspace.objects.filter(alliance=alliance).first()


def request_workspace(
    user: AbstractBaseUser,
    alliance: Alliance,
    organisation: Organisation,
    base_url: str | None = None,
) -> WorkspaceRequest:
    """A partner of a published alliance asks for its workspace.

    Granted at once when the account's address is at the organisation's website domain or
    the person already represents the organisation; otherwise a curator decides.
    """
    if not alliance.is_published:
        raise ValidationError(_("Seule une alliance publiée peut avoir un espace sur demande."))
    if not alliance.partners.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s n'est pas partenaire de l'alliance « %(alliance)s ».")
            % {"organisation": organisation.name, "alliance": alliance.title}
        )
    if workspace_of(alliance) is not None:
        raise ValidationError(_("Cette alliance a déjà son espace partenaires."))
    pending = WorkspaceRequest.objects.filter(
        alliance=alliance, user=user, status=Decision.PENDING
    ).first()
    if pending is not None:
        return pending
    request = WorkspaceRequest.objects.create(
        alliance=alliance, organisation=organisation, user=user
    )
    if email_matches_website(user.email, organisation.website):
        return _grant(request, Via.DOMAIN, None, base_url)
    if represents(user, organisation):
        return _grant(request, Via.CLAIM, None, base_url)
    mail.tell_curators(_("Demande d'espace partenaires à examiner"), str(request))
    return request


def _grant(
    request: WorkspaceRequest,
    via: str,
    curator: AbstractBaseUser | None,
    base_url: str | None,
) -> WorkspaceRequest:
    # The existing service opens the workspace and makes the requester its coordinator.
    with transaction.atomic():
        create_workspace(
            request.alliance,
            request.organisation,
            request.user.email,
            created_by=curator or request.user,
            language=current_language(),
            base_url=base_url,
        )
        request.status = Decision.APPROVED
        request.via = via
        request.decided_at = timezone.now()
        request.decided_by = curator
        request.save(update_fields=["status", "via", "decided_at", "decided_by"])
    return request


def decide_workspace_request(
    request: WorkspaceRequest,
    curator: AbstractBaseUser,
    approve: bool,
    base_url: str | None = None,
) -> WorkspaceRequest:
    if request.status != Decision.PENDING:
        raise ValidationError(_("Cette demande a déjà reçu une réponse."))
    if approve:
        if workspace_of(request.alliance) is not None:
            raise ValidationError(_("Cette alliance a déjà son espace partenaires."))
        return _grant(request, Via.CURATOR, curator, base_url)
    request.status = Decision.REFUSED
    request.decided_at = timezone.now()
    request.decided_by = curator
    request.save(update_fields=["status", "decided_at", "decided_by"])
    mail.workspace_refused(request)
    return request


# Profiles -------------------------------------------------------------------------------


def profile_of(organisation: Organisation) -> OrganisationProfile:
    profile, _created = OrganisationProfile.objects.get_or_create(organisation=organisation)
    return profile


PROFILE_FIELDS = ("name", "website", "siren", "siret", "rna", "territory_id")


def _snapshot(organisation: Organisation, profile: OrganisationProfile) -> dict:
    values = {field: getattr(organisation, field) for field in PROFILE_FIELDS}
    values["description"] = profile.description
    values["domains"] = sorted(profile.domains.values_list("key", flat=True))
    return values


def save_profile(
    organisation: Organisation,
    profile: OrganisationProfile,
    user: AbstractBaseUser,
    before: dict,
) -> ProfileChange | None:
    """Record what changed (history kept) and tell the curators; None when nothing changed."""
    after = _snapshot(organisation, profile)
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    profile.confirmed_at = timezone.now()
    profile.save(update_fields=["confirmed_at"])
    if not changes:
        return None
    change = ProfileChange.objects.create(organisation=organisation, user=user, changes=changes)
    mail.tell_curators(
        _("Profil d'organisation modifié"),
        f"{organisation.name}: {', '.join(sorted(changes))}",
    )
    return change


def confirm_profile(
    organisation: Organisation, user: AbstractBaseUser | None = None
) -> OrganisationProfile:
    """The profile still holds: fresh again (back in the suggestions, ADR 0155); the next
    reminders go out in the language the representative uses now."""
    profile = profile_of(organisation)
    profile.confirmed_at = timezone.now()
    profile.save(update_fields=["confirmed_at"])
    if user is not None:
        Claim.objects.filter(organisation=organisation, user=user).update(
            language=current_language()
        )
    return profile


def snapshot(organisation: Organisation) -> dict:
    return _snapshot(organisation, profile_of(organisation))


# Needs and offers -----------------------------------------------------------------------


def first_publication(user: AbstractBaseUser) -> bool:
    """The first publication of an account waits for a curator; the next ones do not."""
    return not Listing.objects.filter(author=user, status=Listing.Status.PUBLISHED).exists()


def publish_listing(listing: Listing, user: AbstractBaseUser) -> Listing:
    now = timezone.now()
    listing.author = user
    listing.expires_at = listing.expires_at or now + DEFAULT_LIFETIME
    listing.confirmed_at = now
    if first_publication(user) and not is_curator(user):
        listing.status = Listing.Status.PENDING
    else:
        listing.status = Listing.Status.PUBLISHED
        listing.published_at = now
    listing.save()
    if listing.status == Listing.Status.PENDING:
        mail.tell_curators(_("Première publication à examiner"), listing.title)
    return listing


def decide_listing(listing: Listing, curator: AbstractBaseUser, approve: bool) -> Listing:
    now = timezone.now()
    listing.status = Listing.Status.PUBLISHED if approve else Listing.Status.REFUSED
    if approve:
        listing.published_at = now
        # The lifetime starts when the public sees it.
        listing.expires_at = now + DEFAULT_LIFETIME
    listing.save(update_fields=["status", "published_at", "expires_at"])
    return listing


def confirm_listing(listing: Listing) -> Listing:
    """The owner says it still holds: another lifetime from today."""
    now = timezone.now()
    listing.confirmed_at = now
    listing.expires_at = now + DEFAULT_LIFETIME
    listing.save(update_fields=["confirmed_at", "expires_at"])
    return listing


def close_listing(listing: Listing) -> Listing:
    listing.status = Listing.Status.CLOSED
    listing.save(update_fields=["status"])
    return listing


def expiring_soon(days: int = 14) -> list[Listing]:
    limit = timezone.now() + timedelta(days=days)
    return list(Listing.objects.open().filter(expires_at__lte=limit).select_related("author"))


# Contacts -------------------------------------------------------------------------------


def reply_rate(organisation: Organisation) -> int | None:
    """Share of first messages the organisation answered (percent), None before any."""
    from .models import Conversation

    received = Conversation.objects.filter(recipient=organisation)
    total = received.count()
    if not total:
        return None
    return round(100 * received.filter(replied_at__isnull=False).count() / total)


# Organisations absent from the base -----------------------------------------------------


def same_organisation(data: dict) -> Organisation | None:
    """An organisation already in the base with these identifiers, or this name."""
    from alliances.base.names import organisation_key

    for field in ("siret", "siren", "rna"):
        if data.get(field):
            found = Organisation.objects.filter(**{field: data[field]}).first()
            if found is not None:
                return found
    return Organisation.objects.filter(name_key=organisation_key(data["name"])[:300]).first()


def register_organisation(user: AbstractBaseUser, data: dict) -> tuple[Organisation, Claim]:
    """Create the organisation with its profile; its creator claims it (same rules)."""
    from alliances.referentials.models import Term

    with transaction.atomic():
        organisation = Organisation.objects.create(
            name=data["name"],
            profile=Term.objects.get(
                taxonomy__key="actor_profiles", key=data["profile"], parent=None
            ),
            website=data["website"],
            siren=data["siren"],
            siret=data["siret"],
            rna=data["rna"],
            territory=data["place"],
        )
        profile = profile_of(organisation)
        profile.description = data["description"]
        profile.confirmed_at = timezone.now()
        profile.save()
        profile.domains.set(Term.objects.filter(taxonomy__key="domains", key__in=data["domains"]))
    return organisation, claim(user, organisation, _("Organisation inscrite par ce compte."))
