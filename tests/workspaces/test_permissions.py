"""The whole permission matrix of a workspace, by direct URL."""

import pytest

from alliances.economics.models import ContributionEntry
from alliances.evaluation.models import Campaign
from alliances.evaluation.questionnaire import load_questionnaire

READ_PAGES = [
    "detail",
    "model",
    "model_pdf",
    "history",
    "reports",
    "campaign_closed",
    "report",
    "report_pdf",
    "publication",
]


def _urls(space, closed_year=2024, open_year=2025):
    base = f"/espaces/{space.pk}"
    return {
        "detail": f"{base}/",
        "model": f"{base}/modele/",
        "model_pdf": f"{base}/modele.pdf",
        "history": f"{base}/modele/historique/",
        "reports": f"{base}/rapports/",
        "campaign_closed": f"{base}/evaluations/{closed_year}/",
        "campaign_open": f"{base}/evaluations/{open_year}/",
        "report": f"{base}/evaluations/{closed_year}/rapport/",
        "report_pdf": f"{base}/evaluations/{closed_year}/rapport.pdf",
        "close": f"{base}/evaluations/{open_year}/cloture/",
        "invite": f"{base}/invitations/",
        "publication": f"{base}/publication/",
        "open": f"{base}/evaluations/",
        "curators": f"{base}/curateurs/",
    }


@pytest.fixture
def campaigns(workspace):
    questionnaire = load_questionnaire()
    Campaign.objects.create(
        workspace=workspace, year=2024, questionnaire=questionnaire, status="closed"
    )
    Campaign.objects.create(workspace=workspace, year=2025, questionnaire=questionnaire)
    return workspace


@pytest.mark.parametrize("page", READ_PAGES)
def test_anonymous_is_sent_to_login(client, campaigns, page):
    response = client.get(_urls(campaigns)[page])
    assert response.status_code == 302
    assert response["Location"].startswith("/comptes/login/")


@pytest.mark.parametrize("page", READ_PAGES)
def test_strangers_and_ungranted_curators_see_nothing(as_user, people, campaigns, page):
    for who in ("stranger", "curator"):
        assert as_user(people[who]).get(_urls(campaigns)[page]).status_code == 404, who


@pytest.mark.parametrize("page", READ_PAGES)
def test_members_see_every_page(as_user, people, campaigns, page):
    for who in ("coordinator", "member_a", "member_b"):
        assert as_user(people[who]).get(_urls(campaigns)[page]).status_code == 200, who


@pytest.mark.parametrize("page", READ_PAGES)
def test_curators_see_a_workspace_once_granted_but_change_nothing(as_user, people, campaigns, page):
    campaigns.curators_granted = True
    campaigns.save()
    client = as_user(people["curator"])
    assert client.get(_urls(campaigns)[page]).status_code == 200
    assert client.post(_urls(campaigns)["close"]).status_code == 403
    assert client.post(_urls(campaigns)["publication"], {}).status_code == 403


@pytest.mark.parametrize("action", ["close", "invite", "open", "curators"])
def test_only_the_coordinator_manages(as_user, people, campaigns, action):
    url = _urls(campaigns)[action]
    assert as_user(people["member_b"]).post(url, {"email": "x@example.org"}).status_code == 403
    assert as_user(people["stranger"]).post(url, {}).status_code == 404


def test_a_partner_cannot_change_or_delete_another_partners_contribution(
    as_user, people, workspace
):
    entry = ContributionEntry.objects.create(
        workspace=workspace, organisation=workspace.org_a, year=2025, kind="money", amount=100
    )
    edit = f"/espaces/{workspace.pk}/modele/apports/{entry.pk}/modifier/"
    delete = f"/espaces/{workspace.pk}/modele/apports/{entry.pk}/supprimer/"
    member_b = as_user(people["member_b"])
    assert member_b.get(edit).status_code == 403
    changed = {"year": 2025, "origin": "private", "amount": "1"}
    assert member_b.post(edit, changed).status_code == 403
    assert member_b.post(delete).status_code == 403
    assert ContributionEntry.objects.get(pk=entry.pk).amount == 100
    assert as_user(people["member_a"]).post(delete).status_code == 302
    assert not ContributionEntry.objects.filter(pk=entry.pk).exists()


def test_a_contribution_is_always_saved_for_the_members_own_organisation(
    as_user, people, workspace
):
    client = as_user(people["member_b"])
    response = client.post(
        f"/espaces/{workspace.pk}/modele/apports/ajouter/money/",
        {
            "year": 2025,
            "origin": "private",
            "amount": "500",
            "organisation": workspace.org_a.pk,
        },
    )
    assert response.status_code == 302
    assert ContributionEntry.objects.get().organisation == workspace.org_b


def test_an_outcome_is_changed_only_by_its_author(as_user, people, workspace):
    from alliances.economics.models import OutcomeEntry

    entry = OutcomeEntry.objects.create(
        workspace=workspace,
        year=2025,
        label="Repas",
        quantity=10,
        unit="repas",
        author=people["member_a"],
    )
    edit = f"/espaces/{workspace.pk}/modele/resultats/{entry.pk}/modifier/"
    assert as_user(people["coordinator"]).get(edit).status_code == 403
    assert as_user(people["member_b"]).get(edit).status_code == 403
    assert as_user(people["member_a"]).get(edit).status_code == 200
    add = f"/espaces/{workspace.pk}/modele/resultats/ajouter/"
    assert as_user(people["member_b"]).get(add).status_code == 403  # coordinators add outcomes
