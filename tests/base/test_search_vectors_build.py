"""Building the alliances' vectors (issue 16): the rows are read and the vectors stored while
the workers embed, each vector lands on its own alliance, progress counts every alliance,
and a text already embedded is not embedded again."""

import zlib
from concurrent.futures import Future

import numpy as np
import pytest
from base_search_fixtures import build_world

from alliances.base.models import Alliance
from alliances.base.search import semantic
from alliances.common import embeddings, vectors
from alliances.common.models import SearchVector


def cell(text: str) -> int:
    return zlib.crc32(text.encode()) % embeddings.DIMENSIONS


class FakeEngine:
    """A passage's vector is 1 in one cell drawn from its text."""

    def __init__(self) -> None:
        self.embedded = 0

    def passage(self, texts):  # noqa: ANN001, ANN201
        self.embedded += len(texts)
        out = np.zeros((len(texts), embeddings.DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, cell(text)] = 1.0
        return out


class FakePool:
    def __init__(self, engine: FakeEngine) -> None:
        self.engine = engine
        self.chunks = 0

    def submit(self, func, texts):  # noqa: ANN001, ANN201
        self.chunks += 1
        future: Future = Future()
        future.set_result(self.engine.passage(texts))
        return future


@pytest.fixture
def fake(db, settings, monkeypatch):
    settings.ALLIANCES_SEARCH_SEMANTIC = True
    engine = FakeEngine()
    pool = FakePool(engine)
    monkeypatch.setattr(embeddings, "model", lambda: engine)
    monkeypatch.setattr(embeddings, "_workers", lambda: pool)
    monkeypatch.setattr(embeddings, "processes", lambda: 2)
    # small sizes, so that a few alliances cross every boundary: reading, chunks, writing
    monkeypatch.setattr(embeddings, "PARALLEL_FROM", 4)
    monkeypatch.setattr(embeddings, "CHUNK", 3)
    monkeypatch.setattr(semantic, "BATCH", 5)
    vectors.forget()
    build_world()
    vectors.remove(semantic.OWNER, None)  # those the world's saves made: start from none
    yield engine, pool
    vectors.forget()


def test_every_alliance_gets_the_vector_of_its_own_text(fake):
    engine, pool = fake
    told: list[int] = []
    total = Alliance.objects.count()
    assert semantic.embed_alliances(None, "default", told.append) == total
    assert sum(told) == total and pool.chunks == -(-total // 3)
    stored = {
        row.object_id: np.frombuffer(bytes(row.vector), dtype=np.float16)
        for row in SearchVector.objects.filter(owner=semantic.OWNER)
    }
    assert set(stored) == set(Alliance.objects.values_list("id", flat=True))
    for pk, title, summary, description in Alliance.objects.values_list(
        "id", "title", "summary", "description"
    ):
        assert int(np.argmax(stored[pk])) == cell(semantic.passage(title, summary, description))


def test_an_unchanged_text_is_not_embedded_again(fake):
    engine, _pool = fake
    semantic.embed_alliances(None, "default")
    before = engine.embedded
    told: list[int] = []
    assert semantic.embed_alliances(None, "default", told.append) == 0
    assert engine.embedded == before
    assert sum(told) == Alliance.objects.count()


def test_an_alliances_passage_is_title_and_summary_with_the_description_when_they_are_short():
    summary = "résumé " * 40
    assert semantic.passage("Titre", summary, "Description") == " ".join(
        ["Titre"] + ["résumé"] * 40
    )
    assert semantic.passage("Titre", "Court résumé", "La description suit") == (
        "Titre Court résumé La description suit"
    )
    # A shorter cap (bench/embedding_lengths.py --quality weighs it) cuts the same passage.
    assert semantic.passage("Titre", summary, "Description", words=16).split() == (
        ["Titre"] + ["résumé"] * 15
    )
