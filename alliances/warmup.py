"""Prepare a fresh application process before it serves anyone (gunicorn.conf.py).

The first search of a process builds what every later one reuses: the gazetteer of places
(every commune, EPCI, département, région and postcode: seconds), the embedding model, the
vectors of the alliances and of the library, the index's bitmaps and labels. Without this,
the first visitor of each worker waits for all of it (2 to 16 s measured, by load and size of
the base). Warming runs the real searches once, so whatever the path needs is what gets built,
and a part added to the search later is warmed without touching this module.

The first page a process serves in each language also builds what every page shares: the URL
patterns (the API's schemas among them: 0.5 s when nothing imported them yet), the URL tables
and the translation catalogue of the language, the compiled layout templates. In a worker
warmed by the searches alone the first sheet page took 32 ms in French and 51 ms in English,
the next ones 6 ms (100,000 alliances, load 2.4; ADR 0183): a sheet page is served in each
language through the application first.

An entry point like `wsgi`: it reads the parts, no part reads it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from io import BytesIO

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections
from django.urls import reverse

from alliances.common.memory import give_back_freed_memory, small_page_cache

log = logging.getLogger(__name__)

# A query that reads a place and words: it exercises the gazetteer, the synonyms, the text
# index, the covering tier and, when the semantic part is on, the model and the vectors.
SAMPLE_QUERY = "insertion des jeunes à Lyon"
# The page served in each language: a sheet's (what issue 20 times after a data change), whose
# layout every page shares; SDG 17's always exists (reference data), and the sheets are read by
# their URL only (import contract).
SHEET = ("odd", "17")
# A sheet the job worker has not rendered yet answers 503, "in preparation" (ADR 0191): the web
# process does not render it (45 s and some 100 MB kept at 1,000,000 alliances), and the page
# warms the same layout, URL tables and catalogue.
SERVED = (200, 503)


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


def _host() -> str:
    """A name the platform answers to (ALLOWED_HOSTS): another would be refused before the
    page is reached."""
    for host in settings.ALLOWED_HOSTS:
        name = host.lstrip(".")
        if name and name != "*":
            return name
    return "localhost"


def _environ(path: str, language: str) -> dict[str, object]:
    """A visitor's GET as gunicorn passes it, over HTTPS (also as the proxy says it, when one
    is configured) so that the HTTPS redirect of production does not answer instead."""
    host = _host()
    environ: dict[str, object] = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": host,
        "SERVER_PORT": "443",
        "HTTP_HOST": host,
        "HTTP_ACCEPT_LANGUAGE": language,
        "wsgi.url_scheme": "https",
        "wsgi.input": BytesIO(),
    }
    if settings.SECURE_PROXY_SSL_HEADER:
        header, value = settings.SECURE_PROXY_SSL_HEADER
        environ[header] = value
    return environ


def _serve(path: str, language: str) -> None:
    """Serve `path` through the application gunicorn serves (its middleware included). The
    request signals are not sent: they would close a test's connection inside its transaction;
    `warm` closes the connections after each step instead."""
    from alliances.wsgi import application

    response = application.get_response(WSGIRequest(_environ(path, language)))
    if response.status_code not in SERVED:
        raise RuntimeError(f"{path} in {language!r} answered {response.status_code}")


def _pages() -> None:
    """One page per language: the URL tables and the catalogue are the language's own."""
    for language, _name in settings.LANGUAGES:
        _serve(reverse("sheets:sheet", args=SHEET), language)


STEPS: tuple[tuple[str, Callable[[], None]], ...] = (
    ("base search", _base),
    ("library search", _library),
    ("needs and offers", _partners),
    ("pages", _pages),
)


def _close_connections() -> None:
    """Connections opened by the warm-up do not outlive it (the process's first request opens
    its own, as Django expects); one inside a transaction (a test's) is left alone."""
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close()


def run_step(step: Callable[[], None]) -> None:
    """Run one step as the warm-up does (bench/worker_memory.py --warm-steps measures each)."""
    try:
        # What a step reads once (every vector, bitmap and partner row of the base) need not
        # stay in the connection's page cache nor mapped: the peak is the process's.
        with small_page_cache():
            step()
    finally:
        _close_connections()
        # A step reads much more than it keeps (the base's bitmaps, a million partner rows):
        # what it freed goes back to the system rather than staying resident.
        give_back_freed_memory()


def warm() -> dict[str, float]:
    """Run each step once; return its time in seconds. A failing step is logged and skipped:
    a process that cannot warm still serves (the first request then pays, as before)."""
    timings: dict[str, float] = {}
    for name, step in STEPS:
        started = time.perf_counter()
        try:
            run_step(step)
        except Exception:  # noqa: BLE001 - warming is an optimisation, never a reason not to serve
            log.exception("warm-up step %r failed", name)
            continue
        timings[name] = round(time.perf_counter() - started, 3)
    return timings
