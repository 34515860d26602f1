"""The charter: signing (bad input kept and explained), moderation, the public list."""

import json

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory

from alliances.charter.admin import SignatureAdmin
from alliances.charter.models import Principle, Signature, SignatureStatus
from alliances.referentials.models import Term

GOOD = {
    "organisation_name": "Association des Jardins partagés",
    "profile": "association",
    "territory": "31555",
    "email": "contact@jardins.example",
    "consent": "on",
    "website": "",
}


def sign(client, **changes):
    return client.post("/charte/signer/", {**GOOD, **changes})


def accepted(name, profile, territory):
    return Signature.objects.create(
        organisation_name=name,
        profile=Term.objects.get(taxonomy__key="actor_profiles", key=profile),
        territory=territory,
        email="x@example.org",
        consent=True,
        status=SignatureStatus.ACCEPTED,
    )


def test_charter_page_says_where_the_text_is_and_whose_register_this_is(
    client_fr, client_en, places
):
    page = client_fr.get("/charte/").content.decode()
    assert "n'est pas publiée sur cette plateforme" in page
    assert "celui de la plateforme Alliances" in page
    assert "Fondation des Territoires" in page  # the publisher of the text, linked
    assert "associations.gouv.fr/la-charte-du-faire-alliance" in page
    assert "register" in client_en.get("/charte/").content.decode()
    Principle.objects.create(
        order=1,
        title_fr="Principe crédité",
        text_fr="Texte",
        published=True,
        source_url="https://exemple.org/charte",
        source_credit="Auteur, licence CC BY",
    )
    Principle.objects.create(order=2, title_fr="Principe sans source", published=True)
    Principle.objects.create(order=3, title_fr="Principe caché", published=False)
    page = client_fr.get("/charte/").content.decode()
    assert "Principe crédité" in page and "Auteur, licence CC BY" in page
    assert "Principe sans source" not in page and "Principe caché" not in page


def test_the_sign_page_says_it_before_the_form(client_fr, places):
    page = client_fr.get("/charte/signer/").content.decode()
    notice = page.index("celui de la plateforme Alliances")
    assert notice < page.index('action="/charte/signer/"')
    assert "associations.gouv.fr/la-charte-du-faire-alliance" in page[:notice]


def test_a_principle_is_published_only_with_its_source_and_credit(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="source"):
        Principle(order=9, title_fr="Sans source", published=True).full_clean()
    Principle(order=9, title_fr="Brouillon", published=False).full_clean()


def test_signature_is_pending_and_not_shown(client_fr, places):
    response = sign(client_fr)
    assert response.status_code == 302 and response["Location"] == "/charte/signer/merci/"
    signature = Signature.objects.get(organisation_name=GOOD["organisation_name"])
    assert signature.status == SignatureStatus.PENDING
    assert signature.territory == places["toulouse"] and signature.consent
    assert GOOD["organisation_name"] not in client_fr.get("/charte/signataires/").content.decode()


def test_admin_accept_action_makes_it_public(client_fr, places, admin_user):
    sign(client_fr)
    request = RequestFactory().post("/admin/")
    request.user = admin_user
    request._messages = type("M", (), {"add": lambda *a, **k: None})()
    SignatureAdmin(Signature, site).accept(request, Signature.objects.all())
    signature = Signature.objects.get()
    assert signature.status == SignatureStatus.ACCEPTED and signature.moderated_at
    assert GOOD["organisation_name"] in client_fr.get("/charte/signataires/").content.decode()


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong(client_fr, places):
    response = sign(
        client_fr, territory="Atlantide", email="pas-un-email", consent="", profile="licorne"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "La signature n'a pas été enregistrée" in page
    assert "Aucun territoire ne correspond à « Atlantide »" in page
    assert "Cet e-mail n&#x27;est pas valide" in page
    assert "Cochez la case de consentement" in page
    assert "Ce profil d&#x27;acteur n&#x27;existe pas" in page
    assert 'value="Atlantide"' in page and 'value="pas-un-email"' in page
    assert 'value="Association des Jardins partagés"' in page
    assert Signature.objects.count() == 0


def test_bad_input_in_english(client_en, places):
    page = client_en.post("/charte/signer/", {**GOOD, "email": ""}).content.decode()
    assert "Give a contact e-mail." in page


def test_territory_by_name_or_name_and_code(client_fr, places):
    assert sign(client_fr, territory="toulouse").status_code == 302
    assert sign(client_fr, territory="Occitanie (76)").status_code == 302
    assert {s.territory for s in Signature.objects.all()} == {
        places["toulouse"],
        places["occitanie"],
    }


def test_honeypot_drops_robots_silently(client_fr, places):
    assert sign(client_fr, website="http://spam.example").status_code == 302
    assert Signature.objects.count() == 0


def test_public_list_filters_by_region_containment_and_profile(client_fr, places):
    accepted("Mairie de Toulouse", "collectivite", places["toulouse"])
    accepted("Entreprise bretonne", "entreprise", places["bretagne"])
    Signature.objects.create(
        organisation_name="Refusée",
        profile=Term.objects.get(taxonomy__key="actor_profiles", key="association"),
        territory=places["toulouse"],
        email="r@example.org",
        status=SignatureStatus.REFUSED,
    )
    data = json.loads(client_fr.get("/charte/signataires/?format=json").content)
    assert sorted(r["organisation"] for r in data["results"]) == [
        "Entreprise bretonne",
        "Mairie de Toulouse",
    ]
    data = json.loads(client_fr.get("/charte/signataires/?format=json&region=76").content)
    assert [r["organisation"] for r in data["results"]] == ["Mairie de Toulouse"]
    assert data["results"][0]["region"] == "Occitanie"
    data = json.loads(client_fr.get("/charte/signataires/?format=json&profile=entreprise").content)
    assert [r["organisation"] for r in data["results"]] == ["Entreprise bretonne"]
    csv_text = client_fr.get("/charte/signataires/?format=csv").content.decode("utf-8-sig")
    assert "Mairie de Toulouse" in csv_text and "x@example.org" not in csv_text
    page = client_fr.get("/charte/signataires/?region=zz").content.decode()
    assert "La région « zz » est inconnue" in page


def test_hostile_names_are_escaped(client_fr, places):
    accepted("<script>alert(1)</script>", "association", places["toulouse"])
    page = client_fr.get("/charte/signataires/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_load_charter_is_idempotent_and_keeps_admin_principles(tmp_path, db):
    Principle.objects.create(order=1, title_fr="Saisi dans l'admin", published=True)
    data = tmp_path / "charter.yaml"
    data.write_text(
        "reference_resource: x\nprinciples:\n"
        "  - {order: 1, title_fr: Depuis le fichier,"
        "     source_url: 'https://x.org', source_credit: X}\n"
        "  - {order: 2, title_fr: Deuxième, text_fr: Texte, published: false}\n"
    )
    call_command("load_charter", file=data, verbosity=0)
    call_command("load_charter", file=data, verbosity=0)
    assert list(Principle.objects.values_list("order", "title_fr")) == [
        (1, "Saisi dans l'admin"),
        (2, "Deuxième"),
    ]
    call_command("load_charter", verbosity=0)  # the shipped file lists no principle
    assert Principle.objects.count() == 2


def test_load_charter_refuses_a_bad_file(tmp_path, db):
    from alliances.common.errors import DataFileError

    bad = tmp_path / "charter.yaml"
    bad.write_text("principles:\n  - {title_fr: sans ordre}\n")
    with pytest.raises(DataFileError, match="order"):
        call_command("load_charter", file=bad, verbosity=0)
    bad.write_text("principles:\n  - {order: 1, title_fr: Sans source}\n")
    with pytest.raises(DataFileError, match="source_url"):
        call_command("load_charter", file=bad, verbosity=0)


def test_api_lists_accepted_signatories_only(client_fr, places):
    accepted("Mairie de Toulouse", "collectivite", places["toulouse"])
    sign(client_fr)  # pending
    data = json.loads(client_fr.get("/api/v1/charter/signatories").content)
    assert data["count"] == 1
    assert data["results"][0]["organisation"] == "Mairie de Toulouse"
    assert "email" not in data["results"][0]
    data = json.loads(client_fr.get("/api/v1/charter/signatories?region=53").content)
    assert data["count"] == 0
    data = json.loads(client_fr.get("/api/v1/charter/signatories?profile=zz").content)
    assert data["count"] == 1 and data["ignored"]


def test_ambiguous_code_lists_the_candidates(client_fr, places):
    from alliances.territories.models import Territory

    Territory.objects.get_or_create(
        level="departement",
        code="76",
        defaults={"name": "Seine-Maritime", "search_name": "seine maritime"},
    )
    page = sign(client_fr, territory="76").content.decode()
    assert "Plusieurs territoires correspondent à « 76 »" in page
    assert "Occitanie (76)" in page and "Seine-Maritime (76)" in page
    assert sign(client_fr, territory="Seine-Maritime (76)").status_code == 302
