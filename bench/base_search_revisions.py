"""Benchmark: the search of two revisions of the project, side by side in one run.

    .venv/bin/python bench/base_search_revisions.py --before a2166ef --after HEAD --size 50000

Issue 13 asked that straightening the search core keep it at least as fast as before. A
benchmark run at another hour cannot say so on this shared machine (the same code gave 21 ms
one day and 75 ms another), so this one measures both revisions in the same minutes:

1. Each revision is checked out (detached) in a folder of its own under /tmp, and given its
   own throw-away data directory; it runs with this project's virtual environment.
2. With its own code, each prepares its database: reference data, N synthetic alliances from
   its own generator (same seed, labelled synthetic), its full-text index rebuilt.
3. One worker process per revision loads Django once and answers requests through
   `django.test.Client` (server time without network). The orchestrator sends the same
   searches to both, alternating which goes first, so that what else the machine does hits
   both alike.

The semantic part is off on both sides (the earlier revision has none). Writes
bench/results/base_search_revisions.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import header  # noqa: E402
from searches import SEARCHES as NARROW  # noqa: E402

# The searches of bench/base_search.py (text + 2 filters), and broad ones people also make
# (kept as they were, so that runs of different days compare).
SEARCHES = [
    *NARROW,
    ("", {}),
    ("", {"profile": "entreprise", "type": "mecenat"}),
    ("solidarité", {}),
]

# Runs inside each revision's folder, with that revision's code: prepares the database,
# then answers one JSON request per line on stdin with one JSON line on stdout.
WORKER = r"""
import json, os, sys, time
sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliances.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.test import Client
from alliances.base.models import Alliance

size = int(sys.argv[1])
started = time.perf_counter()
call_command("setup", "--reference-only", verbosity=0)
if Alliance.objects.filter(synthetic=True).count() == 0:
    call_command("generate_synthetic_alliances", size, "--no-index", "--seed", "7", verbosity=0)
generated = time.perf_counter() - started
try:
    from alliances.base.search import index
    rebuild = index.rebuild_index
except ImportError:
    from alliances.base.search import fulltext
    rebuild = fulltext.rebuild_index
started = time.perf_counter()
rebuild()
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
indexed = time.perf_counter() - started
client = Client(HTTP_ACCEPT_LANGUAGE="fr")
print(json.dumps({"ready": True, "generate_s": generated, "index_s": indexed}), flush=True)
for line in sys.stdin:
    url = json.loads(line)["url"]
    t0 = time.perf_counter()
    response = client.get(url)
    ms = (time.perf_counter() - t0) * 1000
    count = response.json().get("count") if response.status_code == 200 else None
    print(json.dumps({"ms": ms, "status": response.status_code, "count": count}), flush=True)
"""


def checkout(revision: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"alliances-rev-{revision[:7]}-"))
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(folder), revision],
        check=True,
        capture_output=True,
    )
    return folder


class Worker:
    def __init__(self, label: str, revision: str, size: int) -> None:
        self.label = label
        self.revision = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", revision],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        self.folder = checkout(self.revision)
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)  # SQLite, the embedded default
        env.update(
            ALLIANCES_DATA_DIR=tempfile.mkdtemp(prefix="alliances-rev-data-"),
            DJANGO_SECRET_KEY="bench",
            ALLIANCES_TESTING="1",
            ALLIANCES_SEARCH_SEMANTIC="0",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, str(size)],
            cwd=self.folder,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.prepared: dict = {}

    def wait_ready(self) -> dict:
        for line in self.process.stdout:
            if line.startswith("{"):
                self.prepared = json.loads(line)
                return self.prepared
        raise RuntimeError(f"{self.label}: the worker stopped before it was ready")

    def get(self, url: str) -> dict:
        self.process.stdin.write(json.dumps({"url": url}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(self.folder)],
            check=False,
        )


def url_of(text: str, filters: dict[str, str]) -> str:
    params = {"q": text, **filters, "page_size": "20"} if text else {**filters, "page_size": "20"}
    return "/api/v1/alliances?" + urlencode(params)


def stats(values: list[float]) -> tuple[float, float]:
    values = sorted(values)
    return statistics.median(values), values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]


def measure(workers: list[Worker], runs: int) -> dict:
    """Every search `runs` times on each side, alternating which side goes first."""
    times: dict[str, dict[str, list[float]]] = {w.label: {} for w in workers}
    counts: dict[str, dict[str, int | None]] = {w.label: {} for w in workers}
    for text, filters in SEARCHES:
        url = url_of(text, filters)
        for worker in workers:  # warm-up, and the count each side answers
            answer = worker.get(url)
            if answer["status"] != 200:
                raise RuntimeError(f"{worker.label} answered {answer['status']} to {url}")
            counts[worker.label][url] = answer["count"]
            worker.get(url)
        for run in range(runs):
            order = workers if run % 2 == 0 else list(reversed(workers))
            for worker in order:
                times[worker.label].setdefault(url, []).append(worker.get(url)["ms"])
    return {"times": times, "counts": counts}


def report(workers: list[Worker], result: dict, size: int, runs: int, loads: list) -> list[str]:
    before, after = workers
    lines = header(
        f"Search of the base, two revisions side by side ({size:,} synthetic alliances, SQLite)",
        f"python bench/base_search_revisions.py --before {before.revision} "
        f"--after {after.revision} --size {size}",
    )
    lines += [
        f"Before: {before.revision}; after: {after.revision}. API /api/v1/alliances, first page "
        f"of 20 with every facet's counts, in-process (server time without network), {runs} "
        "timed runs per search and side after one warm-up, sides alternating. Semantic part "
        "off on both sides.",
        "",
        "| preparation | before s | after s |",
        "|---|---:|---:|",
        f"| generate (same seed) | {before.prepared['generate_s']:.1f} "
        f"| {after.prepared['generate_s']:.1f} |",
        f"| full-text index | {before.prepared['index_s']:.1f} | {after.prepared['index_s']:.1f} |",
        "",
        "| search | results before / after | before median ms | after median ms | ratio |",
        "|---|---:|---:|---:|---:|",
    ]
    ratios = []
    for text, filters in SEARCHES:
        url = url_of(text, filters)
        b, a = (statistics.median(result["times"][w.label][url]) for w in workers)
        ratios.append(a / b)
        label = " + ".join([f"« {text} »"] * bool(text) + [f"{k}={v}" for k, v in filters.items()])
        counts = f"{result['counts'][before.label][url]} / {result['counts'][after.label][url]}"
        lines.append(
            f"| {label or '(no text, no filter)'} | {counts} | {b:.1f} | {a:.1f} | {a / b:.2f} |"
        )
    all_b = [t for ts in result["times"][before.label].values() for t in ts]
    all_a = [t for ts in result["times"][after.label].values() for t in ts]
    (mb, pb), (ma, pa) = stats(all_b), stats(all_a)
    lines += [
        "",
        f"- Every search together: before median {mb:.1f} ms, p95 {pb:.1f} ms; after median "
        f"{ma:.1f} ms, p95 {pa:.1f} ms.",
        f"- Median of the per-search ratios after / before: {statistics.median(ratios):.2f} "
        "(below 1: the later revision is faster).",
        f"- Load average (1 min) on the shared 2-core machine: {loads[0]:.1f} at the start, "
        f"{loads[1]:.1f} at the end.",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", default="a2166ef")
    parser.add_argument("--after", default="HEAD")
    parser.add_argument("--size", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    workers = [Worker("before", args.before, args.size), Worker("after", args.after, args.size)]
    try:
        for worker in workers:
            print(worker.label, worker.revision, "ready:", worker.wait_ready(), flush=True)
        loads = [os.getloadavg()[0]]
        started = time.perf_counter()
        result = measure(workers, args.runs)
        loads.append(os.getloadavg()[0])
        print(f"measured in {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        for worker in workers:
            worker.close()
    lines = report(workers, result, args.size, args.runs, loads)
    out = HERE / "results" / "base_search_revisions.md"
    out.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
