"""Benchmark: how soon a changed alliance is found by meaning (issue 16: within a minute).

    make serve                                   # in another terminal (gunicorn + job worker)
    .venv/bin/python bench/vector_freshness.py --url http://127.0.0.1:8000 [--rounds 3]

Against a running server and its data directory (ALLIANCES_DATA_DIR, `var/` by default): an
alliance of the base gets a new title and summary that share no word with an English query,
saved as an edit is (the index is updated on commit and the job worker is asked for the
vector). The API (`/api/v1/alliances?q=...`) is then asked every 0.2 s until the alliance is
among its first 20 results; the time from the save to that answer is the measure. The
alliance's own text is put back afterwards, and the next round waits until its old vector is
back (the alliance no longer found by the next query). Each round uses another pair.
Writes bench/results/vector_freshness.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--url", help="the running server, e.g. http://127.0.0.1:8000")
PARSER.add_argument("--rounds", type=int, default=3)
PARSER.add_argument("--timeout", type=float, default=120.0)

# (French text given to the alliance, English query that shares none of its words). The
# texts are the benchmark's own, written here for the measure and removed after it.
PAIRS = [
    (
        "Potager collectif cultivé avec les retraités d'une résidence autonomie",
        "community vegetable garden with elderly residents",
    ),
    (
        "Atelier de réparation de vélos tenu par des personnes éloignées de l'emploi",
        "bicycle repair workshop employing jobless people",
    ),
    (
        "Chorale réunissant des écoliers et les pensionnaires d'une maison de retraite",
        "kids singing with old folks",
    ),
]


def _slugs(url: str, query: str) -> list[str]:
    address = f"{url}/api/v1/alliances?{urllib.parse.urlencode({'q': query})}"
    with urllib.request.urlopen(address, timeout=30) as answer:  # noqa: S310 - local server
        payload = json.load(answer)
    return [row["slug"] for row in payload["results"]]


def _save(alliance: object, title: str, summary: str) -> None:
    from django.db import transaction

    alliance.title, alliance.summary = title, summary  # type: ignore[attr-defined]
    with transaction.atomic():
        alliance.save()  # type: ignore[attr-defined]


def _round(url: str, alliance: object, text: str, query: str, timeout: float) -> float | None:
    slug = alliance.slug  # type: ignore[attr-defined]
    waited = time.perf_counter()
    # The previous round's text was put back: its vector is made again by the job worker.
    while slug in _slugs(url, query):
        if time.perf_counter() - waited > timeout:
            raise SystemExit(f"{slug} is already found by {query!r}: choose another alliance")
        time.sleep(0.5)
    original = (alliance.title, alliance.summary)  # type: ignore[attr-defined]
    started = time.perf_counter()
    _save(alliance, text, text)
    try:
        while time.perf_counter() - started < timeout:
            if slug in _slugs(url, query):
                return time.perf_counter() - started
            time.sleep(0.2)
        return None
    finally:
        _save(alliance, *original)


def main() -> None:
    args = PARSER.parse_args()
    if not args.url:
        print("vector_freshness: no --url of a running server given, nothing to do")
        return
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    from common import git_revision, header, setup_django

    setup_django()
    from alliances.base.models import Alliance

    alliance = Alliance.objects.published().order_by("-id").first()
    if alliance is None:
        raise SystemExit("no published alliance in this base")
    rows = []
    for index in range(args.rounds):
        text, query = PAIRS[index % len(PAIRS)]
        seconds = _round(args.url, alliance, text, query, args.timeout)
        shown = f"{seconds:.1f} s" if seconds is not None else f"not found in {args.timeout:.0f} s"
        rows.append(f"| {index + 1} | « {query} » | {shown} |")
        print(rows[-1], flush=True)
    lines = header(
        "A changed alliance found by meaning (issue 16: within a minute)",
        f"python bench/vector_freshness.py --url {args.url} --rounds {args.rounds}",
    )
    lines += [
        f"- revision: {git_revision()}; base: {Alliance.objects.count():,} alliances; the "
        f"alliance changed: {alliance.slug} (its text put back after each round)",
        f"- load average at the end {os.getloadavg()[0]:.2f}",
        "",
        "| round | English query (no word in common with the new French text) "
        "| from the save to the first API answer that lists it |",
        "|---:|---|---:|",
        *rows,
        "",
    ]
    (HERE / "results" / "vector_freshness.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
