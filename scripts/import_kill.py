"""Kill an import with SIGKILL at a random moment, again and again: after each kill the
database must be exactly as before, or hold the whole file with every new row found by the
search.

Creates a scratch database (an SQLite file, or a PostgreSQL database beside the one given),
migrates it, then for each round writes a CSV of published alliances (a word of its own in
every title), starts `manage.py import_alliances` on it, kills it (SIGKILL) after a random
delay between 0 and the time a whole import takes (measured first), and looks at the
database. Prints one JSON line with the outcome of each round.

    .venv/bin/python scripts/import_kill.py --rounds 10 --rows 1500
    .venv/bin/python scripts/import_kill.py --rounds 10 --worker   # the job worker killed

With `--worker` the process killed is the job worker's loop (`queue.run_pending`, as
`run_huey` runs it) running an all-or-nothing import run queued on the real huey queue (ADR
0152), and the run must also say it: "done" with the whole file, else not done and, once
looked at, "interrupted" when the worker had started it.
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliances .venv/bin/python \
        scripts/import_kill.py --rounds 10

Used by tests/base/test_import_kill.py.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from concurrent_writers import ROOT, _postgres, _scratch_url  # noqa: E402


def write_file(path: Path, word: str, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=";")
        writer.writerow(["title", "kind", "summary", "partners", "status"])
        for n in range(rows):
            writer.writerow(
                [
                    f"{word} alliance {n}",
                    "alliance",
                    f"Une alliance du lot {word}, numéro {n}.",
                    f"Association {word} {n % 50} (association:leader)",
                    "publiée",
                ]
            )


def state(word: str) -> dict:
    """What the database holds: totals, the rows of this round, what the search finds, and
    the state of this round's import run (job worker mode) once looked at."""
    from django.db import connection

    from alliances.base.importing import runs
    from alliances.base.models import Alliance, ChangeRecord, ImportRun, Organisation, Partner
    from alliances.base.search.dialects import dialect_for
    from alliances.base.search.executor import search_ids
    from alliances.base.search.query import parse_query

    mine = Alliance.objects.filter(title__startswith=f"{word} alliance ")
    ids = set(mine.values_list("pk", flat=True))
    query, _notices = parse_query({"q": word})
    # Which of this round's rows the search finds (it may also bring others: neighbours in
    # meaning, or the closest rows when the round left none).
    found = ids & set(search_ids(query))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT alliance_id FROM {dialect_for(connection.alias).key_table}")
        indexed = {row[0] for row in cursor.fetchall()}
    run = ImportRun.objects.filter(filename=f"{word}.csv").first()
    if run is not None:
        runs.STALE_SECONDS = 0.0  # the worker is dead: any running run has stopped beating
        runs.notice_interrupted([run])
    return {
        "run": run.status if run else None,
        "alliances": Alliance.objects.count(),
        "organisations": Organisation.objects.count(),
        "partners": Partner.objects.count(),
        "history": ChangeRecord.objects.count(),
        "round_rows": len(ids),
        "round_indexed": len(ids & indexed),
        "round_found": len(found),
    }


def _django(database_url: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALLIANCES_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SECRET_KEY", "import-kill-scratch")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliances.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def _state(env: dict, word: str) -> dict:
    done = _run(env, __file__, "--state", word)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def _import(env: dict, path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "import_alliances", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _work(env: dict, path: Path) -> subprocess.Popen:
    """The job worker's loop on an all-or-nothing run of `path` that this process queues;
    returned once the run is queued (the process's start-up is not the import's time)."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--work", str(path)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.readline()  # "queued"
    return process


def work(path: Path) -> None:
    from alliances.base import tasks
    from alliances.base.importing import runs
    from alliances.base.models import ImportRun
    from alliances.jobs import queue

    runs.IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    (runs.IMPORT_DIR / path.name).write_bytes(path.read_bytes())
    run = ImportRun.objects.create(
        mode=ImportRun.Mode.ALL_OR_NOTHING, filename=path.name, stored=path.name
    )
    tasks.import_file(run.pk)
    print("queued", flush=True)
    # The import's job only: the jobs it asks for once committed (sheets, vectors) would keep
    # the process alive after the import and the kills would land after it.
    queue.run_pending(limit=1)
    print("done", flush=True)


def _kill_at(process: subprocess.Popen, delay: float) -> tuple[bool, float]:
    """SIGKILL the process `delay` seconds after now, unless it ends first; whether it ended
    first, and when."""
    started = time.monotonic()
    while (elapsed := time.monotonic() - started) < delay:
        if process.poll() is not None:
            return True, elapsed
        time.sleep(0.02)
    if process.poll() is not None:
        return True, elapsed
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return False, elapsed


def judge(before: dict, after: dict, rows: int, worker: bool = False) -> str:
    """ "untouched", "complete", or what is wrong."""
    totals = ("alliances", "organisations", "partners", "history")
    if after["round_rows"] == 0 and all(after[k] == before[k] for k in totals):
        if worker and after["run"] not in (None, "queued", "interrupted"):
            return f"untouched, but the run says {after['run']}"
        return "untouched"
    if after["round_rows"] == rows:
        if worker and after["run"] != "done":
            return f"complete, but the run says {after['run']}"
        if after["round_indexed"] == rows and after["round_found"] == rows:
            return "complete"
        return "complete, but the search misses rows"
    return "partial"


def rounds(
    workdir: str, url: str, count: int, rows: int, seed: int, worker: bool = False
) -> list[dict]:
    env = {**os.environ, "DATABASE_URL": url, "ALLIANCES_DATA_DIR": workdir}
    env["ALLIANCES_JOBS_IMMEDIATE"] = "0"
    env["ALLIANCES_SHEETS_PREBUILD"] = "0"
    start = _work if worker else _import
    env.setdefault("DJANGO_SECRET_KEY", "import-kill-scratch")
    env.pop("DJANGO_SETTINGS_MODULE", None)
    for command in ("migrate", "populate_referentials"):  # profiles for the partners
        done = _run(env, str(ROOT / "manage.py"), command, "-v0")
        if done.returncode:
            raise RuntimeError(done.stderr[-2000:])
    rng = random.Random(seed)
    # Whole imports first: how long one takes bounds the moments of the kills (the first
    # warms the caches and is slower, the second is measured).
    for word in ("echauffement", "etalonnage"):
        calibration = Path(workdir) / f"{word}.csv"
        write_file(calibration, word, rows)
        process = start(env, calibration)
        started = time.monotonic()
        if worker:  # until the job has run (the process's exit is not the import's time)
            assert process.stdout is not None
            process.stdout.readline()
        else:
            process.wait()
        duration = time.monotonic() - started
        process.wait()
    outcomes = []
    before = _state(env, "etalonnage")
    if before["round_rows"] != rows or before["round_found"] != rows:
        raise RuntimeError(f"the uninterrupted import did not import the whole file: {before}")
    for number in range(count):
        word = f"lot{number}x{seed}"
        path = Path(workdir) / f"{word}.csv"
        write_file(path, word, rows)
        # From when the process has started to well past the time a whole import took (a
        # loaded machine slows some rounds down), so that some rounds end before the kill.
        delay = rng.uniform(duration * 0.3, duration * 1.3)
        process = start(env, path)
        finished_first, elapsed = _kill_at(process, delay)
        if finished_first and process.returncode:
            raise RuntimeError(f"round {number}: the import failed on its own")
        if finished_first and not worker:
            duration = elapsed  # the machine's pace now
        after = _state(env, word)  # the totals after this round are the next one's "before"
        outcomes.append(
            {
                "round": number,
                "killed_after": round(elapsed, 2),
                "finished_before_kill": finished_first,
                "outcome": judge(before, after, rows, worker),
                **{k: after[k] for k in ("run", "round_rows", "round_indexed", "round_found")},
            }
        )
        before = after
    return [{"import_seconds": round(duration, 2)}, *outcomes]


def run(count: int, rows: int, database_url: str, seed: int, worker: bool = False) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="alliances-kill-") as workdir:
        url = _scratch_url(database_url, workdir).replace("_writers", "_kill")
        name = url.rsplit("/", 1)[-1]
        postgres = url.startswith("postgres")
        if postgres:
            _postgres(url, f'DROP DATABASE IF EXISTS "{name}"')
            _postgres(url, f'CREATE DATABASE "{name}"')
        try:
            return rounds(workdir, url, count, rows, seed, worker)
        finally:
            if postgres:
                _postgres(url, f'DROP DATABASE IF EXISTS "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1500)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "sqlite://"))
    parser.add_argument("--state")
    parser.add_argument("--worker", action="store_true")
    parser.add_argument("--work", type=Path)
    options = parser.parse_args()
    if options.work:
        _django(os.environ["DATABASE_URL"], os.environ["ALLIANCES_DATA_DIR"])
        work(options.work)
        return
    if options.state:
        _django(os.environ["DATABASE_URL"], os.environ["ALLIANCES_DATA_DIR"])
        print(json.dumps(state(options.state)))
        return
    print(
        json.dumps(
            run(options.rounds, options.rows, options.database_url, options.seed, options.worker)
        )
    )


if __name__ == "__main__":
    main()
