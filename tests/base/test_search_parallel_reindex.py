"""A full re-index of a large base analyses its alliances in worker processes (ADR 0182):
the documents and the vocabulary must be those of the analysis in one process, in the same
order; inside a caller's transaction, or on a database no other process can open, the
analysis stays in this process."""

from __future__ import annotations

import pickle
import signal
import sys
from concurrent.futures import Executor, Future

import pytest
from base_search_fixtures import build_world
from django.db import connection
from django.test.utils import CaptureQueriesContext
from worker_probes import death_signal

from alliances.base.models import Partner
from alliances.base.search import index
from alliances.common import django_workers, vocabulary
from alliances.territories.models import Territory


class PickledInProcess(Executor):
    """Runs each task here, its result through pickle as from a worker process."""

    def __init__(self) -> None:
        self.tasks = 0

    def submit(self, fn, /, *args, **kwargs):  # type: ignore[override]
        self.tasks += 1
        future: Future = Future()
        future.set_result(pickle.loads(pickle.dumps(fn(*args, **kwargs))))
        return future


@pytest.mark.django_db
def test_batches_analysed_elsewhere_are_those_of_one_process(monkeypatch) -> None:
    build_world()
    monkeypatch.setattr(index, "BATCH", 2)  # several batches in flight, several merges
    here = vocabulary.WordCount()
    expected = list(index._in_batches(index.documents(None, "default", here)))
    elsewhere = vocabulary.WordCount()
    executor = PickledInProcess()
    got = list(index.analysed_batches("default", elsewhere, executor))
    assert got == expected
    assert executor.tasks == len(expected) >= 3
    assert elsewhere.counted() == here.counted()


def test_word_counts_merge_as_if_counted_together() -> None:
    together, first, second = vocabulary.WordCount(), vocabulary.WordCount(), vocabulary.WordCount()
    documents = [["Insertion", "emploi"], ["insertion", "Sport"], ["Emploi", "emploi", "jeunes"]]
    for words in documents:
        together.add(words)
    first.add(documents[0])
    for words in documents[1:]:
        second.add(words)
    first.merge(second)
    assert first.counted() == together.counted()
    assert first.counted()["emploi"] == ("emploi", 2)


@pytest.mark.django_db
def test_a_reindex_inside_a_transaction_is_analysed_in_this_process(monkeypatch) -> None:
    """A restore re-indexes inside its transaction: workers would not see its rows."""
    build_world()
    monkeypatch.setattr(index, "PARALLEL_FROM", 1)
    monkeypatch.setattr(django_workers, "processes", lambda: 2)
    monkeypatch.setattr(django_workers, "can_share", lambda alias: True)

    def no_pool(*args, **kwargs):
        raise AssertionError("worker processes started inside a transaction")

    monkeypatch.setattr(django_workers, "pool", no_pool)
    assert connection.in_atomic_block
    assert index.rebuild_index() == index.indexed_count() > 0


def _reached() -> tuple[str, int]:
    """Run in a worker: the database it is connected to, and what it sees there."""
    from django.db import connection as worker_connection

    return str(worker_connection.settings_dict["NAME"]), Territory.objects.count()


@pytest.mark.django_db
def test_workers_reach_the_database_of_their_parent() -> None:
    if not django_workers.can_share("default"):
        # The tests' SQLite database lives in memory: nothing to reach, and the re-index
        # then stays in this process.
        assert connection.vendor == "sqlite"
        return
    with django_workers.pool("default", workers=1) as workers:
        name, territories = workers.submit(_reached).result(timeout=120)
    # The test database, with the reference rows its migrations committed.
    assert name == connection.settings_dict["NAME"]
    assert territories == Territory.objects.count()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
@pytest.mark.django_db
def test_workers_end_when_their_parent_is_killed() -> None:
    with django_workers.pool("default", workers=1) as workers:
        assert workers.submit(death_signal).result(timeout=120) == signal.SIGTERM


@pytest.mark.django_db
def test_a_full_reindex_reads_with_fresh_statistics_on_postgresql() -> None:
    """Right after a bulk load the planner's statistics describe empty tables: the partners
    of each batch were then read by scanning them all (ANALYZE before reading)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    build_world()
    with CaptureQueriesContext(connection) as queries:
        index.rebuild_index()
    statements = [q["sql"] for q in queries]
    analysed = next(i for i, sql in enumerate(statements) if sql.startswith("ANALYZE"))
    first_read = next(i for i, sql in enumerate(statements) if 'FROM "base_partner"' in sql)
    assert analysed < first_read
    for table in ("base_alliance", "base_partner", "base_organisation", "base_result"):
        assert table in statements[analysed]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'base_partner'")
        assert cursor.fetchone()[0] == Partner.objects.count()


class _RecordingConnection:
    """A connection that records what is executed on it."""

    def __init__(self, in_atomic_block: bool) -> None:
        self.in_atomic_block = in_atomic_block
        self.executed: list[str] = []

    def cursor(self):  # noqa: ANN201
        recorder = self

        class _Cursor:
            def __enter__(self):  # noqa: ANN204
                return self

            def __exit__(self, *exc: object) -> None:
                return None

            def execute(self, sql: str, params: object = None) -> None:
                recorder.executed.append(sql)

        return _Cursor()


def test_sqlite_starts_its_log_over_between_batches_outside_a_transaction() -> None:
    """With worker processes reading, SQLite's automatic checkpoints never found the log
    free to start over: the -wal file grew to 5 GB at 1,000,000 alliances."""
    from alliances.base.search.dialects.sqlite import SqliteDialect

    free, inside = _RecordingConnection(False), _RecordingConnection(True)
    SqliteDialect().between_batches(free)
    SqliteDialect().between_batches(inside)
    assert free.executed == ["PRAGMA wal_checkpoint(RESTART)"]
    assert inside.executed == []


@pytest.mark.django_db
def test_a_loaders_large_batch_is_indexed_with_fresh_statistics_on_postgresql(
    monkeypatch,
) -> None:
    """A loader (import, synthetic generation) indexes what it wrote with `update_index`: from
    `BULK_REFRESH` alliances the tables it filled are analysed before they are read, as by a
    full re-index (with autovacuum off or not come yet, the partners of the pages served next
    were read by scanning the whole table)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner statistics")
    build_world()
    ids = sorted(set(Partner.objects.values_list("alliance_id", flat=True)))
    monkeypatch.setattr(index, "BULK_REFRESH", len(ids))
    with CaptureQueriesContext(connection) as queries:
        index.update_index(ids)
    statements = [q["sql"] for q in queries]
    analysed = next(i for i, sql in enumerate(statements) if sql.startswith("ANALYZE"))
    first_read = next(i for i, sql in enumerate(statements) if 'FROM "base_partner"' in sql)
    assert analysed < first_read
    assert "base_partner" in statements[analysed]
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'base_partner'")
        assert cursor.fetchone()[0] == Partner.objects.count()


@pytest.mark.django_db
def test_a_small_update_does_not_analyse() -> None:
    build_world()
    ids = sorted(set(Partner.objects.values_list("alliance_id", flat=True)))[:2]
    with CaptureQueriesContext(connection) as queries:
        index.update_index(ids)
    assert not any("ANALYZE" in q["sql"] for q in queries)
