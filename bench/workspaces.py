"""Benchmark: a closed evaluation campaign with 8 partners (targets: result page with its
chart under 200 ms median; its PDF under 2 s).

Synthetic workspace (labelled): 8 partner organisations, 8 members, one closed campaign with
8 responses drawn at random (seeded). Baseline: fetching the 8 responses from the database.
"""

import os
import random
import sys
import tempfile
from pathlib import Path

os.environ["ALLIANCES_DATA_DIR"] = tempfile.mkdtemp(prefix="alliances-bench-ws-")
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from alliances.base.models import Alliance, Organisation, Partner  # noqa: E402
from alliances.evaluation.models import Campaign, Response  # noqa: E402
from alliances.evaluation.questionnaire import load_questionnaire  # noqa: E402
from alliances.referentials.models import Taxonomy, Term  # noqa: E402
from alliances.workspaces.models import Membership, Workspace  # noqa: E402

PARTNERS = 8


def build() -> tuple[Workspace, object]:
    call_command("migrate", verbosity=0)
    taxonomy, _ = Taxonomy.objects.get_or_create(key="actor_profiles", defaults={"name_fr": "P"})
    profile, _ = Term.objects.get_or_create(
        taxonomy=taxonomy, key="association", defaults={"label_fr": "Association"}
    )
    alliance = Alliance.objects.create(
        kind="alliance",
        title="Alliance synthétique (banc)",
        slug="banc-synthetique",
        status="published",
        synthetic=True,
    )
    workspace = Workspace.objects.create(alliance=alliance)
    questionnaire = load_questionnaire()
    campaign = Campaign.objects.create(
        workspace=workspace, year=2025, questionnaire=questionnaire, status="closed"
    )
    rng = random.Random(8)
    User = get_user_model()
    coordinator = None
    for i in range(PARTNERS):
        org = Organisation.objects.create(name=f"Partenaire synthétique {i + 1}", profile=profile)
        Partner.objects.create(alliance=alliance, organisation=org)
        user = User.objects.create_user(username=f"p{i}@bench", email=f"p{i}@bench")
        Membership.objects.create(
            workspace=workspace,
            user=user,
            organisation=org,
            role="coordinator" if i == 0 else "member",
        )
        coordinator = coordinator or user
        Response.objects.create(
            campaign=campaign,
            organisation=org,
            submitted=True,
            answers={
                q["key"]: rng.choice([None, 1, 2, 3, 4, 5]) for q in questionnaire["questions"]
            },
        )
    return workspace, coordinator


def main() -> None:
    workspace, coordinator = build()
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    client.force_login(coordinator)
    page = f"/espaces/{workspace.pk}/evaluations/2025/"
    assert client.get(page).status_code == 200
    results = {
        "result page (cross views + chart)": measure(lambda: client.get(page), 100),
        "report PDF (WeasyPrint)": measure(lambda: client.get(page + "rapport.pdf"), 10, 1),
        "baseline: fetch the 8 responses": measure(
            lambda: list(
                Response.objects.filter(campaign__workspace=workspace).select_related(
                    "organisation"
                )
            ),
            100,
        ),
    }
    lines = header(
        "Partner workspace: evaluation campaign with 8 partners", "python bench/workspaces.py"
    )
    lines += [
        f"Revision {git_revision()}; synthetic workspace (8 partners, 20 questions); in-process "
        "requests (django.test.Client), charts cached after the first request.",
        "",
        "| what | median ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    targets = {
        "result page (cross views + chart)": "< 200 ms",
        "report PDF (WeasyPrint)": "< 2000 ms",
    }
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | {targets.get(name, '')} |")
    lines.append("")
    out = Path(__file__).resolve().parent / "results" / "workspaces.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
