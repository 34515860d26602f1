"""What a workspace does apart from its pages: open it, invite, join, publish with consent.

Views and the admin call these functions; notifications go out from here, once the change is
written.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, Organisation

from . import notifications
from .models import (
    PUBLISH_FLAGS,
    Consent,
    Invitation,
    Membership,
    Part,
    PublicationRequest,
    Workspace,
)


def current_language() -> str:
    return (get_language() or "fr")[:2]


def partner_organisations(alliance: Alliance) -> list[Organisation]:
    return list(
        Organisation.objects.filter(partnerships__alliance=alliance).distinct().order_by("name")
    )


def create_workspace(
    alliance: Alliance,
    organisation: Organisation,
    email: str,
    created_by: AbstractBaseUser,
    role: str = Membership.Role.COORDINATOR,
    language: str = "fr",
    base_url: str | None = None,
) -> tuple[Workspace, Membership | Invitation]:
    """Open the workspace of an alliance with its first coordinator.

    The coordinator's organisation must be a partner of the alliance. When the e-mail
    already has an account, the person becomes a member at once and is told; otherwise an
    invitation is sent, naming who invites.
    """
    if not alliance.partners.filter(organisation=organisation).exists():
        raise ValidationError(
            _("%(organisation)s n'est pas partenaire de l'alliance « %(alliance)s ».")
            % {"organisation": organisation.name, "alliance": alliance.title}
        )
    email = email.strip().lower()
    user = get_user_model().objects.filter(email__iexact=email).first()
    with transaction.atomic():
        workspace = Workspace.objects.create(alliance=alliance, created_by=created_by)
        if user is not None:
            first: Membership | Invitation = Membership.objects.create(
                workspace=workspace,
                user=user,
                organisation=organisation,
                role=role,
                language=language,
            )
        else:
            first = Invitation.objects.create(
                workspace=workspace,
                email=email,
                organisation=organisation,
                role=role,
                language=language,
                invited_by=created_by,
            )
    if isinstance(first, Membership):
        notifications.workspace_created(workspace, first, base_url)
    else:
        notifications.invitation(first, base_url)
    return workspace, first


def invite(
    invitation: Invitation, workspace: Workspace, user: AbstractBaseUser, base_url: str
) -> Invitation:
    invitation.workspace = workspace
    invitation.invited_by = user
    invitation.save()
    notifications.invitation(invitation, base_url)
    return invitation


def join(invitation: Invitation, user: AbstractBaseUser, language: str) -> Membership:
    """Make the invited person a member (once), in the language they accepted in."""
    membership, _created = Membership.objects.get_or_create(
        workspace=invitation.workspace,
        user=user,
        defaults={
            "organisation": invitation.organisation,
            "role": invitation.role,
            "language": language or invitation.language,
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


# Publication with the consent of every partner organisation ------------------------------


class PublicationRefused(Exception):
    """The part cannot be proposed now; the message says why (in the user's language)."""


def represented_organisations(workspace: Workspace) -> list[Organisation]:
    """The partner organisations with at least one member in the workspace: each must agree."""
    ids = workspace.members.values_list("organisation_id", flat=True)
    return list(Organisation.objects.filter(pk__in=ids).order_by("name"))


def unrepresented_partners(workspace: Workspace) -> list[Organisation]:
    """Partners of the alliance without a member here: they cannot be asked until invited."""
    represented = {o.pk for o in represented_organisations(workspace)}
    return [o for o in partner_organisations(workspace.alliance) if o.pk not in represented]


def pending_request(workspace: Workspace, part: str) -> PublicationRequest | None:
    return workspace.publication_requests.filter(
        part=part, status=PublicationRequest.Status.PENDING
    ).first()


def _check_publishable(workspace: Workspace, part: str) -> None:
    if getattr(workspace, PUBLISH_FLAGS[Part(part)]):
        raise PublicationRefused(_("Cette partie est déjà publiée."))
    if pending_request(workspace, part):
        raise PublicationRefused(_("Une demande est déjà en cours pour cette partie."))
    if part == Part.MODEL:
        from alliances.economics.services import compute_for

        result = compute_for(workspace)
        if result is None:
            raise PublicationRefused(_("Le modèle est vide : rien à publier."))
        if result.not_assessed:
            raise PublicationRefused(
                _(
                    "Chaque résultat valorisé doit d'abord dire ce qui serait arrivé sans "
                    "l'alliance et ce qui revient à d'autres acteurs : %(labels)s."
                )
                % {"labels": ", ".join(result.not_assessed)}
            )
    if part == Part.EVALUATION and not workspace.campaigns.filter(status="closed").exists():
        raise PublicationRefused(_("Aucune campagne d'évaluation close : rien à publier."))
    if part == Part.REPORTS and not workspace.reports.filter(status="submitted").exists():
        raise PublicationRefused(_("Aucun rapport déposé : rien à publier."))


def request_publication(
    workspace: Workspace, part: str, user: AbstractBaseUser, base_url: str | None = None
) -> PublicationRequest:
    """Ask every represented partner organisation; the requester's own agrees by asking."""
    _check_publishable(workspace, part)
    own = workspace.members.filter(user=user).values_list("organisation_id", flat=True).first()
    now = timezone.now()
    with transaction.atomic():
        request = PublicationRequest.objects.create(
            workspace=workspace, part=part, requested_by=user
        )
        for organisation in represented_organisations(workspace):
            agreed = organisation.pk == own
            Consent.objects.create(
                request=request,
                organisation=organisation,
                decision=Consent.Decision.AGREED if agreed else Consent.Decision.PENDING,
                decided_by=user if agreed else None,
                decided_at=now if agreed else None,
            )
    if not _settle(request, base_url):
        notifications.publication_asked(request, base_url)
    return request


def _settle(request: PublicationRequest, base_url: str | None) -> bool:
    """Publish when every organisation agreed, refuse when one refused; True when settled."""
    decisions = set(request.consents.values_list("decision", flat=True))
    if Consent.Decision.REFUSED in decisions:
        request.status = PublicationRequest.Status.REFUSED
    elif decisions == {Consent.Decision.AGREED}:
        request.status = PublicationRequest.Status.PUBLISHED
        setattr(request.workspace, PUBLISH_FLAGS[Part(request.part)], True)
        request.workspace.save(update_fields=[PUBLISH_FLAGS[Part(request.part)]])
    else:
        return False
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    notifications.publication_decided(request, base_url)
    return True


def decide(
    request: PublicationRequest,
    organisation_id: int,
    user: AbstractBaseUser,
    agree: bool,
    base_url: str | None = None,
) -> Consent:
    """A member answers for its organisation; the request settles when all have answered."""
    if request.status != PublicationRequest.Status.PENDING:
        raise PublicationRefused(_("Cette demande n'attend plus de réponse."))
    consent = request.consents.filter(organisation_id=organisation_id).first()
    if consent is None:
        raise PublicationRefused(_("Votre organisation n'est pas consultée pour cette demande."))
    with transaction.atomic():
        consent.decision = Consent.Decision.AGREED if agree else Consent.Decision.REFUSED
        consent.decided_by = user
        consent.decided_at = timezone.now()
        consent.save(update_fields=["decision", "decided_by", "decided_at"])
        _settle(request, base_url)
    return consent


def withdraw(
    workspace: Workspace, part: str, user: AbstractBaseUser, base_url: str | None = None
) -> PublicationRequest | None:
    """Any partner takes a published part off the public page at once; all are told."""
    flag = PUBLISH_FLAGS[Part(part)]
    if not getattr(workspace, flag):
        return None
    setattr(workspace, flag, False)
    workspace.save(update_fields=[flag])
    request = workspace.publication_requests.filter(
        part=part, status=PublicationRequest.Status.PUBLISHED
    ).first()
    if request is None:
        return None
    request.status = PublicationRequest.Status.WITHDRAWN
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    notifications.publication_decided(request, base_url, actor=user)
    return request
