import itertools

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from alliances.base.models import Alliance

_numbers = itertools.count(1)


@pytest.fixture
def people(db):
    User = get_user_model()

    def user(name: str, **extra) -> object:
        return User.objects.create_user(
            username=f"{name}@example.org", email=f"{name}@example.org", password="x", **extra
        )

    return {
        "owner": user("owner"),
        "other": user("other"),
        "curator": user("curator", is_staff=True),
    }


@pytest.fixture
def signed_in(db):
    """A signed-in client (French interface) for a user."""

    def sign_in(user) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def publish(db):
    """Create a published alliance (indexed for the full-text search by the base's signals)."""

    def make(title: str, published_at=None, status="published", **extra) -> Alliance:
        n = next(_numbers)
        return Alliance.objects.create(
            kind="alliance",
            title=title,
            slug=f"alerte-essai-{n}",
            summary=extra.pop("summary", f"Résumé de {title}."),
            status=status,
            published_at=published_at or timezone.now(),
            **extra,
        )

    return make
