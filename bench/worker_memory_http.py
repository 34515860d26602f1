"""Benchmark: the resident memory of real gunicorn workers (issue 20: at most 600 MB at
1,000,000 alliances), after their warm-up and after the searches of bench/searches.py.

    .venv/bin/python bench/worker_memory_http.py --data-dir /work/benchdata/s1m     # SQLite
    .venv/bin/python bench/worker_memory_http.py --data-dir D --database-url URL    # PostgreSQL

Starts gunicorn as deployed (`gunicorn.conf.py`: each worker warms up before it answers;
2 workers × 2 threads, semantic part on) on a base made by `bench/base_search.py`, waits for
every worker's warm-up, then sends each search (the ten text + filters ones and the broad
ones) to the API and to the HTML page, `--rounds` times. After the warm-up and after each
round it reads each worker's /proc/PID/status: VmRSS (resident now), VmHWM (its peak),
RssAnon (heap) and RssFile (mapped files). `bench/worker_memory.py` measures the searches
alone in one process; this one measures what a worker holds once everything it warms is
there. Writes bench/results/worker_memory_http_<size>[_postgresql].md.
Without --data-dir it does nothing (bench/run.py runs every script: this one needs a base).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from common import (  # noqa: E402
    free_port,
    git_revision,
    header,
    start_gunicorn,
    wait_for_warm_workers,
)
from searches import BROAD, SEARCHES  # noqa: E402

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--data-dir", help="the data directory of a base made by base_search.py")
PARSER.add_argument("--database-url", help="PostgreSQL: the database of that base")
PARSER.add_argument("--rounds", type=int, default=3)
PARSER.add_argument("--workers", type=int, default=2)
FIELDS = ("VmRSS", "VmHWM", "RssAnon", "RssFile")


def _status(pid: int) -> dict[str, int]:
    out = {}
    with open(f"/proc/{pid}/status") as lines:
        for line in lines:
            key, _sep, value = line.partition(":")
            if key in FIELDS:
                out[key] = int(value.split()[0]) // 1024
    return out


def _workers(master: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True)
    return sorted(int(pid) for pid in found.stdout.split())


def _rows(label: str, pids: list[int]) -> list[str]:
    rows = []
    for number, pid in enumerate(pids, start=1):
        figures = _status(pid)
        rows.append(f"| {label} | {number} | " + " | ".join(str(figures[f]) for f in FIELDS) + " |")
    return rows


def main() -> None:
    args = PARSER.parse_args()
    if not args.data_dir:
        print("worker_memory_http: no --data-dir given, nothing to do")
        return
    env = {
        **os.environ,
        "ALLIANCES_DATA_DIR": args.data_dir,
        "DJANGO_SECRET_KEY": "bench",
        "ALLIANCES_SEARCH_SEMANTIC": "1",
        "ALLIANCES_API_RATE_PER_MINUTE": "0",
    }
    env.pop("ALLIANCES_TESTING", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    python = sys.executable
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    count = subprocess.run(
        [
            python,
            "manage.py",
            "shell",
            "-c",
            "from alliances.base.models import Alliance;print(Alliance.objects.count())",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()[-1]
    port = free_port()
    log = tempfile.NamedTemporaryFile(prefix="bench-worker-memory-", suffix=".log")
    server = start_gunicorn(python, env, port, args.workers, log)
    try:
        warm = wait_for_warm_workers(Path(log.name), args.workers)
        pids = _workers(server.pid)
        rows = _rows("after the warm-up", pids)
        for number in range(1, args.rounds + 1):
            for text, filters in [*SEARCHES, *BROAD]:
                query = urllib.parse.urlencode({"q": text, **filters})
                for path in ("/api/v1/alliances", "/alliances/"):
                    url = f"http://127.0.0.1:{port}{path}?{query}"
                    urllib.request.urlopen(url, timeout=120).read()
            rows += _rows(f"after {number} round(s) of searches", pids)
        warmed = [line for line in Path(log.name).read_text().splitlines() if "warmed up" in line]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        log.close()
    database = "PostgreSQL" if args.database_url else "SQLite"
    lines = header(
        f"Resident memory of gunicorn workers ({int(count):,} alliances, {database})",
        "python bench/worker_memory_http.py --data-dir …"
        + (" --database-url postgres://…" if args.database_url else ""),
    )
    lines += [
        f"- revision: {git_revision()}",
        f"- gunicorn {args.workers} workers × 2 threads, semantic part on; every worker warm "
        f"after {warm:.0f} s; each round sends the {len(SEARCHES) + len(BROAD)} searches of "
        "bench/searches.py to the API and to the HTML page",
        f"- load average (1 min) at the end: {os.getloadavg()[0]:.1f} on 2 cores",
        "",
        "| when | worker | VmRSS MB | VmHWM MB (peak) | RssAnon MB | RssFile MB |",
        "|---|---:|---:|---:|---:|---:|",
        *rows,
        "",
        "Warm-up, as each worker logged it:",
        "",
        *(f"- {line.split('] ')[-1]}" for line in warmed),
        "",
    ]
    suffix = "_postgresql" if args.database_url else ""
    (HERE / "results" / f"worker_memory_http_{count}{suffix}.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
