"""Sheets rendered again ahead of visitors (ADR 0150).

Every sheet is cached under the data version; a data change makes a new version, so the
first visitor of each sheet used to wait for its rendering (about 0.6 s, charts included).
After each committed write to the search index the worker renders every sheet's page in both
languages into the shared sheets cache; a burst of writes asks for one rebuild. A periodic
check covers the other sources of the data version (resources, figures, datasets)."""

import time

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import override
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alliances.jobs import queue

from .content import data_version
from .rendering import CACHE_SECONDS, ensure_body
from .subjects import Subject, all_subjects

KEY = "sheets"
LANGUAGES = ("fr", "en")


def built_key(version: str) -> str:
    return f"sheets:built:{version}"


WANTED_KEY = "sheets:wanted"


def _page(subject: Subject, language: str) -> str:
    return f"{language}:{subject.slug}"


def want(subject: Subject, language: str) -> None:
    """A visitor waits for this sheet (never rendered yet, ADR 0191): the rebuild renders it
    before the others. Two visitors adding at the same instant may lose one entry: that page
    then comes in the usual order, which is all the entry changes."""
    sheets = caches["sheets"]
    wanted = sheets.get(WANTED_KEY, ())
    page = _page(subject, language)
    if page not in wanted:
        sheets.set(WANTED_KEY, (*wanted, page), CACHE_SECONDS)


def _next(todo: list[tuple[str, Subject]]) -> tuple[str, Subject]:
    """The next page to render: the first one a visitor waits for, else the first in order."""
    wanted = caches["sheets"].get(WANTED_KEY, ())
    for index, (language, subject) in enumerate(todo):
        if _page(subject, language) in wanted:
            return todo.pop(index)
    return todo.pop(0)


# A rebuild renders for at most this long, then leaves the rest to a new job at the back of
# the queue: the 324 pages take minutes, and the one job worker would otherwise keep waiting
# the jobs asked meanwhile, such as the vector of a changed alliance (issue 16: found by its
# meaning within a minute; ADR 0196).
SLICE_SECONDS = 5.0


@db_task()
def rebuild_sheets() -> int:
    """Render the sheets missing from the cache for the current data version, those that
    visitors wait for first, for `SLICE_SECONDS` at most (then the rest is asked for as a new
    job); returns the number of pages rendered or found ready by this job."""
    queue.done(KEY)
    version = data_version()
    todo = [(language, subject) for language in LANGUAGES for subject in all_subjects()]
    total = len(todo)
    started = time.monotonic()
    sliced = not queue.immediate()  # at once (tests), the whole rebuild runs in the caller
    while todo:
        language, subject = _next(todo)
        with override(language):
            rendered = ensure_body(subject, version)
        # Pages found ready cost a cache read: each slice renders at least one page.
        if sliced and rendered and todo and time.monotonic() - started > SLICE_SECONDS:
            queue.once(KEY, rebuild_sheets)  # pages already rendered are skipped next time
            return total - len(todo)
    caches["sheets"].set(built_key(version), total, CACHE_SECONDS)
    return total


def request_rebuild(**kwargs: object) -> None:
    """Receiver of `index_changed`: one rebuild waits in the queue for any number of changes."""
    if settings.ALLIANCES_SHEETS_PREBUILD:
        queue.once(KEY, rebuild_sheets)


@db_periodic_task(crontab(minute="*/10"))
def check_sheets() -> None:
    """Rebuild when the data version moved without a write to the index (figures, resources)."""
    if settings.ALLIANCES_SHEETS_PREBUILD and not caches["sheets"].get(built_key(data_version())):
        queue.once(KEY, rebuild_sheets)
