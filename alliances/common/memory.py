"""Giving back to the system the memory a process freed.

glibc keeps what a process frees for its next allocations: after a burst of short-lived
objects (a full load of the vectors, a warm-up step that reads a million rows), the
process's resident memory stays at the burst's level although Python no longer uses it. At
1,000,000 alliances a worker's warm-up held 96 MB freed after its base-search step and 117 MB
after the suggestions' candidates (ADR 0188).
"""

from __future__ import annotations

import ctypes
import functools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connections


@functools.cache
def _trim() -> Callable[[int], int] | None:
    return getattr(ctypes.CDLL(None), "malloc_trim", None)  # glibc only


def give_back_freed_memory() -> None:
    """Hand the freed heap back to the system (glibc's `malloc_trim`; elsewhere nothing)."""
    trim = _trim()
    if trim is not None:
        trim(0)


# A worker's requests free what they built; handed back at most this often (each hand-back
# costs 0.03 to 0.6 ms at 1,000,000 alliances, and memory given back is faulted in again
# by the requests that need it).
INTERVAL = 1.0
_last = 0.0


def give_back_now_and_then() -> None:
    """`give_back_freed_memory`, unless it ran less than `INTERVAL` seconds ago (gunicorn's
    `post_request` hook calls it after each request)."""
    global _last
    now = time.monotonic()
    if now - _last < INTERVAL:
        return
    _last = now
    give_back_freed_memory()


# While a whole table is read once (a collection's vectors, the partners of every alliance),
# an SQLite connection's page cache is held to this many KiB. Otherwise the pages read fill
# it (up to the 128 MB of settings.py) and stay resident for as long as the connection
# lives: at 1,000,000 alliances the suggestions' full read peaked 240 MB above its start.
LOAD_PAGE_CACHE_KIB = 2048


@contextmanager
def small_page_cache(alias: str = "default") -> Iterator[None]:
    """SQLite: a page cache of `LOAD_PAGE_CACHE_KIB` for the time of a full read (lowering
    it also frees what it held), the connection's own size again afterwards; nothing on
    another database (its server holds its cache, not this process)."""
    connection = connections[alias]
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        kept = int(cursor.fetchone()[0])
        cursor.execute("PRAGMA mmap_size")
        row = cursor.fetchone()  # none for a database in memory (tests): nothing mapped
        mapped = None if row is None else int(row[0])
        cursor.execute(f"PRAGMA cache_size = -{LOAD_PAGE_CACHE_KIB}")
        if mapped:
            cursor.execute("PRAGMA mmap_size = 0")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {kept}")
            if mapped:
                cursor.execute(f"PRAGMA mmap_size = {mapped}")
