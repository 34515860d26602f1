"""Benchmark: reference sheets at 100,000 synthetic alliances (targets: HTML sheet under 200 ms
median, PDF under 2 s median, all sheets built in under 5 minutes).

    python bench/sheets.py [--alliances 100000] [--skip-batch]

A throw-away SQLite database gets the reference data, the shipped content and N synthetic
alliances (labelled synthetic). HTML is measured cold (cache cleared before each request: the
first visitor after a data change) and warm (cached under the data version). Baseline: the
bare count of the subject's alliances.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

# A throw-away data directory, never the one of the environment. The worker processes of the
# batch import this module again (spawn): they find the parent's directory in a variable of
# the benchmark's own, which they inherit.
os.environ["ALLIANCES_DATA_DIR"] = os.environ.setdefault(
    "ALLIANCES_BENCH_SHEETS_DIR", tempfile.mkdtemp(prefix="alliances-bench-sheets-")
)
os.environ["DJANGO_SECRET_KEY"] = "bench"
os.environ["ALLIANCES_TESTING"] = "1"
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import git_revision, header, measure, setup_django  # noqa: E402

setup_django()

from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from alliances.sheets.content import subject_alliances  # noqa: E402
from alliances.sheets.subjects import all_subjects, get_subject  # noqa: E402

SAMPLE = [
    ("region", "84"),
    ("departement", "69"),
    ("profil", "association"),
    ("domaine", "education"),
    ("odd", "17"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alliances", type=int, default=100_000)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    started = time.perf_counter()
    call_command("setup", verbosity=0)
    call_command("generate_synthetic_alliances", args.alliances, seed=1, verbosity=0)
    prepared = time.perf_counter() - started
    client = Client(HTTP_ACCEPT_LANGUAGE="fr")

    def cold(url: str):  # noqa: ANN202
        def run() -> None:
            cache.clear()
            assert client.get(url).status_code == 200

        return run

    rows = []
    for kind, key in SAMPLE:
        url = f"/fiches/{kind}/{key}/"
        subject = get_subject(kind, key)
        count = subject_alliances(subject).count()
        html_cold = measure(cold(url), 5, warmup=1)
        html_warm = measure(lambda url=url: client.get(url), 30)
        pdf_url = f"/fiches/{kind}/{key}.pdf"
        pdf = measure(cold(pdf_url), 3, warmup=0)
        pdf_warm = measure(lambda pdf_url=pdf_url: client.get(pdf_url), 10)
        base = measure(lambda subject=subject: subject_alliances(subject).count(), 10)
        rows.append((kind, key, count, html_cold, html_warm, pdf, pdf_warm, base))

    batch = None
    if not args.skip_batch:
        cache.clear()
        out = Path(os.environ["ALLIANCES_DATA_DIR"]) / "fiches.zip"
        begin = time.perf_counter()
        call_command("build_sheets", output=str(out), verbosity=0, jobs=args.jobs)
        batch = (time.perf_counter() - begin, len(all_subjects()))

    lines = header(
        f"Reference sheets at {args.alliances:,} synthetic alliances",
        f"python bench/sheets.py --alliances {args.alliances}",
    )
    lines += [
        f"Revision {git_revision()}; database prepared in {prepared:.0f} s (reference data, "
        "shipped content and synthetic alliances, SQLite). In-process requests.",
        "",
        "| sheet | alliances | HTML cold median / p95 ms | HTML cached median ms | "
        "PDF cold median ms | PDF cached median ms | baseline count ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind, key, count, hc, hw, pdf, pw, base in rows:
        lines.append(
            f"| {kind}/{key} | {count:,} | {hc['median']:.0f} / {hc['p95']:.0f} | "
            f"{hw['median']:.1f} | {pdf['median']:.0f} | {pw['median']:.1f} | "
            f"{base['median']:.1f} |"
        )
    lines += [
        "",
        "Cold: the cache cleared before each request (the first visitor after a data change); "
        "cached: later visitors, until the data version changes. The process keeps the SVG of "
        "each chart content it drew (after the warm-up), as after a change that leaves a "
        "sheet's charts as they were; a chart whose numbers changed is drawn again "
        "(100-300 ms each).",
        "Targets: HTML < 200 ms median; PDF < 2,000 ms median; all sheets < 300 s.",
    ]
    if batch:
        lines.append(
            f"All {batch[1]} sheets built as PDF (one zip, `build_sheets --jobs {args.jobs}`): "
            f"{batch[0]:.0f} s."
        )
    lines.append(f"Load average (1 min) at the end: {os.getloadavg()[0]:.1f} on 2 cores.")
    lines.append("")
    out = Path(__file__).resolve().parent / "results" / "sheets.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
