"""The guided form: rules of the importer shown next to the fields, input kept, limits."""

import re
from html import unescape

from alliances.contributions.models import Proposal
from alliances.contributions.services import PROPOSALS_PER_DAY


def page(response) -> str:
    return unescape(response.content.decode())


def test_anonymous_is_sent_to_log_in(client):
    for url in ("/contributions/proposer/", "/contributions/corriger/alsace-active/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/comptes/login/?next=")
    assert client.get("/contributions/").status_code == 200


def test_good_proposal_is_stored_as_import_cells(propose, people):
    response = propose()
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contributions/mes-contributions/{proposal.pk}/"
    assert proposal.kind == "new" and proposal.status == "pending"
    assert proposal.contributor == people["contributor"] and proposal.language == "fr"
    cells = proposal.cells
    assert cells["partners"] == (
        "Les Jardins du Bas-Chantenay (association:leader) | Ville de Nantes (collectivite:funder)"
    )
    assert cells["territory"] == "commune:44109"  # "Nantes" read by the territories resolver
    assert cells["sdg"] == "11 | 15 | 11.7"
    assert cells["source_url"] == "https://www.jardins-chantenay.example.org"
    assert proposal.explanation == "Je suis bénévole de l'association."


def test_importer_problems_are_shown_next_to_fields_and_input_is_kept(propose):
    response = propose(
        territory="Atlantide",
        start_year="2030",
        end_year="1999",
        sdg_targets="11.99",
        source_url="pas une adresse",
        source_date="32/13/2024",
        title="",
    )
    text = page(response)
    assert response.status_code == 400 and not Proposal.objects.exists()
    assert "La proposition n'a pas été envoyée" in text
    assert "Indiquez le titre de l'exemple." in text
    assert "Aucun territoire ne correspond à « Atlantide »" in text
    # The field errors stop before the importer; fix them and the importer speaks.
    response = propose(
        territory="Gironde",
        start_year="2030",
        end_year="1999",
        sdg_targets="11.99",
        source_url="pas une adresse",
        source_date="32/13/2024",
    )
    text = page(response)
    assert "L'année de fin précède l'année de début" in text
    assert "Cible ODD inconnue : « 11.99 »" in text
    assert "Adresse web invalide" in text
    assert "Date invalide : « 32/13/2024 »" in text
    # Each problem is tied to its field, and what was typed is still there.
    assert 'id="id_end_year_error"' in text and 'aria-describedby="id_end_year_helptext' in text
    assert 'value="pas une adresse"' in text and 'value="Gironde"' in text
    assert 'value="Les Jardins du Bas-Chantenay"' in text
    assert re.search(r'name="sdg_goals" value="11" [^>]*checked', text)


def test_duplicate_title_and_partner_rows(propose):
    response = propose(
        title="ALSACE active (finance solidaire territoriale)",
        partner_2_profile="",
        partner_3_profile="entreprise",
    )
    text = page(response)
    assert "Choisissez le profil d'acteur de « Ville de Nantes »." in text
    assert "Indiquez le nom du partenaire 3, ou retirez son profil." in text
    response = propose(title="ALSACE active (finance solidaire territoriale)")
    assert "Une alliance de ce titre existe déjà dans la base" in page(response)
    response = propose(
        partner_1_name="", partner_1_profile="", partner_2_name="", **{"partner_2_profile": ""}
    )
    assert "Indiquez au moins un partenaire" in page(response)
    response = propose(partner_1_name="A | B")
    assert "Le caractère « | » n'est pas permis" in page(response)
    assert not Proposal.objects.exists()


def test_ambiguous_territory_lists_candidates_to_copy(propose):
    text = page(propose(territory="Saint-Denis"))
    assert "Plusieurs territoires s'appellent « Saint-Denis »" in text
    assert "Saint-Denis (commune:93066)" in text
    propose(territory="Saint-Denis (commune:93066)")
    assert Proposal.objects.get().cells["territory"] == "commune:93066"


def test_errors_in_english(contributor_en, good):
    response = contributor_en.post(
        "/contributions/proposer/", {**good, "territory": "Gironde", "end_year": "1999"}
    )
    text = page(response)
    assert "The proposal was not sent" in text
    assert "The end year is before the start year" in text


def test_rate_limit_counts_stored_proposals_and_keeps_input(propose, people):
    for number in range(PROPOSALS_PER_DAY):
        assert propose(title=f"Jardin n° {number}").status_code == 302
    response = propose(title="Un jardin de trop")
    text = page(response)
    assert response.status_code == 429
    assert f"déjà envoyé {PROPOSALS_PER_DAY} propositions ces dernières 24 heures" in text
    assert 'value="Un jardin de trop"' in text
    assert Proposal.objects.count() == PROPOSALS_PER_DAY
    # The form page says it before anything is typed; curators are not limited.
    from django.test import Client

    client = Client()
    client.force_login(people["contributor"])
    assert "c'est la limite" in page(client.get("/contributions/proposer/"))


def test_honeypot_stores_nothing(propose):
    response = propose(website="http://spam.example")
    assert response.status_code == 302 and not Proposal.objects.exists()


def test_curators_are_told_in_one_message_without_seeing_each_other(propose, people):
    from django.core import mail

    mail.outbox.clear()
    propose()
    proposal = Proposal.objects.get()
    (message,) = mail.outbox
    assert message.to == [] and people["curator"].email in message.bcc
    assert people["contributor"].email not in message.bcc
    assert "Nouvel exemple proposé" in message.subject
    assert f"/contributions/moderation/{proposal.pk}/" in message.body
