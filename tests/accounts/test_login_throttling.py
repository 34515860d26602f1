"""Login throttling (issue 19, item 8): per account and per address, on every login form
including the back office's, with a clear message and a delay that grows, counted where
every process sees it."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.django_db
PASSWORD = "une phrase de passe solide"


@pytest.fixture
def camille():
    return get_user_model().objects.create_user(
        "camille@example.org", "camille@example.org", PASSWORD, is_staff=True
    )


def attempt(url: str, username: str, password: str, address: str = "10.0.0.1"):
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="fr")
    response = client.post(url, {"username": username, "password": password})
    return response, "_auth_user_id" in client.session


@pytest.mark.parametrize("url", ["/comptes/login/", "/admin/login/"])
def test_five_wrong_passwords_lock_the_account_with_a_clear_message(camille, url, settings):
    for _ in range(settings.ALLIANCES_LOGIN_FAILURE_LIMIT - 1):
        response, logged_in = attempt(url, "camille@example.org", "faux")
        assert response.status_code == 200 and not logged_in
    response, _ = attempt(url, "camille@example.org", "faux")
    assert response.status_code == 429
    # Even the right password waits now, from anywhere, whatever the case typed.
    response, logged_in = attempt(url, "Camille@Example.org", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429 and not logged_in
    page = response.content.decode()
    assert "Trop de tentatives de connexion" in page and "Réessayez dans 1 minute" in page
    assert "/comptes/password_reset/" in page


def test_one_address_trying_many_accounts_is_locked(camille, settings):
    for n in range(settings.ALLIANCES_LOGIN_FAILURE_LIMIT):
        attempt("/comptes/login/", f"personne{n}@example.org", "faux", address="10.0.0.7")
    response, logged_in = attempt("/comptes/login/", "camille@example.org", PASSWORD, "10.0.0.7")
    assert response.status_code == 429 and not logged_in
    _, logged_in = attempt("/comptes/login/", "camille@example.org", PASSWORD, "10.0.0.8")
    assert logged_in


def test_the_delay_doubles_with_each_new_lockout(camille, settings):
    cache = caches[settings.AXES_CACHE]
    for expected in ("1 minute", "2 minutes", "4 minutes"):
        for _ in range(settings.ALLIANCES_LOGIN_FAILURE_LIMIT):
            response, _ = attempt("/comptes/login/", "camille@example.org", "faux")
        assert f"Réessayez dans {expected}" in response.content.decode()
        # The lockout ends (its counters expire); what it taught stays for the day.
        for key in list(_cache_keys()):
            if "strikes" not in key or key.endswith(":locked"):
                cache.delete(key)


def _cache_keys() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM alliances_login_attempts")
        return [row[0].split(":", 2)[-1] for row in cursor.fetchall()]


def test_failures_are_counted_in_a_cache_every_process_shares(camille, settings):
    backend = settings.CACHES[settings.AXES_CACHE]["BACKEND"]
    assert not backend.endswith(("LocMemCache", "DummyCache", "FileBasedCache"))
    attempt("/comptes/login/", "camille@example.org", "faux")
    assert _cache_keys(), "the failure is stored in the database cache table"


def test_a_successful_login_forgets_the_failures(camille):
    for _ in range(3):
        attempt("/comptes/login/", "camille@example.org", "faux")
    _, logged_in = attempt("/comptes/login/", "camille@example.org", PASSWORD)
    assert logged_in
    for _ in range(3):
        response, _ = attempt("/comptes/login/", "camille@example.org", "faux")
    assert response.status_code == 200
