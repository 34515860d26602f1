"""The hostile-string corpus sent to every form of the partner workspaces and of the
accounts: never a server error; what is stored is shown escaped in every page, the public
alliance page and the PDF report included."""

from html import unescape

import pytest

from alliances.economics.models import ContributionEntry, OutcomeEntry
from alliances.evaluation.models import ProgressReport, Response

SCRIPT = '<script>alert("w")</script>'
ATTRIBUTE = '"><img src=x onerror=alert(1)>'
SQL = "Robert'); DROP TABLE base_alliance;--"
CONTROL = "contrôle\x00\x07 caractères"
LONG = "é" * 10_000
CORPUS = [SCRIPT, ATTRIBUTE, SQL, CONTROL, LONG]


def _answers(value: int) -> dict:
    from alliances.evaluation.questionnaire import load_questionnaire

    return {q["key"]: str(value) for q in load_questionnaire()["questions"]} | {"action": "send"}


def _assert_escaped(body: str) -> None:
    assert "<script>alert(" not in body
    assert "<img src=x onerror" not in body


@pytest.mark.parametrize("text", CORPUS, ids=["script", "attribute", "sql", "control", "long"])
def test_workspace_forms_keep_hostile_text_as_text(as_user, people, workspace, client, text):
    coordinator = as_user(people["coordinator"])
    base = f"/espaces/{workspace.pk}"
    pages = []

    # Progress report: a text that long is refused with a message, never a 500.
    response = coordinator.post(
        f"{base}/rapports/",
        {"year": 2025, "achievements": text, "figures": text, "difficulties": text},
    )
    assert response.status_code in (302, 400), response.status_code
    pages.append(response.content.decode())

    # Contribution and outcome of the socio-economic model: free texts are note and labels.
    for url, data in (
        (
            f"{base}/modele/apports/ajouter/money/",
            {"year": 2025, "origin": "private", "amount": "100", "note": text},
        ),
        (
            f"{base}/modele/resultats/ajouter/",
            {
                "year": 2025,
                "label": text,
                "quantity": "3",
                "unit": text[:40],
                "beneficiaries": "on",
                "unit_value": "10",
                "source": text,
                "deadweight": "10",
                "displacement": "0",
                "attribution": "20",
                "duration_years": "1",
                "adjustments_reason": text,
            },
        ),
    ):
        response = coordinator.post(url, data)
        assert response.status_code in (302, 400), (url, response.status_code)
        pages.append(response.content.decode())

    # Evaluation answers with a comment, then closed, so that the cross views show it.
    coordinator.post(f"{base}/evaluations/", {"year": 2025, "comments_attributed": "1"})
    response = coordinator.post(f"{base}/evaluations/2025/", {**_answers(4), "comment": text})
    assert response.status_code in (302, 400)
    as_user(people["member_b"]).post(f"{base}/evaluations/2025/", _answers(2))
    coordinator.post(f"{base}/evaluations/2025/cloture/")

    # Invitation to a hostile address: refused with a message.
    response = coordinator.post(
        f"{base}/invitations/",
        {"email": text[:200], "organisation": workspace.org_a.pk, "role": "member"},
    )
    assert response.status_code in (200, 302, 400)
    pages.append(response.content.decode())

    workspace.publish_reports = workspace.publish_model = workspace.publish_evaluation = True
    workspace.save()
    for url in (
        f"{base}/",
        f"{base}/rapports/",
        f"{base}/modele/",
        f"{base}/evaluations/2025/",
        f"{base}/evaluations/2025/rapport/",
        f"{base}/modele/historique/",
    ):
        response = coordinator.get(url)
        assert response.status_code == 200, url
        pages.append(response.content.decode())
    pages.append(client.get(workspace.alliance.get_absolute_url()).content.decode())
    filed = ProgressReport.objects.filter(workspace=workspace, year=2025).exists()
    if filed:  # refused when its text cannot be stored (a NUL character, for instance)
        pages.append(coordinator.get(f"{base}/rapports/2025/").content.decode())
    for url in (
        f"{base}/evaluations/2025/rapport.pdf",
        f"{base}/modele.pdf",
        *([f"{base}/rapports/2025.pdf"] if filed else []),
    ):
        pdf = coordinator.get(url)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF"), url

    for body in pages:
        _assert_escaped(body)
    stored = (
        [r.achievements for r in ProgressReport.objects.filter(workspace=workspace)]
        + [c.note for c in ContributionEntry.objects.filter(workspace=workspace)]
        + [o.label for o in OutcomeEntry.objects.filter(workspace=workspace)]
        + [r.comment for r in Response.objects.all()]
    )
    for value in stored:
        assert "\x00" not in value  # control characters never reach the database
    if text in (SCRIPT, ATTRIBUTE, SQL):
        # Stored as typed and shown as text (escaped) on the pages that list it.
        assert text in stored, stored
        assert any(text in unescape(body) for body in pages)


@pytest.mark.parametrize("text", CORPUS, ids=["script", "attribute", "sql", "control", "long"])
def test_registration_refuses_or_escapes_hostile_text(db, client, text):
    response = client.post(
        "/comptes/inscription/",
        {
            "email": "hostile@example.org",
            "first_name": text,
            "last_name": text,
            "password1": "Un-mot-de-passe-2026!",
            "password2": "Un-mot-de-passe-2026!",
        },
    )
    assert response.status_code in (200, 302, 400)
    _assert_escaped(response.content.decode())
