"""Sheets rendered again ahead of visitors (ADR 0150).

Every sheet is cached under the data version; a data change makes a new version, so the
first visitor of each sheet used to wait for its rendering (about 0.6 s, charts included).
After each committed write to the search index the worker renders every sheet's page in both
languages into the shared sheets cache; a burst of writes asks for one rebuild. A periodic
check covers the other sources of the data version (resources, figures, datasets)."""

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


@db_task()
def rebuild_sheets() -> int:
    """Render every sheet missing from the cache for the current data version, those that
    visitors wait for first; returns the number of pages now ready."""
    queue.done(KEY)
    version = data_version()
    todo = [(language, subject) for language in LANGUAGES for subject in all_subjects()]
    ready = len(todo)
    while todo:
        language, subject = _next(todo)
        with override(language):
            ensure_body(subject, version)
    caches["sheets"].set(built_key(version), ready, CACHE_SECONDS)
    return ready


def request_rebuild(**kwargs: object) -> None:
    """Receiver of `index_changed`: one rebuild waits in the queue for any number of changes."""
    if settings.ALLIANCES_SHEETS_PREBUILD:
        queue.once(KEY, rebuild_sheets)


@db_periodic_task(crontab(minute="*/10"))
def check_sheets() -> None:
    """Rebuild when the data version moved without a write to the index (figures, resources)."""
    if settings.ALLIANCES_SHEETS_PREBUILD and not caches["sheets"].get(built_key(data_version())):
        queue.once(KEY, rebuild_sheets)
