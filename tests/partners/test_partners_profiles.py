"""Item 1: organisation profiles, claims (curator or e-mail domain) and edits with history."""

import pytest
from django.core import mail

from alliances.partners.emaildomains import email_matches_website, website_domain
from alliances.partners.models import Claim, Listing, ProfileChange


@pytest.mark.parametrize(
    ("email", "url", "expected"),
    [
        ("a@asso.fr", "https://www.asso.fr/contact", True),
        ("a@lyon.asso.fr", "https://asso.fr", True),
        ("a@asso.fr.evil.com", "https://asso.fr", False),
        ("a@gmail.com", "https://gmail.com", False),
        ("a@asso.fr", "", False),
        ("a@asso.fr", "asso.fr", True),
        ("a@autre.fr", "https://asso.fr", False),
    ],
)
def test_email_domain_rule(email, url, expected):
    assert email_matches_website(email, url) is expected


def test_website_domain():
    assert website_domain("https://WWW.Exemple.org:8443/a?b") == "exemple.org"


def test_profile_page_shows_profile_and_open_listings(client_fr, orgs, alliance, people):
    Listing.objects.create(
        organisation=orgs["asso"],
        direction="need",
        kind="benevoles",
        title="Bénévoles pour la collecte",
        description="Deux samedis par mois.",
        status="published",
    )
    Listing.objects.create(
        organisation=orgs["asso"],
        direction="offer",
        kind="locaux",
        title="Brouillon caché",
        description="x",
        status="pending",
    )
    page = client_fr.get(f"/organisations/{orgs['asso'].pk}/").content.decode()
    assert "Faire alliance" in page
    assert "Bénévoles pour la collecte" in page and "Brouillon caché" not in page
    assert "Alliance d&#x27;essai" in page  # its alliances with its role (base's section)
    assert "Revendiquer ce profil" in page  # leads anonymous visitors to sign in first
    assert "Modifier le profil" not in page
    assert "Partenaires possibles" in page


def test_claim_by_matching_domain_is_immediate(orgs, alliance, people, as_user):
    client = as_user(people["asso"])
    assert "Revendiquer ce profil" in client.get(orgs["asso"].get_absolute_url()).content.decode()
    client.post(
        f"/partenaires/organisations/{orgs['asso'].pk}/revendiquer/", {"note": "Présidente"}
    )
    claim = Claim.objects.get()
    assert claim.status == "approved" and claim.via == "domain"
    assert mail.outbox  # curators are told of automatic grants
    page = client.get(orgs["asso"].get_absolute_url()).content.decode()
    assert "Modifier le profil" in page


def test_a_second_claim_waits_for_a_curator(orgs, people, as_user, represent):
    from django.contrib.auth import get_user_model

    represent(people["asso"], orgs["asso"])
    other = get_user_model().objects.create_user(
        username="tresorier@asso-essai.example", email="tresorier@asso-essai.example"
    )
    as_user(other).post(f"/partenaires/organisations/{orgs['asso'].pk}/revendiquer/", {})
    claim = Claim.objects.get(user=other)
    assert claim.status == "pending"  # same domain, but the organisation is already held
    as_user(people["curator"]).post(
        f"/partenaires/moderation/revendication/{claim.pk}/", {"decision": "approve"}
    )
    claim.refresh_from_db()
    assert claim.status == "approved" and claim.via == "curator"


def test_a_claim_without_matching_domain_waits(orgs, people, as_user):
    as_user(people["stranger"]).post(
        f"/partenaires/organisations/{orgs['asso'].pk}/revendiquer/", {}
    )
    assert Claim.objects.get().status == "pending"


def test_honeypot_claim_is_dropped(orgs, people, as_user):
    as_user(people["stranger"]).post(
        f"/partenaires/organisations/{orgs['asso'].pk}/revendiquer/", {"website_url": "x"}
    )
    assert not Claim.objects.exists()


def _edit(client, org, **changes):
    data = {
        "name": org.name,
        "website": org.website,
        "siren": "",
        "siret": "",
        "rna": "",
        "place": "commune:69123",
        "description": "",
        "domains": [],
    }
    data.update(changes)
    return client.post(f"/partenaires/organisations/{org.pk}/modifier/", data)


def test_only_representatives_and_curators_edit(orgs, people, as_user, client_fr):
    url = f"/partenaires/organisations/{orgs['asso'].pk}/modifier/"
    assert client_fr.get(url).status_code == 302
    assert as_user(people["stranger"]).get(url).status_code == 403
    assert as_user(people["curator"]).get(url).status_code == 200


def test_edit_keeps_history_and_validates_identifiers(orgs, people, as_user, represent):
    """The organisation has no alliance: its claimed profile makes its page public."""
    represent(people["asso"], orgs["asso"])
    client = as_user(people["asso"])
    response = _edit(client, orgs["asso"], siren="732829321", rna="W123")
    page = response.content.decode()
    assert response.status_code == 200
    assert "SIREN invalide" in page and "Numéro RNA invalide" in page
    response = _edit(
        client,
        orgs["asso"],
        siren="732 829 320",
        siret="73282932000074",
        rna="w691234567",
        description="Nous collectons.",
        domains=["emploi_insertion"],
    )
    assert response.status_code == 302
    orgs["asso"].refresh_from_db()
    assert orgs["asso"].siren == "732829320" and orgs["asso"].rna == "W691234567"
    change = ProfileChange.objects.get()
    assert change.user == people["asso"]
    assert change.changes["siren"] == ["", "732829320"]
    assert change.changes["domains"] == [[], ["emploi_insertion"]]
    page = client.get(orgs["asso"].get_absolute_url()).content.decode()
    assert "Nous collectons." in page and "Profil confirmé le" in page


def test_siret_must_extend_siren(orgs, people, as_user, represent):
    represent(people["asso"], orgs["asso"])
    response = _edit(
        as_user(people["asso"]), orgs["asso"], siren="732829320", siret="40483304800022"
    )
    assert "Le SIRET doit commencer par le SIREN" in response.content.decode()


def test_unknown_place_is_named(orgs, people, as_user, represent):
    represent(people["asso"], orgs["asso"])
    response = _edit(as_user(people["asso"]), orgs["asso"], place="Zzyzxville-sur-Rien")
    assert "Zzyzxville-sur-Rien" in response.content.decode()
    assert "introuvable" in response.content.decode()


def _register(client, **changes):
    data = {
        "name": "Les Jardins Partagés d'Essai",
        "profile": "association",
        "website": "https://www.asso-essai.example",
        "siren": "",
        "siret": "",
        "rna": "W691234567",
        "place": "commune:69123",
        "description": "Des jardins.",
        "domains": ["environnement_climat"],
    }
    data.update(changes)
    return client.post("/partenaires/organisations/inscrire/", data)


def test_register_an_organisation_absent_from_the_base(people, as_user, client_fr):
    from alliances.base.models import Organisation

    response = _register(as_user(people["asso"]))
    organisation = Organisation.objects.get(name="Les Jardins Partagés d'Essai")
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.rna == "W691234567" and organisation.profile.key == "association"
    assert Claim.objects.get(organisation=organisation).status == "approved"
    page = client_fr.get(organisation.get_absolute_url()).content.decode()
    assert "Des jardins." in page


def test_register_without_domain_match_waits_and_duplicates_are_claimed(people, as_user):
    from alliances.base.models import Organisation

    client = as_user(people["stranger"])
    response = _register(client, name="Une autre association d'essai", rna="W691234568")
    assert response["Location"] == "/partenaires/mon-organisation/"
    organisation = Organisation.objects.get(name="Une autre association d'essai")
    assert Claim.objects.get(organisation=organisation).status == "pending"
    again = _register(client, name="Tout autre nom", rna="W691234568")
    assert again["Location"] == f"/partenaires/organisations/{organisation.pk}/revendiquer/"
    assert not Organisation.objects.filter(name="Tout autre nom").exists()
    bad = _register(client, name="Mauvais numéro", rna="X1", profile="inconnu")
    assert "Numéro RNA invalide" in bad.content.decode()


def test_representatives_confirm_the_profile(orgs, alliance, people, as_user, represent):
    url = f"/partenaires/organisations/{orgs['asso'].pk}/confirmer/"
    assert as_user(people["stranger"]).post(url).status_code == 403
    represent(people["asso"], orgs["asso"])
    client = as_user(people["asso"])
    client.post(url)
    page = client.get(orgs["asso"].get_absolute_url()).content.decode()
    assert "Profil confirmé le" in page
