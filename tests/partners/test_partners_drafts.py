"""Item 5: from a conversation to a draft alliance with its workspace; curators publish it
when the partners ask."""

import pytest
from django.core import mail

from alliances.base.models import Alliance
from alliances.partners.models import Conversation, Message
from alliances.workspaces.models import Invitation, Membership


@pytest.fixture
def replied(orgs, people, represent):
    from django.utils import timezone

    represent(people["company"], orgs["company"])
    represent(people["asso"], orgs["asso"])
    talk = Conversation.objects.create(
        sender=people["asso"],
        sender_organisation=orgs["asso"],
        recipient=orgs["company"],
        replied_at=timezone.now(),
        replied_by=people["company"],
    )
    Message.objects.create(conversation=talk, author=people["asso"], body="Bonjour")
    return talk


def test_not_before_the_reply(orgs, people, as_user, replied):
    Conversation.objects.filter(pk=replied.pk).update(replied_at=None, replied_by=None)
    client = as_user(people["asso"])
    assert "une alliance" not in client.get(replied.get_absolute_url()).content.decode()
    client.post(f"/partenaires/conversations/{replied.pk}/alliance/", {"title": "Essai"})
    assert not Alliance.objects.filter(title="Essai").exists()


def test_draft_alliance_with_workspace_then_published(orgs, people, as_user, replied):
    client = as_user(people["company"])  # the recipient's side can do it too
    mail.outbox.clear()
    response = client.post(
        f"/partenaires/conversations/{replied.pk}/alliance/",
        {"title": "Comptes solidaires", "summary": "Des comptables pour l'association."},
    )
    alliance = Alliance.objects.get(title="Comptes solidaires")
    assert alliance.status == "draft"
    assert response["Location"] == alliance.workspace.get_absolute_url()
    assert set(alliance.partners.values_list("organisation__name", flat=True)) == {
        "Association d'essai",
        "Entreprise d'essai",
    }
    member = Membership.objects.get(workspace__alliance=alliance)
    assert member.user == people["company"] and member.role == "coordinator"
    invitation = Invitation.objects.get(workspace__alliance=alliance)
    assert invitation.email == "presidente@asso-essai.example"
    assert invitation.organisation == orgs["asso"]
    assert any("presidente@asso-essai.example" in m.to for m in mail.outbox)
    # Private until published.
    assert as_user(people["stranger"]).get(alliance.get_absolute_url()).status_code == 404
    # Only once.
    client.post(f"/partenaires/conversations/{replied.pk}/alliance/", {"title": "Encore"})
    assert not Alliance.objects.filter(title="Encore").exists()
    # The partners ask; a curator publishes.
    as_user(people["asso"]).post(f"/partenaires/conversations/{replied.pk}/publication/")
    alliance.refresh_from_db()
    assert alliance.status == "review"
    curator = as_user(people["curator"])
    assert "Comptes solidaires" in curator.get("/partenaires/moderation/").content.decode()
    curator.post(f"/partenaires/moderation/alliance/{alliance.pk}/", {"decision": "approve"})
    alliance.refresh_from_db()
    assert alliance.status == "published" and alliance.published_at
    assert as_user(people["stranger"]).get(alliance.get_absolute_url()).status_code == 200
    assert list(alliance.history.values_list("action", flat=True)) == [
        "published",
        "review",
        "created",
    ]


def test_strangers_cannot(orgs, people, as_user, replied):
    response = as_user(people["stranger"]).post(
        f"/partenaires/conversations/{replied.pk}/alliance/", {"title": "Intrus"}
    )
    assert response.status_code == 404
    assert not Alliance.objects.filter(title="Intrus").exists()
