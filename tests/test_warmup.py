"""A gunicorn worker warms up before serving: the first visitor does not build the gazetteer."""

import runpy
from pathlib import Path

import pytest

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
    assert set(timings) == {"base search", "library search", "needs and offers"}
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
