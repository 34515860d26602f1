"""Item 4: contact relayed by e-mail, addresses revealed on the recipient's reply, limits,
abuse reports, personal data export and deletion."""

import pytest
from django.core import mail

from alliances.accounts.personal_data import personal_data
from alliances.partners.models import AbuseReport, Conversation, Message


@pytest.fixture
def held(orgs, people, represent):
    represent(people["company"], orgs["company"])
    represent(people["asso"], orgs["asso"])
    return orgs


def _write(client, org, body="Bonjour, pouvons-nous en parler ?"):
    return client.post(f"/partenaires/organisations/{org.pk}/contacter/", {"body": body})


def test_first_message_is_relayed_without_addresses(held, people, as_user):
    mail.outbox.clear()
    response = _write(as_user(people["asso"]), held["company"])
    talk = Conversation.objects.get()
    assert response["Location"] == talk.get_absolute_url()
    assert talk.sender_organisation == held["asso"]
    [message] = mail.outbox
    assert message.to == ["rse@entreprise-essai.example"]
    assert "Bonjour, pouvons-nous en parler ?" in message.body
    assert "presidente@asso-essai.example" not in message.body + message.subject
    assert "asso-essai" not in str(message.from_email) + str(message.reply_to)
    # Neither side sees an address on the page before the reply.
    page = as_user(people["company"]).get(talk.get_absolute_url()).content.decode()
    assert "presidente@asso-essai.example" not in page


def test_the_reply_reveals_both_addresses(held, people, as_user):
    _write(as_user(people["asso"]), held["company"])
    talk = Conversation.objects.get()
    mail.outbox.clear()
    company = as_user(people["company"])
    company.post(talk.get_absolute_url(), {"body": "Avec plaisir."})
    talk.refresh_from_db()
    assert talk.replied_by == people["company"] and talk.replied_at
    [message] = mail.outbox
    assert message.to == ["presidente@asso-essai.example"]
    assert "rse@entreprise-essai.example" in message.body
    page = as_user(people["asso"]).get(talk.get_absolute_url()).content.decode()
    assert "rse@entreprise-essai.example" in page and "presidente@asso-essai.example" in page


def test_the_sender_writing_again_does_not_reveal(held, people, as_user):
    client = as_user(people["asso"])
    _write(client, held["company"])
    talk = Conversation.objects.get()
    mail.outbox.clear()
    client.post(talk.get_absolute_url(), {"body": "Je me permets de relancer."})
    talk.refresh_from_db()
    assert talk.replied_at is None
    assert "presidente@asso-essai.example" not in mail.outbox[0].body


def test_strangers_do_not_see_a_conversation(held, people, as_user, client_fr):
    _write(as_user(people["asso"]), held["company"])
    talk = Conversation.objects.get()
    assert as_user(people["stranger"]).get(talk.get_absolute_url()).status_code == 404
    assert client_fr.get(talk.get_absolute_url()).status_code == 302


def test_no_representative_no_message(orgs, people, as_user):
    response = _write(as_user(people["stranger"]), orgs["company"])
    assert "pas encore de représentant" in response.content.decode()
    assert not Conversation.objects.exists()


def test_daily_limit(held, people, as_user, settings):
    settings.ALLIANCES_PARTNERS_CONTACTS_PER_DAY = 2
    client = as_user(people["stranger"])
    for _ in range(2):
        assert _write(client, held["company"]).status_code == 302
    response = _write(client, held["company"])
    assert "limite de 2 nouveaux contacts par jour" in response.content.decode()
    assert Conversation.objects.count() == 2


def test_honeypot(held, people, as_user):
    client = as_user(people["stranger"])
    client.post(
        f"/partenaires/organisations/{held['company'].pk}/contacter/",
        {"body": "spam", "website_url": "http://spam"},
    )
    assert not Conversation.objects.exists()


def test_report_abuse(held, people, as_user):
    _write(as_user(people["stranger"]), held["company"], body="Achetez nos pilules")
    talk = Conversation.objects.get()
    company = as_user(people["company"])
    company.post(f"/partenaires/conversations/{talk.pk}/signaler/", {"reason": "Publicité"})
    assert AbuseReport.objects.get().reporter == people["company"]
    queue = as_user(people["curator"]).get("/partenaires/moderation/").content.decode()
    assert "Publicité" in queue


def test_messages_in_both_exports_and_gone_with_the_account(held, people, as_user):
    _write(as_user(people["asso"]), held["company"], body="Premier message")
    talk = Conversation.objects.get()
    as_user(people["company"]).post(talk.get_absolute_url(), {"body": "Réponse"})
    mine = personal_data(people["asso"])["partner_conversations"]
    theirs = personal_data(people["company"])["partner_conversations"]
    assert [m["body"] for m in mine[0]["messages"]] == ["Premier message", "Réponse"]
    assert [m["mine"] for m in theirs[0]["messages"]] == [False, True]
    assert personal_data(people["asso"])["organisation_claims"][0]["status"] == "approved"
    people["company"].delete()
    assert list(Message.objects.values_list("body", flat=True)) == ["Premier message"]
    people["asso"].delete()
    assert not Conversation.objects.exists() and not Message.objects.exists()
