"""A gunicorn worker warms up before serving: the first visitor does not build the gazetteer,
nor what the first page of each language builds (ADR 0183)."""

import contextlib
import runpy
from pathlib import Path

import pytest
from django.core.handlers.wsgi import WSGIRequest
from django.template import engines
from django.template.base import Template
from django.urls import clear_url_caches
from django.urls.resolvers import URLResolver

from alliances import warmup
from alliances.base.search import places

ROOT = Path(__file__).resolve().parents[1]


class _Log:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def info(self, message: str, *args: object) -> None:
        self.lines.append(message % args)


class _Worker:
    def __init__(self) -> None:
        self.log = _Log()


@pytest.mark.django_db
def test_warm_builds_what_the_first_search_needs():
    places.forget()
    assert places._gazetteers == {}
    timings = warmup.warm()
    assert set(timings) == {"base search", "library search", "needs and offers", "pages"}
    assert places._gazetteers, "the gazetteer of places was not built"


@pytest.mark.django_db
def test_a_failing_step_is_skipped_and_the_others_run(monkeypatch):
    ran = []

    def broken() -> None:
        raise RuntimeError("no index")

    monkeypatch.setattr(warmup, "STEPS", (("broken", broken), ("fine", lambda: ran.append(1))))
    assert warmup.warm().keys() == {"fine"}
    assert ran == [1]


@pytest.mark.django_db
def test_gunicorn_configuration_warms_each_worker(monkeypatch):
    monkeypatch.delenv("ALLIANCES_WARMUP", raising=False)
    places.forget()
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    worker = _Worker()
    hooks["post_worker_init"](worker)
    assert places._gazetteers
    assert worker.log.lines and "base search" in worker.log.lines[0]


def test_warm_up_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("ALLIANCES_WARMUP", "0")
    monkeypatch.setattr(warmup, "warm", lambda: pytest.fail("warmed although turned off"))
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    worker = _Worker()
    hooks["post_worker_init"](worker)
    assert worker.log.lines == []


def _count_builds(monkeypatch) -> tuple[list[str], list[str]]:
    """The templates compiled and the URL tables filled (one per language) from now on."""
    compiled: list[str] = []
    filled: list[str] = []
    compile_nodelist, populate = Template.compile_nodelist, URLResolver._populate

    def counted_compile(template: Template):  # noqa: ANN202
        compiled.append(template.origin.template_name)
        return compile_nodelist(template)

    def counted_populate(resolver: URLResolver) -> None:
        filled.append(str(resolver.pattern))
        populate(resolver)

    monkeypatch.setattr(Template, "compile_nodelist", counted_compile)
    monkeypatch.setattr(URLResolver, "_populate", counted_populate)
    return compiled, filled


@pytest.mark.django_db
def test_after_warm_up_the_first_sheet_page_of_each_language_builds_nothing(client, monkeypatch):
    # A process that has served no page yet: no URL table, no compiled template.
    clear_url_caches()
    for loader in engines["django"].engine.template_loaders:
        loader.reset()
    compiled, filled = _count_builds(monkeypatch)
    warmup.warm()
    compiled.clear()
    filled.clear()
    url = "/fiches/{}/{}/".format(*warmup.SHEET)
    for language in ("fr", "en"):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200
    assert compiled == []
    assert filled == []


@pytest.mark.django_db
def test_the_warm_up_renders_no_sheet_the_worker_has_not(settings, monkeypatch, real_queue):
    # A new base at 1,000,000 alliances: SDG 17's sheet took each worker 45 s and kept some
    # 100 MB (bench/worker_memory.py --warm-steps). The worker renders it, not the warm-up.
    from django.core.cache import caches

    from alliances.sheets import rendering

    settings.ALLIANCES_SHEETS_PREBUILD = True
    caches["sheets"].clear()
    made = []
    monkeypatch.setattr(rendering, "build_sheet", made.append)
    timings = warmup.warm()
    assert "pages" in timings  # the page, in preparation, still warmed the layout
    assert made == []


def test_the_warm_up_page_is_asked_as_production_accepts_it(settings):
    # Behind the proxy, under the platform's own name: not refused, not redirected to HTTPS.
    settings.ALLOWED_HOSTS = [".alliances.example.org"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = WSGIRequest(warmup._environ("/fiches/odd/17/", "en"))
    assert request.get_host() == "alliances.example.org"
    assert request.is_secure()


def test_each_step_gives_back_what_it_freed(monkeypatch):
    """A step reads much more than it keeps: at 1,000,000 alliances glibc held 96 MB freed
    after the base's step; each step ends by handing the freed heap back (ADR 0188), a
    failing one too."""
    events: list[str] = []

    def failing() -> None:
        events.append("failing")
        raise RuntimeError("boom")

    steps = (("ok", lambda: events.append("ok")), ("failing", failing))
    monkeypatch.setattr(warmup, "STEPS", steps)
    monkeypatch.setattr(warmup, "small_page_cache", contextlib.nullcontext)
    monkeypatch.setattr(warmup, "give_back_freed_memory", lambda: events.append("trim"))
    warmup.warm()
    assert events == ["ok", "trim", "failing", "trim"]


def test_freed_memory_is_handed_back_through_glibc(monkeypatch):
    from alliances.common import memory

    calls: list[int] = []
    monkeypatch.setattr(memory, "_trim", lambda: calls.append)
    memory.give_back_freed_memory()
    assert calls == [0]
    monkeypatch.setattr(memory, "_trim", lambda: None)  # not glibc: nothing to do
    memory.give_back_freed_memory()
    assert calls == [0]


def test_requests_give_back_freed_memory_at_most_once_a_second(monkeypatch):
    from alliances.common import memory

    trims: list[float] = []
    clock = iter([100.0, 100.4, 101.1, 101.2])
    monkeypatch.setattr(memory, "_last", 0.0)
    monkeypatch.setattr(memory.time, "monotonic", lambda: next(clock))
    monkeypatch.setattr(memory, "give_back_freed_memory", lambda: trims.append(1))
    hook = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    for _ in range(4):
        hook["post_request"](None, None, {}, None)
    assert len(trims) == 2  # at 100.0 and 101.1


def test_each_step_reads_with_a_small_page_cache(monkeypatch):
    """ADR 0190: what a step reads once (the vectors, the bitmaps, every partner row) would
    otherwise fill the connection's page cache and mapped pages: 940 MB at the peak of a
    worker at 1,000,000 alliances, 596 with it."""
    from contextlib import contextmanager

    events: list[str] = []

    @contextmanager
    def small():  # noqa: ANN202
        events.append("small")
        yield
        events.append("back")

    monkeypatch.setattr(warmup, "STEPS", (("one", lambda: events.append("one")),))
    monkeypatch.setattr(warmup, "small_page_cache", small)
    warmup.warm()
    assert events == ["small", "one", "back"]


def test_a_small_page_cache_neither_caches_nor_maps_and_gives_both_back(db):
    from django.db import connection

    from alliances.common import memory

    def pragma(name: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA {name}")
            row = cursor.fetchone()
            return int(row[0]) if row else 0  # mmap_size: none for a database in memory

    if connection.vendor != "sqlite":
        with memory.small_page_cache():  # the server holds its cache: nothing to change
            assert connection.vendor == "postgresql"
        return
    kept = (pragma("cache_size"), pragma("mmap_size"))
    assert kept[0] != -memory.LOAD_PAGE_CACHE_KIB
    with memory.small_page_cache():
        assert (pragma("cache_size"), pragma("mmap_size")) == (-memory.LOAD_PAGE_CACHE_KIB, 0)
    assert (pragma("cache_size"), pragma("mmap_size")) == kept
