import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from alliances.base.models import Alliance, Organisation, Partner
from alliances.referentials.models import Term
from alliances.territories.models import Territory


def profile(key: str) -> Term:
    return Term.objects.get(taxonomy__key="actor_profiles", key=key, parent=None)


def place(level: str, code: str) -> Territory:
    return Territory.objects.get(level=level, code=code)


@pytest.fixture
def people(db):
    User = get_user_model()

    def user(email: str, **extra) -> object:
        return User.objects.create_user(username=email, email=email, password="x", **extra)

    return {
        "asso": user("presidente@asso-essai.example"),
        "company": user("rse@entreprise-essai.example"),
        "stranger": user("quelquun@gmail.com"),
        "curator": user("curateur@example.org", is_staff=True),
    }


@pytest.fixture
def orgs(db):
    asso = Organisation.objects.create(
        name="Association d'essai",
        profile=profile("association"),
        website="https://www.asso-essai.example/",
        territory=place("commune", "69123"),
    )
    company = Organisation.objects.create(
        name="Entreprise d'essai",
        profile=profile("entreprise"),
        website="https://entreprise-essai.example",
        territory=place("commune", "69266"),
    )
    return {"asso": asso, "company": company}


@pytest.fixture
def alliance(orgs):
    alliance = Alliance.objects.create(
        kind="alliance",
        title="Alliance d'essai",
        slug="alliance-essai-partenaires",
        status="published",
    )
    Partner.objects.create(alliance=alliance, organisation=orgs["asso"], role="leader")
    Partner.objects.create(alliance=alliance, organisation=orgs["company"], role="partner")
    return alliance


@pytest.fixture
def as_user(db):
    def login(user) -> Client:
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        client.force_login(user)
        return client

    return login


@pytest.fixture
def represent(db):
    """Make a person the approved representative of an organisation."""
    from alliances.partners.models import Claim

    def make(user, organisation) -> Claim:
        return Claim.objects.create(
            user=user, organisation=organisation, status="approved", via="curator"
        )

    return make


@pytest.fixture(autouse=True)
def _fresh_candidates():
    """Each test's rolled-back writes must not leave candidates in this process's memory."""
    from alliances.partners import pool

    pool.clear()
    yield
    pool.clear()
