"""The e-mail telling a contributor what became of their proposal, in their language."""

import logging

from django.conf import settings
from django.core.mail import EmailMessage, send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from . import rules
from .models import Proposal
from .services import contributor_name

logger = logging.getLogger(__name__)


def answer_language(proposal: Proposal) -> str:
    """The language of the proposal's interface when it is one of ours, else French."""
    known = {code for code, _name in settings.LANGUAGES}
    language = (proposal.language or "")[:2].lower()
    return language if language in known else "fr"


def notify(proposal: Proposal, request: HttpRequest) -> bool:
    """Send the answer to the contributor; False when there is nobody to tell or the mail
    server failed (the moderation itself stands either way)."""
    user = proposal.contributor
    if user is None or not user.email:
        return False
    alliance = proposal.alliance
    context = {
        "proposal": proposal,
        "name": contributor_name(user),
        "title": rules.one_line(proposal.title, 300),
        "accepted": proposal.status == Proposal.Status.ACCEPTED,
        "correction": proposal.kind == Proposal.Kind.CORRECTION,
        "published": bool(alliance and alliance.is_published),
        "alliance_url": request.build_absolute_uri(alliance.get_absolute_url()) if alliance else "",
        "mine_url": request.build_absolute_uri(reverse("contributions:mine")),
        "edited": proposal.edited_at is not None,
    }
    with translation.override(answer_language(proposal)):
        subject = rules.one_line(render_to_string("contributions/email/subject.txt", context))
        body = render_to_string("contributions/email/answer.txt", context)
    try:
        send_mail(subject, body, None, [user.email])
    except OSError:  # smtplib's errors are OSErrors
        logger.exception("contribution %s: answer not sent", proposal.pk)
        return False
    return True


def tell_curators(proposal: Proposal, request: HttpRequest) -> int:
    """Tell the curators that a proposal waits in the queue; returns how many were told.

    A failing mail server never loses the proposal: it is stored first, and the queue shows
    it anyway."""
    from django.contrib.auth import get_user_model

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
    context = {
        "title": rules.one_line(proposal.title, 300),
        "correction": proposal.kind == Proposal.Kind.CORRECTION,
        "review_url": request.build_absolute_uri(
            reverse("contributions:review", args=[proposal.pk])
        ),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = rules.one_line(
            render_to_string("contributions/email/queued_subject.txt", context)
        )
        body = render_to_string("contributions/email/queued.txt", context)
    try:
        # One message, the curators in Bcc: none sees the others' addresses.
        EmailMessage(subject, body, None, [], bcc=emails).send()
    except OSError:  # smtplib's errors are OSErrors
        logger.exception("contribution %s: curators not told", proposal.pk)
        return 0
    return len(emails)
