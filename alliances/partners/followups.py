"""No request left unanswered: staged reminders, escalation to the territory's facilitator,
questions after one and three months, notices before a need or offer expires, and before
a profile goes stale (ADR 0155).

Run daily by `manage.py partners_followups`. Each step is idempotent (a counter or a date
on the row says what was sent), so a second run the same day sends nothing.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from alliances.base.models import Organisation
from alliances.territories.models import Territory

from . import freshness, mail, pool, services
from .models import Claim, Conversation, Decision, Facilitator, Listing, OrganisationProfile

# Days after the first message: a gentle reminder, a second one (never before), then the
# territory's facilitator (or the curators when the territory has none).
REMINDER_DAYS = (7, 14)
ESCALATION_DAYS = 21
# Days after the first message when both parties are asked whether a partnership started.
FOLLOWUP_DAYS = (30, 91)
EXPIRY_NOTICE_DAYS = 14
EXPECTED_REPLY_DAYS = REMINDER_DAYS[0]


@dataclass
class Sent:
    reminders: int = 0
    escalations: int = 0
    followups: int = 0
    expiry_notices: int = 0
    profile_notices: int = 0


def places_of(territory: Territory | None) -> list[int]:
    """The territory and every territory containing it (EPCI, département, région)."""
    if territory is None:
        return []
    ids = [territory.pk, territory.epci_id, territory.departement_id, territory.region_id]
    return [i for i in ids if i]


def facilitators_for(organisation: Organisation) -> list[AbstractBaseUser]:
    rows = Facilitator.objects.filter(
        territory_id__in=places_of(organisation.territory), user__is_active=True
    ).select_related("user")
    return [f.user for f in rows]


def is_facilitator(user: object) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return services.is_curator(user) or Facilitator.objects.filter(user=user).exists()


def _unanswered(now: datetime) -> object:
    return Conversation.objects.filter(replied_at__isnull=True).select_related(
        "recipient__territory"
    )


def remind(now: datetime, sent: Sent) -> None:
    for stage, days in enumerate(REMINDER_DAYS, start=1):
        due = _unanswered(now).filter(
            reminders_sent=stage - 1, created_at__lte=now - timedelta(days=days)
        )
        for talk in due:
            people = [u.email for u in services.representatives(talk.recipient)]
            mail.reminder(talk, people, stage)
            talk.reminders_sent = stage
            talk.save(update_fields=["reminders_sent"])
            sent.reminders += 1


def escalate(now: datetime, sent: Sent) -> None:
    due = _unanswered(now).filter(
        escalated_at__isnull=True,
        reminders_sent__gte=len(REMINDER_DAYS),
        created_at__lte=now - timedelta(days=ESCALATION_DAYS),
    )
    for talk in due:
        people = facilitators_for(talk.recipient) or list(
            get_user_model().objects.filter(is_staff=True, is_active=True)
        )
        mail.escalated(talk, [u.email for u in people if u.email])
        talk.escalated_at = now
        talk.save(update_fields=["escalated_at"])
        sent.escalations += 1


def ask_followups(now: datetime, sent: Sent) -> None:
    for stage, days in enumerate(FOLLOWUP_DAYS, start=1):
        due = Conversation.objects.filter(
            followups_sent=stage - 1,
            partnership_started__isnull=True,
            created_at__lte=now - timedelta(days=days),
        ).select_related("sender", "replied_by")
        for talk in due:
            people = [talk.sender.email]
            if talk.replied_by:
                people.append(talk.replied_by.email)
            mail.followup(talk, people)
            talk.followups_sent = stage
            talk.save(update_fields=["followups_sent"])
            sent.followups += 1


def notify_expiry(now: datetime, sent: Sent) -> None:
    due = Listing.objects.open().filter(
        expiry_reminded_at__isnull=True,
        expires_at__lte=now + timedelta(days=EXPIRY_NOTICE_DAYS),
        author__isnull=False,
    )
    for listing in due.select_related("author"):
        mail.expiry_notice(listing)
        listing.expiry_reminded_at = now
        listing.save(update_fields=["expiry_reminded_at"])
        sent.expiry_notices += 1


def notify_profiles(now: datetime, sent: Sent) -> None:
    """Ask the representatives of a profile about to go stale to confirm it: once per
    confirmation (the date of the notice is kept on the profile), each in their language."""
    due_before = now - (freshness.stale_after() - freshness.notice_before())
    signs = {k: v for k, v in freshness.last_signs().items() if v is not None and v <= due_before}
    if not signs:
        return
    reminded = dict(
        OrganisationProfile.objects.filter(organisation_id__in=list(signs)).values_list(
            "organisation_id", "stale_reminded_at"
        )
    )
    due = [k for k, v in signs.items() if reminded.get(k) is None or reminded[k] < v]
    claims = (
        Claim.objects.filter(
            organisation_id__in=due, status=Decision.APPROVED, user__is_active=True
        )
        .exclude(user__email="")
        .select_related("user", "organisation")
        .order_by("organisation_id", "pk")
    )
    for claim in claims:
        stale_on = freshness.stale_from(signs[claim.organisation_id])
        mail.profile_confirmation(claim.organisation, claim.user.email, claim.language, stale_on)
    for org_id in due:
        profile, _created = OrganisationProfile.objects.get_or_create(organisation_id=org_id)
        profile.stale_reminded_at = now
        profile.save(update_fields=["stale_reminded_at"])
        sent.profile_notices += 1


def run(now: datetime | None = None) -> Sent:
    now = now or timezone.now()
    sent = Sent()
    remind(now, sent)
    escalate(now, sent)
    ask_followups(now, sent)
    notify_expiry(now, sent)
    notify_profiles(now, sent)
    pool.prune()  # by the clock, not `now`: a process may still need a row a test dates ahead
    return sent


def answer_followup(user: AbstractBaseUser, talk: Conversation, started: bool) -> None:
    talk.partnership_started = started
    talk.save(update_fields=["partnership_started"])
