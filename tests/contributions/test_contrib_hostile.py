"""Hostile strings are stored as text and shown escaped; the GDPR export and the admin."""

import json
from html import unescape

import pytest

from alliances.contributions.models import Proposal, Report

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "Robert'); DROP TABLE contributions_proposal;--",
    "contrôle\x00\x01\x1f caractères",
    "é" * 10_000,
]


def assert_escaped(response):
    assert response.status_code < 500
    body = response.content.decode()
    assert "<script>alert(" not in body and "<img src=x onerror" not in body
    return unescape(body)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_proposal_never_fails_and_is_escaped(propose, curator, contributor, text):
    response = propose(
        title=text, summary=text, description=text, partner_2_name=text, territory=text
    )
    assert_escaped(response)
    # Where the text fits, it is stored as typed (without control characters) and escaped.
    response = propose(title=text[:300], summary=text[:1000], partner_2_name=text[:300])
    assert_escaped(response)
    for proposal in Proposal.objects.all():
        assert "\x00" not in proposal.title and "\x01" not in proposal.cells["summary"]
        assert_escaped(contributor.get(f"/contributions/mes-contributions/{proposal.pk}/"))
        review = assert_escaped(curator.get(f"/contributions/moderation/{proposal.pk}/"))
        assert proposal.title in review
    assert_escaped(contributor.get("/contributions/mes-contributions/"))
    assert_escaped(curator.get("/contributions/moderation/?q=" + text[:50]))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_report_and_refusal(client, curator, propose, published, text, mailoutbox):
    data = {"signalement-reason": "other", "signalement-message": text}
    assert_escaped(client.post(f"/contributions/signaler/{published.slug}/", data))
    assert_escaped(curator.get("/contributions/moderation/signalements/"))
    propose()
    proposal = Proposal.objects.get()
    refused = curator.post(
        f"/contributions/moderation/{proposal.pk}/refuser/", {"refuse-message": text}
    )
    assert refused.status_code in (302, 400)
    if refused.status_code == 302:
        assert "\n" not in mailoutbox[0].subject


def test_gdpr_export_lists_contributions(contributor, propose, published):
    propose()
    contributor.post(
        f"/contributions/signaler/{published.slug}/", {"signalement-reason": "duplicate"}
    )
    data = json.loads(contributor.get("/comptes/mes-donnees/?format=json").content)
    mine = data["contributions"]
    assert mine["proposals"][0]["title"] == "Jardins partagés du Bas-Chantenay"
    assert mine["proposals"][0]["cells"]["territory"] == "commune:44109"
    assert mine["reports"][0]["reason"] == "duplicate"
    assert Report.objects.get().reporter is not None


def test_admin_lists_proposals_and_reports(admin_client, propose, published):
    propose()
    Report.objects.create(alliance=published, reason="other", address_key="k")
    text = admin_client.get("/admin/contributions/proposal/").content.decode()
    assert "Jardins partagés du Bas-Chantenay" in text and "/contributions/moderation/" in text
    proposal = Proposal.objects.get()
    change = admin_client.get(f"/admin/contributions/proposal/{proposal.pk}/change/")
    assert change.status_code == 200
    assert "Alsace Active" in admin_client.get("/admin/contributions/report/").content.decode()
