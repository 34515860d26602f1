"""Imports run by the job worker, with their progress shown to the curator (ADR 0152).

A run (`ImportRun`) is created by the admin page with the file kept under
`<data dir>/imports/`; the job `base.tasks.import_file` reads, checks and (unless a dry run)
writes it through the same importer as the page and the command. Where it stands goes to the
cache alias `jobs`, never to the base: on SQLite the import's write transaction holds the
base's write lock, and on every database a row written inside that transaction would be seen
by nobody until it commits and lost with it if it fails. The record itself is written at the
steps' edges, outside the transaction, and its final state inside it: an import's rows and
"done" are committed together, so a worker killed at any moment leaves the rows and "done",
or neither. A running import whose heartbeat stops is interrupted, seen as such by the next
look at it (`notice_interrupted`).
"""

import logging
import threading
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, override

from alliances.base.models import ImportRun
from alliances.common.limits import import_limits

from . import importer
from .readers import ReadError, read_path

logger = logging.getLogger(__name__)

IMPORT_DIR = Path(settings.DATA_DIR) / "imports"
HEARTBEAT_SECONDS = 5.0  # the worker says it is alive this often while a run goes on
STALE_SECONDS = 60.0  # a running import silent for this long was interrupted
KEEP_PROGRESS_SECONDS = 7 * 24 * 3600


def progress_key(pk: int) -> str:
    return f"alliances:import-run:{pk}"


def progress_of(run: ImportRun) -> dict[str, Any] | None:
    """Where a running import stands: step, done, total, beat (time of the last heartbeat)."""
    return caches["jobs"].get(progress_key(run.pk))


class Reporter:
    """The progress of one run, written to the `jobs` cache; beats in its own thread so that a
    long step (one bulk insert, the index) still says the worker is alive."""

    def __init__(self, pk: int) -> None:
        self.pk = pk
        self.state: dict[str, Any] = {"step": "reading", "done": 0, "total": 0}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True, name=f"import-{pk}")

    def __call__(self, step: str, done: int, total: int) -> None:
        with self._lock:
            self.state = {"step": step, "done": done, "total": total}
            self._write()

    def start(self) -> None:
        with self._lock:
            self._write()
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS * 2)

    def _beat(self) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with self._lock:
                self._write()

    def _write(self) -> None:
        caches["jobs"].set(
            progress_key(self.pk), {**self.state, "beat": time.time()}, KEEP_PROGRESS_SECONDS
        )


def is_interrupted(run: ImportRun) -> bool:
    """A run marked running whose worker has not said it is alive for STALE_SECONDS."""
    if run.status != ImportRun.Status.RUNNING:
        return False
    state = progress_of(run)
    if state:
        last = float(state.get("beat", 0))
    else:
        last = run.started_at.timestamp() if run.started_at else 0.0
    return time.time() - last > STALE_SECONDS


def notice_interrupted(runs: list[ImportRun]) -> None:
    """Mark as interrupted the runs whose worker died (killed, machine restarted)."""
    for run in runs:
        if is_interrupted(run):
            now = timezone.now()
            updated = ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.RUNNING).update(
                status=ImportRun.Status.INTERRUPTED, finished_at=now
            )
            if updated:
                run.status, run.finished_at = ImportRun.Status.INTERRUPTED, now


def stored_path(run: ImportRun) -> Path:
    return IMPORT_DIR / run.stored


def rejects_path(run: ImportRun) -> Path | None:
    return IMPORT_DIR / run.rejects if run.rejects else None


def execute(pk: int) -> str:
    """The job: run the import `pk` once (a second delivery of the job finds it taken)."""
    claimed = ImportRun.objects.filter(pk=pk, status=ImportRun.Status.QUEUED).update(
        status=ImportRun.Status.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return "taken"
    run = ImportRun.objects.select_related("user").get(pk=pk)
    reporter = Reporter(pk)
    reporter.start()
    try:
        with override(run.language):
            _execute(run, reporter)
    except ReadError as error:
        with override(run.language):
            _fail(run, error.translated(gettext))
    except Exception as error:  # any failure: the transaction rolled back, the run says so
        logger.exception("import run %s failed", pk)
        with override(run.language):
            _fail(
                run,
                gettext("Erreur pendant l'import (%(error)s) : rien n'a été écrit.")
                % {"error": type(error).__name__},
            )
    finally:
        reporter.stop()
    return ImportRun.objects.values_list("status", flat=True).get(pk=pk)


def _fail(run: ImportRun, message: str) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.FAILED,
        finished_at=timezone.now(),
        written=False,
        created_count=0,
        organisations_created=0,
        summary={**run.summary, "error": message},
    )


def _execute(run: ImportRun, reporter: Reporter) -> None:
    limits = import_limits()
    table = read_path(stored_path(run), limits=limits)
    total = len(table.rows)
    reporter("checking", 0, total)
    ImportRun.objects.filter(pk=run.pk).update(total_rows=total)
    report = importer.validate(table, reporter)
    run.summary = summary(report, limits.max_problems)
    run.valid_rows, run.rejected_rows = len(report.valid), len(report.rejected)
    if report.rejected:
        run.rejects = _write_rejects(run, report)
    ImportRun.objects.filter(pk=run.pk).update(
        valid_rows=run.valid_rows,
        rejected_rows=run.rejected_rows,
        summary=run.summary,
        rejects=run.rejects,
    )
    writes = (
        run.mode != ImportRun.Mode.DRY_RUN
        and report.valid
        and (run.mode == ImportRun.Mode.KEEP_VALID or not report.rejected)
    )
    # The rows and the run's "done" are committed together (or neither: killed, failed).
    with transaction.atomic():
        if writes:
            importer.apply(
                report,
                user=run.user,
                origin=f"import:{run.filename}"[:200],
                progress=reporter,
            )
            run.summary["index_message"] = report.index_message
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.DONE,
            finished_at=timezone.now(),
            written=report.written,
            created_count=report.created,
            organisations_created=report.organisations_created,
            summary=run.summary,
        )


def summary(report: importer.ImportReport, limit: int) -> dict[str, Any]:
    """What the page shows of a report: its first problems and warnings, its notices."""
    shown, more = report.first_problems(limit)
    return {
        "notices": list(report.notices),
        "problems": [_problem(p) for p in shown],
        "more_problems": more,
        "warnings": [_problem(p) for p in report.warnings[:limit]],
    }


def _problem(problem: importer.Problem) -> dict[str, Any]:
    return {
        "row": problem.row,
        "column": problem.column,
        "value": problem.value,
        "message": problem.message,
    }


def _write_rejects(run: ImportRun, report: importer.ImportReport) -> str:
    fmt = report.table.format if report.table.format in ("xlsx", "jsonl") else "csv"
    name = f"{Path(run.stored).stem}-{run.pk}-rejets.{fmt}"
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    (IMPORT_DIR / name).write_bytes(
        importer.rejects_bytes(report, fmt, report.table.separator or ",")
    )
    return name
