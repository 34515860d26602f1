import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from alliances.base.models import Alliance, Organisation, Partner
from alliances.referentials.models import Taxonomy, Term
from alliances.workspaces.models import Membership, Workspace


def _profile(key: str) -> Term:
    taxonomy, _ = Taxonomy.objects.get_or_create(
        key="actor_profiles", defaults={"name_fr": "Profils d'acteurs"}
    )
    term, _ = Term.objects.get_or_create(
        taxonomy=taxonomy, key=key, parent=None, defaults={"label_fr": key.capitalize()}
    )
    return term


@pytest.fixture
def people(db):
    User = get_user_model()

    def user(name: str, **extra) -> object:
        return User.objects.create_user(
            username=f"{name}@example.org", email=f"{name}@example.org", password="x", **extra
        )

    return {
        "coordinator": user("coordinator"),
        "member_a": user("member-a"),
        "member_b": user("member-b"),
        "stranger": user("stranger"),
        "curator": user("curator", is_staff=True),
    }


@pytest.fixture
def workspace(people):
    alliance = Alliance.objects.create(
        kind="alliance", title="Alliance d'essai", slug="alliance-essai", status="published"
    )
    org_a = Organisation.objects.create(name="Association A", profile=_profile("association"))
    org_b = Organisation.objects.create(name="Entreprise B", profile=_profile("entreprise"))
    Partner.objects.create(alliance=alliance, organisation=org_a, role="leader")
    Partner.objects.create(alliance=alliance, organisation=org_b, role="partner")
    space = Workspace.objects.create(alliance=alliance)
    Membership.objects.create(
        workspace=space, user=people["coordinator"], organisation=org_a, role="coordinator"
    )
    Membership.objects.create(workspace=space, user=people["member_a"], organisation=org_a)
    Membership.objects.create(workspace=space, user=people["member_b"], organisation=org_b)
    space.org_a, space.org_b = org_a, org_b
    return space


@pytest.fixture
def as_user(db):
    """A separate signed-in client per call, so several people can act in one test."""

    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def file_report(db):
    return submitted_report


def submitted_report(workspace, year: int, **fields):
    """A progress report filed by a coordinator (a draft does not count for the light)."""
    from alliances.evaluation.models import ProgressReport

    fields.setdefault("achievements", "Bilan")
    return ProgressReport.objects.create(
        workspace=workspace,
        year=year,
        status=ProgressReport.Status.SUBMITTED,
        submitted_at=timezone.now(),
        **fields,
    )


@pytest.fixture
def complete_answers():
    return answers


def answers(value: int, dont_know: tuple = (), action: str = "send") -> dict:
    """A complete answer form: every question at `value`, some "don't know", then sent."""
    from alliances.evaluation.questionnaire import load_questionnaire

    data = {q["key"]: str(value) for q in load_questionnaire()["questions"]}
    for key in dont_know:
        data[key] = "dk"
    data["action"] = action
    return data
