"""E-mails of "Faire alliance", through Django's mail backend (locmem in tests).

A failing mail server never loses what was asked: the request is stored first and the
curators' queue shows it anyway.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, translation
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


def _link(path: str) -> str:
    return settings.ALLIANCES_SITE_URL + path


def reminder(conversation: object, recipients: list[str], stage: int) -> int:
    subject = _("Rappel : un message attend votre réponse")
    body = "\n".join(
        [
            _(
                "Une organisation vous a écrit par la plateforme Alliances il y a plus de "
                "%(days)s jours. Une réponse courte suffit, même pour dire non."
            )
            % {"days": 7 * stage},
            "",
            _link(conversation.get_absolute_url()),
        ]
    )
    return sum(_send(f"[Alliances] {subject}", body, [email]) for email in recipients)


def escalated(conversation: object, recipients: list[str]) -> int:
    """To the territory's facilitator: who wrote to whom, when; never the message itself."""
    subject = _("Une demande reste sans réponse : %(name)s") % {"name": conversation.recipient.name}
    body = "\n".join(
        [
            _(
                "%(sender)s a écrit à %(recipient)s le %(date)s ; deux rappels sont restés "
                "sans réponse. Pouvez-vous faire le lien ?"
            )
            % {
                "sender": conversation.sender_organisation or _("un membre de la plateforme"),
                "recipient": conversation.recipient.name,
                "date": conversation.created_at.date().isoformat(),
            },
            "",
            _link(reverse("partners:facilitation")),
        ]
    )
    if not recipients:
        return 0
    return _send(f"[Alliances] {subject}", body, [], bcc=recipients)


def followup(conversation: object, recipients: list[str]) -> int:
    subject = _("Votre mise en relation a-t-elle donné un partenariat ?")
    body = "\n".join(
        [
            _("Dites-le en un clic sur la page de la mise en relation :"),
            _link(conversation.get_absolute_url()),
        ]
    )
    return sum(_send(f"[Alliances] {subject}", body, [email]) for email in recipients)


def expiry_notice(listing: object) -> int:
    subject = _("« %(title)s » expire bientôt") % {"title": listing.title}
    body = "\n".join(
        [
            _("Confirmez-le s'il tient toujours, ou fermez-le :"),
            _link(listing.get_absolute_url()),
        ]
    )
    return _send(f"[Alliances] {subject}", body, [listing.author.email])


def introduction(first: object, second: object, note: str, recipients: list[str]) -> int:
    """A facilitator introduces two organisations: links to each other's page, no address."""
    subject = _("Mise en relation : %(a)s et %(b)s") % {"a": first.name, "b": second.name}
    body = "\n".join(
        [
            note,
            "",
            f"{first.name} : {_link(first.get_absolute_url())}",
            f"{second.name} : {_link(second.get_absolute_url())}",
            "",
            _("Écrivez-vous par la plateforme depuis la page de l'organisation."),
        ]
    )
    return sum(_send(f"[Alliances] {subject}", body, [email]) for email in recipients)


def profile_confirmation(organisation: object, email: str, language: str, stale_on: object) -> int:
    """Before a profile goes stale: confirm it or correct it (in the recipient's language)."""
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = _("Le profil de %(name)s est-il toujours à jour ?") % {"name": organisation.name}
        body = "\n".join(
            [
                _(
                    "Vous représentez %(name)s sur la plateforme Alliances. Sans confirmation "
                    "d'ici le %(date)s, son profil ne sera plus proposé comme partenaire "
                    "possible, jusqu'à ce que vous le confirmiez."
                )
                % {
                    "name": organisation.name,
                    "date": formats.date_format(stale_on, "DATE_FORMAT"),
                },
                "",
                _("Confirmez-le ou corrigez-le depuis sa page :"),
                _link(organisation.get_absolute_url()),
            ]
        )
        return _send(f"[Alliances] {subject}", body, [email])
