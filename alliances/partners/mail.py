"""E-mails of "Faire alliance", through Django's mail backend (locmem in tests).

A failing mail server never loses what was asked: the request is stored first and the
curators' queue shows it anyway.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def _url(name: str, *args: object) -> str:
    return settings.ALLIANCES_SITE_URL + reverse(name, args=args)


def _send(subject: str, body: str, to: list[str], bcc: list[str] | None = None) -> int:
    try:
        return EmailMessage(subject, body, None, to, bcc=bcc or []).send()
    except OSError:  # smtplib's errors are OSErrors
        logger.exception("partners: message %r not sent", subject)
        return 0


def tell_curators(subject: str, text: str) -> int:
    emails = sorted(
        set(
            get_user_model()
            .objects.filter(is_staff=True, is_active=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
    )
    if not emails:
        return 0
    queue = _("File des curateurs")
    body = f"{text}\n\n{queue} : {_url('partners:queue')}\n"
    # One message, the curators in Bcc: none sees the others' addresses.
    _send(f"[Alliances] {subject}", body, [], bcc=emails)
    return len(emails)


def claim_decided(claim: object) -> int:
    approved = claim.status == "approved"
    subject = (
        _("Vous représentez désormais %(name)s")
        if approved
        else _("Votre demande pour %(name)s n'a pas été acceptée")
    ) % {"name": claim.organisation.name}
    body = f"{subject}\n\n{_url('base:organisation', claim.organisation.pk)}\n"
    return _send(f"[Alliances] {subject}", body, [claim.user.email])


def workspace_refused(request: object) -> int:
    subject = _("Votre demande d'espace partenaires pour « %(title)s » n'a pas été acceptée") % {
        "title": request.alliance.title
    }
    body = f"{subject}\n\n{_url('base:alliance', request.alliance.slug)}\n"
    return _send(f"[Alliances] {subject}", body, [request.user.email])


def relay(conversation: object, message: object, recipients: list[str], reveal: str) -> int:
    """One e-mail per recipient, from the platform: no address is shown unless `reveal`."""
    subject = _("Nouveau message de %(sender)s via Alliances") % {
        "sender": conversation.sender_organisation or _("un membre de la plateforme")
    }
    lines = [
        message.body,
        "",
        _("Répondre sur la plateforme : %(url)s")
        % {"url": settings.ALLIANCES_SITE_URL + conversation.get_absolute_url()},
    ]
    if reveal:
        lines += ["", _("Adresse de votre correspondant : %(email)s") % {"email": reveal}]
    else:
        lines += [
            "",
            _(
                "Les adresses e-mail restent cachées tant que le destinataire n'a pas répondu "
                "sur la plateforme."
            ),
        ]
    sent = 0
    for email in recipients:
        sent += _send(f"[Alliances] {subject}", "\n".join(str(x) for x in lines), [email])
    return sent
