"""The audit log outlives the accounts it names.

Django's log of back-office actions (`LogEntry`) deletes a person's entries with their
account, and the change history of alliances keeps their address as the actor. When an
account is deleted, its entries are kept and handed to a pseudonym instead: an inactive
account that cannot sign in, named `ancien-compte-<code>`, the code derived from the deleted
account's id with the site's secret key (the same person always gets the same code, which
says nothing about them). The history's actor becomes that pseudonym too.
"""

import hashlib
import hmac
from typing import Any

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

PSEUDONYM_PREFIX = "ancien-compte-"


def pseudonym(user_pk: object) -> str:
    code = hmac.new(
        settings.SECRET_KEY.encode(), f"audit:{user_pk}".encode(), hashlib.sha256
    ).hexdigest()[:12]
    return f"{PSEUDONYM_PREFIX}{code}"


def pseudonymous_holder(user_pk: object) -> AbstractBaseUser:
    """The inactive account that holds a deleted account's audit entries."""
    User = get_user_model()
    name = pseudonym(user_pk)
    holder, created = User.objects.get_or_create(
        **{User.USERNAME_FIELD: name}, defaults={"is_active": False}
    )
    if created:
        holder.set_unusable_password()
        holder.save(update_fields=["password"])
    return holder


def keep_audit_entries(sender: type, instance: AbstractBaseUser, **kwargs: Any) -> None:
    """pre_delete of an account: its audit entries move to its pseudonym."""
    from alliances.base.models import ChangeRecord

    if instance.get_username().startswith(PSEUDONYM_PREFIX):
        return
    name = pseudonym(instance.pk)
    if LogEntry.objects.filter(user=instance).exists():
        LogEntry.objects.filter(user=instance).update(user=pseudonymous_holder(instance.pk))
    ChangeRecord.objects.filter(user=instance).update(actor=name)
    ChangeRecord.objects.filter(actor=instance.get_username()).update(actor=name)
