"""Benchmark: reference sheets at 100,000 synthetic alliances (targets: HTML sheet under 200 ms
median, PDF under 2 s median, all sheets built in under 5 minutes).

    python bench/sheets.py [--alliances 100000] [--skip-batch]

A throw-away SQLite database gets the reference data, the shipped content and N synthetic
alliances (labelled synthetic). Sample sheets are measured with nothing cached (the whole
cache cleared before each request) and cached (under the data version); then, after a real
data change (an alliance saved), every sheet is asked once, as the first visitors after a
change would. Baseline: the bare count of the subject's alliances.
"""

import argparse
import os
import statistics
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

from alliances.base.models import Alliance  # noqa: E402
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

    # After a data change: one alliance saved (the index, the data version and the facts of
    # the sheets change), then every sheet asked once, as the site's visitors would. The
    # drawn charts and maps stay cached by content, as they do on the site.
    subjects = all_subjects()
    for subject in subjects:
        client.get(f"/fiches/{subject.kind}/{subject.key}/")
    touched = Alliance.objects.filter(status="published").order_by("pk").first()
    firsts, every = [], []
    for _round in range(3):
        touched.save()
        for position, subject in enumerate(subjects):
            begin = time.perf_counter()
            assert client.get(f"/fiches/{subject.kind}/{subject.key}/").status_code == 200
            elapsed = (time.perf_counter() - begin) * 1000
            (firsts if position == 0 else every).append(elapsed)
    every.sort()
    after_change = {
        "median": statistics.median(every),
        "p95": every[int(round(0.95 * (len(every) - 1)))],
        "first": statistics.median(firsts),
        "sheets": len(subjects),
    }
    pdf_after = []
    for kind, key in SAMPLE:
        touched.save()
        client.get("/fiches/domaine/sante/")  # the work shared by all sheets after a change
        begin = time.perf_counter()
        assert client.get(f"/fiches/{kind}/{key}.pdf").status_code == 200
        pdf_after.append((time.perf_counter() - begin) * 1000)

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
        "| sheet | alliances | HTML, nothing cached, median / p95 ms | HTML cached median ms | "
        "PDF, nothing cached, median ms | PDF cached median ms | baseline count ms |",
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
        "Nothing cached: the whole cache cleared before each request (sheets, drawn charts "
        "and maps); what stays in the process is vl-convert's memo of specs it already drew "
        "and the in-memory sets of the index and the sheets, which are read again only when "
        "the data change (see the next paragraph). Cached: later visitors, until the data "
        "version changes.",
        "",
        f"**After a data change** (one alliance saved, then each of the {after_change['sheets']} "
        "sheets asked once, 3 rounds; charts and maps whose numbers did not change stay drawn): "
        f"HTML median **{after_change['median']:.0f} ms**, p95 {after_change['p95']:.0f} ms "
        "over the sheets; the first sheet asked after the change, which also reads what all "
        f"sheets share, {after_change['first']:.0f} ms (median of the rounds). PDF of the "
        "sample sheets after a change (another sheet asked first): "
        + ", ".join(
            f"{kind}/{key} {ms:.0f} ms" for (kind, key), ms in zip(SAMPLE, pdf_after, strict=True)
        )
        + f"; median {statistics.median(pdf_after):.0f} ms.",
        "",
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
