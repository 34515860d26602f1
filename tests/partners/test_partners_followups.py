"""Items 7 and 8: reminders after 7 and 14 days, then the territory's facilitator; questions
after one and three months; facilitators' page, introductions and checks."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alliances.partners import followups
from alliances.partners.models import Conversation, Facilitator, Introduction, Listing, Message
from alliances.territories.models import Territory


@pytest.fixture
def talk(orgs, people, represent):
    represent(people["company"], orgs["company"])
    conversation = Conversation.objects.create(
        sender=people["asso"], sender_organisation=orgs["asso"], recipient=orgs["company"]
    )
    Message.objects.create(conversation=conversation, author=people["asso"], body="Bonjour")
    return conversation


@pytest.fixture
def facilitator(db):
    user = get_user_model().objects.create_user(
        username="facilitatrice@example.org", email="facilitatrice@example.org"
    )
    Facilitator.objects.create(
        user=user, territory=Territory.objects.get(level="departement", code="69")
    )
    return user


def _age(conversation, days):
    Conversation.objects.filter(pk=conversation.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )


def test_never_before_seven_days(talk):
    _age(talk, 6)
    mail.outbox.clear()
    assert followups.run().reminders == 0 and not mail.outbox


def test_staged_reminders_then_the_facilitator(talk, facilitator):
    _age(talk, 8)
    mail.outbox.clear()
    assert followups.run().reminders == 1
    assert mail.outbox[0].to == ["rse@entreprise-essai.example"]
    assert followups.run().reminders == 0  # idempotent
    _age(talk, 15)
    assert followups.run().reminders == 1
    assert followups.run().escalations == 0  # not before 21 days
    _age(talk, 22)
    mail.outbox.clear()
    sent = followups.run()
    assert sent.escalations == 1
    [message] = mail.outbox
    assert message.bcc == ["facilitatrice@example.org"]
    assert "Bonjour" not in message.body  # the message itself stays between the parties
    talk.refresh_from_db()
    assert talk.reminders_sent == 2 and talk.escalated_at


def test_without_facilitator_the_curators(talk):
    Conversation.objects.filter(pk=talk.pk).update(reminders_sent=2)
    _age(talk, 22)
    mail.outbox.clear()
    followups.run()
    assert mail.outbox[0].bcc == ["curateur@example.org"]


def test_a_reply_stops_the_reminders(talk, people):
    Conversation.objects.filter(pk=talk.pk).update(replied_at=timezone.now())
    _age(talk, 30)
    sent = followups.run()
    assert sent.reminders == 0 and sent.escalations == 0


def test_after_one_month_both_are_asked(talk, people, as_user):
    Conversation.objects.filter(pk=talk.pk).update(
        replied_at=timezone.now(), replied_by=people["company"]
    )
    _age(talk, 31)
    mail.outbox.clear()
    assert followups.run().followups == 1
    assert sorted(m.to[0] for m in mail.outbox if "partenariat" in m.subject) == [
        "presidente@asso-essai.example",
        "rse@entreprise-essai.example",
    ]
    client = as_user(people["asso"])
    assert "a-t-elle donné un partenariat" in client.get(talk.get_absolute_url()).content.decode()
    client.post(f"/partenaires/conversations/{talk.pk}/partenariat/", {"started": "yes"})
    talk.refresh_from_db()
    assert talk.partnership_started is True
    _age(talk, 92)
    assert followups.run().followups == 0  # answered: no second question
    funnel = as_user(people["curator"]).get("/partenaires/moderation/").context["funnel"]
    row = next(r for r in funnel if r["region"].code == "84")
    assert row["contacts"] == 1 and row["replies"] == 1 and row["partnerships"] == 1


def test_expiry_notice_once(orgs, people):
    Listing.objects.create(
        organisation=orgs["asso"],
        author=people["asso"],
        direction="need",
        kind="locaux",
        title="Une salle",
        description="x",
        status="published",
        expires_at=timezone.now() + timedelta(days=10),
    )
    mail.outbox.clear()
    assert followups.run().expiry_notices == 1
    assert "Une salle" in mail.outbox[0].subject
    assert followups.run().expiry_notices == 0


def test_the_command(talk, capsys):
    _age(talk, 8)
    call_command("partners_followups")
    assert "reminders 1" in capsys.readouterr().out


def test_facilitator_page_introductions_and_checks(
    talk, facilitator, orgs, people, as_user, represent
):
    Conversation.objects.filter(pk=talk.pk).update(escalated_at=timezone.now())
    Listing.objects.create(
        organisation=orgs["asso"],
        direction="need",
        kind="locaux",
        title="Sans contact",
        description="x",
        status="published",
        territory=orgs["asso"].territory,
    )
    assert as_user(people["stranger"]).get("/partenaires/facilitation/").status_code == 403
    client = as_user(facilitator)
    page = client.get("/partenaires/facilitation/").content.decode()
    assert "Sans contact" in page and "Entreprise d&#x27;essai" in page
    assert "Bonjour" not in page
    represent(people["asso"], orgs["asso"])
    mail.outbox.clear()
    client.post(
        "/partenaires/facilitation/",
        {"first": orgs["asso"].pk, "second": orgs["company"].pk, "note": "Parlez-vous !"},
    )
    assert Introduction.objects.get().facilitator == facilitator
    assert sorted(m.to[0] for m in mail.outbox) == [
        "presidente@asso-essai.example",
        "rse@entreprise-essai.example",
    ]
    client.post(f"/partenaires/facilitation/verifier/{orgs['asso'].pk}/")
    orgs["asso"].partner_profile.refresh_from_db()
    assert orgs["asso"].partner_profile.verified_by == facilitator
    # Outside their territory: refused.
    paris = orgs["asso"].__class__.objects.create(
        name="Ailleurs",
        profile=orgs["asso"].profile,
        territory=Territory.objects.get(level="commune", code="75056"),
    )
    assert client.post(f"/partenaires/facilitation/verifier/{paris.pk}/").status_code == 403
