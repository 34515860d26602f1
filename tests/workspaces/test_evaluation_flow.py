"""A campaign from opening to the report: explicit answers, confirmation before closing,
"don't know" counted and shown, comments as the partners chose, e-mails to everyone."""

import re
import subprocess
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alliances.evaluation.models import Campaign, Response


def _open(client, workspace, year=2025, attributed="0"):
    return client.post(
        f"/espaces/{workspace.pk}/evaluations/", {"year": year, "comments_attributed": attributed}
    )


def test_opening_a_campaign_tells_every_member(as_user, people, workspace):
    coordinator = as_user(people["coordinator"])
    form = coordinator.get(f"/espaces/{workspace.pk}/evaluations/").content.decode()
    assert "sans le nom de leur organisation" in form  # the choice about comments
    assert _open(coordinator, workspace).status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        people[k].email for k in ("coordinator", "member_a", "member_b")
    )
    assert all("2025" in m.subject and "ouverte" in m.subject for m in mail.outbox)
    assert _open(coordinator, workspace).status_code == 400  # one campaign per year


def test_an_untouched_form_is_refused_and_a_draft_does_not_count(
    as_user, people, workspace, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace)
    url = f"/espaces/{workspace.pk}/evaluations/2025/"
    page = coordinator.get(url).content.decode()
    assert "checked" not in page  # nothing pre-selected, "don't know" included

    untouched = coordinator.post(url, {"action": "send"})
    assert untouched.status_code == 400
    assert "Choisissez une réponse" in untouched.content.decode()
    assert not Response.objects.exists()

    partial = {"produit_resultats": "4", "action": "draft"}
    assert coordinator.post(url, partial).status_code == 302
    response = Response.objects.get()
    assert response.answers == {"produit_resultats": 4} and not response.submitted
    page = as_user(people["member_b"]).get(url).content.decode()
    assert "Association A : brouillon commencé, pas encore envoyé" in page

    incomplete = coordinator.post(url, {**partial, "action": "send"})
    assert incomplete.status_code == 400
    assert not Response.objects.get().submitted
    assert coordinator.post(url, complete_answers(5)).status_code == 302
    assert Response.objects.get().submitted
    assert "Association A : a répondu" in as_user(people["member_b"]).get(url).content.decode()


def test_closing_asks_first_names_who_has_not_answered_and_can_be_undone(
    as_user, people, workspace, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace)
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/", complete_answers(4))
    mail.outbox.clear()
    close = f"/espaces/{workspace.pk}/evaluations/2025/cloture/"
    confirm = coordinator.get(close)
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "pas répondu" in html and "Entreprise B" in html
    assert Campaign.objects.get().is_open  # a GET closes nothing

    assert coordinator.post(close).status_code == 302
    campaign = Campaign.objects.get()
    assert not campaign.is_open and campaign.closed_by == people["coordinator"]
    assert len(mail.outbox) == 3 and "close" in mail.outbox[0].subject

    reopen = f"/espaces/{workspace.pk}/evaluations/2025/reouverture/"
    assert as_user(people["member_b"]).post(reopen).status_code == 403
    assert coordinator.post(reopen).status_code == 302
    assert Campaign.objects.get().is_open
    coordinator.post(close)
    Campaign.objects.update(closed_at=timezone.now() - timedelta(days=8))
    coordinator.post(reopen)
    assert not Campaign.objects.get().is_open  # too late: the results are final


def test_results_show_dont_know_levels_axes_horizons_and_comments(
    as_user, people, workspace, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace, attributed="0")
    url = f"/espaces/{workspace.pk}/evaluations/2025/"
    coordinator.post(url, {**complete_answers(5), "comment": "Très bonne dynamique."})
    member_b = as_user(people["member_b"])
    answers = complete_answers(1, dont_know=("produit_resultats",))
    assert member_b.post(url, {**answers, "comment": "La charge est lourde."}).status_code == 302
    assert Response.objects.get(organisation=workspace.org_b).answers["produit_resultats"] == "dk"
    coordinator.post(f"{url}cloture/")

    page = member_b.get(url).content.decode()
    assert "Regards croisés par axe" in page and "Points à discuter ensemble" in page
    assert "NSP" in page and "1 NSP" in page  # "don't know" counted and shown
    assert "regards divergents" in page and "level-divergent" in page  # words and colours
    assert "<caption>L&#x27;équilibre de la relation</caption>" in page  # one table per axis
    assert "horizon : environ 7 ans" in page and "environ 18 mois" in page
    assert "La charge est lourde." in page and "Très bonne dynamique." in page
    assert "<cite>" not in page  # comments shown without their organisation, as chosen
    assert "<svg" in page and "Voir les données du graphique" in page


def test_signed_comments_when_the_partners_chose_so(as_user, people, workspace, complete_answers):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace, attributed="1")
    url = f"/espaces/{workspace.pk}/evaluations/2025/"
    coordinator.post(url, {**complete_answers(4), "comment": "Nous tenons le cap."})
    coordinator.post(f"{url}cloture/")
    page = coordinator.get(f"{url}rapport/").content.decode()
    assert "<cite>Association A</cite>Nous tenons le cap." in page
    assert "Entreprise B" in page  # named among those who did not answer


def test_tampered_answer_is_refused_and_nothing_is_saved(
    as_user, people, workspace, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace)
    answers = complete_answers(4)
    answers["equilibre_decisions"] = "9"
    response = coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/", answers)
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_reminders_go_to_the_partners_who_have_not_answered(
    as_user, people, workspace, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace)
    coordinator.post(f"/espaces/{workspace.pk}/evaluations/2025/", complete_answers(4))
    mail.outbox.clear()
    remind = f"/espaces/{workspace.pk}/evaluations/2025/relance/"
    assert as_user(people["member_b"]).post(remind).status_code == 403
    assert coordinator.post(remind).status_code == 302
    assert [m.to for m in mail.outbox] == [[people["member_b"].email]]
    assert "Rappel" in mail.outbox[0].subject

    # The daily command reminds campaigns open for a week, at most once a week.
    mail.outbox.clear()
    Campaign.objects.update(
        opened_at=timezone.now() - timedelta(days=8),
        last_reminder_at=timezone.now() - timedelta(days=8),
    )
    call_command("send_campaign_reminders", verbosity=0)
    assert [m.to for m in mail.outbox] == [[people["member_b"].email]]
    call_command("send_campaign_reminders", verbosity=0)
    assert len(mail.outbox) == 1


def test_report_pdf_is_a_real_pdf_with_comments_and_dont_know(
    as_user, people, workspace, tmp_path, complete_answers
):
    coordinator = as_user(people["coordinator"])
    _open(coordinator, workspace)
    url = f"/espaces/{workspace.pk}/evaluations/2025/"
    coordinator.post(url, {**complete_answers(4), "comment": "Un partenariat utile."})
    as_user(people["member_b"]).post(url, complete_answers(2, dont_know=("impact_confiance",)))
    coordinator.post(f"{url}cloture/")
    response = coordinator.get(f"{url}rapport.pdf")
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
    assert "Un partenariat utile." in text and "NSP" in text
    assert re.search(r"1 ?/ ?[23]", text)  # page numbers


def test_invitation_names_who_invites_and_a_used_link_answers_sensibly(
    as_user, people, workspace, client
):
    people["coordinator"].first_name, people["coordinator"].last_name = "Marc", "Delattre"
    people["coordinator"].save()
    coordinator = as_user(people["coordinator"])
    response = coordinator.post(
        f"/espaces/{workspace.pk}/invitations/",
        {
            "email": "nouvelle@example.org",
            "organisation": workspace.org_b.pk,
            "role": "member",
            "language": "fr",
        },
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "Marc Delattre" in message.subject and "Marc Delattre (Association A)" in message.body
    link = next(line for line in message.body.splitlines() if "/espaces/invitation/" in line)
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
    # The link again: the new member goes to the workspace instead of an error.
    again = client.get(path)
    assert again.status_code == 302 and again["Location"] == f"/espaces/{workspace.pk}/"
    client.logout()
    anonymous = client.get(path)
    assert anonymous.status_code == 302 and "/comptes/login/" in anonymous["Location"]
    stranger = as_user(people["stranger"]).get(path)
    assert stranger.status_code == 200 and "déjà acceptée" in stranger.content.decode()


def test_invitation_in_english_and_the_member_keeps_the_language(
    as_user, people, workspace, client
):
    as_user(people["coordinator"]).post(
        f"/espaces/{workspace.pk}/invitations/",
        {
            "email": "guest@example.org",
            "organisation": workspace.org_b.pk,
            "role": "member",
            "language": "en",
        },
    )
    message = mail.outbox[0]
    assert "invites you to the partner workspace" in message.subject
    path = message.body[message.body.index("/espaces/invitation/") :].split()[0]
    client.post(
        path,
        {"first_name": "Grace", "last_name": "H", "password": "une-phrase-longue-2026"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    member = workspace.members.get(user__email="guest@example.org")
    assert member.language == "en"
    mail.outbox.clear()
    _open(as_user(people["coordinator"]), workspace)
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert "opened" in subjects["guest@example.org"]
    assert "ouverte" in subjects[people["member_b"].email]


def test_invitation_only_for_partners_of_the_alliance(as_user, people, workspace):
    from alliances.base.models import Organisation

    outsider = Organisation.objects.create(name="Hors alliance", profile=workspace.org_a.profile)
    response = as_user(people["coordinator"]).post(
        f"/espaces/{workspace.pk}/invitations/",
        {"email": "x@example.org", "organisation": outsider.pk, "role": "member", "language": "fr"},
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


def test_a_refused_action_answers_the_sites_own_403_in_the_users_language(
    as_user, people, workspace
):
    member = as_user(people["member_b"])
    french = member.post(f"/espaces/{workspace.pk}/invitations/", {})
    assert french.status_code == 403
    assert "Action non autorisée" in french.content.decode()
    english = member.post(f"/espaces/{workspace.pk}/invitations/", {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Action not allowed" in english.content.decode()
    assert '<html lang="en">' in english.content.decode()
