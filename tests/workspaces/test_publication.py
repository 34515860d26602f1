"""Nothing is public until every partner organisation agreed; each is asked and told; any may
withdraw. The public page shows what each published figure rests on."""

from html import unescape

from django.core import mail

from alliances.economics.models import ContributionEntry, OutcomeEntry
from alliances.workspaces.models import Consent, PublicationRequest

ADJUSTED = {
    "deadweight": 20,
    "displacement": 0,
    "attribution": 25,
    "adjustments_reason": "Enquête auprès des bénéficiaires",
}


def _model(workspace, adjusted=True):
    ContributionEntry.objects.create(
        workspace=workspace, organisation=workspace.org_a, year=2025, kind="money", amount=2000
    )
    OutcomeEntry.objects.create(
        workspace=workspace,
        year=2025,
        label="Repas distribués",
        quantity=1000,
        unit="repas",
        unit_value=5,
        source="Prix d'un repas en restauration sociale",
        **(ADJUSTED if adjusted else {}),
    )


def _act(client, workspace, action, part="model"):
    return client.post(f"/espaces/{workspace.pk}/publication/", {"action": action, "part": part})


def test_a_part_is_published_only_when_every_partner_agreed(as_user, people, workspace, client):
    _model(workspace)
    coordinator = as_user(people["coordinator"])
    assert _act(coordinator, workspace, "request").status_code == 302
    request = PublicationRequest.objects.get()
    # Association A (the coordinator's organisation) agreed by asking; Entreprise B is asked.
    decisions = {c.organisation.name: c.decision for c in request.consents.all()}
    assert decisions == {"Association A": "agreed", "Entreprise B": "pending"}
    assert [m.to for m in mail.outbox] == [[people["member_b"].email]]
    assert "Votre accord est demandé" in mail.outbox[0].subject
    workspace.refresh_from_db()
    assert not workspace.publish_model
    page = client.get(workspace.alliance.get_absolute_url()).content.decode()
    assert "Repas distribués" not in page

    mail.outbox.clear()
    assert _act(as_user(people["member_b"]), workspace, "agree").status_code == 302
    workspace.refresh_from_db()
    assert workspace.publish_model
    assert len(mail.outbox) == 3  # every member is told
    assert all("publiée" in m.subject for m in mail.outbox)

    page = unescape(client.get(workspace.alliance.get_absolute_url()).content.decode())
    # Beside each figure, what it rests on: quantity × unit value, adjustments and source.
    assert "1\xa0000 repas × 5 €" in page
    assert "20 % / 0 % / 25 %" in page
    assert "Prix d'un repas en restauration sociale" in page
    assert "publié avec l'accord de chacune de leurs organisations" in page
    # The base's record above says "Résultats non renseignés": the section says why it differs.
    assert "Résultats non renseignés" in page
    assert "ne renseigne pas encore de résultats ; ceux qui suivent sont déclarés" in page
    # 1,000 × 5 × 0.8 × 0.75 = 3,000 created for 2,000 mobilised.
    assert "3\xa0000 €" in page and "2\xa0000 €" in page and "1,50 €" in page


def test_one_refusal_stops_the_publication_and_everyone_is_told(as_user, people, workspace):
    _model(workspace)
    _act(as_user(people["coordinator"]), workspace, "request")
    mail.outbox.clear()
    _act(as_user(people["member_b"]), workspace, "refuse")
    request = PublicationRequest.objects.get()
    assert request.status == "refused"
    workspace.refresh_from_db()
    assert not workspace.publish_model
    assert len(mail.outbox) == 3
    assert "Entreprise B n'a pas donné son accord" in mail.outbox[0].body


def test_any_partner_can_withdraw_a_published_part(as_user, people, workspace):
    _model(workspace)
    _act(as_user(people["coordinator"]), workspace, "request")
    _act(as_user(people["member_b"]), workspace, "agree")
    mail.outbox.clear()
    assert _act(as_user(people["member_b"]), workspace, "withdraw").status_code == 302
    workspace.refresh_from_db()
    assert not workspace.publish_model
    assert PublicationRequest.objects.get().status == "withdrawn"
    assert "member-b@example.org a retiré" in mail.outbox[0].body


def test_only_a_coordinator_proposes_and_only_members_answer(as_user, people, workspace):
    _model(workspace)
    assert _act(as_user(people["member_b"]), workspace, "request").status_code == 403
    assert _act(as_user(people["stranger"]), workspace, "request").status_code == 404
    assert not PublicationRequest.objects.exists()


def test_a_model_without_its_adjustments_cannot_be_proposed(as_user, people, workspace):
    _model(workspace, adjusted=False)
    response = as_user(people["coordinator"]).post(
        f"/espaces/{workspace.pk}/publication/",
        {"action": "request", "part": "model"},
        follow=True,
    )
    assert "Repas distribués" in unescape(response.content.decode())  # named in the message
    assert not PublicationRequest.objects.exists()
    assert not mail.outbox


def test_partners_without_a_member_are_named_on_the_publication_page(as_user, people, workspace):
    from alliances.base.models import Organisation, Partner

    commune = Organisation.objects.create(name="Commune C", profile=workspace.org_a.profile)
    Partner.objects.create(alliance=workspace.alliance, organisation=commune, role="partner")
    page = as_user(people["member_b"]).get(f"/espaces/{workspace.pk}/publication/")
    html = page.content.decode()
    assert "Commune C" in html and "sans membre dans l" in html
    assert Consent.objects.count() == 0
