"""Benchmark: the search of needs and offers (`alliances.partners.search`, ADR 0146) at
20,000 open needs and offers: the list page with its five facets, the API, and the search
alone for a few kinds of query (no text, a word, words and a place read in them, filters).

`manage.py setup` loads the shipped data into a fresh temporary SQLite database; 20,000
SYNTHETIC needs and offers (titles "… (synthétique)") are added to shipped organisations,
placed in random communes; their descriptions are 40 to 120 words drawn from a fixed French
vocabulary (seeded), so that the text scan reads a realistic length. Their analysed text is
written as `Listing.save` would. Timings are in-process (django.test.Client or the function),
after warm-up.

Writes bench/results/partners_listsearch.md (with the load average: the machine is shared).
"""

import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

DATA_DIR = tempfile.mkdtemp(prefix="alliances-bench-listsearch-")
os.environ["ALLIANCES_DATA_DIR"] = DATA_DIR
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

LISTINGS = 20_000
RUNS = 30
WORDS = (
    "association entreprise bénévoles mécénat compétences comptabilité jeunes quartier "
    "insertion emploi formation numérique ateliers locaux salle réunion matériel informatique "
    "ordinateurs accompagnement projet commun territoire école collège devoirs soutien "
    "scolaire alimentation épicerie solidaire transport mobilité handicap santé prévention "
    "culture musique sport club environnement jardin partagé déchets recyclage énergie "
    "logement seniors isolement familles enfants parents communication site web juridique "
    "financement subvention fondation achats responsables fournisseurs local proximité "
    "semaine mois soir week-end heures personnes équipe salariés volontaires"
).split()


def build() -> int:
    from django.utils import timezone

    from alliances.base.models import Organisation
    from alliances.base.search.analysis import analyse
    from alliances.partners.kinds import KIND_LABELS
    from alliances.partners.models import Listing
    from alliances.referentials.models import Term
    from alliances.territories.models import Territory

    call_command("setup", verbosity=0)
    rng = random.Random(146)
    organisations = list(Organisation.objects.all())
    communes = list(Territory.objects.filter(level="commune", obsolete=False).only("pk"))
    domains = list(Term.objects.filter(taxonomy__key="domains", parent__isnull=True))
    now = timezone.now()
    rows = []
    for i in range(LISTINGS):
        owner = rng.choice(organisations)
        title = " ".join(rng.sample(WORDS, 4)).capitalize() + f" n°{i} (synthétique)"
        description = " ".join(rng.choice(WORDS) for _ in range(rng.randint(40, 120)))
        rows.append(
            Listing(
                organisation=owner,
                direction=rng.choice(["need", "offer"]),
                kind=rng.choice(list(KIND_LABELS)),
                title=title,
                description=description,
                territory=rng.choice(communes),
                reach=rng.choice(["local", "departement", "region", "national"]),
                status="published",
                published_at=now,
                confirmed_at=now,
                expires_at=now + timezone.timedelta(days=180),
                synthetic=True,
                search_text=f" {analyse(' '.join((title, description, owner.name)))} ",
            )
        )
    Listing.objects.bulk_create(rows, batch_size=2000)
    through = Listing.domains.through
    through.objects.bulk_create(
        [
            through(listing_id=pk, term_id=rng.choice(domains).pk)
            for pk in Listing.objects.values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    return len(organisations)


QUERIES = {
    "no text, no filter": {},
    "one word (q=benevoles)": {"q": "benevoles"},
    "two words, the last a prefix (q=salle reun)": {"q": "salle reun"},
    "words and a place read in them (q=mécénat à Lyon)": {"q": "mécénat à Lyon"},
    "filters only (sens, nature, lieu=region:84)": {
        "sens": "besoins",
        "nature": "benevoles",
        "lieu": "region:84",
    },
    "words and filters (q=ateliers numerique, domaine, portee)": {
        "q": "ateliers numerique",
        "domaine": "education",
        "portee": "local",
    },
}


def main() -> None:
    from alliances.partners import search

    try:
        organisations = build()
        client = Client(HTTP_ACCEPT_LANGUAGE="fr")
        load_before = os.getloadavg()
        results = {}
        for name, params in QUERIES.items():
            found = search.search(params)
            results[f"search + 5 facets: {name}"] = (
                measure(lambda p=params: search.search(p), RUNS, warmup=3),
                found.count,
            )
        # A search not kept yet (its first page): what it kept is dropped before each run
        # (a private dict of the module: the same name in the revisions measured).
        for name in (
            "no text, no filter",
            "one word (q=benevoles)",
            "filters only (sens, nature, lieu=region:84)",
        ):
            params = QUERIES[name]

            def first(p: dict = params) -> object:
                search._found_cache.clear()
                return search.search(p)

            results[f"first search + 5 facets: {name}"] = (
                measure(first, RUNS, warmup=3),
                first().count,
            )
        pages = {
            "page /partenaires/?q=benevoles+Rhône": "/partenaires/?q=benevoles+Rh%C3%B4ne",
            "page /partenaires/ (no filter)": "/partenaires/",
            "API /api/v1/needs?q=benevoles&lieu=region:84": (
                "/api/v1/needs?q=benevoles&lieu=region:84"
            ),
            "feed /partenaires/flux/?q=benevoles": "/partenaires/flux/?q=benevoles",
        }
        for name, path in pages.items():
            assert client.get(path).status_code == 200, path
            results[name] = (measure(lambda p=path: client.get(p), RUNS, warmup=3), None)
        load_after = os.getloadavg()
    finally:
        shutil.rmtree(DATA_DIR, ignore_errors=True)
    lines = header(
        "Faire alliance: searching needs and offers", "python bench/partners_listsearch.py"
    )
    lines += [
        f"Revision {git_revision()}. Shipped base ({organisations:,} organisations) plus "
        f"{LISTINGS:,} SYNTHETIC open needs and offers (labelled); SQLite; {RUNS} runs after "
        f"3 warm-up runs. Load average (1, 5, 15 min) before: "
        f"{', '.join(f'{x:.2f}' for x in load_before)}; after: "
        f"{', '.join(f'{x:.2f}' for x in load_after)} (2 shared cores).",
        "",
        "| what | found | median ms | p95 ms |",
        "|---|---:|---:|---:|",
    ]
    for name, (r, count) in results.items():
        shown = f"{count:,}" if count is not None else ""
        lines.append(f"| {name} | {shown} | {r['median']:.1f} | {r['p95']:.1f} |")
    lines.append("")
    out = Path(__file__).resolve().parent / "results" / "partners_listsearch.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
