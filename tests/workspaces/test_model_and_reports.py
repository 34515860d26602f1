from decimal import Decimal
from html import unescape

import pytest

from alliances.economics.models import ContributionEntry
from alliances.evaluation.models import ProgressReport


def _post(client, space, **data):
    return client.post(
        f"/espaces/{space.pk}/modele/",
        {"form": "contribution", "people": 1, "origin": "private", **data},
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"year": 2025, "kind": "money", "amount": "-5"}, "négatif"),
        (
            {"year": 2025, "kind": "volunteering", "hours": "9000", "rate": "12"},
            "une année compte au plus",
        ),
        ({"year": 2025, "kind": "skills", "hours": "10", "rate": "900"}, "hors de l'intervalle"),
        ({"year": 2099, "kind": "money", "amount": "5"}, "dans le futur"),
    ],
)
def test_bad_contributions_are_refused_keeping_what_was_typed(
    as_user, people, workspace, data, message
):
    ContributionEntry.objects.create(
        workspace=workspace,
        organisation=workspace.org_a,
        year=2024,
        kind="money",
        amount=Decimal(1000),
    )
    response = _post(as_user(people["member_a"]), workspace, **data)
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert message in html
    for value in data.values():
        assert (
            f'value="{value}"' in html or f'value="{value}" selected' in html or str(value) in html
        )
    assert ContributionEntry.objects.count() == 1  # what was saved before is still there


def test_volunteering_without_rate_uses_the_default_rate_and_names_its_source(
    as_user, people, workspace, settings
):
    response = _post(
        as_user(people["member_b"]), workspace, year=2025, kind="volunteering", hours="100"
    )
    assert response.status_code == 302
    entry = ContributionEntry.objects.get()
    assert entry.rate == Decimal(settings.ALLIANCES_VOLUNTEER_HOURLY_RATE)
    assert "SMIC" in entry.rate_source
    page = as_user(people["member_b"]).get(f"/espaces/{workspace.pk}/modele/").content.decode()
    assert "SMIC" in page and "Ressources mobilisées" in page


def test_progress_report_for_a_future_year_is_refused(as_user, people, workspace):
    client = as_user(people["coordinator"])
    url = f"/espaces/{workspace.pk}/rapports/"
    refused = client.post(url, {"year": 2099, "achievements": "Beaucoup de choses"})
    assert refused.status_code == 400
    assert "Beaucoup de choses" in refused.content.decode()
    assert client.post(url, {"year": 2025, "achievements": "Bilan"}).status_code == 302
    assert ProgressReport.objects.count() == 1
    assert (
        as_user(people["member_b"]).post(url, {"year": 2024, "achievements": "x"}).status_code
        == 403
    )
