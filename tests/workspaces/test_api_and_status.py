from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from alliances.economics.models import ContributionEntry
from alliances.evaluation.models import Campaign, ProgressReport, Response
from alliances.evaluation.questionnaire import load_questionnaire
from alliances.workspaces.public import public_summary


@pytest.fixture
def closed(workspace):
    questionnaire = load_questionnaire()
    campaign = Campaign.objects.create(
        workspace=workspace, year=2024, questionnaire=questionnaire, status="closed"
    )
    keys = [q["key"] for q in questionnaire["questions"]]
    Response.objects.create(
        campaign=campaign,
        organisation=workspace.org_a,
        answers={k: 5 for k in keys},
        submitted=True,
    )
    Response.objects.create(
        campaign=campaign,
        organisation=workspace.org_b,
        answers={k: 3 for k in keys} | {keys[0]: "dk"},
        comment="La charge de travail pèse sur l'association.",
        submitted=True,
    )
    ContributionEntry.objects.create(
        workspace=workspace, organisation=workspace.org_a, year=2024, kind="money", amount=1000
    )
    return workspace


def test_api_follows_the_page_permissions(as_user, people, closed, client):
    results = f"/api/v1/workspaces/{closed.pk}/evaluations/2024/results"
    model = f"/api/v1/workspaces/{closed.pk}/model"
    assert client.get(results).status_code == 401
    assert as_user(people["stranger"]).get(results).status_code == 404
    assert as_user(people["curator"]).get(model).status_code == 404
    response = as_user(people["member_b"]).get(results)
    assert response.status_code == 200
    payload = response.json()
    assert payload["partners"] == ["Association A", "Entreprise B"]
    assert {a["convergence"] for a in payload["axes"]} == {50}  # 5 vs 3 on a 1-5 scale
    first = payload["questions"][0]
    assert (
        first["answers"] == [5, "dk"] and first["dont_know"] == 1 and first["convergence"] is None
    )
    assert payload["comments"] == [
        {"organisation": None, "text": "La charge de travail pèse sur l'association."}
    ]
    model_payload = as_user(people["member_a"]).get(model).json()
    assert model_payload["total"] == 1000.0
    assert model_payload["not_assessed"] == [] and model_payload["outcomes"] == []


def _opened_long_ago(workspace, days: int = 800) -> None:
    """Move the opening of a workspace back in time (update(): no signal, like time passing)."""
    type(workspace).objects.filter(pk=workspace.pk).update(
        created_at=timezone.now() - timedelta(days=days)
    )
    workspace.refresh_from_db()


def test_public_summary_shows_only_what_the_coordinator_published(closed, file_report):
    _opened_long_ago(closed)
    summary = public_summary(closed.alliance)
    assert summary["status"] == "red"  # never reported in over two years
    assert "evaluation" not in summary and "model" not in summary
    closed.publish_evaluation = True
    closed.publish_model = True
    closed.save()
    file_report(closed, 2025)
    summary = public_summary(closed.alliance)
    assert summary["status"] == "green"
    assert summary["evaluation"]["year"] == 2024
    assert summary["model"].total == 1000
    assert "reports" not in summary


def test_reminders_go_to_coordinators_once_a_month(closed, people, file_report):
    call_command("send_report_reminders", verbosity=0)
    assert mail.outbox == []  # a workspace opened today has a year for its first report
    _opened_long_ago(closed, days=340)
    call_command("send_report_reminders", verbosity=0)
    assert [m.to for m in mail.outbox] == [[people["coordinator"].email]]
    call_command("send_report_reminders", verbosity=0)
    assert len(mail.outbox) == 1  # not again within 30 days
    report = file_report(closed, 2025)
    closed.last_reminder_at = timezone.now() - timedelta(days=40)
    closed.save()
    call_command("send_report_reminders", verbosity=0)
    assert len(mail.outbox) == 1  # a fresh report: nothing is due
    ProgressReport.objects.filter(pk=report.pk).update(
        submitted_at=timezone.now() - timedelta(days=400)
    )
    call_command("send_report_reminders", verbosity=0)
    assert len(mail.outbox) == 2


def test_the_public_alliance_page_shows_the_light_and_what_was_published(
    client, closed, file_report
):
    url = closed.alliance.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Suivi de l" in html and "premier rapport d" in html  # opened today: green
    _opened_long_ago(closed)
    html = client.get(url).content.decode()
    assert "Inactive" in html
    assert "Modèle socio-économique" not in html
    closed.publish_model = True
    closed.save()
    file_report(closed, 2025)
    html = client.get(url).content.decode()
    assert "Active : rapport d" in html
    assert "Modèle socio-économique" in html and "Ressources mobilisées" in html


def _search(client, **params):
    return client.get("/api/v1/alliances", params).json()


def test_the_status_light_is_kept_on_the_alliance_and_is_a_search_facet(
    client, workspace, file_report
):
    from alliances.base.models import Alliance

    alliance = Alliance.objects.get(pk=workspace.alliance_id)
    assert alliance.status_light == "green"  # opened today: a year for the first report
    payload = _search(client, light="green")
    assert [r["slug"] for r in payload["results"]] == ["alliance-essai"]
    assert payload["results"][0]["status_light"] == "green"
    assert {v["value"]: v["count"] for v in payload["facets"]["light"]} == {"green": 1}
    # The 66 shipped examples have no workspace, hence no light: not counted, not found.
    assert _search(client, light="red")["count"] == 0
    assert _search(client)["count"] > 1

    # Time passes (no signal): the daily command turns the light red, the search follows.
    _opened_long_ago(workspace)
    assert Alliance.objects.get(pk=alliance.pk).status_light == "green"
    call_command("send_report_reminders", verbosity=0)
    assert Alliance.objects.get(pk=alliance.pk).status_light == "red"
    assert [r["slug"] for r in _search(client, light="red")["results"]] == ["alliance-essai"]
    assert _search(client, light="green")["count"] == 0

    # A report filed turns it green at once; removed, red again.
    report = file_report(workspace, 2026)
    assert Alliance.objects.get(pk=alliance.pk).status_light == "green"
    report.delete()
    assert Alliance.objects.get(pk=alliance.pk).status_light == "red"
    # An old report: amber between 12 and 24 months.
    file_report(workspace, 2025)
    ProgressReport.objects.filter(workspace=workspace).update(
        submitted_at=timezone.now() - timedelta(days=500)
    )
    call_command("send_report_reminders", "--dry-run", verbosity=0)  # a dry run writes nothing
    assert Alliance.objects.get(pk=alliance.pk).status_light == "green"
    call_command("send_report_reminders", verbosity=0)
    assert Alliance.objects.get(pk=alliance.pk).status_light == "amber"

    # Closing the workspace takes the light away.
    workspace.delete()
    assert Alliance.objects.get(pk=alliance.pk).status_light == ""


def test_the_search_page_offers_the_light_facet_with_a_readable_label(client_fr, workspace):
    html = client_fr.get("/alliances/?light=green").content.decode()
    assert "Voyant de suivi" in html
    assert "À jour (rapport de moins de 12 mois)" in html
    assert "Alliance d&#x27;essai" in html or "Alliance d'essai" in html
    html = client_fr.get("/alliances/?light=violet").content.decode()
    assert "violet" in html  # an unknown value is ignored with a visible notice
