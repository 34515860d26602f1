"""The platform's permission matrix: five roles, on pages and on the API, by direct URL.

Roles: anonymous; contributor (a confirmed account); partner member (a membership of a
workspace); curator (staff + the curators' group of alliances/accounts/roles.yaml);
administrator (superuser). The finer matrix of a workspace is in tests/workspaces.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from alliances.base.models import Alliance, Organisation
from alliances.economics.models import ContributionEntry
from alliances.referentials.models import Term
from alliances.workspaces.models import Membership, Workspace

ROLES = ("anonymous", "contributor", "member", "curator", "administrator")
LOGIN = "login"  # a redirect to the sign-in page
ADMIN_LOGIN = "admin-login"

# (URL template, expected answer per role in ROLES order). 200: shown; 403/404: refused;
# 401: API without credentials.
PUBLIC = (200, 200, 200, 200, 200)
SIGNED_IN = (LOGIN, 200, 200, 200, 200)
CURATORS = (LOGIN, 403, 403, 200, 200)
BACK_OFFICE = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, 200)
ADMINISTRATORS = (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 403, 200)
MATRIX = [
    ("/", PUBLIC),
    ("/alliances/", PUBLIC),
    ("/alliances/{slug}/", PUBLIC),
    ("/alliances/?drafts=1&format=json", PUBLIC),  # drafts only for curators: see below
    ("/donnees/", PUBLIC),
    ("/api/v1/alliances", PUBLIC),
    ("/api/v1/alliances/{slug}", PUBLIC),
    ("/comptes/mes-donnees/", SIGNED_IN),
    ("/contributions/proposer/", SIGNED_IN),
    ("/contributions/corriger/{slug}/", SIGNED_IN),
    ("/contributions/mes-contributions/", SIGNED_IN),
    ("/recherches/", SIGNED_IN),
    ("/contributions/moderation/", CURATORS),
    ("/contributions/moderation/signalements/", CURATORS),
    ("/espaces/{workspace}/", (LOGIN, 404, 200, 404, 404)),
    ("/api/v1/workspaces/{workspace}/model", (401, 404, 200, 404, 404)),
    # Faire alliance (issue 17): "member" also represents the organisation of its workspace;
    # "contributor" wrote to it.
    ("/partenaires/", PUBLIC),
    ("/partenaires/?q=benevoles+Lyon&sens=besoins&portee=local", PUBLIC),
    ("/partenaires/flux/?sens=propositions&lieu=region:84", PUBLIC),
    ("/recherches/enregistrer/?cible=listings&sens=besoins", SIGNED_IN),
    ("/partenaires/{listing}/", PUBLIC),
    ("/organisations/{organisation}/", PUBLIC),
    ("/partenaires/organisations/{organisation}/partenaires-possibles/", PUBLIC),
    ("/partenaires/publier/", SIGNED_IN),
    ("/partenaires/mon-organisation/", SIGNED_IN),
    ("/partenaires/organisations/inscrire/", SIGNED_IN),
    ("/partenaires/organisations/{organisation}/revendiquer/", SIGNED_IN),
    ("/partenaires/organisations/{organisation}/contacter/", SIGNED_IN),
    ("/partenaires/organisations/{organisation}/modifier/", (LOGIN, 403, 200, 200, 200)),
    ("/partenaires/conversations/{conversation}/", (LOGIN, 200, 200, 404, 404)),
    ("/partenaires/moderation/", CURATORS),
    ("/partenaires/facilitation/", CURATORS),  # and the territories' facilitators
    ("/admin/partners/facilitator/", BACK_OFFICE),
    ("/api/v1/organisations", PUBLIC),
    ("/api/v1/needs", PUBLIC),
    ("/api/v1/offers", PUBLIC),
    ("/api/v1/listings/{listing}/suggestions", (401, 200, 200, 200, 200)),
    ("/api/v1/organisations/{organisation}/suggestions", (401, 200, 200, 200, 200)),
    ("/admin/partners/listing/", BACK_OFFICE),
    ("/admin/partners/claim/", BACK_OFFICE),
    ("/admin/partners/conversation/", BACK_OFFICE),
    ("/admin/", BACK_OFFICE),
    ("/admin/base/alliance/", BACK_OFFICE),
    ("/admin/base/organisation/", BACK_OFFICE),
    ("/admin/base/importrun/", BACK_OFFICE),  # imports run by the job worker (ADR 0152)
    ("/admin/library/resource/", BACK_OFFICE),
    ("/admin/observatory/figure/", BACK_OFFICE),
    ("/admin/contributions/proposal/", BACK_OFFICE),
    ("/admin/auth/user/", ADMINISTRATORS),
    ("/admin/api/apikey/", ADMINISTRATORS),
    ("/admin/admin/logentry/", ADMINISTRATORS),
    ("/admin/workspaces/workspace/", ADMINISTRATORS),
]


@pytest.fixture
def world(db):
    from django.core.management import call_command

    call_command("populate_roles", verbosity=0)
    User = get_user_model()

    def account(name: str, **extra: object) -> object:
        return User.objects.create_user(
            username=name, email=f"{name}@example.org", password="pw-Matrice-2026", **extra
        )

    alliance = Alliance.objects.filter(status="published").order_by("pk").first()
    workspace = Workspace.objects.create(alliance=alliance)
    organisation = Organisation.objects.create(
        name="Organisation membre",
        profile=Term.objects.get(taxonomy__key="actor_profiles", key="association"),
    )
    member = account("member")
    Membership.objects.create(
        workspace=workspace, user=member, organisation=organisation, role="coordinator"
    )
    # A model exists only once a contribution is entered (the API answers 404 before).
    ContributionEntry.objects.create(
        workspace=workspace, organisation=organisation, year=2025, kind="money", amount=500
    )
    curator = account("curator", is_staff=True)
    curator.groups.add(Group.objects.get(name="Curateurs"))
    users = {
        "anonymous": None,
        "contributor": account("contributor"),
        "member": member,
        "curator": curator,
        "administrator": account("administrator", is_staff=True, is_superuser=True),
    }
    from alliances.partners.models import Claim, Conversation, Listing

    Claim.objects.create(user=member, organisation=organisation, status="approved")
    listing = Listing.objects.create(
        organisation=organisation,
        direction="need",
        kind="benevoles",
        title="Besoin de la matrice",
        description="x",
        status="published",
    )
    conversation = Conversation.objects.create(sender=users["contributor"], recipient=organisation)
    return {
        "users": users,
        "slug": alliance.slug,
        "workspace": workspace.pk,
        "organisation": organisation.pk,
        "listing": listing.pk,
        "conversation": conversation.pk,
    }


def _client(user: object) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize(("template", "expected"), MATRIX, ids=[m[0] for m in MATRIX])
def test_the_permission_matrix(world, template, expected):
    url = template.format(
        slug=world["slug"],
        workspace=world["workspace"],
        organisation=world["organisation"],
        listing=world["listing"],
        conversation=world["conversation"],
    )
    for role, want in zip(ROLES, expected, strict=True):
        response = _client(world["users"][role]).get(url)
        if want == LOGIN:
            assert response.status_code == 302, (role, url, response.status_code)
            assert response["Location"].startswith("/comptes/login/"), (role, url)
        elif want == ADMIN_LOGIN:
            assert response.status_code == 302, (role, url, response.status_code)
            assert response["Location"].startswith("/admin/login/"), (role, url)
        else:
            assert response.status_code == want, (role, url, response.status_code)


def test_drafts_are_shown_to_curators_only(world):
    # A word no shipped example contains, so the count is the draft's alone.
    draft = Alliance.objects.create(kind="alliance", title="Brouillon zqxwv", slug="brouillon-x")
    for role in ROLES:
        client = _client(world["users"][role])
        page = client.get("/alliances/brouillon-x/")
        listing = client.get("/alliances/?drafts=1&q=zqxwv&format=json").json()
        sees = role in ("curator", "administrator")
        assert (page.status_code == 200) is sees, (role, page.status_code)
        assert (listing["count"] == 1) is sees, (role, listing["count"])
    assert draft.pk


def test_api_write_endpoints_ignore_sessions_and_need_a_key(world):
    for role in ROLES:
        response = _client(world["users"][role]).post("/api/v1/observatory/figures/import")
        assert response.status_code == 401, role
