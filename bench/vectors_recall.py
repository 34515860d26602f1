"""What the compact codes of the vectors cost in recall and win in memory (issue 20, ADR 0185).

    .venv/bin/python bench/vectors_recall.py [--size 6000] [--data-dir DIR]

Synthetic alliances are embedded for real (their title and summary, as the index does; about
4 minutes for 6,000 on 2 cores; kept when --data-dir is given), and the queries are those
people type: the relevance set's (tests/relevance/relevance_set.yaml) and the base search
benchmark's. The truth is the exact inner product over every stored vector. Side by side, on
inverted lists trained on the same sample with the same number of lists:

- 8-bit scalar codes, scored from the codes (the index before ADR 0185);
- product-quantised codes of `vectors.PQ_BYTES` bytes, `vectors.RERANK` × k candidates
  scored again from the stored vectors: what `vectors.nearest()` does, run through it.

Each at the product's `NPROBE` lists probed, and at the share of lists it probes at
1,000,000 alliances (24 of 2,000): recall@10 and @40 (share of the exact top k found), the
median time of a search, and the bytes a vector holds in memory (its code and its id).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--size", type=int, default=6_000)
PARSER.add_argument("--data-dir", help="reuse this data directory (keeps the vectors made)")
PARSER.add_argument(
    "--rerank", type=int, nargs="+", help="candidates per result to re-score (the product's)"
)
ARGS = PARSER.parse_args()

DATA_DIR = ARGS.data_dir or tempfile.mkdtemp(prefix="alliances-bench-recall-")
os.environ["ALLIANCES_DATA_DIR"] = DATA_DIR
os.environ.setdefault("DJANGO_SECRET_KEY", "bench")
os.environ["ALLIANCES_TESTING"] = "1"
os.environ.pop("DATABASE_URL", None)

from common import git_revision, header, setup_django  # noqa: E402

setup_django()

import numpy as np  # noqa: E402
import yaml  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from searches import SEARCHES  # noqa: E402

from alliances.base.models import Alliance  # noqa: E402
from alliances.base.search import semantic  # noqa: E402
from alliances.common import embeddings, vectors  # noqa: E402

RELEVANCE_SET = HERE.parent / "tests" / "relevance" / "relevance_set.yaml"
KS = (10, 40)


def prepare(size: int) -> float:
    """The synthetic alliances and their vectors; returns the seconds spent embedding."""
    if Alliance._meta.db_table not in connection.introspection.table_names():
        call_command("setup", "--reference-only", verbosity=0)
    missing = size - Alliance.objects.filter(synthetic=True).count()
    if missing > 0:
        call_command("generate_synthetic_alliances", missing, "--no-index", verbosity=0)
    started = time.perf_counter()
    done = semantic.embed_alliances(None, "default")
    embeddings.close_workers()
    return time.perf_counter() - started if done else 0.0


def queries() -> list[str]:
    cases = yaml.safe_load(RELEVANCE_SET.read_text())["cases"]
    texts = [case["q"] for case in cases] + [text for text, _filters in SEARCHES]
    return sorted({t for t in texts if t.strip()})


def stored() -> tuple[np.ndarray, np.ndarray]:
    """Every stored vector (ids, float32 made from the stored float16)."""
    parts = list(vectors._all_vectors(semantic.OWNER, "default"))
    return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])


def exact_top(data: np.ndarray, ids: np.ndarray, query: np.ndarray, k: int) -> list[int]:
    scores = data @ query
    return [int(ids[i]) for i in np.argsort(-scores, kind="stable")[:k]]


def scalar_index(data: np.ndarray, ids: np.ndarray, sample: np.ndarray, lists: int):  # noqa: ANN201
    """The index before ADR 0185: 8-bit scalar codes, scored from the codes."""
    faiss = vectors._faiss()
    quantizer = faiss.IndexFlatIP(embeddings.DIMENSIONS)
    index = faiss.IndexIVFScalarQuantizer(
        quantizer,
        embeddings.DIMENSIONS,
        lists,
        faiss.ScalarQuantizer.QT_8bit,
        faiss.METRIC_INNER_PRODUCT,
    )
    index.train(sample)
    index.add_with_ids(data, ids)
    return index, quantizer


def recall(found: list[int], truth: list[int]) -> float:
    return len(set(found) & set(truth)) / len(truth)


def run_config(name: str, search, truths, query_vectors, nprobe: int, code_bytes: int) -> dict:  # noqa: ANN001
    shares = {k: [] for k in KS}
    times = []
    for query, truth in zip(query_vectors, truths, strict=True):
        started = time.perf_counter()
        found = search(query, max(KS), nprobe)
        times.append((time.perf_counter() - started) * 1000)
        for k in KS:
            shares[k].append(recall(found[:k], truth[:k]))
    return {
        "name": name,
        "nprobe": nprobe,
        **{f"recall@{k}": statistics.fmean(shares[k]) for k in KS},
        "median_ms": statistics.median(times),
        "bytes": code_bytes,
    }


def main() -> None:
    embed_seconds = prepare(ARGS.size)
    faiss = vectors._faiss()
    faiss.omp_set_num_threads(1)
    ids, data = stored()
    texts = queries()
    query_vectors = [np.asarray(embeddings.embed_query(t), dtype=np.float32) for t in texts]
    truths = [exact_top(data, ids, q, max(KS)) for q in query_vectors]

    # The product's own index (the trained lists of `vectors.train`), from IVF_FROM down.
    vectors.IVF_FROM = min(vectors.IVF_FROM, len(ids))
    lists = vectors.train(semantic.OWNER, threads=1)
    vectors.forget()
    loaded = vectors.index_of(semantic.OWNER)
    step = max(1, len(ids) // min(len(ids), 50 * lists))
    before, _quantizer = scalar_index(data, ids, data[::step][: 50 * lists], lists)

    def scalar_search(query: np.ndarray, k: int, nprobe: int) -> list[int]:
        params = faiss.SearchParametersIVF(nprobe=nprobe)
        _scores, found = before.search(query.reshape(1, -1), k, params=params)
        return [int(i) for i in found[0] if i >= 0]

    def product_search(query: np.ndarray, k: int, nprobe: int) -> list[int]:
        vectors.NPROBE = nprobe
        return [pk for pk, _score in vectors.nearest(semantic.OWNER, query, k)]

    probes = sorted({vectors.NPROBE, max(1, round(lists * 24 / vectors.lists_for(1_000_000)))})
    kept_nprobe = vectors.NPROBE
    rows = []
    kept_rerank = vectors.RERANK
    for nprobe in probes:
        rows.append(
            run_config(
                "8-bit scalar codes (before)",
                scalar_search,
                truths,
                query_vectors,
                nprobe,
                before.code_size + 8,
            )
        )
        for rerank in ARGS.rerank or [kept_rerank]:
            vectors.RERANK = rerank
            mark = " (after)" if rerank == kept_rerank else ""
            rows.append(
                run_config(
                    f"{vectors.PQ_BYTES}-byte product codes, ×{rerank} re-scored{mark}",
                    product_search,
                    truths,
                    query_vectors,
                    nprobe,
                    loaded.index.code_size + 8,
                )
            )
    vectors.NPROBE, vectors.RERANK = kept_nprobe, kept_rerank
    write(rows, len(ids), lists, len(texts), embed_seconds)


def write(
    rows: list[dict], size: int, lists: int, queries_count: int, embed_seconds: float
) -> None:
    lines = header(
        "Recall and memory of the vectors' codes (issue 20, ADR 0185)",
        f"python bench/vectors_recall.py --size {ARGS.size}"
        + (f" --rerank {' '.join(map(str, ARGS.rerank))}" if ARGS.rerank else ""),
    )
    load = os.getloadavg()
    embedded = f", in {embed_seconds:.0f} s" if embed_seconds else " (stored before)"
    lines += [
        f"- revision: {git_revision()}; {size:,} synthetic alliances embedded for real "
        f"(multilingual-e5-small, title and summary){embedded}; "
        f"{lists} inverted lists; {queries_count} queries (the relevance set's and the base "
        f"search benchmark's texts); truth: exact inner product over every stored vector",
        f"- load average (1 / 5 min) at the end: {load[0]:.1f} / {load[1]:.1f}",
        "",
        "| codes | lists probed | recall@10 | recall@40 | median ms | bytes a vector held |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['nprobe']} of {lists} | {row['recall@10']:.3f} | "
            f"{row['recall@40']:.3f} | {row['median_ms']:.2f} | {row['bytes']} |"
        )
    lines.append("")
    out = HERE / "results" / "vectors_recall.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
