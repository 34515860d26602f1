import json
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import identify_hasher
from django.core import mail

FORM = {
    "email": "Camille@Example.org",
    "first_name": "Camille",
    "last_name": "Martin",
    "password1": "une phrase de passe solide",
    "password2": "une phrase de passe solide",
    "privacy": "on",
}


def _link(body: str) -> str:
    line = next(line for line in body.splitlines() if "/comptes/" in line)
    return line[line.index("/comptes/") :].strip()


@pytest.mark.django_db
def test_registration_needs_the_email_to_be_confirmed(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    response = client.post("/comptes/inscription/", FORM)
    assert response.status_code == 200
    user = get_user_model().objects.get(email="camille@example.org")
    assert not user.is_active
    assert identify_hasher(user.password).algorithm == "argon2"
    assert not client.login(username="camille@example.org", password=FORM["password1"])
    confirmation = client.get(_link(mail.outbox[0].body))
    assert confirmation.status_code == 302
    assert client.login(username="camille@example.org", password=FORM["password1"])
    assert client.get(_link(mail.outbox[0].body)).status_code == 400  # used once


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"password2": "autre chose"}, "ne sont pas identiques"),
        ({"password1": "12345678", "password2": "12345678"}, "mot de passe"),
        ({"privacy": ""}, "obligatoire"),
        ({"email": "pas-une-adresse"}, "adresse de courriel valide"),
    ],
)
def test_bad_registration_says_why_and_keeps_what_was_typed(client, change, message):
    response = client.post("/comptes/inscription/", {**FORM, **change})
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert message in html
    assert 'value="Camille"' in html
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_the_honeypot_refuses_robots(client):
    response = client.post("/comptes/inscription/", {**FORM, "website": "http://spam"})
    assert response.status_code == 400
    assert not get_user_model().objects.exists()


@pytest.mark.django_db
def test_download_and_delete_my_data(client):
    user = get_user_model().objects.create_user(
        username="a@example.org", email="a@example.org", password="mot de passe long 2026"
    )
    client.force_login(user)
    download = client.get("/comptes/mes-donnees/?format=json")
    assert download["Content-Disposition"].startswith("attachment")
    assert json.loads(download.content)["account"]["email"] == "a@example.org"
    refused = client.post("/comptes/supprimer/", {"password": "faux"})
    assert refused.status_code == 400
    assert get_user_model().objects.filter(pk=user.pk).exists()
    assert (
        client.post("/comptes/supprimer/", {"password": "mot de passe long 2026"}).status_code
        == 302
    )
    assert not get_user_model().objects.filter(pk=user.pk).exists()


@pytest.mark.django_db
def test_password_reset_sends_a_link(client):
    get_user_model().objects.create_user(
        username="b@example.org", email="b@example.org", password="x"
    )
    response = client.post("/comptes/password_reset/", {"email": "b@example.org"})
    assert response.status_code == 302
    assert "/comptes/reset/" in mail.outbox[0].body


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "text"), [("fr", "Vos données"), ("en", "Your data")])
def test_privacy_page_in_both_languages(client, language, text):
    response = client.get("/confidentialite/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    assert text in response.content.decode()
