"""Item 6: workspaces on request from the alliance page."""

from django.core import mail

from alliances.partners.models import WorkspaceRequest
from alliances.workspaces.models import Membership, Workspace


def test_the_alliance_page_offers_the_workspace_block(client_fr, alliance, people, as_user):
    page = client_fr.get(alliance.get_absolute_url()).content.decode()
    assert "Espace partenaires" in page
    assert "Se connecter pour demander l'espace" in page
    page = as_user(people["stranger"]).get(alliance.get_absolute_url()).content.decode()
    assert "Demander l'espace partenaires" in page
    assert "Association d&#x27;essai" in page  # the partners to choose from


def test_a_matching_email_domain_opens_the_workspace_at_once(alliance, orgs, people, as_user):
    client = as_user(people["asso"])
    response = client.post(
        f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["asso"].pk}
    )
    workspace = Workspace.objects.get(alliance=alliance)
    assert response.status_code == 302 and response["Location"] == workspace.get_absolute_url()
    member = Membership.objects.get(workspace=workspace)
    assert member.user == people["asso"] and member.role == "coordinator"
    assert member.organisation == orgs["asso"]
    assert WorkspaceRequest.objects.get().via == "domain"
    # The page now leads members to the workspace.
    page = client.get(alliance.get_absolute_url()).content.decode()
    assert workspace.get_absolute_url() in page


def test_otherwise_a_curator_decides(alliance, orgs, people, as_user):
    client = as_user(people["stranger"])
    client.post(f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["company"].pk})
    request = WorkspaceRequest.objects.get()
    assert request.status == "pending" and not Workspace.objects.exists()
    assert any("curateur@example.org" in m.bcc for m in mail.outbox)
    page = client.get(alliance.get_absolute_url()).content.decode()
    assert "attend la réponse d" in page
    # Only curators decide.
    assert client.post(f"/partenaires/moderation/espace/{request.pk}/").status_code == 403
    curator = as_user(people["curator"])
    assert "Entreprise d&#x27;essai" in curator.get("/partenaires/moderation/").content.decode()
    curator.post(f"/partenaires/moderation/espace/{request.pk}/", {"decision": "approve"})
    request.refresh_from_db()
    assert request.status == "approved" and request.decided_by == people["curator"]
    membership = Membership.objects.get(workspace__alliance=alliance)
    assert membership.user == people["stranger"] and membership.organisation == orgs["company"]


def test_a_refusal_is_told(alliance, orgs, people, as_user):
    as_user(people["stranger"]).post(
        f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["company"].pk}
    )
    request = WorkspaceRequest.objects.get()
    mail.outbox.clear()
    as_user(people["curator"]).post(
        f"/partenaires/moderation/espace/{request.pk}/", {"decision": "refuse"}
    )
    request.refresh_from_db()
    assert request.status == "refused" and not Workspace.objects.exists()
    assert mail.outbox[0].to == ["quelquun@gmail.com"]


def test_only_partners_of_a_published_alliance(alliance, orgs, people, as_user):
    from alliances.base.models import Organisation

    other = Organisation.objects.create(name="Autre", profile=orgs["asso"].profile)
    client = as_user(people["asso"])
    client.post(f"/partenaires/espace/{alliance.slug}/", {"organisation": other.pk})
    assert not WorkspaceRequest.objects.exists()
    alliance.status = "draft"
    alliance.save()
    response = client.post(
        f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["asso"].pk}
    )
    assert response.status_code == 404


def test_no_second_workspace(alliance, orgs, people, as_user):
    Workspace.objects.create(alliance=alliance)
    client = as_user(people["asso"])
    page = client.get(alliance.get_absolute_url()).content.decode()
    assert "Demander l'espace partenaires" not in page
    client.post(f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["asso"].pk})
    assert not WorkspaceRequest.objects.exists()


def test_anonymous_cannot_ask(client_fr, alliance, orgs):
    response = client_fr.post(
        f"/partenaires/espace/{alliance.slug}/", {"organisation": orgs["asso"].pk}
    )
    assert response.status_code == 302 and "/comptes/login/" in response["Location"]


def test_home_and_navigation_lead_to_the_workspaces(client_fr, db):
    page = client_fr.get("/").content.decode()
    assert 'href="/espaces/"' in page
    assert 'href="/partenaires/"' in page
