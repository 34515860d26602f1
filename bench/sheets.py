"""Benchmark: reference sheets at 100,000 synthetic alliances (targets: HTML sheet under 200 ms
median, PDF under 2 s median, all sheets built in under 5 minutes).

    python bench/sheets.py [--alliances 100000] [--skip-batch]

A throw-away SQLite database gets the reference data, the shipped content and N synthetic
alliances (labelled synthetic). Sample sheets are measured with nothing cached (the whole
cache cleared before each request) and cached (under the data version); then, after a real
data change (an alliance saved), every sheet is asked once, as the first visitors after a
change would. Baseline: the bare count of the subject's alliances.

Then the real setup (ADR 0150): the job worker (`manage.py run_huey`, as `make serve` starts
it) runs as a separate process on the same data directory and SQLite queue; an alliance is
saved (a committed write through the normal save path) and the benchmark times (a) the worker's
rebuild of every sheet in both languages, (b) every sheet asked once by a visitor after the
rebuild, (c) visitors who arrive while the rebuild is still running. Visitors go through
django.test.Client in the benchmark's own process (a web process apart from the worker).
`--worker-only` skips the in-process measures above and times only this part.

The benchmark's process is warmed as gunicorn warms each worker before it accepts requests
(gunicorn.conf.py: `alliances.warmup.warm`, and the middleware loaded with the application):
a visitor meets a web process that has served nothing yet only with `--cold-web-process`
(the benchmark's behaviour until ADR 0183: its first visitor waited 504 to 748 ms at 100,000
alliances, for the URL patterns imported and the middleware loaded, not for the data change).
With `ALLIANCES_BENCH_SHEETS_DIR` naming a directory that already holds the alliances, the
database is reused (not generated again).
"""

import argparse
import os
import random
import statistics
import subprocess
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

from django.core.cache import cache, caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.utils.translation import override  # noqa: E402
from huey.contrib.djhuey import HUEY  # noqa: E402

from alliances.base.models import Alliance  # noqa: E402
from alliances.sheets import tasks as sheet_tasks  # noqa: E402
from alliances.sheets.content import data_version, subject_alliances  # noqa: E402
from alliances.sheets.rendering import _key  # noqa: E402
from alliances.sheets.subjects import Subject, all_subjects, get_subject  # noqa: E402

SAMPLE = [
    ("region", "84"),
    ("departement", "69"),
    ("profil", "association"),
    ("domaine", "education"),
    ("odd", "17"),
]


ROOT = Path(__file__).resolve().parents[1]
LANGS = sheet_tasks.LANGUAGES
# The notice of a sheet shown from the previous data version while the worker renders (ADR 0181).
PREVIOUS_NOTICE = {"fr": "Mise à jour en cours", "en": "Update in progress"}


def _percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {
        "median": statistics.median(ordered),
        "p95": ordered[int(round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
        "n": len(ordered),
    }


def _start_worker(log: Path) -> subprocess.Popen:
    """`manage.py run_huey` as `make serve` starts it (same settings, same data directory and
    SQLite queue, which it inherits from this process's environment); returns once it
    consumes. The queue is emptied first: the saves above left rebuilds nobody ran."""
    HUEY.flush()
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_huey"],
        cwd=ROOT,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 120
    while "consumer started" not in log.read_text().lower():
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the job worker did not start:\n{log.read_text()}")
        time.sleep(0.2)
    return process


def _ready(subjects: list[Subject], version: str) -> int:
    """How many sheet pages (both languages) the worker has put in the sheets cache."""
    sheets = caches["sheets"]
    count = 0
    for language in LANGS:
        with override(language):
            count += sum(sheets.has_key(_key(s, "body", version)) for s in subjects)
    return count


def _ask(clients: dict[str, Client], subject: Subject, language: str) -> float:
    return _visit(clients, subject, language)[0]


def _visit(clients: dict[str, Client], subject: Subject, language: str) -> tuple[float, bool]:
    """(ms waited, whether the page was the previous version's sheet, ADR 0181)."""
    begin = time.perf_counter()
    response = clients[language].get(f"/fiches/{subject.kind}/{subject.key}/")
    waited = (time.perf_counter() - begin) * 1000
    assert response.status_code == 200
    return waited, PREVIOUS_NOTICE[language] in response.content.decode()


def _initial_build(subjects: list[Subject], limit: float) -> float | None:
    """A running platform has every sheet built once: the worker's first build, timed."""
    from alliances.jobs import queue

    begin = time.perf_counter()
    queue.once(sheet_tasks.KEY, sheet_tasks.rebuild_sheets)
    while not caches["sheets"].get(sheet_tasks.built_key(data_version())):
        if time.perf_counter() - begin > limit:
            return None
        time.sleep(0.5)
    return time.perf_counter() - begin


def warm_web_process(clients: dict[str, Client]) -> dict[str, float]:
    """What gunicorn does before a worker accepts requests: the application's middleware is
    loaded with it (the test client's otherwise at its first request) and `post_worker_init`
    runs the warm-up. Returns the warm-up's timings."""
    from alliances.warmup import warm

    for client in clients.values():
        client.handler.load_middleware()
    return warm()


def with_worker(
    subjects: list[Subject], touched: Alliance, visit_every: float, limit: float, cold: bool
) -> dict:
    """The real setup: the worker rebuilds after a committed save; visitors during and after.

    When the rebuild is not over after `limit` seconds (a loaded machine), what it had done
    is reported and the visitors after it are not measured."""
    clients = {language: Client(HTTP_ACCEPT_LANGUAGE=language) for language in LANGS}
    warmed = None if cold else warm_web_process(clients)
    print(f"  web process warmed: {warmed}", flush=True)
    log = Path(os.environ["ALLIANCES_DATA_DIR"]) / "worker.log"
    worker = _start_worker(log)
    try:
        initial = _initial_build(subjects, limit)
        print(f"  initial build by the worker: {initial} s", flush=True)
        touched.save()  # autocommit: committed here, the rebuild is enqueued on commit
        saved = time.perf_counter()
        version = data_version()
        total = len(subjects) * len(LANGS)
        # (c) Visitors during the rebuild: the first 1 s after the save, then one every
        # `visit_every` seconds, each asking a sheet drawn at random (seeded) in French.
        order = random.Random(1).sample(subjects, len(subjects))
        during: list[tuple[float, str, bool, float]] = []
        next_visit, next_report = saved + 1.0, saved + 10.0
        built, done = None, 0
        while built is None:
            now = time.perf_counter()
            if caches["sheets"].get(sheet_tasks.built_key(version)):
                built = now - saved
                break
            if now - saved > limit:
                done = _ready(subjects, version)
                break
            if now >= next_visit and len(during) < len(order):
                subject = order[len(during)]
                with override("fr"):
                    was_ready = caches["sheets"].has_key(_key(subject, "body", version))
                waited, previous = _visit(clients, subject, "fr")
                during.append((now - saved, subject.slug, was_ready, waited, previous))
                print(
                    f"  visitor at {now - saved:.1f} s: {subject.slug} ready={was_ready} "
                    f"previous={previous} {waited:.0f} ms",
                    flush=True,
                )
                next_visit = time.perf_counter() + visit_every
            if now >= next_report:
                print(
                    f"  rebuild: {_ready(subjects, version)}/{total} pages after "
                    f"{now - saved:.0f} s",
                    flush=True,
                )
                next_report = now + 10.0
            if worker.poll() is not None:
                raise SystemExit(f"the job worker stopped:\n{log.read_text()}")
            time.sleep(0.05)
        # (b) After the rebuild: every sheet asked once, in both languages.
        after = (
            [] if built is None else [_ask(clients, s, lang) for lang in LANGS for s in subjects]
        )
    finally:
        worker.terminate()
        worker.wait(timeout=60)
    jobs = [line for line in log.read_text().splitlines() if "executed in" in line]
    return {
        "warmed": warmed,
        "initial_s": initial,
        "rebuild_s": built,
        "limit": limit,
        "done": done,
        "pages": total,
        "after": _percentiles(after) if after else None,
        "during": during,
        "jobs": jobs,
    }


def in_process(args: argparse.Namespace) -> list[str]:
    """The measures of sheets rendered on demand in this process (no worker): the lines of
    their results."""
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

    lines = [
        "In-process requests, sheets rendered on demand (no job worker).",
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
    return lines


def worker_lines(result: dict, visit_every: float) -> list[str]:
    after, during = result["after"], result["during"]
    late = [ms for _t, _slug, ready, ms, previous in during if not ready and not previous]
    shown_previous = [ms for *_rest, ms, previous in during if previous]
    worst = max((ms for _t, _s, _r, ms, _p in during), default=0.0)
    met = after is not None and max(after["max"], worst) <= 300
    lines = [
        "**With the job worker** (`manage.py run_huey` in its own process, as `make serve` "
        "starts it, SQLite queue in the same data directory; one alliance saved through the "
        "normal save path, committed; visitors through django.test.Client in the benchmark's "
        "process, a web process apart from the worker):",
        "",
        "- the web process: "
        + (
            "cold (`--cold-web-process`: it serves its first page to the first visitor)."
            if result["warmed"] is None
            else "warmed as gunicorn warms a worker (middleware loaded, `alliances.warmup."
            f"warm`: {result['warmed']})."
        ),
        "- first, every sheet built once by the worker (a running platform's state): "
        + (
            f"{result['initial_s']:.1f} s."
            if result["initial_s"] is not None
            else "not over in the time allowed."
        ),
        f"- (a) rebuild of every sheet by the worker, {result['pages']} pages (both languages): "
        + (
            f"**{result['rebuild_s']:.1f} s** from the save to the last page in the sheets cache."
            if result["rebuild_s"] is not None
            else f"**not over after {result['limit']:.0f} s**: {result['done']} of "
            f"{result['pages']} pages in the sheets cache then."
        ),
        (
            f"- (b) after the rebuild, each of the {after['n']} pages asked once: median "
            f"**{after['median']:.1f} ms**, p95 {after['p95']:.1f} ms, max "
            f"**{after['max']:.1f} ms**."
            if after
            else "- (b) after the rebuild: not measured (the rebuild was not over)."
        ),
        f"- (c) visitors during the rebuild (the first 1 s after the save, then one every "
        f"{visit_every:g} s after the previous answer, a random sheet in French): "
        + (
            "; ".join(
                f"{t:.1f} s {slug} {ms:.0f} ms"
                + ("" if ready else " (previous sheet shown)" if previous else " (rendered)")
                for t, slug, ready, ms, previous in during
            )
            if during
            else "none (the rebuild finished first)"
        )
        + (
            f". Max {worst:.0f} ms; {len(shown_previous)} of {len(during)} were shown the "
            f"previous sheet with its notice (ADR 0181); {len(late)} waited for a rendering."
            if during
            else "."
        ),
        "- worker's log: " + "; ".join(f"`{line.strip()[-120:]}`" for line in result["jobs"]) + ".",
        "",
        "Target (issue 20): after a data change no visitor waits more than 300 ms for any "
        "sheet: "
        + (
            f"max after the rebuild {after['max']:.0f} ms, during it {worst:.0f} ms, "
            + ("**met**." if met else "**not met**.")
            if after
            else "**not met**: the rebuild was not over within the time allowed."
        ),
    ]
    return lines


def prepare(size: int) -> float | None:
    """Reference data, shipped content and `size` synthetic alliances: the seconds taken, or
    None when the data directory already holds them (a directory kept between runs)."""
    tables = connection.introspection.table_names()
    if (
        Alliance._meta.db_table in tables
        and Alliance.objects.filter(synthetic=True).count() >= size
    ):
        return None
    started = time.perf_counter()
    call_command("setup", verbosity=0)
    call_command("generate_synthetic_alliances", size, seed=1, verbosity=0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--alliances", type=int, default=100_000)
    parser.add_argument("--skip-batch", action="store_true")
    parser.add_argument("--worker-only", action="store_true")
    parser.add_argument("--visit-every", type=float, default=5.0)
    parser.add_argument("--rebuild-limit", type=float, default=3600.0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--cold-web-process", action="store_true")
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    prepared = prepare(args.alliances)
    print(f"prepared in {prepared} s", flush=True)
    # In process there is no job worker: each sheet is rendered on demand, as the platform
    # does without one (with the worker expected, a sheet not rendered yet answers 503, ADR 0191).
    with override_settings(ALLIANCES_SHEETS_PREBUILD=False):
        measured = [] if args.worker_only else in_process(args)
    touched = Alliance.objects.filter(status="published").order_by("pk").first()
    worker = with_worker(
        all_subjects(), touched, args.visit_every, args.rebuild_limit, args.cold_web_process
    )

    command = f"python bench/sheets.py --alliances {args.alliances}"
    command += " --skip-batch" if args.skip_batch else ""
    command += " --worker-only" if args.worker_only else ""
    command += f" --rebuild-limit {args.rebuild_limit:g}" if args.rebuild_limit != 3600 else ""
    command += f" --visit-every {args.visit_every:g}" if args.visit_every != 5 else ""
    command += " --cold-web-process" if args.cold_web_process else ""
    lines = header(f"Reference sheets at {args.alliances:,} synthetic alliances", command)
    lines += [
        f"Revision {git_revision()}; "
        + (
            f"database prepared in {prepared:.0f} s (reference data, shipped content and "
            "synthetic alliances, SQLite)."
            if prepared is not None
            else f"database of an earlier run reused ({os.environ['ALLIANCES_DATA_DIR']})."
        ),
        "",
        *measured,
        *([""] if measured else []),
        *worker_lines(worker, args.visit_every),
        "",
        f"Load average (1 min): {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end, on 2 cores.",
        "",
    ]
    out = Path(__file__).resolve().parent / "results" / "sheets.md"
    out.write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
