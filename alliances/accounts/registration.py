"""Registration that never tells a stranger whether an address has an account, and that
nobody can take from the owner of an address.

- A registration creates no account: it waits (`PendingRegistration`) until the owner of
  the address opens the link sent there and presses the button. Unconfirmed, it expires.
- When the address already has an account, its owner gets a notice instead (sign in, or
  reset the password); the page shown is the same either way.
- An account created before this rule and never confirmed is finished by a new registration
  (its password is the new one); a password reset asked for such an address, or for one
  whose registration waits, explains how to finish.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .models import PendingRegistration

# At most this many registrations wait for one address (the oldest goes first), so the rows
# kept stay few whoever registers the address; the newest one always gets its link.
MAX_PENDING_PER_ADDRESS = 3


def account_for(email: str) -> AbstractBaseUser | None:
    return get_user_model().objects.filter(email__iexact=email).first()


def is_unconfirmed(user: AbstractBaseUser) -> bool:
    """An account that was created but never confirmed (it has never signed in)."""
    return not user.is_active and user.last_login is None


def register(request: HttpRequest, data: dict) -> None:
    """Send the confirmation link, or the notice when the address has an account."""
    email = data["email"]
    PendingRegistration.objects.expired().delete()
    existing = account_for(email)
    if existing is not None and not is_unconfirmed(existing):
        _send_notice(request, email)
        return
    waiting = PendingRegistration.objects.filter(email__iexact=email).order_by("-created_at")
    stale = list(waiting.values_list("pk", flat=True)[MAX_PENDING_PER_ADDRESS - 1 :])
    PendingRegistration.objects.filter(pk__in=stale).delete()
    _pending, token = PendingRegistration.start(
        email, data["first_name"], data["last_name"], make_password(data["password1"])
    )
    link = request.build_absolute_uri(reverse("accounts:confirm", args=[token]))
    send_mail(
        _("Confirmez votre adresse"),
        _(
            "Bonjour,\n\nPour activer votre compte sur la plateforme Alliances, ouvrez ce "
            "lien et appuyez sur le bouton « Activer mon compte » :\n%(link)s\n\nLe lien "
            "est valable %(hours)s heures. Si vous n'avez rien demandé, ignorez ce message : "
            "aucun compte n'est créé sans cette confirmation.\n"
        )
        % {"link": link, "hours": _lifetime_hours()},
        None,
        [email],
    )


def _lifetime_hours() -> int:
    from django.conf import settings

    return settings.ALLIANCES_REGISTRATION_EXPIRY_HOURS


def _send_notice(request: HttpRequest, email: str) -> None:
    login = request.build_absolute_uri(reverse("login"))
    reset = request.build_absolute_uri(reverse("password_reset"))
    send_mail(
        _("Votre adresse a déjà un compte"),
        _(
            "Bonjour,\n\nQuelqu'un (vous, peut-être) a demandé à créer un compte sur la "
            "plateforme Alliances avec cette adresse, qui en a déjà un. Aucun autre compte "
            "n'a été créé.\n\nPour vous connecter : %(login)s\nMot de passe oublié : "
            "%(reset)s\n\nSi vous n'avez rien demandé, ignorez ce message.\n"
        )
        % {"login": login, "reset": reset},
        None,
        [email],
    )


class AlreadyRegistered(Exception):
    """The address got an account in the meantime (confirmed from another link)."""


def confirm(pending: PendingRegistration) -> AbstractBaseUser:
    """Create the account (or finish one never confirmed) with the pending registration's
    password; every other registration waiting for the address goes."""
    User = get_user_model()
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=pending.email).first()
        if user is not None and not is_unconfirmed(user):
            raise AlreadyRegistered
        if user is None:
            user = User(username=pending.email, email=pending.email)
        user.first_name, user.last_name = pending.first_name, pending.last_name
        user.password = pending.password
        user.is_active = True
        user.save()
        PendingRegistration.objects.filter(email__iexact=pending.email).delete()
    return user


def waiting_registration(email: str) -> bool:
    """Whether the address has a registration to finish (pending, or an old unconfirmed
    account): what a password reset explains instead of sending nothing."""
    user = account_for(email)
    if user is not None:
        return is_unconfirmed(user)
    return PendingRegistration.objects.live().filter(email__iexact=email).exists()


def send_how_to_finish(request: HttpRequest, email: str) -> None:
    register_url = request.build_absolute_uri(reverse("accounts:register"))
    send_mail(
        _("Terminez votre inscription"),
        _(
            "Bonjour,\n\nUn nouveau mot de passe a été demandé pour cette adresse, mais "
            "l'inscription n'a pas été confirmée : il n'y a pas encore de compte à "
            "réinitialiser.\n\nPour terminer, ouvrez le lien de confirmation reçu lors de "
            "l'inscription (valable %(hours)s heures), ou inscrivez-vous à nouveau avec "
            "cette adresse et le mot de passe de votre choix : %(register)s\n\nSi vous "
            "n'avez rien demandé, ignorez ce message.\n"
        )
        % {"register": register_url, "hours": _lifetime_hours()},
        None,
        [email],
    )
