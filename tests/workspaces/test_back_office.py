"""Opening a workspace in the admin: the alliance, then one of its partners as the
coordinator's organisation, coordinator by default, and an e-mail to the person."""

from django.core import mail

from alliances.base.models import Alliance, Organisation, Partner
from alliances.workspaces.models import Invitation, Membership, Workspace

ADD = "/admin/workspaces/workspace/add/"


def _alliance_with_partners():
    from alliances.referentials.models import Term

    alliance = Alliance.objects.create(
        kind="alliance", title="Insertion par le vélo", slug="insertion-velo", status="published"
    )
    profile = Term.objects.filter(taxonomy__key="actor_profiles").first()
    company = Organisation.objects.create(name="Cycles du Nord", profile=profile)
    association = Organisation.objects.create(name="Roue Libre", profile=profile)
    outsider = Organisation.objects.create(name="Hors alliance", profile=profile)
    Partner.objects.create(alliance=alliance, organisation=company, role="leader")
    Partner.objects.create(alliance=alliance, organisation=association, role="partner")
    return alliance, company, outsider


def test_two_steps_offer_the_partners_of_the_chosen_alliance(admin_client):
    alliance, company, outsider = _alliance_with_partners()
    first = admin_client.get(ADD)
    assert first.status_code == 200 and "Continuer" in first.content.decode()
    second = admin_client.post(ADD, {"alliance": alliance.pk, "step": "alliance"})
    html = second.content.decode()
    assert "Cycles du Nord" in html and "Roue Libre" in html and "Hors alliance" not in html
    assert 'value="coordinator" selected' in html  # the coordinator role by default
    assert not Workspace.objects.exists()


def test_an_existing_account_becomes_coordinator_and_is_told(admin_client, django_user_model):
    alliance, company, _ = _alliance_with_partners()
    person = django_user_model.objects.create_user(
        username="csr@example.org", email="csr@example.org", password="x"
    )
    response = admin_client.post(
        ADD,
        {
            "alliance": alliance.pk,
            "organisation": company.pk,
            "email": "CSR@example.org",
            "role": "coordinator",
            "language": "en",
            "step": "create",
        },
    )
    assert response.status_code == 302
    membership = Membership.objects.get()
    assert (membership.user, membership.organisation, membership.role) == (
        person,
        company,
        "coordinator",
    )
    assert membership.language == "en"
    assert [m.to for m in mail.outbox] == [["csr@example.org"]]
    assert "Partner workspace opened: Insertion par le vélo" == mail.outbox[0].subject
    assert "as coordinator" not in mail.outbox[0].body  # the role is named, not paraphrased
    assert "coordinat" in mail.outbox[0].body


def test_a_new_address_gets_an_invitation_naming_who_invites(admin_client, admin_user):
    admin_user.first_name, admin_user.last_name = "Inès", "Curatrice"
    admin_user.save()
    alliance, company, _ = _alliance_with_partners()
    admin_client.post(
        ADD,
        {
            "alliance": alliance.pk,
            "organisation": company.pk,
            "email": "nouveau@example.org",
            "role": "coordinator",
            "language": "fr",
            "step": "create",
        },
    )
    invitation = Invitation.objects.get()
    assert invitation.role == "coordinator" and invitation.organisation == company
    assert "Inès Curatrice" in mail.outbox[0].subject


def test_an_organisation_outside_the_alliance_is_refused(admin_client):
    alliance, _, outsider = _alliance_with_partners()
    response = admin_client.post(
        ADD,
        {
            "alliance": alliance.pk,
            "organisation": outsider.pk,
            "email": "x@example.org",
            "role": "coordinator",
            "language": "fr",
            "step": "create",
        },
    )
    assert response.status_code == 200
    assert not Workspace.objects.exists() and not mail.outbox
