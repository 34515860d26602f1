"""Benchmark of the territories: load from scratch, then server time of three pages.

1. `manage.py migrate` then `populate_territories` into a fresh temporary SQLite database,
   timed (target: under 20 s); then a second run (idempotent: nothing written).
2. Median/p95 server time of /territoires/, a région page and a département page through
   django.test.Client after warm-up (target: index and région under 50 ms median), beside
   the bare ORM queries those pages need (baseline: what the database alone costs).

Writes bench/results/territories.md.
"""

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ["ALLIANCES_DATA_DIR"] = tempfile.mkdtemp(prefix="alliances-bench-territories-")
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"  # serve static files without a collected manifest
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
os.environ.pop("DATABASE_URL", None)  # always a fresh SQLite file
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 100
RESULTS = Path(__file__).resolve().parent / "results" / "territories.md"


def main() -> None:
    from alliances.territories.loader import load_territories
    from alliances.territories.models import Level, Territory

    call_command("migrate", verbosity=0, skip_checks=True)
    started = time.perf_counter()
    call_command("populate_territories", verbosity=0, skip_checks=True)
    first_load = time.perf_counter() - started
    started = time.perf_counter()
    report = load_territories()
    second_load = time.perf_counter() - started
    total = Territory.objects.count()

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    pages = {
        "/territoires/ (index)": "/territoires/",
        "/territoires/region/84/ (Auvergne-Rhône-Alpes)": "/territoires/region/84/",
        "/territoires/departement/62/ (Pas-de-Calais, 890 communes)": (
            "/territoires/departement/62/"
        ),
    }
    for url in pages.values():
        assert client.get(url).status_code == 200, url

    def index_queries() -> None:
        list(Territory.objects.filter(level__in=["region", "com"], obsolete=False))
        Territory.objects.filter(level="pays").first()

    def region_queries() -> None:
        region = Territory.objects.select_related("parent").get(level="region", code="84")
        list(Territory.objects.filter(level="departement", region=region).order_by("code"))

    def departement_queries() -> None:
        dep = Territory.objects.get(level="departement", code="62")
        list(Territory.objects.filter(level=Level.EPCI, departement=dep).order_by("name"))
        communes = Territory.objects.filter(level="commune", departement=dep)
        communes.count()
        list(communes.select_related("epci").order_by("search_name")[:100])

    baselines = [index_queries, region_queries, departement_queries]
    rows = []
    for (label, url), baseline in zip(pages.items(), baselines, strict=True):
        page = measure(lambda url=url: client.get(url), RUNS, warmup=5)
        orm = measure(baseline, RUNS, warmup=5)
        rows.append((label, page, orm))

    stack = measure(lambda: client.get("/territoires/region/00/"), RUNS, warmup=5)
    lines = header("Territories", "python bench/territories.py")
    lines += [
        f"Revision {git_revision()}.",
        "",
        "### Load (fresh temporary SQLite database)",
        "",
        "| step | seconds | target |",
        "|---|---:|---|",
        f"| `populate_territories` from scratch ({total:,} territories and their postcodes) "
        f"| {first_load:.1f} | < 20 s |",
        f"| second run (idempotent: {report.unchanged:,} unchanged, {report.created} created, "
        f"{report.updated} updated) | {second_load:.1f} | nothing written |",
        "",
        "### Pages (server time, django.test.Client, in-process, after 5 warm-up requests)",
        "",
        f"{RUNS} requests each; the baseline runs only the ORM queries the page needs.",
        "",
        "| page | median ms | p95 ms | baseline ORM median ms | baseline p95 ms | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for label, page, orm in rows:
        target = "< 50 ms median" if "departement" not in label else ""
        lines.append(
            f"| {label} | {page['median']:.1f} | {page['p95']:.1f} | {orm['median']:.1f} | "
            f"{orm['p95']:.1f} | {target} |"
        )
    lines.append(
        f"| baseline: /territoires/region/00/ (a 404 through the same stack and base "
        f"template) | {stack['median']:.1f} | {stack['p95']:.1f} | | | |"
    )
    lines += [
        "",
        "The machine is shared (2 cores, several processes at once): figures vary between "
        "runs; the baseline measured in the same run shows how much is the database's share.",
        "",
    ]
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    try:
        main()
    finally:
        # The throw-away database (about 40 MB) is not kept.
        shutil.rmtree(os.environ["ALLIANCES_DATA_DIR"], ignore_errors=True)
