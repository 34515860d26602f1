"""Worker processes that run the project's Django code on the other cores (docs/adr/0182).

A full re-index of a large base spends most of its time analysing texts in Python: one
process uses one core. These workers are started with the `spawn` method (a fork would share
the parent's open database connections), set Django up as the parent did, and connect to the
parent's database by its current name, which is the test database's inside the tests.

An in-memory SQLite database cannot be reached from another process: `can_share(alias)` says
so, and callers then do the work in their own process.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from concurrent.futures import Executor, ProcessPoolExecutor

from django.db import connections


def processes() -> int:
    """One worker per core, at most 4."""
    return max(1, min(4, os.cpu_count() or 1))


def can_share(alias: str) -> bool:
    """Whether another process can open this connection's database."""
    settings = connections[alias].settings_dict
    if connections[alias].vendor != "sqlite":
        return True
    name = str(settings.get("NAME") or "")
    return bool(name) and ":memory:" not in name and "mode=memory" not in name


def pool(alias: str, workers: int | None = None) -> Executor:
    """A pool of worker processes connected to `alias`'s database (shut it down after use)."""
    name = connections[alias].settings_dict["NAME"]
    return ProcessPoolExecutor(
        workers or processes(),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start,
        initargs=(alias, str(name)),
    )


def _start(alias: str, name: str) -> None:
    # DJANGO_SETTINGS_MODULE and the environment come from the parent (spawn inherits them).
    import django

    end_with_parent()

    django.setup()
    connections[alias].settings_dict["NAME"] = name


def end_with_parent() -> None:
    """Linux: end this worker process when its parent ends, even killed (a re-index or a
    benchmark stopped by SIGTERM left its workers waiting for work forever)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
    except OSError:
        return
    pr_set_pdeathsig = 1
    libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
