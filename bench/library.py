"""Benchmark: the resource search (/ressources/ and /api/v1/resources) with text + 2 filters.

Runs against a throw-away SQLite database prepared by `manage.py setup` (70 shipped
resources). Baseline: the bare ORM query for the same page of results (no facets, no
template), to show what the query object, facet counts and rendering add.
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ["ALLIANCES_DATA_DIR"] = tempfile.mkdtemp(prefix="alliances-bench-library-")
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"  # serve static files without a collected manifest
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 200
QUERY = "q=partenariat&kind=methode&kind=outil&level=2"


def bare_orm() -> list:
    from alliances.library.models import Resource

    qs = (
        Resource.objects.filter(status="published", obsolete=False)
        .filter(search_text__contains=" partenariat", kind__in=["methode", "outil"], level_2=True)
        .order_by("title")
    )
    return list(qs[:20])


def main() -> None:
    call_command("setup", verbosity=0)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr", HTTP_HOST="localhost")
    assert client.get(f"/ressources/?{QUERY}").status_code == 200
    results = {
        f"/ressources/?{QUERY}": measure(lambda: client.get(f"/ressources/?{QUERY}"), RUNS),
        f"/api/v1/resources?{QUERY}": measure(
            lambda: client.get(f"/api/v1/resources?{QUERY}"), RUNS
        ),
        "baseline: bare ORM query (same filters, one page, no facets)": measure(bare_orm, RUNS),
        "baseline: /charte/ (a simple page through the same stack)": measure(
            lambda: client.get("/charte/"), RUNS
        ),
    }
    count = len(bare_orm())
    lines = header("Library search", "python bench/library.py")
    lines += [
        f"Revision {git_revision()}; {RUNS} runs each after 3 warm-up runs, in-process "
        f"(django.test.Client: server time without network); 70 resources, {count} match.",
        "",
        "| what | median ms | p95 ms |",
        "|---|---:|---:|",
    ]
    for what, r in results.items():
        lines.append(f"| `{what}` | {r['median']:.2f} | {r['p95']:.2f} |")
    lines += [
        "",
        f"Load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(the machine is shared: compare rows of one run, not runs).",
        "",
    ]
    out = Path(__file__).resolve().parent / "results" / "library.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
