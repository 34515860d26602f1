import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class PendingRegistrationQuerySet(models.QuerySet):
    def expired(self) -> "PendingRegistrationQuerySet":
        return self.filter(created_at__lt=timezone.now() - registration_lifetime())

    def live(self) -> "PendingRegistrationQuerySet":
        return self.filter(created_at__gte=timezone.now() - registration_lifetime())


def registration_lifetime() -> timedelta:
    return timedelta(hours=settings.ALLIANCES_REGISTRATION_EXPIRY_HOURS)


class PendingRegistration(models.Model):
    """A registration waiting for its address to be confirmed.

    No account exists until the owner of the address opens the link sent there and presses
    the button: someone who registers another person's address first creates nothing that
    could block that person or let a stranger's password in. Several may wait for one
    address; confirming one removes the others. Each expires
    (`ALLIANCES_REGISTRATION_EXPIRY_HOURS`) and is then deleted."""

    email = models.EmailField(_("adresse électronique"), db_index=True)
    first_name = models.CharField(_("prénom"), max_length=150)
    last_name = models.CharField(_("nom"), max_length=150)
    password = models.CharField(_("mot de passe (empreinte)"), max_length=128)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True, db_index=True)

    objects = PendingRegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription en attente")
        verbose_name_plural = _("inscriptions en attente")

    def __str__(self) -> str:
        return self.email

    @classmethod
    def start(
        cls, email: str, first_name: str, last_name: str, password_hash: str
    ) -> tuple["PendingRegistration", str]:
        """A new pending registration and the token of its confirmation link."""
        token = secrets.token_urlsafe(32)
        pending = cls.objects.create(
            email=email,
            first_name=first_name,
            last_name=last_name,
            password=password_hash,
            token_hash=token_hash(token),
        )
        return pending, token

    @classmethod
    def find(cls, token: str) -> "PendingRegistration | None":
        return cls.objects.live().filter(token_hash=token_hash(token)).first()
