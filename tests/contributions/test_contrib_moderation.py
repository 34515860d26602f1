"""The curators' queue: accept through the importer, edit, refuse, corrections side by side."""

from html import unescape

import pytest
from django.core import mail

from alliances.base.models import Alliance, ChangeRecord
from alliances.contributions.models import Proposal


def page(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def pending(propose) -> Proposal:
    propose()
    mail.outbox.clear()  # the curators' notice: these tests look at the answers
    return Proposal.objects.get()


def test_queue_lists_pending_oldest_first_with_filters(curator, propose, pending):
    propose(title="Deuxième jardin")
    text = page(curator.get("/contributions/moderation/"))
    assert text.index("Jardins partagés du Bas-Chantenay") < text.index("Deuxième jardin")
    assert "Deuxième jardin" not in page(curator.get("/contributions/moderation/?q=Chantenay"))
    assert "Aucune proposition" in page(curator.get("/contributions/moderation/?kind=correction"))
    assert "Aucune proposition" in page(curator.get("/contributions/moderation/?status=refused"))


def test_accept_creates_the_alliance_with_partners_history_and_mail(
    curator, pending, people, mailoutbox
):
    review = page(curator.get(f"/contributions/moderation/{pending.pk}/"))
    assert "Nantes (commune:44109)" in review and "Ville de Nantes · Collectivité" in review
    response = curator.post(
        f"/contributions/moderation/{pending.pk}/accepter/",
        {"accept-status": "published", "accept-message": "Merci, belle alliance !"},
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    alliance = pending.alliance
    assert pending.status == "accepted" and pending.moderated_by == people["curator"]
    assert alliance.status == "published" and alliance.published_at is not None
    assert alliance.territory.code == "44109" and alliance.scale == "local"
    assert [(p.organisation.name, p.role) for p in alliance.partners.order_by("position")] == [
        ("Les Jardins du Bas-Chantenay", "leader"),
        ("Ville de Nantes", "funder"),
    ]
    assert sorted(g.number for g in alliance.sdg_goals.all()) == [11, 15]
    assert alliance.sources.get().url == "https://www.jardins-chantenay.example.org"
    record = ChangeRecord.objects.get(alliance=alliance)
    assert record.action == "created" and record.user == people["curator"]
    assert record.actor == f"contribution {pending.pk} · Camille"
    (mail,) = mailoutbox
    assert mail.to == ["camille@example.org"]
    assert "est acceptée" in mail.subject
    assert alliance.get_absolute_url() in mail.body and "Merci, belle alliance !" in mail.body
    # The public page shows it, and the contributor sees the answer.
    assert curator.get(alliance.get_absolute_url()).status_code == 200


def test_accept_in_review_and_edit_before(curator, contributor, pending, mailoutbox):
    edit_url = f"/contributions/moderation/{pending.pk}/modifier/"
    form = curator.get(edit_url).context["form"]
    assert form["territory"].value() == "Nantes (commune:44109)"
    data = {
        name: (field.value() if field.value() is not None else "")
        for name, field in ((n, form[n]) for n in form.fields)
    }
    data["title"] = "Jardins partagés de Chantenay (Nantes)"
    data["end_year"] = "1990"
    response = curator.post(edit_url, data)
    assert response.status_code == 400
    assert "L'année de fin précède l'année de début" in page(response)
    data["end_year"] = ""
    assert curator.post(edit_url, data).status_code == 302
    pending.refresh_from_db()
    assert pending.title == "Jardins partagés de Chantenay (Nantes)" and pending.edited_at
    curator.post(f"/contributions/moderation/{pending.pk}/accepter/", {"accept-status": "review"})
    alliance = Alliance.objects.get(title="Jardins partagés de Chantenay (Nantes)")
    assert alliance.status == "review"
    assert "publiée après une dernière relecture" in mailoutbox[0].body
    assert "complétée ou corrigée" in mailoutbox[0].body
    mine = page(contributor.get("/contributions/mes-contributions/"))
    assert "Jardins partagés de Chantenay (Nantes)" in mine and "acceptée" in mine


def test_refuse_needs_a_message_and_answers_in_the_contributors_language(
    curator, contributor_en, good, mailoutbox
):
    contributor_en.post("/contributions/proposer/", good)
    proposal = Proposal.objects.get()
    mailoutbox.clear()  # the curators' notice: this test looks at the answer
    assert proposal.language == "en"
    url = f"/contributions/moderation/{proposal.pk}/refuser/"
    response = curator.post(url, {"refuse-message": "  "})
    assert response.status_code == 400
    assert "Écrivez le motif du refus" in page(response)
    proposal.refresh_from_db()
    assert proposal.is_pending and not mailoutbox
    curator.post(url, {"refuse-message": "Cet exemple est déjà dans la base sous un autre nom."})
    proposal.refresh_from_db()
    assert proposal.status == "refused" and proposal.alliance is None
    (mail,) = mailoutbox
    assert mail.subject.startswith("Your proposal") and "was not accepted" in mail.subject
    assert "Cet exemple est déjà dans la base sous un autre nom." in mail.body
    detail = page(contributor_en.get(f"/contributions/mes-contributions/{proposal.pk}/"))
    assert "Cet exemple est déjà dans la base" in detail
    # A second decision changes nothing.
    response = curator.post(
        f"/contributions/moderation/{proposal.pk}/accepter/", {"accept-status": "published"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "refused" and len(mailoutbox) == 1


def test_acceptance_revalidates_against_the_base(curator, pending, mailoutbox):
    Alliance.objects.create(
        kind="alliance", title=pending.title.upper(), slug="deja-la", status="draft"
    )
    response = curator.post(
        f"/contributions/moderation/{pending.pk}/accepter/", {"accept-status": "published"}
    )
    assert response.status_code == 400
    assert "Une alliance de ce titre existe déjà dans la base" in page(response)
    pending.refresh_from_db()
    assert pending.is_pending and pending.alliance is None and not mailoutbox
    assert not Alliance.objects.filter(title=pending.title).exists()


def correction(client, alliance, **changes):
    form = client.get(f"/contributions/corriger/{alliance.slug}/").context["form"]
    data = {n: (form[n].value() if form[n].value() is not None else "") for n in form.fields}
    response = client.post(f"/contributions/corriger/{alliance.slug}/", {**data, **changes})
    mail.outbox.clear()  # the curators' notice: these tests look at the answers
    return response


def test_correction_shown_side_by_side_and_applied_with_history(
    contributor, curator, published, people, mailoutbox
):
    response = correction(contributor, published)
    assert "Vous n'avez rien modifié" in page(response)
    response = correction(contributor, published, start_year="1988")
    assert "Expliquez la correction" in page(response)
    response = correction(
        contributor,
        published,
        start_year="1988",
        sdg_goals=["8"],
        partner_4_name="Région Grand Est",
        partner_4_profile="collectivite",
        partner_4_role="funder",
        explanation="Date de création sur le site de l'association.",
    )
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert proposal.kind == "correction" and proposal.alliance == published
    assert set(proposal.cells) == {"start_year", "sdg", "partners"}
    assert proposal.before["start_year"] == ""
    review = page(curator.get(f"/contributions/moderation/{proposal.pk}/"))
    assert "Valeur actuelle" in review and "1988" in review
    assert "Région Grand Est · Collectivité territoriale · financeur" in review
    before_count = published.history.count()
    curator.post(f"/contributions/moderation/{proposal.pk}/accepter/", {"accept-message": ""})
    published.refresh_from_db()
    assert published.start_year == 1988
    assert [g.number for g in published.sdg_goals.all()] == [8]
    assert published.partners.count() == 4
    assert published.history.count() == before_count + 1
    record = published.history.first()
    assert record.user == people["curator"] and "Camille" in record.actor
    assert record.changes["start_year"] == [None, 1988]
    assert "est appliquée" in mailoutbox[0].subject


def test_correction_checked_by_the_importer_against_current_values(contributor, published):
    published.start_year = 2010
    published.save()
    response = correction(contributor, published, end_year="2005", explanation="Fin de l'activité.")
    assert "L'année de fin précède l'année de début" in page(response)
    # Its own title is not a duplicate of itself.
    response = correction(
        contributor,
        published,
        title="ALSACE ACTIVE (finance solidaire territoriale)",
        explanation="Casse du nom.",
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    "who, expected",
    [("anonymous", 302), ("contributor", 403), ("other", 403), ("curator", 200)],
)
def test_queue_permissions(who, expected, request, client, pending):
    browser = client if who == "anonymous" else request.getfixturevalue(who)
    for url in (
        "/contributions/moderation/",
        f"/contributions/moderation/{pending.pk}/",
        f"/contributions/moderation/{pending.pk}/modifier/",
        "/contributions/moderation/signalements/",
    ):
        assert browser.get(url).status_code == expected, url
    for url in (
        f"/contributions/moderation/{pending.pk}/accepter/",
        f"/contributions/moderation/{pending.pk}/refuser/",
    ):
        response = browser.post(url, {"refuse-message": "non", "accept-status": "published"})
        assert response.status_code in ((expected,) if who != "curator" else (302,)), url
    pending.refresh_from_db()
    assert pending.is_pending == (who != "curator")


@pytest.mark.parametrize(
    "who, expected", [("anonymous", 302), ("contributor", 200), ("other", 404), ("curator", 404)]
)
def test_own_proposals_only(who, expected, request, client, pending):
    browser = client if who == "anonymous" else request.getfixturevalue(who)
    assert browser.get(f"/contributions/mes-contributions/{pending.pk}/").status_code == expected
    listing = browser.get("/contributions/mes-contributions/")
    if who != "anonymous":
        assert (pending.title in page(listing)) == (who == "contributor")


def test_mail_failure_keeps_the_decision_and_says_so(curator, pending, monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("mail server down")

    monkeypatch.setattr("alliances.contributions.mail.send_mail", broken)
    url = f"/contributions/moderation/{pending.pk}/refuser/"
    response = curator.post(url, {"refuse-message": "Hors sujet."}, follow=True)
    assert "Le contributeur n'a pas pu être prévenu." in page(response)
    pending.refresh_from_db()
    assert pending.status == "refused" and pending.message == "Hors sujet."
