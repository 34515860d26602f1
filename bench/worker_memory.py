"""Resident memory of a fresh worker, stage by stage (issue 16: at most 600 MB at 100,000).

    ALLIANCES_DATA_DIR=DIR .venv/bin/python bench/worker_memory.py [--lexical] [--trace]
        [--sheet odd/17] [--warm-steps] [--write NAME]

A new process (as a gunicorn worker after its warm-up) sets Django up, runs the searches of
bench/searches.py lexically, then loads the model and the alliances' vectors and runs them
again with the semantic part on. After each stage it prints the kernel's figures for this
process from /proc/self/status: VmRSS (resident now), VmHWM (the highest resident so far:
the peak), RssAnon (heap) and RssFile (mapped files, such as the model). `--trace` adds the
Python allocations alive after the last stage (tracemalloc, top 15 lines); `--json` prints
the last stage as one JSON line (bench/base_search.py reads it). `--sheet KIND/KEY` adds a
last stage: that sheet's content built in this process, as a worker does when no job worker
built it ahead (the SDG 17 sheet covers every alliance); its peak is its own (VmHWM reset
before it). `--warm-steps` first runs the warm-up's steps (alliances/warmup.py) one by one as a
gunicorn worker does, each stage's peak its own. `--write NAME` also writes the table to
bench/results/NAME.md.

Connections are closed as in a worker: after the vectors' load (the warm-up closes them
after each step) and after each search (Django does at the end of each request; on SQLite,
whose connections live for one request, that unmaps the database file; a PostgreSQL
connection stays open for `DATABASE_CONN_MAX_AGE`).

VmHWM is read rather than getrusage's ru_maxrss: a process started by subprocess (vfork and
exec) inherits in ru_maxrss the peak of the process that started it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--lexical", action="store_true", help="leave the semantic part off")
PARSER.add_argument("--trace", action="store_true", help="tracemalloc: top Python allocations")
PARSER.add_argument("--json", action="store_true", help="print the last stage as JSON")
PARSER.add_argument("--sheet", help="KIND/KEY of a sheet built as a last stage (odd/17)")
PARSER.add_argument("--write", help="also write the table to bench/results/NAME.md")
PARSER.add_argument(
    "--warm-steps",
    action="store_true",
    help="first run the warm-up's steps one by one, each with its own peak, as a worker does",
)


def reset_peak() -> None:
    """Start VmHWM again from the current resident size (Linux: clear_refs)."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def status() -> dict[str, int]:
    """VmRSS, VmHWM, RssAnon and RssFile of this process, in MB."""
    wanted = {"VmRSS", "VmHWM", "RssAnon", "RssFile"}
    out = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            key, _sep, value = line.partition(":")
            if key in wanted:
                out[key] = int(value.split()[0]) // 1024
    return out


def main() -> None:
    args = PARSER.parse_args()
    if args.trace:
        import tracemalloc

        tracemalloc.start()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ.setdefault("ALLIANCES_TESTING", "1")
    from common import setup_django

    setup_django()
    from django.db import close_old_connections
    from django.test import override_settings
    from searches import SEARCHES

    from alliances.base.search.executor import run_search
    from alliances.base.search.query import parse_query
    from alliances.common import embeddings, vectors

    stages: list[tuple[str, dict[str, int], float]] = []

    def stage(name: str, started: float) -> None:
        stages.append((name, status(), time.perf_counter() - started))

    def searches() -> None:
        for text, filters in SEARCHES:
            run_search(parse_query({"q": text, **filters})[0])
            close_old_connections()  # as at the end of each request

    started = time.perf_counter()
    stage("Django set up", started)
    if args.warm_steps:
        from alliances import warmup

        for name, step in warmup.STEPS:
            reset_peak()
            started = time.perf_counter()
            warmup.run_step(step)
            stage(f"warm-up step {name!r} (peak: this step's own)", started)
    started = time.perf_counter()
    with override_settings(ALLIANCES_SEARCH_SEMANTIC=False):
        searches()
    stage("searches, lexical", started)
    if not args.lexical:
        started = time.perf_counter()
        embeddings.embed_query("échauffement")
        stage("model loaded, one query embedded", started)
        started = time.perf_counter()
        loaded = vectors.index_of("alliance")
        close_old_connections()  # as the warm-up does after each step
        kind = f"inverted lists, {loaded.index.code_size}-byte codes" if loaded.ivf else "flat"
        stage(f"vectors loaded ({loaded.size:,}, {kind})", started)
        started = time.perf_counter()
        searches()
        stage("searches, semantic part on", started)
    if args.sheet:
        from alliances.sheets.content import build_sheet
        from alliances.sheets.subjects import get_subject

        kind, _sep, key = args.sheet.partition("/")
        reset_peak()
        started = time.perf_counter()
        build_sheet(get_subject(kind, key))
        close_old_connections()
        stage(f"sheet {kind} {key} built (peak: this stage's own)", started)
    if args.json:
        print(json.dumps(stages[-1][1]))
        return
    table = [
        "| stage | VmRSS MB | VmHWM MB | RssAnon MB | RssFile MB | seconds |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for name, figures, seconds in stages:
        table.append(
            f"| {name} | {figures['VmRSS']} | {figures['VmHWM']} | {figures['RssAnon']} | "
            f"{figures['RssFile']} | {seconds:.1f} |"
        )
    print("\n".join(table))
    if args.write:
        from common import git_revision, header

        command = "python bench/worker_memory.py" + (f" --sheet {args.sheet}" if args.sheet else "")
        command += " --warm-steps" if args.warm_steps else ""
        lines = header(f"Resident memory of a fresh worker, stage by stage ({args.write})", command)
        lines += [f"- revision: {git_revision()}; base: {os.environ.get('ALLIANCES_DATA_DIR')}"]
        lines += [f"- load average (1 min) at the end: {os.getloadavg()[0]:.1f}", "", *table, ""]
        (HERE / "results" / f"{args.write}.md").write_text("\n".join(lines))
    if args.trace:
        import tracemalloc

        snapshot = tracemalloc.take_snapshot()
        total = sum(s.size for s in snapshot.statistics("filename"))
        print(f"\nPython allocations alive: {total / 2**20:.0f} MB; largest lines:")
        for stat in snapshot.statistics("lineno")[:15]:
            print(f"  {stat.size / 2**20:7.1f} MB  {stat.traceback[0]}")


if __name__ == "__main__":
    main()
