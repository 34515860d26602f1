"""Tell the full-text index of the search part which alliances changed.

The search part keeps its index in step through signals on save (`base/search/signals.py`);
bulk writes (bulk_create) send none, so the loader and the import call
`refresh_search_index` with the ids they wrote, or wrap their work in `deferred_indexing()`.
"""

import contextlib
from collections.abc import Iterator

from .search import index, signals


@contextlib.contextmanager
def deferred_indexing() -> Iterator[None]:
    """Index once at the end of a loader run instead of at each save."""
    with signals.deferred_indexing():
        yield


def refresh_search_index(ids: list[int]) -> str:
    """Re-index the given alliances (or every alliance when none is given); says what it did."""
    if ids:
        index.update_index(ids)
        return f"index plein texte : {len(ids)} alliance(s) réindexée(s)"
    index.rebuild_index()
    return "index plein texte : reconstruit"
