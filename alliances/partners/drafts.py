"""From a conversation to an alliance: a draft with its workspace, both organisations in it.

Either party of a conversation whose addresses are revealed (the recipient replied) makes a
draft alliance of it: both organisations become its partners, the workspace opens through
`workspaces.services.create_workspace` with the person as coordinator, and the other party
is invited. The draft stays private; when the partners ask, it goes to review and a curator
publishes it.
"""

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliances.base.models import Alliance, ChangeRecord, Partner
from alliances.workspaces.models import Invitation
from alliances.workspaces.services import create_workspace, current_language, invite

from . import conversations
from .models import Conversation


def _slug(title: str) -> str:
    base = slugify(title)[:100] or "alliance"
    slug, n = base, 2
    while Alliance.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _sides(user: AbstractBaseUser, talk: Conversation) -> tuple:
    """(own organisation, other organisation, other person) from the user's side."""
    if user.pk == talk.sender_id:
        return talk.sender_organisation, talk.recipient, talk.replied_by
    return talk.recipient, talk.sender_organisation, talk.sender


def make_draft(
    user: AbstractBaseUser, talk: Conversation, title: str, summary: str, base_url: str
) -> Alliance:
    if not conversations.can_see(user, talk):
        raise PermissionDenied
    if talk.alliance_id:
        raise ValidationError(_("Cette mise en relation a déjà son alliance en brouillon."))
    if not conversations.revealed(talk):
        raise ValidationError(_("Attendez la réponse de l'organisation contactée."))
    own, other, other_person = _sides(user, talk)
    if own is None or other is None:
        raise ValidationError(
            _("Les deux personnes doivent représenter une organisation sur la plateforme.")
        )
    with transaction.atomic():
        alliance = Alliance.objects.create(
            kind=Alliance.Kind.ALLIANCE,
            title=title,
            slug=_slug(title),
            summary=summary,
            status=Alliance.Status.DRAFT,
            territory=own.territory or other.territory,
        )
        Partner.objects.create(alliance=alliance, organisation=own, role="partner", position=0)
        Partner.objects.create(alliance=alliance, organisation=other, role="partner", position=1)
        ChangeRecord.objects.create(
            alliance=alliance, user=user, action="created", changes={"origin": ["", "partners"]}
        )
        talk.alliance = alliance
        talk.save(update_fields=["alliance"])
        workspace, _first = create_workspace(
            alliance,
            own,
            user.email,
            created_by=user,
            language=current_language(),
            base_url=base_url,
        )
        if other_person is not None:
            invite(
                Invitation(email=other_person.email, organisation=other, language="fr"),
                workspace,
                user,
                base_url,
            )
    return alliance


def ask_publication(user: AbstractBaseUser, talk: Conversation) -> Alliance:
    """The partners ask: the draft goes to review, where a curator publishes it."""
    if not conversations.can_see(user, talk) or talk.alliance is None:
        raise PermissionDenied
    alliance = talk.alliance
    if alliance.status == Alliance.Status.DRAFT:
        alliance.status = Alliance.Status.REVIEW
        alliance.save(update_fields=["status", "updated_at"])
        ChangeRecord.objects.create(
            alliance=alliance, user=user, action="review", changes={"status": ["draft", "review"]}
        )
    return alliance


def to_review() -> list[Alliance]:
    ids = Conversation.objects.filter(alliance__status=Alliance.Status.REVIEW).values("alliance_id")
    return list(Alliance.objects.filter(pk__in=ids).order_by("updated_at"))


def publish(curator: AbstractBaseUser, alliance: Alliance) -> Alliance:
    if alliance.status != Alliance.Status.REVIEW:
        raise ValidationError(_("Cette alliance n'attend pas de publication."))
    alliance.status = Alliance.Status.PUBLISHED
    alliance.published_at = timezone.now()
    alliance.save(update_fields=["status", "published_at", "updated_at"])
    ChangeRecord.objects.create(
        alliance=alliance,
        user=curator,
        action="published",
        changes={"status": ["review", "published"]},
    )
    return alliance
