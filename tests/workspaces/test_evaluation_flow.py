"""A campaign from opening to the report: answers hidden until the campaign closes."""

import subprocess

import pytest
from django.core import mail

from alliances.evaluation.models import Campaign, Response


def _answers(value: int, dont_know: tuple = ()) -> dict:
    from alliances.evaluation.questionnaire import load_questionnaire

    data = {q["key"]: str(value) for q in load_questionnaire()["questions"]}
    for key in dont_know:
        data[key] = ""
    return data


def test_campaign_flow(as_user, people, workspace):
    coordinator = as_user(people["coordinator"])
    assert (
        coordinator.post(f"/espaces/{workspace.pk}/evaluations/", {"year": 2025}).status_code == 302
    )
    campaign = Campaign.objects.get(workspace=workspace, year=2025)
    url = f"/espaces/{workspace.pk}/evaluations/2025/"

    assert coordinator.post(url, _answers(5)).status_code == 302
    member_b = as_user(people["member_b"])
    page = member_b.get(url).content.decode()
    assert "Association A : a répondu" in page
    assert "Regards croisés" not in page  # nothing of A's answers before closing
    assert member_b.post(url, _answers(1, dont_know=("produit_resultats",))).status_code == 302
    assert (
        Response.objects.get(campaign=campaign, organisation=workspace.org_b).answers[
            "produit_resultats"
        ]
        is None
    )

    assert coordinator.post(f"{url}cloture/").status_code == 302
    page = member_b.get(url).content.decode()
    assert "Regards croisés par axe" in page
    assert "Points à discuter ensemble" in page
    assert "<svg" in page and "Voir les données du graphique" in page


def test_tampered_answer_is_refused_and_nothing_is_saved(as_user, people, workspace):
    coordinator = as_user(people["coordinator"])
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/", {"year": 2025})
    answers = _answers(4)
    answers["equilibre_decisions"] = "9"
    response = coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/", answers)
    assert response.status_code == 400
    assert "Certaines réponses ne sont pas valides" in response.content.decode()
    assert not Response.objects.exists()


def test_report_pdf_is_a_real_pdf(as_user, people, workspace, tmp_path):
    coordinator = as_user(people["coordinator"])
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/", {"year": 2025})
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/", _answers(4))
    as_user(people["member_b"]).post(f"/espaces/{workspace.pk}/evaluations/2025/", _answers(2))
    coordinator = as_user(people["coordinator"])
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/cloture/")
    response = coordinator.get(f"/espaces/{workspace.pk}/evaluations/2025/rapport.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    try:
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    except FileNotFoundError:
        pytest.skip("pdftotext not installed")
    text = " ".join(text.split())
    assert "Alliance d'essai" in text
    assert "Points à discuter ensemble" in text
    assert "1/2" in text or "1 / 2" in text  # page numbers


def test_invitation_by_email_link(as_user, people, workspace, client):
    coordinator = as_user(people["coordinator"])
    response = coordinator.post(
        f"/espaces/{workspace.pk}/invitations/",
        {"email": "nouvelle@example.org", "organisation": workspace.org_b.pk, "role": "member"},
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/espaces/invitation/" in line)
    path = link[link.index("/espaces/") :]
    client.logout()
    form = client.get(path)
    assert form.status_code == 200 and "nouvelle@example.org" in form.content.decode()
    weak = client.post(path, {"first_name": "N", "last_name": "P", "password": "123"})
    assert weak.status_code == 200  # the form says why, nothing created
    joined = client.post(
        path, {"first_name": "Nina", "last_name": "P", "password": "une-phrase-longue-2026"}
    )
    assert joined.status_code == 302
    assert workspace.members.filter(
        user__email="nouvelle@example.org", organisation=workspace.org_b
    ).exists()
    assert client.get(path).status_code == 410  # used once


def test_invitation_only_for_partners_of_the_alliance(as_user, people, workspace):
    from alliances.base.models import Organisation

    outsider = Organisation.objects.create(name="Hors alliance", profile=workspace.org_a.profile)
    response = as_user(people["coordinator"]).post(
        f"/espaces/{workspace.pk}/invitations/",
        {"email": "x@example.org", "organisation": outsider.pk, "role": "member"},
    )
    assert response.status_code == 400
    assert not mail.outbox


def test_workspace_pages_in_english(as_user, people, workspace):
    client = as_user(people["coordinator"])
    page = client.get(f"/espaces/{workspace.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Partner workspace · Alliance d&#x27;essai" in page
    assert "Invite a partner" in page
    model = client.get(f"/espaces/{workspace.pk}/modele/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Socio-economic model" in model.content.decode()
