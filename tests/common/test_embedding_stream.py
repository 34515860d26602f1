"""Embedding many passages as a stream (issue 16: indexing 100,000 alliances on both cores):
the rows are read while the workers embed, never all at once, and come back in order."""

import signal
import sys
from concurrent.futures import Future

import numpy as np
import pytest
from worker_probes import death_signal

from alliances.common import embeddings


class FakeEngine:
    """Each passage's vector holds its number in its first cell."""

    def passage(self, texts):  # noqa: ANN001, ANN201
        out = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
        out[:, 0] = [float(t.split()[-1]) for t in texts]
        return out


class FakePool:
    """Runs each chunk when it is submitted, and counts the chunks not yet taken back."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, func, texts):  # noqa: ANN001, ANN201
        self.submitted += 1
        future: Future = Future()
        future.set_result(FakeEngine().passage(texts))
        return future


@pytest.fixture
def fake(monkeypatch):
    pool = FakePool()
    monkeypatch.setattr(embeddings, "model", lambda: FakeEngine())
    monkeypatch.setattr(embeddings, "_workers", lambda: pool)
    monkeypatch.setattr(embeddings, "processes", lambda: 2)
    return pool


def test_many_passages_go_to_the_workers_read_a_few_chunks_ahead(fake):
    read = 0

    def passages():
        nonlocal read
        for number in range(5000):
            read += 1
            yield number, f"passage {number}"

    taken = 0
    ahead = []
    for keys, made in embeddings.embed_stream(passages()):
        assert [int(v) for v in made[:, 0]] == keys  # each vector with its key, in order
        assert keys == list(range(taken, taken + len(keys)))
        taken += len(keys)
        ahead.append(read - taken)
    assert taken == 5000
    assert fake.submitted == -(-5000 // embeddings.CHUNK)
    # never more than the chunks in flight (plus the first PARALLEL_FROM) read ahead
    limit = max(embeddings.PARALLEL_FROM, embeddings.in_flight_limit() * embeddings.CHUNK)
    assert max(ahead) <= limit + embeddings.CHUNK


def test_a_few_passages_are_embedded_in_this_process(fake):
    found = list(embeddings.embed_stream((n, f"passage {n}") for n in range(10)))
    assert fake.submitted == 0
    assert [k for keys, _made in found for k in keys] == list(range(10))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl is Linux's")
def test_embedding_workers_end_when_their_parent_is_killed() -> None:
    """A benchmark killed while embedding left its two workers waiting forever."""
    try:
        assert embeddings._workers().submit(death_signal).result(timeout=120) == signal.SIGTERM
    finally:
        embeddings.close_workers()
