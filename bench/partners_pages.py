"""Benchmark: server time of the profile and need pages of "Faire alliance" (target: at most
50 ms median), on the shipped base plus SYNTHETIC needs and offers (labelled).

`manage.py setup` loads the shipped data into a fresh temporary SQLite database; 2,000
synthetic needs and offers ("… (synthétique)") are added to shipped organisations, spread
over their places; one organisation gets a representative. Pages are fetched through
django.test.Client after warm-up; the need page includes its suggestions (matching reads
its candidates from the database), the organisation page its partners' section.

`--scale` adds what the target is stated for: 100,000 SYNTHETIC organisations ("Organisation
synthétique n°…", placed in real communes drawn in proportion to their population, random
actor profile and 1-3 domains on a partner profile, no past alliance, no representative) and
20,000 SYNTHETIC open needs and offers among them (instead of 2,000 among the shipped
organisations). The pages leave organisations flagged `synthetic` out of the suggestions, so
in this throw-away database they are stored unflagged (their names say what they are).
`--suffix _before` names the result file (to keep a measure of an older revision).

Writes bench/results/partners_pages[_100000][suffix].md.
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
SCALE = "--scale" in sys.argv
SUFFIX = sys.argv[sys.argv.index("--suffix") + 1] if "--suffix" in sys.argv else ""
SCALE_ORGANISATIONS = 100_000
SCALE_LISTINGS = 20_000
PROFILES = (
    ["association"] * 45
    + ["entreprise"] * 30
    + ["collectivite"] * 8
    + ["fondation"] * 5
    + ["accompagnement"] * 5
    + ["academique"] * 3
    + ["etat"] * 2
)


def synthetic_organisations(rng: random.Random) -> list:
    """SCALE_ORGANISATIONS synthetic organisations in communes drawn by population."""
    from partners_matching import communes

    from alliances.base.models import Organisation
    from alliances.partners.models import OrganisationProfile
    from alliances.referentials.models import Term
    from alliances.territories.models import Territory

    places, weights = communes()
    chosen = rng.choices([p["code"] for p in places], weights=weights, k=SCALE_ORGANISATIONS)
    territory = dict(
        Territory.objects.filter(level="commune", code__in=set(chosen)).values_list("code", "pk")
    )
    profiles = {
        t.key: t.pk
        for t in Term.objects.filter(taxonomy__key="actor_profiles", parent__isnull=True)
    }
    rows = [
        Organisation(
            name=f"Organisation synthétique n°{i}",
            profile_id=profiles.get(rng.choice(PROFILES)),
            territory_id=territory.get(code),
        )
        for i, code in enumerate(chosen, start=1)
    ]
    Organisation.objects.bulk_create(rows, batch_size=2000)
    created = list(Organisation.objects.filter(name__startswith="Organisation synthétique"))
    OrganisationProfile.objects.bulk_create(
        [OrganisationProfile(organisation=o) for o in created], batch_size=2000
    )
    domains = list(Term.objects.filter(taxonomy__key="domains", parent__isnull=True))
    through = OrganisationProfile.domains.through
    links = []
    for profile in OrganisationProfile.objects.filter(organisation__in=created).only("pk"):
        for term in rng.sample(domains, rng.randint(1, 3)):
            links.append(through(organisationprofile_id=profile.pk, term_id=term.pk))
    through.objects.bulk_create(links, batch_size=5000)
    return created


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
    count = LISTINGS
    if SCALE:
        organisations = synthetic_organisations(rng)
        count = SCALE_LISTINGS
    # Shipped organisations rarely carry a place: the synthetic rows get a random département.
    departements = list(Territory.objects.filter(level="departement", obsolete=False))
    domains = list(Term.objects.filter(taxonomy__key="domains", parent__isnull=True))
    now = timezone.now()
    rows = []
    for i in range(count):
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
    Listing.objects.bulk_create(rows, batch_size=2000)
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
    try:  # bulk_create sends no signal: draw the candidates' version (revisions that have it)
        from alliances.partners import pool

        pool.bump()
    except ImportError:
        pass
    return need.pk, need.organisation_id, Organisation.objects.count()


def after_writes(client: Client, need_page: str, pool: object, need: int, organisation: int):
    """The need page right after a write. Revisions with change rows (ADR 0165) read again
    only what a save changed; `pool.bump()` (a bulk write without signals) reads everything
    again, which is also what any write did before them."""
    from alliances.base.models import Organisation
    from alliances.partners.models import Listing

    offer = Listing.objects.filter(direction="offer").exclude(pk=need).order_by("pk").first()
    owner = Organisation.objects.get(pk=organisation)

    def save(row: object) -> None:
        row.save()
        client.get(need_page)

    def bump(part: str) -> None:
        pool.bump(part)
        client.get(need_page)

    found = {}
    if hasattr(pool, "note"):
        found["need page right after an offer is saved (read again: that offer)"] = measure(
            lambda: save(offer), 5, warmup=0
        )
        found["need page right after an organisation is saved (it and its needs and offers)"] = (
            measure(lambda: save(owner), 5, warmup=0)
        )
    for part, what in (
        (pool.LISTINGS, "needs and offers bumped (bulk write: read again)"),
        (pool.ORGANISATIONS, "organisations bumped (bulk write: everything read again)"),
    ):
        found[f"need page right after {what}"] = measure(lambda p=part: bump(p), 5, warmup=0)
    return found


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
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            results[name] = measure(lambda p=path: client.get(p), RUNS, warmup=5)
        try:
            from alliances.partners import pool
        except ImportError:  # a revision before the candidates were kept in memory
            pool = None
        if pool is not None:
            need_page = pages["need page /partenaires/<id>/ (with suggestions)"]
            results.update(after_writes(client, need_page, pool, need, organisation))
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    command = "python bench/partners_pages.py" + (" --scale" if SCALE else "")
    title = "Faire alliance: profile and need pages" + (
        " at 100,000 organisations" if SCALE else ""
    )
    if SUFFIX:
        title += f" ({SUFFIX.strip('_')})"
    lines = header(title, command)
    if SCALE:
        data = (
            f"Shipped base plus {SCALE_ORGANISATIONS:,} SYNTHETIC organisations "
            f"({organisations:,} in all) and {SCALE_LISTINGS:,} SYNTHETIC open needs and "
            "offers (labelled)"
        )
    else:
        data = (
            f"Shipped base ({organisations:,} organisations) plus {LISTINGS:,} SYNTHETIC "
            "needs and offers (labelled)"
        )
    lines += [
        f"Revision {git_revision()}. {data}; SQLite; in-process requests "
        f"(django.test.Client), {RUNS} runs after 5 warm-up requests. Load average before "
        f"the runs: {load}.",
        "",
        "| page | median ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    for name, r in results.items():
        lines.append(f"| {name} | {r['median']:.1f} | {r['p95']:.1f} | <= 50 ms median |")
    lines.append("")
    name = "partners_pages" + ("_100000" if SCALE else "") + SUFFIX
    out = Path(__file__).resolve().parent / "results" / f"{name}.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
