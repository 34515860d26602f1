"""Contact without exposing addresses: the platform relays each message by e-mail.

The sender's and the recipient's addresses are shown to each other only once a
representative of the recipient organisation has replied on the platform. Each account may
open a limited number of conversations a day (ALLIANCES_PARTNERS_CONTACTS_PER_DAY).
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.base.models import Organisation

from . import mail, services
from .models import AbuseReport, Conversation, Listing, Message


def contacts_per_day() -> int:
    return int(getattr(settings, "ALLIANCES_PARTNERS_CONTACTS_PER_DAY", 10))


def opened_today(user: AbstractBaseUser) -> int:
    since = timezone.now() - timedelta(days=1)
    return Conversation.objects.filter(sender=user, created_at__gte=since).count()


def start(
    sender: AbstractBaseUser,
    recipient: Organisation,
    body: str,
    listing: Listing | None = None,
) -> Conversation:
    """Open a conversation and relay its first message to the recipient's representatives."""
    people = [u for u in services.representatives(recipient) if u.pk != sender.pk]
    if not people:
        raise ValidationError(
            _("%(name)s n'a pas encore de représentant sur la plateforme.")
            % {"name": recipient.name}
        )
    if opened_today(sender) >= contacts_per_day():
        raise ValidationError(
            _("Vous avez atteint la limite de %(n)s nouveaux contacts par jour.")
            % {"n": contacts_per_day()}
        )
    own = services.represented_by(sender)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            sender=sender,
            sender_organisation=own[0] if own else None,
            recipient=recipient,
            listing=listing,
        )
        message = Message.objects.create(conversation=conversation, author=sender, body=body)
    mail.relay(conversation, message, [u.email for u in people], reveal="")
    return conversation


def is_recipient(user: object, conversation: Conversation) -> bool:
    return services.represents(user, conversation.recipient)


def can_see(user: object, conversation: Conversation) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return conversation.sender_id == user.pk or is_recipient(user, conversation)


def revealed(conversation: Conversation) -> bool:
    return conversation.replied_at is not None


def reply(user: AbstractBaseUser, conversation: Conversation, body: str) -> Message:
    """Answer in a conversation; the recipient's first reply reveals both addresses."""
    if not can_see(user, conversation):
        raise PermissionDenied
    first_reply = not revealed(conversation) and is_recipient(user, conversation)
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, author=user, body=body)
        if first_reply:
            conversation.replied_at = timezone.now()
            conversation.replied_by = user
            conversation.save(update_fields=["replied_at", "replied_by"])
    if user.pk == conversation.sender_id:
        others = [u.email for u in services.representatives(conversation.recipient)]
        if revealed(conversation) and conversation.replied_by:
            others = [conversation.replied_by.email]
    else:
        others = [conversation.sender.email]
    reveal = user.email if revealed(conversation) else ""
    mail.relay(conversation, message, others, reveal=reveal)
    return message


def addresses(conversation: Conversation) -> dict[str, str]:
    """Both addresses once revealed, else nothing."""
    if not revealed(conversation) or conversation.replied_by is None:
        return {}
    return {"sender": conversation.sender.email, "recipient": conversation.replied_by.email}


def report(user: AbstractBaseUser, conversation: Conversation, reason: str) -> AbuseReport:
    if not can_see(user, conversation):
        raise PermissionDenied
    record = AbuseReport.objects.create(conversation=conversation, reporter=user, reason=reason)
    mail.tell_curators(_("Abus signalé dans une mise en relation"), reason[:500])
    return record


def of_user(user: AbstractBaseUser) -> list[Conversation]:
    organisations = services.represented_by(user)
    found = Conversation.objects.filter(sender=user) | Conversation.objects.filter(
        recipient__in=organisations
    )
    return list(found.distinct().select_related("recipient", "sender_organisation"))
