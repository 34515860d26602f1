"""Prepare a fresh application process before it serves anyone (gunicorn.conf.py).

The first search of a process builds what every later one reuses: the gazetteer of places
(every commune, EPCI, département, région and postcode: seconds), the embedding model, the
vectors of the alliances and of the library, the index's bitmaps and labels. Without this,
the first visitor of each worker waits for all of it (2 to 16 s measured, by load and size of
the base). Warming runs the real searches once, so whatever the path needs is what gets built,
and a part added to the search later is warmed without touching this module.

An entry point like `wsgi`: it reads the parts, no part reads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.contrib.auth.models import AnonymousUser
from django.db import connections

log = logging.getLogger(__name__)

# A query that reads a place and words: it exercises the gazetteer, the synonyms, the text
# index, the covering tier and, when the semantic part is on, the model and the vectors.
SAMPLE_QUERY = "insertion des jeunes à Lyon"


def _base() -> None:
    from alliances.base.search.service import search_request

    search_request({"q": SAMPLE_QUERY}, AnonymousUser())


def _library() -> None:
    from alliances.library import search

    query, known = search.parse({"q": "gouvernance d'une alliance"})
    search.run(query, known)


def _partners() -> None:
    # The list of needs and offers counts its facets from the suggestions' candidates
    # (partners/pool.py): seconds to read at 100,000 organisations, once per process.
    from alliances.partners import search

    search.search({})


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("base search", _base),
    ("library search", _library),
    ("needs and offers", _partners),
)


def _close_connections() -> None:
    """Connections opened by the warm-up do not outlive it (the process's first request opens
    its own, as Django expects); one inside a transaction (a test's) is left alone."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def warm() -> dict[str, float]:
    """Run each step once; return its time in seconds. A failing step is logged and skipped:
    a process that cannot warm still serves (the first request then pays, as before)."""
    timings: dict[str, float] = {}
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            step()
        except Exception:  # noqa: BLE001 - warming is an optimisation, never a reason not to serve
            log.exception("warm-up step %r failed", name)
            continue
        finally:
            _close_connections()
        timings[name] = round(time.perf_counter() - started, 3)
    return timings
