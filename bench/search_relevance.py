"""Benchmark: relevance of the search on its own set of judged queries (issue 16, item 7).

    .venv/bin/python bench/search_relevance.py                 # semantic part on and off
    .venv/bin/python bench/search_relevance.py --data-dir DIR  # reuse a prepared database

A fresh database (throw-away data directory) gets the reference data and the shipped content
(`manage.py setup`); every shipped example file (alliances/data/alliances/*.jsonl) is loaded
when setup did not load them all; the index is rebuilt with its vectors. Then each query of
tests/relevance/relevance_set.yaml runs through the search service (as the page and the API
do), semantic part off and on, and hit@k and MRR are written per category to
bench/results/search_relevance.md (with every miss, for the record).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "relevance"))

from common import header  # noqa: E402

OUT = HERE / "results" / "search_relevance.md"


def prepare(data_dir: Path, fresh: bool) -> None:
    os.environ["ALLIANCES_DATA_DIR"] = str(data_dir)
    os.environ["ALLIANCES_SEARCH_SEMANTIC"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliances.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from alliances.base.models import Alliance

    if fresh:
        call_command("setup", verbosity=0)
    files = sorted((ROOT / "alliances" / "data" / "alliances").glob("*.jsonl"))
    shipped = sum(1 for f in files for line in f.open(encoding="utf-8") if line.strip())
    if Alliance.objects.published().count() < shipped:
        combined = data_dir / "all-examples.jsonl"
        combined.write_text("".join(f.read_text(encoding="utf-8") for f in files))
        call_command("load_alliances", file=str(combined), verbosity=0)
    started = time.perf_counter()
    call_command("reindex", verbosity=0)
    print(f"index and vectors: {time.perf_counter() - started:.1f} s", file=sys.stderr)


def evaluate(semantic: bool) -> tuple[dict, list]:
    import relevance
    from django.test import override_settings

    with override_settings(ALLIANCES_SEARCH_SEMANTIC=semantic):
        outcomes = relevance.run(relevance.load_cases())
    return relevance.metrics(outcomes), outcomes


def report(runs: dict[str, tuple[dict, list]]) -> str:
    lines = header("Search relevance (issue 16)", "bench/search_relevance.py")
    names = list(runs)
    categories = list(runs[names[0]][0])
    lines += [
        "",
        "hit@k: share of queries with a judged answer among the first k shown (results, "
        "then covering, then nearby; k = 5 unless the case says); MRR: mean of 1/rank of "
        "the first judged answer.",
        "",
        "| category | queries | " + " | ".join(f"hit@k {n} | MRR {n}" for n in names) + " |",
        "|---|---:|" + "---:|---:|" * len(names),
    ]
    for category in categories:
        cells = []
        for name in names:
            m = runs[name][0][category]
            cells += [f"{m['hit']:.0%}", f"{m['mrr']:.2f}"]
        count = runs[names[0]][0][category]["cases"]
        lines.append(f"| {category} | {count} | " + " | ".join(cells) + " |")
    for name in names:
        misses = [o for o in runs[name][1] if not o.hit]
        lines += ["", f"Misses, {name} ({len(misses)}):", ""]
        lines += [
            f"- `{o.case.q}` ({o.case.category}): first judged answer at "
            f"{o.rank or '—'}; shown first: {', '.join(o.ranked[:3]) or 'nothing'}"
            for o in misses
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="A prepared data directory to reuse.")
    args = parser.parse_args()
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="bench-relevance-"))
    prepare(data_dir, fresh=args.data_dir is None)
    runs = {"semantic on": evaluate(True), "semantic off": evaluate(False)}
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(report(runs), encoding="utf-8")
    for name, (m, _outcomes) in runs.items():
        print(f"{name}: hit@k {m['all']['hit']:.0%}, MRR {m['all']['mrr']:.2f}")
    print(f"written to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
