"""Benchmark: a full re-index of an existing base of alliances (issue 20: at most 10 minutes
for 1,000,000, in bounded memory and write-ahead log, with progress).

    .venv/bin/python bench/base_reindex.py --data-dir /work/benchdata/s1m         # SQLite
    .venv/bin/python bench/base_reindex.py --data-dir /work/benchdata/pg1m \\
        --database-url postgres://postgres@127.0.0.1:5432/bench1m                  # PostgreSQL

Runs `index.rebuild_index()` (text, facet rows, bitmaps, vocabulary; the semantic part off:
vectors are their own step) on a base made by `bench/base_search.py`, printing the progress
every 50,000 alliances, and measures its time, the peak memory of the process and the
write-ahead log: the largest size of SQLite's `-wal` file (sampled every 0.2 s), or the WAL
bytes PostgreSQL wrote. Writes bench/results/base_reindex_<size>[_postgresql].md.
Without --data-dir it does nothing (bench/run.py runs every script: this one needs a base).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--data-dir", help="the data directory of a base made by base_search.py")
PARSER.add_argument("--database-url", help="PostgreSQL: the database of that base")
PARSER.add_argument(
    "--compare",
    action="store_true",
    help="re-index twice in one run: analysed in this process alone, then by worker "
    "processes on every core (ADR 0182), side by side",
)
ARGS = PARSER.parse_args()
if not ARGS.data_dir:
    print("base_reindex: no --data-dir given, nothing to do")
    sys.exit(0)

os.environ["ALLIANCES_DATA_DIR"] = ARGS.data_dir
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ["ALLIANCES_TESTING"] = "1"
os.environ["ALLIANCES_SEARCH_SEMANTIC"] = "0"
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    os.environ.pop("DATABASE_URL", None)

from common import git_revision, header, setup_django  # noqa: E402

setup_django()

from django.db import connection  # noqa: E402

from alliances.base.models import Alliance  # noqa: E402
from alliances.base.search import index  # noqa: E402


class Progress:
    def __init__(self) -> None:
        self.done, self.started, self.lines = 0, time.perf_counter(), []

    def __call__(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if before // 50_000 != self.done // 50_000:
            line = (
                f"{self.done:,} alliances in {time.perf_counter() - self.started:.0f} s "
                f"(load {os.getloadavg()[0]:.1f})"
            )
            self.lines.append(line)
            print(line, flush=True)


class WalWatch(threading.Thread):
    """The largest size of SQLite's write-ahead log file while the re-index runs."""

    def __init__(self, path: Path) -> None:
        super().__init__(daemon=True)
        self.path, self.largest, self.stop = path, 0, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(0.2):
            try:
                self.largest = max(self.largest, self.path.stat().st_size)
            except OSError:
                pass


def wal_lsn() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        return str(cursor.fetchone()[0])


def wal_bytes(start: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s)", [start])
        return int(cursor.fetchone()[0])


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_rebuild(label: str, parallel_from: int) -> list[str]:
    """One full re-index, analysed in worker processes from `parallel_from` alliances."""
    postgres = connection.vendor == "postgresql"
    index.PARALLEL_FROM = parallel_from
    watch = None
    if postgres:
        lsn = wal_lsn()
    else:
        watch = WalWatch(Path(connection.settings_dict["NAME"] + "-wal"))
        watch.start()
    print(f"{label}:", flush=True)
    progress = Progress()
    load = os.getloadavg()[0]
    started = time.perf_counter()
    cpu, children = time.process_time(), _children_cpu()
    count = index.rebuild_index(progress=progress)
    seconds = time.perf_counter() - started
    cpu, children = time.process_time() - cpu, _children_cpu() - children
    if watch is not None:
        watch.stop.set()
        watch.join()
        wal = f"largest size of the -wal file while it ran: {watch.largest / 1e6:,.0f} MB"
    else:
        wal = f"WAL written by the server meanwhile: {wal_bytes(lsn) / 1e6:,.0f} MB"
    return [
        f"### {label}",
        "",
        f"**{count:,} alliances re-indexed in {seconds:.1f} s** ({count / seconds:,.0f}/s); "
        f"CPU: {cpu:.1f} s in this process, {children:.1f} s in its worker processes; "
        f"load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end.",
        "",
        f"- {wal}.",
        "- Progress: " + "; ".join(progress.lines),
        "",
    ]


def main() -> None:
    total = Alliance.objects.count()
    postgres = connection.vendor == "postgresql"
    load_start = os.getloadavg()
    runs = []
    if ARGS.compare:
        runs += timed_rebuild("Analysed in one process (as before ADR 0182)", total + 1)
    runs += timed_rebuild("Analysed by worker processes on every core (ADR 0182)", 0)
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    database = "PostgreSQL" if postgres else "SQLite"
    command = f"python bench/base_reindex.py --data-dir {ARGS.data_dir}" + (
        " --database-url postgres://…" if postgres else ""
    )
    command += " --compare" if ARGS.compare else ""
    lines = header(f"Full re-index of {total:,} synthetic alliances ({database})", command)
    lines += [
        f"- revision: {git_revision()}",
        f"- load average (1, 5, 15 min) before: {' '.join(f'{x:.2f}' for x in load_start)}; "
        f"after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
        "- semantic part off (text, facet rows, bitmaps, vocabulary; the vectors are their "
        "own step)",
        f"- peak memory: this process {self_peak:.0f} MB, a worker process {worker_peak:.0f} MB",
        "",
        *runs,
    ]
    suffix = f"_{total}" + ("_postgresql" if postgres else "")
    (HERE / "results" / f"base_reindex{suffix}.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
