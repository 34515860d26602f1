"""Benchmark: what a web process pays to bring the suggestions' candidates up to date after
one alliance is saved, on a large base made by bench/base_search.py (ADR 0192).

    ALLIANCES_DATA_DIR=DIR [DATABASE_URL=...] .venv/bin/python \\
        bench/partners_after_alliance_write.py [--runs 5] [--write NAME]

The process reads the candidates once (`pool.current()`, as the warm-up does), then, `--runs`
times: an alliance is saved through the normal save path (its status set again to what it
was: a committed write that re-indexes it and its partners, nothing else changed), and the
next `pool.current()` is timed — what the first visitor of a suggestion or a needs-and-offers
page waits for in each web process after that write; then the same after an organisation
that is a partner of alliances is saved (its alliances are re-indexed with it). Also timed:
the same look when nothing was written (the floor). The database is modified only by those
saves (same values written back).

`--write NAME` also writes the table to bench/results/NAME.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", help="also write the table to bench/results/NAME.md")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ.setdefault("ALLIANCES_TESTING", "1")
    from common import git_revision, header, setup_django

    setup_django()
    from django.db import connection

    from alliances.base.models import Alliance, Partner
    from alliances.partners import pool

    load_start = os.getloadavg()[0]
    begin = time.perf_counter()
    pool.current()
    first_read = time.perf_counter() - begin
    alliances = Alliance.objects.filter(status="published").order_by("pk")
    partners = Partner.objects.count()

    def timed() -> float:
        begin = time.perf_counter()
        pool.current()
        return (time.perf_counter() - begin) * 1000

    idle = [timed() for _ in range(args.runs)]
    after = []
    for number in range(args.runs):
        alliance = alliances[number * 997 % max(alliances.count(), 1)]
        alliance.save()
        after.append(timed())
        print(f"  after save {number + 1}: {after[-1]:.0f} ms", flush=True)

    from alliances.base.models import Organisation

    after_organisation = []
    for number in range(args.runs):
        alliance = alliances[number * 991 % max(alliances.count(), 1)]
        partner = Partner.objects.filter(alliance=alliance).order_by("pk").first()
        Organisation.objects.get(pk=partner.organisation_id).save()  # its alliances re-indexed
        after_organisation.append(timed())
        print(f"  after organisation save {number + 1}: {after_organisation[-1]:.0f} ms")

    vendor = connection.vendor
    count = Alliance.objects.count()
    lines = header(
        f"Suggestions after an alliance is saved, {count:,} alliances ({vendor})",
        "python bench/partners_after_alliance_write.py" + f" --runs {args.runs}",
    )
    lines += [
        f"Revision {git_revision()}; base of {count:,} alliances and {partners:,} partner rows "
        f"in {os.environ.get('ALLIANCES_DATA_DIR', '?')}; first full read of the candidates "
        f"{first_read:.1f} s.",
        "",
        "| what | median ms | max ms | runs |",
        "|---|---:|---:|---:|",
        f"| `pool.current()` with nothing written | {statistics.median(idle):.1f} | "
        f"{max(idle):.1f} | {len(idle)} |",
        f"| `pool.current()` right after an alliance is saved | {statistics.median(after):.1f} | "
        f"{max(after):.1f} | {len(after)} |",
        "| `pool.current()` right after an organisation, a partner of alliances, is saved | "
        f"{statistics.median(after_organisation):.1f} | {max(after_organisation):.1f} | "
        f"{len(after_organisation)} |",
        "",
        f"Load average (1 min): {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end, on 2 cores.",
        "",
    ]
    print("\n".join(lines))
    if args.write:
        (HERE / "results" / f"{args.write}.md").write_text("\n".join(lines))


if __name__ == "__main__":
    main()
