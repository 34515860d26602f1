"""Benchmark: import of 100,000 alliances from a CSV file (target: under 60 s on SQLite).

Steps, in a throw-away data directory (its own SQLite file):
1. reference data (`setup --reference-only`), then N synthetic alliances
   (`generate_synthetic_alliances`, timed as well);
2. the N alliances exported to CSV with the export writer (';' separator, UTF-8 BOM, as a
   French spreadsheet would save it), titles made distinct from those already in the base;
3. the CSV imported: dry run (read + validate), then the real all-or-nothing import
   (read + validate + write in one transaction), then the full-text index refresh of the
   new rows, each timed.

    .venv/bin/python bench/base_import.py [N]      # N = 100000 by default
    .venv/bin/python bench/base_import.py N --database-url postgres://…/bench_import
                                                   # PostgreSQL: that database is made anew
"""

import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
URL = next((a.split("=", 1)[1] for a in sys.argv if a.startswith("--database-url=")), None)
if "--database-url" in sys.argv:
    URL = sys.argv[sys.argv.index("--database-url") + 1]
ARGS = [a for a in sys.argv[1:] if not a.startswith("--") and a != URL]
N = int(ARGS[0]) if ARGS else 100_000
INDEX = "--no-index" not in sys.argv
DATA_DIR = tempfile.mkdtemp(prefix="alliances-bench-import-")
os.environ["ALLIANCES_DATA_DIR"] = DATA_DIR
os.environ.pop("DATABASE_URL", None)
sys.path.insert(0, str(HERE))


def _fresh_postgres(url: str) -> None:
    """Drop and create the database of `url` (a throw-away one, as the SQLite file is)."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    os.environ["DATABASE_URL"] = url


if URL:
    _fresh_postgres(URL)

from common import git_revision, header, setup_django  # noqa: E402

setup_django()

from django.core.management import call_command  # noqa: E402

from alliances.base import exports  # noqa: E402
from alliances.base.importing import importer  # noqa: E402
from alliances.base.importing.readers import read_table  # noqa: E402
from alliances.base.models import Alliance  # noqa: E402
from alliances.base.reindex import refresh_search_index  # noqa: E402
from alliances.common.tables import Limits  # noqa: E402

# The file of 100,000 rows is larger than the default 50 MB an upload may be.
LIMITS = Limits(max_bytes=500_000_000, max_rows=max(N, 100_000))
from alliances.base.synthetic import generate  # noqa: E402


def timed(label: str, func):
    started = time.perf_counter()
    value = func()
    elapsed = time.perf_counter() - started
    print(f"{label}: {elapsed:.1f} s", flush=True)
    return value, elapsed


def main() -> None:
    load = os.getloadavg()[0]
    _, t_setup = timed(
        "reference data", lambda: call_command("setup", "--reference-only", verbosity=0)
    )
    _, t_generate = timed(f"generate {N}", lambda: generate(N, seed=42))
    ids = list(Alliance.objects.filter(synthetic=True).order_by("pk").values_list("pk", flat=True))
    data, t_export = timed("export CSV", lambda: exports.write(ids, "csv", sep=";"))
    # The same rows as a new batch: distinct titles, no slugs (the import makes them).
    lines = data.decode("utf-8-sig").split("\r\n")
    head = lines[0].split(";")
    title_at, slug_at = head.index("title"), head.index("slug")
    import csv
    import io

    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(next(reader))
    for number, row in enumerate(reader):
        row[title_at] = f"{row[title_at]} (lot {number})"
        row[slug_at] = ""
        row[head.index("status")] = "published"
        writer.writerow(row)
    payload = ("\ufeff" + out.getvalue()).encode("utf-8")
    path = Path(DATA_DIR) / "lot.csv"
    path.write_bytes(payload)

    table, t_read = timed(
        "read CSV", lambda: read_table(path.read_bytes(), path.name, limits=LIMITS)
    )
    report, t_validate = timed("validate (dry run)", lambda: importer.validate(table))
    assert report.ok, report.problems[:5]
    before = Alliance.objects.count()

    phases = {}

    def full_import():
        started = time.perf_counter()
        fresh = read_table(path.read_bytes(), path.name, limits=LIMITS)
        checked = importer.validate(fresh)
        phases["read + validate"] = time.perf_counter() - started
        started = time.perf_counter()
        done = importer.apply(checked, origin="import:bench")
        phases["write"] = time.perf_counter() - started
        return done

    report, t_import = timed("import (read + validate + write)", full_import)
    print(phases, flush=True)
    assert report.created == N and Alliance.objects.count() == before + N
    t_index = None
    if INDEX:
        _, t_index = timed(
            "full-text index of the new rows", lambda: refresh_search_index(report.created_ids)
        )

    lines_md = header(
        f"Base of alliances: import of {N:,} rows" + (" (PostgreSQL)" if URL else ""),
        f".venv/bin/python bench/base_import.py {N}"
        + (" --database-url postgres://…" if URL else ""),
    )
    lines_md += [
        f"Rows: {N:,} (CSV exported from synthetic alliances, ';' separator, UTF-8 with BOM, "
        f"{len(payload) / 1e6:.1f} MB). {'PostgreSQL' if URL else 'SQLite'}, one throw-away "
        f"database; revision {git_revision()}; load average {load:.2f} at the start, "
        f"{os.getloadavg()[0]:.2f} at the end.",
        "",
        "| step | time | rows/s |",
        "|---|---:|---:|",
        f"| generate synthetic alliances (bulk) | {t_generate:.1f} s | {N / t_generate:,.0f} |",
        f"| export to CSV | {t_export:.1f} s | {N / t_export:,.0f} |",
        f"| read CSV | {t_read:.1f} s | {N / t_read:,.0f} |",
        f"| validate every row (dry run) | {t_validate:.1f} s | {N / t_validate:,.0f} |",
        f"| **import, all or nothing (read + validate + write)** | **{t_import:.1f} s** | "
        f"**{N / t_import:,.0f}** |",
        f"| … of which read + validate | {phases['read + validate']:.1f} s | |",
        f"| … of which write (one transaction, bulk inserts) | {phases['write']:.1f} s | |",
        (
            f"| full-text index of the new rows (search part) | {t_index:.1f} s | "
            f"{N / max(t_index, 1e-9):,.0f} |"
            if t_index is not None
            else "| full-text index of the new rows (search part) | not run (--no-index) | |"
        ),
        "",
        f"Target: import under 60 s → {'met' if t_import < 60 else 'NOT met'} "
        f"({t_import:.1f} s). Reference data load: {t_setup:.1f} s (not counted).",
        "Single runs (an import of this size is not repeated in a loop); the machine's 2 cores "
        "are shared with other jobs, so treat the figures as upper bounds.",
        "",
    ]
    (HERE / "results").mkdir(exist_ok=True)
    name = "base_import" + (f"_{N}" if N != 100_000 else "") + ("_postgresql" if URL else "")
    (HERE / "results" / f"{name}.md").write_text("\n".join(lines_md))
    print("\n".join(lines_md))


if __name__ == "__main__":
    main()
