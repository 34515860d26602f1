"""Eight curators saving at once wait their turn instead of failing (issue 19, item 5).

Before write transactions took SQLite's lock up front, 8 concurrent writers saw most of
their saves fail with "database is locked". The scenario runs in scratch databases (an
SQLite file; on PostgreSQL a database beside the test one), through
scripts/concurrent_writers.py: real processes, for a few seconds (30 s by hand).
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
SECONDS = 3


def _database_url() -> str:
    if connection.vendor != "postgresql":
        return "sqlite://"
    settings = connection.settings_dict
    user = settings["USER"] or "postgres"
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


@pytest.mark.django_db
def test_eight_concurrent_writers_make_no_error():
    run = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "concurrent_writers.py"),
            "--writers",
            "8",
            "--seconds",
            str(SECONDS),
            "--database-url",
            _database_url(),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["database"] == connection.vendor
    assert result["saves"] >= 8, result
    assert result["errors"] == 0, result


def test_sqlite_write_transactions_take_the_lock_up_front():
    from alliances import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        options = settings.DATABASES["default"]["OPTIONS"]
        assert options["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in options["init_command"] and options["timeout"] >= 5
