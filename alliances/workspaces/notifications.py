"""E-mails about a workspace, each written in the language of the person who receives it.

Every notification is a plain function taking the objects it is about and the public address
of the platform: a view calls it after its change, a management command (or, later, a task
of the job system) calls it with `settings.ALLIANCES_SITE_URL`. Messages go through Django's
e-mail backends (console by default, SMTP in production), one message per person so that
nobody sees the others' addresses. Each function returns how many messages it sent.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .models import Invitation, Membership, Workspace


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str
    name: str = ""


def site_url(base_url: str | None = None) -> str:
    return (base_url or settings.ALLIANCES_SITE_URL).rstrip("/")


def members(
    workspace: Workspace,
    roles: Iterable[str] | None = None,
    organisation_ids: Iterable[int] | None = None,
) -> list[Recipient]:
    """The workspace's members (of some roles, of some organisations) as recipients."""
    rows = workspace.members.select_related("user").exclude(user__email="")
    if roles is not None:
        rows = rows.filter(role__in=list(roles))
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=list(organisation_ids))
    return [
        Recipient(m.user.email, m.language or settings.LANGUAGE_CODE, m.user.get_full_name())
        for m in rows.order_by("pk")
    ]


def coordinators(workspace: Workspace) -> list[Recipient]:
    return members(workspace, roles=[Membership.Role.COORDINATOR])


def send(
    recipients: Iterable[Recipient],
    subject: Promise | str,
    template: str,
    context: dict,
) -> int:
    """Render and send one message per recipient, in the recipient's language.

    `subject` is a lazy translation formatted with `context` (`%(name)s` placeholders); the
    body is the text template rendered with `context` in the same language.
    """
    messages = []
    for recipient in recipients:
        with translation.override(recipient.language):
            title = " ".join(str(subject % context if context else subject).split())
            body = render_to_string(template, {**context, "recipient": recipient})
        messages.append(
            EmailMessage(
                subject=title,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[recipient.email],
            )
        )
    if not messages:
        return 0
    return get_connection().send_messages(messages) or 0


def workspace_link(workspace: Workspace, base_url: str | None = None) -> str:
    return site_url(base_url) + workspace.get_absolute_url()


def who(user: object) -> str:
    """How a person is named in an e-mail: full name, else address, else the platform."""
    if user is None:
        return settings.ALLIANCES_PUBLISHER_NAME
    return user.get_full_name() or user.email


def workspace_created(
    workspace: Workspace, membership: Membership, base_url: str | None = None
) -> int:
    """Tell the first coordinator that the workspace of their alliance is open."""
    return send(
        [Recipient(membership.user.email, membership.language, membership.user.get_full_name())],
        _("Espace partenaires ouvert : %(alliance)s"),
        "workspaces/email/workspace_created.txt",
        {
            "alliance": workspace.alliance.title,
            "organisation": membership.organisation.name,
            "role": membership.get_role_display(),
            "creator": who(workspace.created_by) if workspace.created_by else "",
            "link": workspace_link(workspace, base_url),
        },
    )


def invitation(invitation: Invitation, base_url: str | None = None) -> int:
    """The invitation, naming who invites, for which organisation, and how long it lasts."""
    workspace = invitation.workspace
    inviter = invitation.invited_by
    inviter_membership = (
        workspace.members.filter(user=inviter).select_related("organisation").first()
        if inviter
        else None
    )
    return send(
        [Recipient(invitation.email, invitation.language)],
        _("%(inviter)s vous invite dans l'espace partenaires de « %(alliance)s »"),
        "workspaces/email/invitation.txt",
        {
            "alliance": workspace.alliance.title,
            # "Marc Delattre (Association A)": who invites, and for which partner.
            "inviter": (who(inviter) or settings.ALLIANCES_PUBLISHER_NAME)
            + (f" ({inviter_membership.organisation.name})" if inviter_membership else ""),
            "organisation": invitation.organisation.name,
            "role": invitation.get_role_display(),
            "days": Invitation.VALID_DAYS,
            "link": site_url(base_url) + reverse("workspaces:accept", args=[invitation.token]),
        },
    )


def report_due(workspace: Workspace, last: object, base_url: str | None = None) -> int:
    """Remind the coordinators that the yearly progress report is due."""
    return send(
        coordinators(workspace),
        _("Rapport d'avancement attendu : %(alliance)s"),
        "workspaces/email/report_due.txt",
        {
            "alliance": workspace.alliance.title,
            "last": last,
            "link": site_url(base_url) + reverse("evaluation:reports", args=[workspace.pk]),
        },
    )


def publication_asked(request: object, base_url: str | None = None) -> int:
    """Ask the partner organisations that have not answered whether a part may be published."""
    workspace = request.workspace
    return send(
        members(
            workspace,
            organisation_ids=request.consents.filter(decision="pending").values_list(
                "organisation_id", flat=True
            ),
        ),
        _("Votre accord est demandé : publier %(part)s de « %(alliance)s »"),
        "workspaces/email/publication_asked.txt",
        {
            "alliance": workspace.alliance.title,
            "part": request.get_part_display(),
            "requester": who(request.requested_by),
            "link": site_url(base_url) + reverse("workspaces:publication", args=[workspace.pk]),
        },
    )


def publication_decided(request: object, base_url: str | None = None, actor: object = None) -> int:
    """Tell every member that a part was published, refused or withdrawn, and by whom."""
    workspace = request.workspace
    refusing = [
        c.organisation.name for c in request.consents.all() if c.decision == c.Decision.REFUSED
    ]
    return send(
        members(workspace),
        _("Publication de %(part)s : %(status)s"),
        "workspaces/email/publication_decided.txt",
        {
            "alliance": workspace.alliance.title,
            "part": request.get_part_display(),
            "status": request.get_status_display(),
            "published": request.status == request.Status.PUBLISHED,
            "withdrawn": request.status == request.Status.WITHDRAWN,
            "refusing": refusing,
            "actor": who(actor),
            "page": site_url(base_url) + workspace.alliance.get_absolute_url(),
            "link": site_url(base_url) + reverse("workspaces:publication", args=[workspace.pk]),
        },
    )
