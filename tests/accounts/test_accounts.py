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


def _login(client, username: str, password: str) -> bool:
    """Through the login page, as a person does (django-axes watches this form)."""
    client.post("/comptes/login/", {"username": username, "password": password})
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_registration_needs_the_email_to_be_confirmed_with_a_button(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    response = client.post("/comptes/inscription/", FORM)
    assert response.status_code == 200
    # No account exists until the address is confirmed.
    assert not get_user_model().objects.filter(email="camille@example.org").exists()
    assert not _login(client, "camille@example.org", FORM["password1"])
    link = _link(mail.outbox[0].body)
    # Opening the link (a mail scanner does) activates nothing: it shows a button.
    page = client.get(link)
    assert page.status_code == 200 and "Activer mon compte" in page.content.decode()
    assert not get_user_model().objects.filter(email="camille@example.org").exists()
    confirmation = client.post(link)
    assert confirmation.status_code == 302
    user = get_user_model().objects.get(email="camille@example.org")
    assert user.is_active and identify_hasher(user.password).algorithm == "argon2"
    assert _login(client, "camille@example.org", FORM["password1"])
    assert client.get(link).status_code == 400  # used once


@pytest.mark.django_db
def test_registering_an_address_that_has_an_account_tells_its_owner_only(client):
    get_user_model().objects.create_user("camille@example.org", "camille@example.org", "x")
    response = client.post("/comptes/inscription/", FORM)
    assert response.status_code == 200
    assert "Un compte existe" not in response.content.decode()
    assert "Vérifiez votre messagerie" in response.content.decode()
    (notice,) = mail.outbox
    assert notice.to == ["camille@example.org"]
    assert "déjà un compte" in notice.subject and "/comptes/password_reset/" in notice.body
    assert "/comptes/confirmation/" not in notice.body


@pytest.mark.django_db
def test_someone_registering_my_address_first_never_blocks_me(client):
    intruder = {
        **FORM,
        "password1": "le mot de passe de l'intrus",
        "password2": "le mot de passe de l'intrus",
    }
    client.post("/comptes/inscription/", intruder)
    intruder_link = _link(mail.outbox[0].body)  # lands in the owner's mailbox, unused
    client.post("/comptes/inscription/", FORM)
    owner_link = _link(mail.outbox[1].body)
    assert client.post(owner_link).status_code == 302
    assert _login(client, "camille@example.org", FORM["password1"])
    client.logout()
    assert not _login(client, "camille@example.org", intruder["password1"])
    assert client.get(intruder_link).status_code == 400  # the other registration is gone


@pytest.mark.django_db
def test_unconfirmed_registrations_expire(client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from alliances.accounts.models import PendingRegistration

    client.post("/comptes/inscription/", FORM)
    link = _link(mail.outbox[0].body)
    past = timezone.now() - timedelta(hours=settings.ALLIANCES_REGISTRATION_EXPIRY_HOURS + 1)
    PendingRegistration.objects.update(created_at=past)
    assert client.post(link).status_code == 400
    assert not get_user_model().objects.filter(email="camille@example.org").exists()
    client.post("/comptes/inscription/", {**FORM, "email": "autre@example.org"})
    assert not PendingRegistration.objects.filter(email="camille@example.org").exists()


@pytest.mark.django_db
def test_a_reset_for_a_registration_not_confirmed_explains_how_to_finish(client):
    client.post("/comptes/inscription/", FORM)
    mail.outbox.clear()
    response = client.post("/comptes/password_reset/", {"email": "camille@example.org"})
    assert response.status_code == 302
    (message,) = mail.outbox
    assert "Terminez votre inscription" in message.subject
    assert "/comptes/inscription/" in message.body
    # An old account created unconfirmed is finished by registering again.
    get_user_model().objects.create_user(
        "ancien@example.org", "ancien@example.org", "oublié", is_active=False
    )
    mail.outbox.clear()
    client.post("/comptes/password_reset/", {"email": "ancien@example.org"})
    assert "Terminez votre inscription" in mail.outbox[0].subject
    client.post("/comptes/inscription/", {**FORM, "email": "ancien@example.org"})
    client.post(_link(mail.outbox[-1].body))
    assert _login(client, "ancien@example.org", FORM["password1"])


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
