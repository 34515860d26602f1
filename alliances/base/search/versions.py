"""The index's version: a random number drawn anew at every write to the index (one row of
`STATE_TABLE`), under which what is derived from the index is cached in each process
(`per_index_version`): every process reads it at each use, so a write through one server is
seen by the others at their next request. `index` re-exports this interface.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

from django.db import connections, router

from ..models import Alliance

# One row: a random number drawn anew at every write to the index, so that what is computed
# from the index can be cached under it, in every process.
STATE_TABLE = "base_alliance_search_state"

T = TypeVar("T")


def _alias(using: str | None) -> str:
    return using or router.db_for_write(Alliance)


# Within `pinned()`: the version of each database, read once (one search).
_pinned: ContextVar[dict[str, int] | None] = ContextVar("index_version_pinned", default=None)


@contextmanager
def pinned() -> Iterator[None]:
    """Read the version once for everything done inside (one search reads a dozen things
    cached under it: one read of the version instead of one each). A write inside draws a
    new version and forgets the pinned one."""
    if _pinned.get() is not None:
        yield
        return
    token = _pinned.set({})
    try:
        yield
    finally:
        _pinned.reset(token)


def index_version(using: str | None = None) -> int:
    """Drawn anew at each write to the index: it changes whenever anything searchable did."""
    alias = _alias(using)
    pins = _pinned.get()
    if pins is not None and alias in pins:
        return pins[alias]
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT version FROM {STATE_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    version = int(row[0]) if row else 0
    if pins is not None:
        pins[alias] = version
    return version


_per_version: dict[tuple[str, str, str], tuple[int, Any]] = {}
_per_version_lock = threading.RLock()  # a `read` may itself call per_index_version


def per_index_version(name: str, read: Callable[[], T], using: str | None = None) -> T:
    """What `read` returns, read once per process, database and index version.

    For what is derived from the indexed alliances (the facet bitmaps, the sets of the
    sheets): a write to the index draws a new version and the next call reads again. What
    is returned must never be changed in memory. One thread reads; the others wait for it.
    """
    alias = _alias(using)
    version = index_version(alias)
    key = (name, alias, str(connections[alias].settings_dict.get("NAME")))
    found = _per_version.get(key)
    if found is None or found[0] != version:
        with _per_version_lock:
            found = _per_version.get(key)
            if found is None or found[0] != version:
                found = (version, read())
                _per_version[key] = found
    return found[1]


_kept: weakref.WeakSet[KeptPerVersion] = weakref.WeakSet()


def forget_kept() -> None:
    """Empty every `KeptPerVersion` of the process (tests: a rollback takes a version back)."""
    for store in list(_kept):
        store.clear()


class KeptPerVersion(Generic[T]):
    """At most `size` values (and, with `weight`, at most `budget` in all), each read once per
    process, database, key and index version; the least recently used goes first. For what
    depends on a query as well as on the index (the matches of a text, their order):
    `per_index_version` keeps one value per name."""

    def __init__(
        self, size: int, budget: int | None = None, weight: Callable[[T], int] | None = None
    ) -> None:
        self.size = size
        self.budget = budget
        self.weight = weight
        self._values: OrderedDict[tuple, tuple[int, T]] = OrderedDict()
        self._lock = threading.Lock()
        _kept.add(self)

    def _over(self) -> bool:
        if len(self._values) > self.size:
            return True
        if self.budget is None or self.weight is None or len(self._values) <= 1:
            return False
        return sum(self.weight(value) for _v, value in self._values.values()) > self.budget

    def get(self, key: tuple, using: str | None = None) -> T | None:
        """The value kept under `key` for the index's current version, or None."""
        alias = _alias(using)
        version = index_version(alias)
        full = (alias, str(connections[alias].settings_dict.get("NAME")), *key)
        with self._lock:
            found = self._values.get(full)
            if found is None or found[0] != version:
                return None
            self._values.move_to_end(full)
            return found[1]

    def read(self, key: tuple, make: Callable[[], T], using: str | None = None) -> T:
        """The value kept under `key`, or `make()` kept under the version read before it."""
        found = self.get(key, using)
        if found is not None:
            return found
        alias = _alias(using)
        version = index_version(alias)
        value = make()
        full = (alias, str(connections[alias].settings_dict.get("NAME")), *key)
        with self._lock:
            self._values[full] = (version, value)
            self._values.move_to_end(full)
            while self._over():
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def _bump(cursor: Any) -> None:
    """A new version; on PostgreSQL also the write lock on the state row until commit, so two
    writers never rewrite a bitmap from the same old copy."""
    cursor.execute(f"UPDATE {STATE_TABLE} SET version = %s WHERE id = 1", [secrets.randbits(62)])
    pins = _pinned.get()
    if pins:
        pins.clear()


def new_version(using: str | None = None) -> None:
    """Draw a new version without writing to the index: what is cached under it is read again
    by every process (a term, an SDG goal or a région renamed: the labels of the search)."""
    with connections[_alias(using)].cursor() as cursor:
        _bump(cursor)
