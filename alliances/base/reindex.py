"""Tell the full-text index of the search part which alliances changed.

The search part keeps its index in step through signals on save; bulk writes (bulk_create)
send none, so the loader and the import call `refresh_search_index` with the ids they wrote.
"""

import contextlib
import importlib
from collections.abc import Iterator
from types import ModuleType


def _module(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def has_index_signals() -> bool:
    signals = _module("alliances.base.search.signals")
    return signals is not None and hasattr(signals, "deferred_indexing")


@contextlib.contextmanager
def deferred_indexing() -> Iterator[None]:
    """Index once at the end of a loader run instead of at each save, when available."""
    signals = _module("alliances.base.search.signals")
    if signals is None or not hasattr(signals, "deferred_indexing"):
        yield
        return
    with signals.deferred_indexing():
        yield


def refresh_search_index(ids: list[int]) -> str:
    """Re-index the given alliances (or every alliance when none is given); says what it did."""
    from .search import index

    if ids:
        index.update_index(ids)
        return f"index plein texte : {len(ids)} alliance(s) réindexée(s)"
    index.rebuild_index()
    return "index plein texte : reconstruit"
