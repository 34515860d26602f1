"""An import killed (SIGKILL) at a random moment, ten times (issue 19): each time the
database is exactly as before, or holds the whole file with every new row found by the
search; the same with the job worker killed in an import run (ADR 0152). Real processes on a
scratch database (an SQLite file; on PostgreSQL a database
beside the test one), through scripts/import_kill.py."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 10
WORKER_ROUNDS = 6
WORKER_ROWS = 1000  # the job's import alone is timed (not the process's start): a wider window
ROWS = 200  # a whole import takes seconds: the kills land before, during and after it


def _database_url() -> str:
    if connection.vendor != "postgresql":
        return "sqlite://"
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db
def test_an_import_killed_at_any_moment_leaves_nothing_or_everything_found():
    _rounds(ROUNDS)


@pytest.mark.django_db
def test_a_job_worker_killed_in_an_import_leaves_nothing_and_the_run_says_so():
    """ADR 0152: the worker's loop killed while it runs an all-or-nothing import run: the
    base holds nothing or the whole file, and the run is "done" only with the whole file,
    else still queued or, once looked at, interrupted."""
    _rounds(WORKER_ROUNDS, "--worker", rows=WORKER_ROWS)


def _rounds(count: int, *options: str, rows: int = ROWS) -> None:
    seed = random.randrange(1_000_000)
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "import_kill.py"),
            "--rounds",
            str(count),
            "--rows",
            str(rows),
            "--seed",
            str(seed),
            "--database-url",
            _database_url(),
            *options,
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=1800,
        # Without the embedding model, each round takes seconds instead of tens: the vectors
        # are written by the same index update, in the same transaction, as the text index
        # whose atomicity this test checks.
        env={**os.environ, "ALLIANCES_SEARCH_SEMANTIC": "0"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    calibration, *rounds = json.loads(run.stdout.strip().splitlines()[-1])
    assert len(rounds) == count
    wrong = [r for r in rounds if r["outcome"] not in ("untouched", "complete")]
    assert wrong == [], (seed, calibration, wrong)
