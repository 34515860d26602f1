"""Ask for work to be done by the job worker, once the data it reads is committed.

The queue is huey's (ADR 0150): SQLite file by default, Redis in production. A part defines
its jobs in its `tasks.py` with `huey.contrib.djhuey.db_task` / `db_periodic_task` (the
worker, `manage.py run_huey`, imports every app's `tasks` module) and asks for them here.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from huey.api import TaskWrapper
from huey.contrib.djhuey import HUEY


def immediate() -> bool:
    """True when jobs run at once in the asking process (tests, ALLIANCES_JOBS_IMMEDIATE)."""
    return bool(HUEY.immediate)


def after_commit(task: TaskWrapper, *args: Any, using: str | None = None) -> None:
    """Enqueue `task(*args)` when the current transaction commits (at once outside one).

    A worker that started before the commit would read the old rows. In immediate mode the
    job runs in this process, in the transaction, as a direct call did before jobs existed
    (a test's transaction never commits)."""
    if immediate():
        task.call_local(*args)
        return
    transaction.on_commit(lambda: task(*args), using=using)


def once(key: str, enqueue: Callable[[], object]) -> bool:
    """Call `enqueue` unless a job under `key` is already waiting; True when it was called.

    A burst of saves (an import, a curator's session) asks for the same rebuild many times:
    the first one waits in the queue and covers the others. The job calls `done(key)` when it
    starts, so a change made while it runs asks for one more."""
    if immediate():
        enqueue()
        return True
    if not HUEY.put_if_empty(_marker(key), "1"):
        return False
    enqueue()
    return True


def done(key: str) -> None:
    """Mark the job under `key` as started: the next change enqueues it again."""
    if not immediate():
        HUEY.get(_marker(key), peek=False)


def pending() -> int:
    """How many jobs wait in the queue (not counting scheduled ones)."""
    return HUEY.pending_count()


def run_pending(limit: int = 1000) -> int:
    """Run the waiting jobs in this process, as the worker would; returns how many ran.

    For tests and for `manage.py` scripts that must not leave work behind."""
    ran = 0
    while ran < limit:
        task = HUEY.dequeue()
        if task is None:
            return ran
        HUEY.execute(task)
        ran += 1
    return ran


def _marker(key: str) -> str:
    return f"alliances:pending:{key}"
