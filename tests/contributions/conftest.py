import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from alliances.base.models import Alliance

GOOD = {
    "kind": "alliance",
    "title": "Jardins partagés du Bas-Chantenay",
    "summary": "Une association, un bailleur et la ville cultivent ensemble des jardins.",
    "description": "Trois partenaires, un terrain, des habitants.",
    "partner_1_name": "Les Jardins du Bas-Chantenay",
    "partner_1_profile": "association",
    "partner_1_role": "leader",
    "partner_2_name": "Ville de Nantes",
    "partner_2_profile": "collectivite",
    "partner_2_role": "funder",
    "territory": "Nantes",
    "start_year": "2019",
    "end_year": "",
    "partnership_types": ["cooperation_economique"],
    "domains": ["environnement_climat"],
    "sdg_goals": ["11", "15"],
    "sdg_targets": "11.7",
    "results_text": "",
    "source_url": "www.jardins-chantenay.example.org",
    "source_title": "Site des jardins",
    "source_date": "12/03/2024",
    "explanation": "Je suis bénévole de l'association.",
    "website": "",
}


def _user(name: str, **extra) -> object:
    return get_user_model().objects.create_user(
        username=f"{name}@example.org",
        email=f"{name}@example.org",
        password="x",
        first_name=name.capitalize(),
        **extra,
    )


def _client(user, language: str = "fr") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


@pytest.fixture
def people(db):
    return {
        "contributor": _user("camille"),
        "other": _user("dominique"),
        "curator": _user("claude", is_staff=True),
    }


@pytest.fixture
def contributor(people) -> Client:
    return _client(people["contributor"])


@pytest.fixture
def contributor_en(people) -> Client:
    return _client(people["contributor"], "en")


@pytest.fixture
def other(people) -> Client:
    return _client(people["other"])


@pytest.fixture
def curator(people) -> Client:
    return _client(people["curator"])


@pytest.fixture
def published(db) -> Alliance:
    """A real published example of the shipped base (Alsace Active, a catalyst)."""
    return Alliance.objects.get(slug="alsace-active")


@pytest.fixture
def good():
    return {k: (list(v) if isinstance(v, list) else v) for k, v in GOOD.items()}


@pytest.fixture
def propose(contributor, good):
    """Send the guided form as the contributor, with changes to the good values."""

    def send(client=None, **changes):
        return (client or contributor).post("/contributions/proposer/", {**good, **changes})

    return send
