"""Where a search's time goes, stage by stage, on a base made by bench/base_search.py.

    .venv/bin/python bench/base_search_stages.py --data-dir /work/benchdata/s1m
    .venv/bin/python bench/base_search_stages.py --data-dir /work/benchdata/pg1m \\
        --database-url postgres://postgres@127.0.0.1:5432/bench1m

For each broad search of bench/searches.py (and two of the narrow ones): the first call
(caches of the index version cold, as after a write), then the median of warm calls of
`run_search`, and one warm call under cProfile, whose functions of the search package
(`alliances.base.search`, `alliances.common.vectors` / `embeddings`) are listed by
cumulative time. Prints only (a finding for whoever works on the search path); without
--data-dir it does nothing.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--data-dir")
PARSER.add_argument("--database-url")
PARSER.add_argument("--runs", type=int, default=5)
PARSER.add_argument("--top", type=int, default=12)
ARGS = PARSER.parse_args()
if not ARGS.data_dir:
    print("base_search_stages: no --data-dir given, nothing to do")
    sys.exit(0)
os.environ["ALLIANCES_DATA_DIR"] = ARGS.data_dir
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ["ALLIANCES_TESTING"] = "1"
if ARGS.database_url:
    os.environ["DATABASE_URL"] = ARGS.database_url
else:
    os.environ.pop("DATABASE_URL", None)

from common import setup_django  # noqa: E402

setup_django()

from searches import BROAD, SEARCHES  # noqa: E402

from alliances.base.search.executor import run_search  # noqa: E402
from alliances.base.search.query import parse_query  # noqa: E402
from alliances.base.search.versions import new_version  # noqa: E402

WATCHED = ("alliances/base/search/", "alliances/common/vectors", "alliances/common/embeddings")


def once(text: str, filters: dict[str, str]) -> tuple[float, int]:
    started = time.perf_counter()
    result = run_search(parse_query({"q": text, **filters})[0])
    return (time.perf_counter() - started) * 1000, result.count


def stages(text: str, filters: dict[str, str]) -> list[str]:
    profile = cProfile.Profile()
    profile.enable()
    run_search(parse_query({"q": text, **filters})[0])
    profile.disable()
    stats = pstats.Stats(profile)
    rows = []
    for (path, line, name), (_cc, calls, _tt, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        if any(w in path for w in WATCHED):
            short = path.split("alliances/", 1)[1]
            rows.append((cumulative * 1000, f"{short}:{line} {name} ({calls}×)"))
    rows.sort(reverse=True)
    return [f"    {ms:8.1f} ms  {label}" for ms, label in rows[: ARGS.top]]


def main() -> None:
    print(f"load average at the start: {os.getloadavg()}", flush=True)
    for text, filters in [*BROAD, *SEARCHES[:2]]:
        new_version()  # as after a write: what is kept per index version is read again
        cold, total = once(text, filters)
        warm = [once(text, filters)[0] for _ in range(ARGS.runs)]
        print(
            f"« {text} » {filters}: {total:,} results; first call {cold:.0f} ms, "
            f"then median {statistics.median(warm):.0f} ms (of {ARGS.runs})",
            flush=True,
        )
        print("\n".join(stages(text, filters)), flush=True)
    print(f"load average at the end: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
