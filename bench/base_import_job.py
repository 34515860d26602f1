"""Benchmark: import of 100,000 alliances through the job worker, progress followed by the page.

As bench/base_import.py prepares its file (reference data, N synthetic alliances exported to
CSV with distinct titles), then, as a curator would: the file is stored, an all-or-nothing
run is queued on the real huey queue (its SQLite file), a real worker (`manage.py run_huey`,
another process) runs it, and this process reads the run's admin page once a second while it
runs, as the page's own refresh does. Reports the time from queued to done, the steps as
the page showed them, and how long the page took to answer while the import's transaction
held the base.

    .venv/bin/python bench/base_import_job.py [N]      # N = 100000 by default

The semantic part of the search (vectors, made by another job after the import) and the
sheets' rebuild are off: this measures the import job alone.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
N = int(ARGS[0]) if ARGS else 100_000
DATA_DIR = tempfile.mkdtemp(prefix="alliances-bench-import-job-")
ENV = {
    "ALLIANCES_DATA_DIR": DATA_DIR,
    "ALLIANCES_IMPORT_MAX_BYTES": "500000000",
    "ALLIANCES_IMPORT_MAX_ROWS": str(max(N, 100_000)),
    "ALLIANCES_SEARCH_SEMANTIC": "0",
    "ALLIANCES_SHEETS_PREBUILD": "0",
    "ALLIANCES_JOBS_IMMEDIATE": "0",
    "ALLIANCES_TESTING": "1",  # serve static files without a collected manifest
}
os.environ.update(ENV)
os.environ.pop("DATABASE_URL", None)
os.environ.pop("ALLIANCES_JOBS_URL", None)
sys.path.insert(0, str(HERE))

from common import git_revision, header, setup_django  # noqa: E402

setup_django()

import csv  # noqa: E402
import io  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from alliances.base import exports, tasks  # noqa: E402
from alliances.base.importing import runs  # noqa: E402
from alliances.base.models import Alliance, ImportRun  # noqa: E402
from alliances.base.synthetic import generate  # noqa: E402


def csv_file() -> bytes:
    generate(N, seed=42)
    ids = list(Alliance.objects.filter(synthetic=True).order_by("pk").values_list("pk", flat=True))
    data = exports.write(ids, "csv", sep=";")
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    head = next(reader)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(head)
    for number, row in enumerate(reader):
        row[head.index("title")] = f"{row[head.index('title')]} (lot {number})"
        row[head.index("slug")] = ""
        row[head.index("status")] = "published"
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def main() -> None:
    call_command("setup", "--reference-only", verbosity=0)
    payload = csv_file()
    runs.IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    (runs.IMPORT_DIR / "lot.csv").write_bytes(payload)
    user = get_user_model().objects.create_superuser("bench", "b@example.org", "x")
    client = Client()
    client.force_login(user)
    before = Alliance.objects.count()
    load_before = os.getloadavg()

    worker = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run_huey", "--quiet"],
        env={**os.environ, **ENV},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(15)  # the worker's start-up (Django, the models) is not the import's time
        run = ImportRun.objects.create(
            mode=ImportRun.Mode.ALL_OR_NOTHING,
            filename="lot.csv",
            stored="lot.csv",
            size=len(payload),
            user=user,
        )
        queued = time.perf_counter()
        tasks.import_file(run.pk)
        url = reverse("admin:base_importrun_change", args=[run.pk])
        looks = []  # (seconds since queued, status, step text, rows done/total, page ms)
        while True:
            started = time.perf_counter()
            page = client.get(url)
            elapsed_ms = (time.perf_counter() - started) * 1000
            run.refresh_from_db()
            state = runs.progress_of(run) or {}
            looks.append(
                (
                    started - queued,
                    run.status,
                    state.get("step", ""),
                    f"{state.get('done', 0)}/{state.get('total', 0)}",
                    elapsed_ms,
                    page.status_code,
                )
            )
            if run.finished:
                break
            if time.perf_counter() - queued > 3600:
                raise RuntimeError("no end after an hour")
            time.sleep(1.0)
        total = time.perf_counter() - queued
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    load_after = os.getloadavg()
    run.refresh_from_db()
    assert run.status == "done", (run.status, run.summary.get("error"))
    assert run.created_count == N and Alliance.objects.count() == before + N

    first = {}
    for seconds, status, step, _done, _ms, _code in looks:
        first.setdefault((status, step if status == "running" else ""), seconds)
    by_step: dict[str, list[float]] = {}
    for _s, status, step, _done, ms, _code in looks:
        by_step.setdefault(status if status != "running" else f"{status} {step}", []).append(ms)

    lines = header(
        "Base of alliances: import of 100,000 rows through the job worker",
        f".venv/bin/python bench/base_import_job.py {' '.join(sys.argv[1:]) or N}",
    )
    lines += [
        f"- revision: {git_revision()}",
        f"- load average (1, 5, 15 min) before: {load_before[0]:.2f} {load_before[1]:.2f} "
        f"{load_before[2]:.2f}; after: {load_after[0]:.2f} {load_after[1]:.2f} "
        f"{load_after[2]:.2f}",
        "",
        f"Rows: {N:,} (CSV of synthetic alliances as in bench/base_import.py, "
        f"{len(payload) / 1e6:.1f} MB). SQLite base, SQLite job queue, one worker process "
        "(`manage.py run_huey`); this process reads the run's admin page every second "
        "meanwhile (the worker was started 15 s before the run was queued: its start-up is "
        "not counted). Semantic vectors and the sheets' rebuild off.",
        "",
        f"**Queued to done: {total:.1f} s** ({N / total:,.0f} rows/s), "
        f"{run.created_count:,} alliances created, status `{run.status}`; "
        f"the worker ran it from {run.started_at:%H:%M:%S} to {run.finished_at:%H:%M:%S} "
        f"({(run.finished_at - run.started_at).total_seconds():.1f} s).",
        "",
        "| the page first showed | at (s after queued) |",
        "|---|---:|",
    ]
    for (status, step), seconds in first.items():
        lines.append(f"| {status} {step} | {seconds:.1f} |")
    lines += [
        "",
        "| page answer while | looks | median ms | max ms |",
        "|---|---:|---:|---:|",
    ]
    for label, timings in by_step.items():
        timings.sort()
        lines.append(
            f"| {label} | {len(timings)} | {timings[len(timings) // 2]:.0f} | {timings[-1]:.0f} |"
        )
    codes = {look[5] for look in looks}
    lines += [
        "",
        f"Every look answered {', '.join(str(c) for c in sorted(codes))}. Single run; the "
        "machine's 2 cores are shared with other jobs (see the load average).",
        "",
    ]
    (HERE / "results").mkdir(exist_ok=True)
    (HERE / "results" / "base_import_job.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
