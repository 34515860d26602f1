"""Benchmark: server time of the profile and need pages of "Faire alliance" (target: at most
50 ms median), on the shipped base plus SYNTHETIC needs and offers (labelled).

`manage.py setup` loads the shipped data into a fresh temporary SQLite database; 2,000
synthetic needs and offers ("… (synthétique)") are added to shipped organisations, spread
over their places; one organisation gets a representative. Pages are fetched through
django.test.Client after warm-up; the need page includes its suggestions (matching reads
its candidates from the database), the organisation page its partners' section.

Writes bench/results/partners_pages.md.
"""

import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

DATA_DIR = tempfile.mkdtemp(prefix="alliances-bench-partners-")
os.environ["ALLIANCES_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"  # serve static files without a collected manifest
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

LISTINGS = 2_000
RUNS = 50


def build() -> tuple[int, int, int]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from alliances.base.models import Organisation
    from alliances.partners.kinds import KIND_LABELS
    from alliances.partners.models import Claim, Listing
    from alliances.referentials.models import Term

    call_command("setup", verbosity=0)
    rng = random.Random(17)
    from alliances.territories.models import Territory

    organisations = list(Organisation.objects.all())
    # Shipped organisations rarely carry a place: the synthetic rows get a random département.
    departements = list(Territory.objects.filter(level="departement", obsolete=False))
    domains = list(Term.objects.filter(taxonomy__key="domains", parent__isnull=True))
    now = timezone.now()
    rows = []
    for i in range(LISTINGS):
        owner = rng.choice(organisations)
        rows.append(
            Listing(
                organisation=owner,
                direction=rng.choice(["need", "offer"]),
                kind=rng.choice(list(KIND_LABELS)),
                title=f"Besoin ou proposition n°{i} (synthétique)",
                description="Donnée synthétique pour la mesure de performance.",
                territory=owner.territory or rng.choice(departements),
                reach=rng.choice(["local", "departement", "region", "national"]),
                status="published",
                published_at=now,
                confirmed_at=now,
                expires_at=now + timezone.timedelta(days=180),
                synthetic=True,
            )
        )
    Listing.objects.bulk_create(rows)
    through = Listing.domains.through
    through.objects.bulk_create(
        [through(listing_id=x.pk, term_id=rng.choice(domains).pk) for x in Listing.objects.all()]
    )
    need = (
        Listing.objects.filter(direction="need", reach="departement", territory__code="69")
        .order_by("pk")
        .first()
        or Listing.objects.filter(direction="need").order_by("pk").first()
    )
    user = get_user_model().objects.create_user("bench@example.org", "bench@example.org", "x")
    Claim.objects.create(user=user, organisation=need.organisation, status="approved")
    return need.pk, need.organisation_id, len(organisations)


def main() -> None:
    try:
        need, organisation, organisations = build()
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        pages = {
            "organisation page /organisations/<id>/": f"/organisations/{organisation}/",
            "need page /partenaires/<id>/ (with suggestions)": f"/partenaires/{need}/",
            "list /partenaires/?lieu=<its département>": "/partenaires/?lieu=Rhône",
            "possible partners of the organisation": (
                f"/partenaires/organisations/{organisation}/partenaires-possibles/"
            ),
        }
        results = {}
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            results[name] = measure(lambda p=path: client.get(p), RUNS, warmup=5)
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    lines = header("Faire alliance: profile and need pages", "python bench/partners_pages.py")
    lines += [
        f"Revision {git_revision()}. Shipped base ({organisations:,} organisations) plus "
        f"{LISTINGS:,} SYNTHETIC needs and offers (labelled); SQLite; in-process "
        f"requests (django.test.Client), {RUNS} runs after 5 warm-up requests.",
        "",
        "| page | median ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | <= 50 ms median |")
    lines.append("")
    out = Path(__file__).resolve().parent / "results" / "partners_pages.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
