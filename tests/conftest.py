"""Shared fixtures.

The test database is prepared once per session by the same `setup` command that
`make serve` runs (reference data and shipped content); each test then runs inside a
transaction that is rolled back. Avoid `transactional_db`/`live_server`: they flush the
tables and would take the reference data away from the tests that follow (browser tests
run against a real server process instead, see tests/browser/conftest.py).
"""

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import translation


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("setup", "--skip-migrate", verbosity=0)


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language: a test that activates English (a
    request through the test client does) must not change what the next one reads."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _nothing_kept_from_another_test():
    """What a process keeps per data version (the partners' candidates and searches) is keyed
    by version rows that a test's rollback takes back: the next test could meet the same key.
    The search's kept text orders are keyed by the index version, drawn at random: cleared
    too, so that no test depends on the draw. The synonyms' table is checked against the
    database every few seconds: one left by another test could be checked, or used stale, in
    the middle of this one."""
    from alliances.base.search.versions import forget_kept
    from alliances.partners import inspiration, pool, search
    from alliances.referentials import synonyms

    def forget_all() -> None:
        pool.clear()
        search.forget()
        inspiration.forget()
        forget_kept()
        synonyms.forget()

    forget_all()
    yield
    forget_all()


@pytest.fixture
def client_fr(db) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="fr")


@pytest.fixture
def client_en(db) -> Client:
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def real_queue(monkeypatch):
    """The job queue as in production (SQLite file), emptied; the worker's loop run by the
    test (`queue.run_pending`).

    The job wrapper closes stale connections between jobs: in a test's transaction that
    would drop the transaction, so it is neutralised here."""
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = False
    HUEY.flush()
    monkeypatch.setattr("huey.contrib.djhuey.close_old_connections", lambda: None)
    yield HUEY
    HUEY.flush()
    HUEY.immediate = True
