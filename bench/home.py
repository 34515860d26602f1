"""Benchmark: server time of the home page and /healthz (target: home under 50 ms median).

Runs against a throw-away SQLite database prepared by `manage.py setup`, so the numbers include
what a visitor of a fresh `make serve` gets. Baseline: Django's bare response cycle for a
trivial view of the same stack (the cost of the middleware stack alone).
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ["ALLIANCES_DATA_DIR"] = tempfile.mkdtemp(prefix="alliances-bench-home-")
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"  # serve static files without a collected manifest
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

RUNS = 200


def main() -> None:
    call_command("setup", verbosity=0)
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    assert client.get("/").status_code == 200
    assert client.get("/healthz").status_code == 200
    results = {
        "/ (home)": measure(lambda: client.get("/"), RUNS),
        "/healthz": measure(lambda: client.get("/healthz"), RUNS),
        "baseline: /nulle-part/ (404 through the same stack)": measure(
            lambda: client.get("/nulle-part/"), RUNS
        ),
    }
    lines = header("Home page", "python bench/home.py")
    lines += [
        f"Revision {git_revision()}; {RUNS} requests each after 3 warm-up requests, in-process "
        "(django.test.Client: server time without network).",
        "",
        "| page | median ms | p95 ms | target |",
        "|---|---:|---:|---|",
    ]
    for page, r in results.items():
        target = "< 50 ms median" if page.startswith("/ ") else ""
        lines.append(f"| {page} | {r['median']:.1f} | {r['p95']:.1f} | {target} |")
    home = results["/ (home)"]["median"]
    base = results["baseline: /nulle-part/ (404 through the same stack)"]["median"]
    lines += ["", f"Home / baseline ratio: {home / base:.2f}.", ""]
    out = Path(__file__).resolve().parent / "results" / "home.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
