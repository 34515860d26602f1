"""Several curators saving at once: every save must wait its turn, none may fail.

Creates a scratch database (an SQLite file, or a PostgreSQL database beside the one given),
migrates it, then starts N worker processes that save alliances the way the back office
does (read the alliance, change it, save it, write its history, in one transaction; the
search index is updated by the save's signal in the same transaction), for a bounded time.
Half the saves touch one alliance every worker shares, the other half the worker's own.
Prints one JSON line: saves, errors (with their first messages), seconds.

    .venv/bin/python scripts/concurrent_writers.py --writers 8 --seconds 30
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/alliances .venv/bin/python \
        scripts/concurrent_writers.py --writers 8 --seconds 30

Used by tests/test_concurrent_writers.py (with a few seconds).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
SHARED_SLUG = "ecriture-concurrente-partagee"


def _django(database_url: str, data_dir: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ["ALLIANCES_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SECRET_KEY", "concurrent-writers-scratch")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliances.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(writers: int) -> None:
    from alliances.base.models import Alliance

    for slug in [SHARED_SLUG] + [f"ecriture-concurrente-{n}" for n in range(writers)]:
        Alliance.objects.get_or_create(
            slug=slug, defaults={"title": slug, "kind": "alliance", "status": "published"}
        )


def work(number: int, seconds: float) -> dict:
    """Save for `seconds`; count the saves and the errors."""
    from django.db import transaction

    from alliances.base import history
    from alliances.base.models import Alliance

    saves, errors = 0, []
    own = f"ecriture-concurrente-{number}"
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        slug = SHARED_SLUG if saves % 2 else own
        try:
            with transaction.atomic():
                alliance = Alliance.objects.get(slug=slug)
                before = alliance.summary
                alliance.summary = f"enregistrement {saves} du curateur {number}"
                alliance.save()
                history.record(
                    alliance,
                    history.UPDATED,
                    {"summary": [before, alliance.summary]},
                    actor=f"curateur {number}",
                )
            saves += 1
        except Exception as error:  # every failure counts: that is what is measured
            errors.append(f"{type(error).__name__}: {error}"[:200])
            saves += 1
    return {"saves": saves, "errors": errors}


def _scratch_url(database_url: str, workdir: str) -> str:
    if database_url.startswith(("postgres://", "postgresql://")):
        parts = urlparse(database_url)
        return urlunparse(parts._replace(path=parts.path.rstrip("/") + "_writers"))
    return f"sqlite:///{workdir}/writers.sqlite3"


def _postgres(url: str, statement: str) -> None:
    import psycopg

    parts = urlparse(url)
    admin = urlunparse(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(statement)


def run(writers: int, seconds: float, database_url: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="alliances-writers-") as workdir:
        url = _scratch_url(database_url, workdir)
        name = urlparse(url).path.lstrip("/")
        postgres = url.startswith("postgres")
        if postgres:
            _postgres(url, f'DROP DATABASE IF EXISTS "{name}"')
            _postgres(url, f'CREATE DATABASE "{name}"')
        env = {**os.environ, "DATABASE_URL": url, "ALLIANCES_DATA_DIR": workdir}
        env.setdefault("DJANGO_SECRET_KEY", "concurrent-writers-scratch")
        env.pop("DJANGO_SETTINGS_MODULE", None)
        try:
            me = [sys.executable, __file__, "--database-url", url, "--data-dir", workdir]
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"],
                check=True,
                env=env,
                cwd=ROOT,
            )
            subprocess.run([*me, "--seed", "--writers", str(writers)], check=True, env=env)
            started = time.monotonic()
            workers = [
                subprocess.Popen(
                    [*me, "--worker", str(n), "--seconds", str(seconds)],
                    env=env,
                    stdout=subprocess.PIPE,
                    text=True,
                )
                for n in range(writers)
            ]
            results = [json.loads(w.communicate()[0].strip().splitlines()[-1]) for w in workers]
            elapsed = time.monotonic() - started
        finally:
            if postgres:
                _postgres(url, f'DROP DATABASE IF EXISTS "{name}"')
    errors = [e for r in results for e in r["errors"]]
    return {
        "database": "postgresql" if postgres else "sqlite",
        "writers": writers,
        "seconds": round(elapsed, 1),
        "saves": sum(r["saves"] for r in results),
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "sqlite://"))
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--seed", action="store_true")
    parser.add_argument("--worker", type=int)
    options = parser.parse_args()
    if options.seed or options.worker is not None:
        _django(options.database_url, options.data_dir)
        if options.seed:
            seed(options.writers)
        else:
            print(json.dumps(work(options.worker, options.seconds)))
        return
    print(json.dumps(run(options.writers, options.seconds, options.database_url)))


if __name__ == "__main__":
    main()
