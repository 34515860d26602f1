"""Benchmark: building the alliances' vectors end to end, on a sample (issue 16: 100,000 in at
most 20 minutes on the 2 cores).

    ALLIANCES_DATA_DIR=DIR .venv/bin/python bench/vectors_build.py --sample 2000 [--offset 0]

On a base already generated (bench/base_search.py --data-dir DIR), the `--sample` alliances
from the `--offset`-th (by id) are marked as changed (their stored digest replaced), then
embedded again by the code that reindexing runs (`semantic.embed_alliances`: rows read,
passages made, vectors embedded by one worker process per core, stored), timed. The
extrapolation to 100,000 adds the training of the inverted lists at the base's size (timed
apart, `--train`). The load average is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--sample", type=int, default=2000)
PARSER.add_argument("--offset", type=int, default=0)
PARSER.add_argument("--train", action="store_true", help="also time the lists' training")


def _cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def main() -> None:
    args = PARSER.parse_args()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ.setdefault("ALLIANCES_TESTING", "1")
    from common import git_revision, setup_django

    setup_django()
    from django.conf import settings
    from django.db import connection

    from alliances.base.models import Alliance
    from alliances.base.search import semantic
    from alliances.common import embeddings, vectors
    from alliances.common.models import SearchVector

    settings.ALLIANCES_SEARCH_SEMANTIC = True
    ids = list(
        Alliance.objects.order_by("id").values_list("id", flat=True)[
            args.offset : args.offset + args.sample
        ]
    )
    rows = Alliance.objects.filter(id__in=ids).values_list("title", "summary", "description")
    words = sum(len(semantic.passage(*row).split()) for row in rows) / len(ids)
    SearchVector.objects.filter(owner=semantic.OWNER, object_id__in=ids).update(digest="stale")
    load_start = os.getloadavg()
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count

    cpu = _cpu_seconds()
    started = time.perf_counter()
    embedded = semantic.embed_alliances(ids, connection.alias, progress)
    seconds = time.perf_counter() - started
    embeddings.close_workers()  # the workers' CPU time is counted once they have ended
    cpu = _cpu_seconds() - cpu
    load_end = os.getloadavg()
    rate = embedded / seconds
    print(
        f"revision {git_revision()}: {embedded:,} alliances embedded and stored in {seconds:.1f} s "
        f"({words:.1f} words a passage, {embeddings.processes()} processes): {rate:.1f}/s, "
        f"so 100,000 in {100_000 / rate / 60:.1f} min; progress told {done:,}; "
        f"load average 1/5 min {load_start[0]:.1f}/{load_start[1]:.1f} at the start, "
        f"{load_end[0]:.1f}/{load_end[1]:.1f} at the end"
    )
    print(
        f"CPU time of this process and its workers: {cpu:.1f} s, {embedded / cpu:.1f} "
        f"alliances per CPU second; were both cores ours alone, 100,000 would take about "
        f"{100_000 / (embedded / cpu) / 2 / 60:.1f} min (derived, not measured)"
    )
    if args.train:
        started = time.perf_counter()
        lists = vectors.train(semantic.OWNER)
        print(
            f"training {lists} lists on {vectors.count(semantic.OWNER):,} vectors: "
            f"{time.perf_counter() - started:.1f} s"
        )


if __name__ == "__main__":
    main()
