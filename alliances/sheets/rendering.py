"""Render a sheet as HTML or PDF, cached under the data version (a new version rebuilds it).

While the job worker renders the sheets again after a data change (ADR 0150), a visitor of a
sheet it has not reached yet gets the sheet of the previous version at once, said so on the
page with its date, rather than waiting for a rendering (ADR 0181); for a bounded time only,
so that a platform without a running worker still renders its sheets itself. A sheet never
rendered yet (a new base) is not rendered by the web process either while the worker is
expected: the page says it is being prepared (ADR 0191). Rendering a sheet reads its facts
over the whole base (45 s and some 100 MB kept at 1,000,000 alliances): that is the job
worker's work, not a web worker's.
"""

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest
from django.template.loader import render_to_string

from alliances.common.i18n import current_language
from alliances.jobs import queue

from .content import build_sheet, data_version
from .subjects import Subject

CACHE_SECONDS = 24 * 3600
# How long after a data change a sheet not yet rendered again may be served from the
# previous version (the worker renders the 324 pages in minutes at 100,000 alliances).
PREVIOUS_SECONDS = 15 * 60


@dataclass(frozen=True)
class SheetBody:
    html: str
    # When the sheet shown was rendered, if it is the previous version's (a rebuild runs).
    previous_of: datetime | None = None
    # Nothing rendered yet and the worker is expected to: the page says the sheet is coming.
    pending: bool = False


def _key(subject: Subject, output: str, version: str) -> str:
    return f"sheet:{output}:{subject.slug}:{current_language()}:{version}"


def _latest_key(subject: Subject) -> str:
    return f"sheet:body-latest:{subject.slug}:{current_language()}"


def _changed_at(version: str) -> float:
    """When this process (or another) first asked for a sheet under `version`."""
    sheets = caches["sheets"]
    key = f"sheets:first-asked:{version}"
    sheets.add(key, time.time(), CACHE_SECONDS)
    return float(sheets.get(key, time.time()))


def _worker_ahead(version: str) -> bool:
    """Whether the job worker is expected to render the sheets of `version` (the setting,
    and a bounded time since the version's first request)."""
    if not settings.ALLIANCES_SHEETS_PREBUILD or queue.immediate():
        return False  # no worker, or jobs run in the asking process: it renders
    return time.time() - _changed_at(version) <= PREVIOUS_SECONDS


def _while_the_worker_renders(subject: Subject, version: str) -> SheetBody:
    """The sheet of an earlier version, or none yet: what a visitor gets meanwhile."""
    latest = caches["sheets"].get(_latest_key(subject))
    if latest is None:
        return SheetBody("", pending=True)
    if latest[0] == version:  # this version's, kept as the latest only
        return SheetBody(latest[2])
    return SheetBody(latest[2], previous_of=datetime.fromtimestamp(latest[1], tz=UTC))


def sheet_body(subject: Subject, request: HttpRequest | None = None) -> SheetBody:
    """The HTML body of a sheet (without the site layout), cached; rendered here only when no
    worker is expected to render it."""
    version = data_version()
    key = _key(subject, "body", version)
    body = caches["sheets"].get(key)
    if body is not None:
        return SheetBody(body)
    if _worker_ahead(version):
        return _while_the_worker_renders(subject, version)
    return SheetBody(render_body(subject, version, request))


def ensure_body(subject: Subject, version: str) -> bool:
    """The job worker's part: render the sheet under `version` unless it already is; True
    when it rendered."""
    if caches["sheets"].get(_key(subject, "body", version)) is not None:
        return False
    render_body(subject, version)
    return True


def render_body(subject: Subject, version: str, request: HttpRequest | None = None) -> str:
    """Render the sheet's body and keep it under `version` and as the latest one."""
    body = render_to_string("sheets/_body.html", build_sheet(subject), request=request)
    caches["sheets"].set(_key(subject, "body", version), body, CACHE_SECONDS)
    caches["sheets"].set(_latest_key(subject), (version, time.time(), body), CACHE_SECONDS)
    return body


def sheet_pdf(subject: Subject, base_url: str = "http://127.0.0.1/") -> bytes:
    version = data_version()
    key = _key(subject, "pdf", version)
    document = caches["sheets"].get(key)
    if document is None:
        from weasyprint import HTML

        context = build_sheet(subject)
        html = render_to_string("sheets/sheet_pdf.html", context)
        document = HTML(string=html, base_url=base_url).write_pdf()
        caches["sheets"].set(key, document, CACHE_SECONDS)
    return document
