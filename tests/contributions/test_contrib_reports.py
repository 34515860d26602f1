"""Reports from the public alliance pages: open to all, honeypot, limit per address."""

from html import unescape

from alliances.base.models import Alliance
from alliances.contributions.models import Report
from alliances.contributions.services import REPORTS_PER_HOUR


def page(response) -> str:
    return unescape(response.content.decode())


def report(client, alliance, address="198.51.100.4", **changes):
    data = {"signalement-reason": "outdated", "signalement-message": "Le site a fermé.", **changes}
    return client.post(f"/contributions/signaler/{alliance.slug}/", data, REMOTE_ADDR=address)


def test_public_page_has_the_contribute_section(client, client_en, published):
    english = page(client_en.get(published.get_absolute_url()))
    assert "<summary>Report a problem</summary>" in english
    text = page(client.get(published.get_absolute_url()))
    assert '<h2 id="titre-contribuer">Contribuer</h2>' in text
    assert f'href="/contributions/corriger/{published.slug}/"' in text
    assert "<summary>Signaler un problème</summary>" in text
    assert 'for="id_signalement-reason"' in text and 'class="contrib-trap"' in text
    draft = Alliance.objects.create(kind="alliance", title="Brouillon", slug="brouillon")
    from alliances.contributions.public import alliance_section

    assert alliance_section(None, draft) == ""


def test_anonymous_report_goes_to_the_curators(client, curator, published):
    response = report(client, published)
    assert response.status_code == 302 and response["Location"] == published.get_absolute_url()
    found = Report.objects.get()
    assert found.reason == "outdated" and found.reporter is None and found.status == "open"
    assert "198.51.100.4" not in found.address_key and len(found.address_key) == 64
    assert "Merci : votre signalement" in page(client.get(response["Location"]))
    queue = page(curator.get("/contributions/moderation/signalements/"))
    assert "Le site a fermé." in queue and "Information dépassée" in queue
    curator.post(f"/contributions/moderation/signalements/{found.pk}/clore/", {"note": "Vu."})
    found.refresh_from_db()
    assert found.status == "closed" and found.note == "Vu." and found.closed_by is not None
    assert "Le site a fermé." not in page(curator.get("/contributions/moderation/signalements/"))
    closed = page(curator.get("/contributions/moderation/signalements/?status=closed"))
    assert "Le site a fermé." in closed


def test_report_needs_a_reason_and_keeps_the_message(client, published):
    response = report(client, published, **{"signalement-reason": ""})
    text = page(response)
    assert response.status_code == 400 and not Report.objects.exists()
    assert "Choisissez le motif du signalement." in text and "Le site a fermé." in text
    response = report(client, published, **{"signalement-message": "x" * 2001})
    assert response.status_code == 400 and "au plus 2000 caractères" in page(response)


def test_report_honeypot_and_limit_per_address(client, published):
    assert report(client, published, **{"signalement-website": "spam"}).status_code == 302
    assert not Report.objects.exists()
    for _ in range(REPORTS_PER_HOUR):
        assert report(client, published).status_code == 302
    response = report(client, published, **{"signalement-message": "Encore un"})
    text = page(response)
    assert response.status_code == 429 and "Trop de signalements" in text
    assert "Encore un" in text
    assert report(client, published, address="198.51.100.5").status_code == 302
    assert Report.objects.count() == REPORTS_PER_HOUR + 1


def test_unpublished_examples_cannot_be_reported_or_corrected(client, contributor):
    Alliance.objects.create(kind="alliance", title="Brouillon", slug="brouillon")
    assert client.get("/contributions/signaler/brouillon/").status_code == 404
    assert contributor.get("/contributions/corriger/brouillon/").status_code == 404
