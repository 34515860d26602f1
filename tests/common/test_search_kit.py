"""The search kit shared by the parts (issue 16): vectors per collection with their faiss
index kept in step with the database, the vocabulary and its typo suggestions."""

from types import SimpleNamespace

import numpy as np
import pytest

from alliances.common import vectors, vocabulary
from alliances.common.embeddings import DIMENSIONS, passage_text

OWNER = "test-kit"


def unit(seed: int) -> np.ndarray:
    vector = np.random.default_rng(seed).standard_normal(DIMENSIONS).astype(np.float32)
    return vector / np.linalg.norm(vector)


@pytest.fixture
def stored(db):
    vectors.forget()
    rows = [(pk, f"d{pk}", unit(pk)) for pk in range(1, 41)]
    vectors.write(OWNER, rows)
    yield rows
    vectors.forget()


def test_the_nearest_vector_is_itself(stored):
    found = vectors.nearest(OWNER, unit(7), 3)
    assert found[0][0] == 7
    assert found[0][1] == pytest.approx(1.0, abs=1e-2)  # stored as float16


def test_a_search_restricted_to_ids_never_leaves_them(stored):
    found = vectors.nearest(OWNER, unit(7), 5, allowed=[3, 9, 12])
    assert {pk for pk, _score in found} <= {3, 9, 12}
    assert vectors.nearest(OWNER, unit(7), 5, allowed=[]) == []


def test_a_write_is_seen_by_the_loaded_index(stored):
    assert vectors.nearest(OWNER, unit(7), 1)[0][0] == 7
    vectors.write(OWNER, [(99, "d99", unit(7))])
    assert {pk for pk, _s in vectors.nearest(OWNER, unit(7), 2)} == {7, 99}
    vectors.write(OWNER, [(7, "d7-changed", unit(1000))])  # 7 now means something else
    assert vectors.nearest(OWNER, unit(7), 1)[0][0] == 99
    assert vectors.digests(OWNER, [7, 99]) == {7: "d7-changed", 99: "d99"}


def test_removed_vectors_are_never_found(stored):
    vectors.remove(OWNER, [7])
    assert 7 not in {pk for pk, _s in vectors.nearest(OWNER, unit(7), 10)}
    vectors.remove(OWNER, None)
    assert vectors.nearest(OWNER, unit(7), 10) == []


@pytest.fixture
def large(db, monkeypatch):
    """A collection past `IVF_FROM`, searched through trained lists of compact codes: the
    number of lists `train` made, and the vectors written by id."""
    vectors.forget()
    monkeypatch.setattr(vectors, "IVF_FROM", 300)
    rows = [(pk, f"d{pk}", unit(pk)) for pk in range(1, 601)]
    vectors.write(OWNER, rows)
    lists = vectors.train(OWNER, threads=1)
    yield SimpleNamespace(lists=lists, vectors={pk: vector for pk, _digest, vector in rows})
    vectors.forget()


def test_a_large_collection_is_searched_through_trained_lists(large):
    assert large.lists == vectors.lists_for(600)
    loaded = vectors.index_of(OWNER)
    assert loaded.ivf and loaded.size == 600
    assert vectors.nearest(OWNER, unit(123), 1)[0][0] == 123
    assert {pk for pk, _s in vectors.nearest(OWNER, unit(5), 3, allowed=[5, 6])} == {5, 6}


def test_a_large_collection_holds_compact_codes_in_memory(large):
    """Issue 20: a worker's memory at 1,000,000. Each vector is held as a code of `PQ_BYTES`
    bytes (and its id), not as 384 bytes of 8-bit scalars or 1,536 of float32."""
    faiss = vectors._faiss()
    loaded = vectors.index_of(OWNER)
    assert loaded.ivf and loaded.index.code_size == vectors.PQ_BYTES
    lists = faiss.extract_index_ivf(loaded.index).invlists
    held = sum(lists.list_size(i) for i in range(lists.nlist)) * lists.code_size
    assert held == 600 * vectors.PQ_BYTES


def test_the_codes_choose_candidates_and_the_stored_vectors_score_them(large):
    """The compact codes only approximate a cosine: what a search returns is scored again
    from the stored vectors (float16), best first."""
    query = unit(5) + 0.8 * unit(6)
    query /= np.linalg.norm(query)
    found = vectors.nearest(OWNER, query, 5)
    exact = {
        pk: float(v.astype(np.float16).astype(np.float32) @ query)
        for pk, v in large.vectors.items()
    }
    assert [pk for pk, _s in found][:2] == [5, 6]
    for pk, score in found:
        assert score == pytest.approx(exact[pk], abs=1e-5)
    assert [s for _pk, s in found] == sorted((s for _pk, s in found), reverse=True)


def test_a_candidate_removed_meanwhile_is_left_out(large):
    from alliances.common.models import SearchVector

    vectors.index_of(OWNER)  # loaded before the row goes
    SearchVector.objects.filter(owner=OWNER, object_id=123).delete()  # not through remove()
    assert 123 not in {pk for pk, _s in vectors.nearest(OWNER, unit(123), 3)}


def test_a_collection_is_loaded_batch_by_batch_with_a_small_page_cache(stored, monkeypatch):
    """Loading reads a bounded number of rows at a time, and on SQLite holds the page cache
    small meanwhile, so that the vectors' pages, read once, do not stay resident in the
    worker (issue 16: a worker's memory); the connection's own size comes back after."""
    from django.db import connection

    from alliances.common import memory

    def cache_size() -> int:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            return int(cursor.fetchone()[0])

    kept = cache_size() if connection.vendor == "sqlite" else 0
    batches: list[tuple[int, int]] = []
    read = vectors._all_vectors

    def spy(owner, alias, after=0):  # noqa: ANN001, ANN202
        for ids, found in read(owner, alias, after):
            batches.append((len(ids), cache_size() if connection.vendor == "sqlite" else 0))
            yield ids, found

    monkeypatch.setattr(vectors, "_all_vectors", spy)
    monkeypatch.setattr(vectors, "LOAD_BATCH", 15)
    vectors.forget()
    assert vectors.nearest(OWNER, unit(33), 1)[0][0] == 33
    assert [size for size, _cache in batches] == [15, 15, 10]
    if connection.vendor == "sqlite":
        assert {cache for _size, cache in batches} == {-memory.LOAD_PAGE_CACHE_KIB}
        assert cache_size() == kept


def test_passages_are_cut_to_the_words_that_carry_meaning():
    text = passage_text("Titre", "mot " * 500, words=10)
    assert text.split() == ["Titre"] + ["mot"] * 9


@pytest.fixture
def words(db):
    vocabulary.replace_all(
        OWNER,
        [
            ["insertion", "alimentation", "Économie"],
            ["insertion", "jardins", "économie"],
            ["insertion", "mobilité"],
        ],
    )
    return vocabulary.vocabulary(OWNER)


def test_a_misspelt_word_is_corrected_from_the_vocabulary(words):
    assert not words.knows("insertin")
    assert words.suggest("insertin") == "insertion"
    assert words.suggest("alimentaton") == "alimentation"
    assert words.suggest("economi") is None or words.suggest("economi") == "économie"


def test_known_words_stems_and_prefixes_are_not_corrected(words):
    assert words.knows("INSERTION")
    assert words.knows("jardin")  # same French stem as "jardins"
    assert words.completes("mobi")
    assert words.suggest("xyzwq") is None
    assert words.suggest("ins") is None  # too short to correct


def test_added_documents_bring_their_words(words):
    vocabulary.add(OWNER, [["covoiturage"]])
    again = vocabulary.vocabulary(OWNER)
    assert again.knows("covoiturage")
    assert again.suggest("covoiturrage") == "covoiturage"


def test_words_counted_as_they_come_give_the_counts_of_the_whole_list():
    documents = [["Insertion", "jardins", "insertion"], ["INSERTION", "Économie", "2024"], []]
    count = vocabulary.WordCount()
    for words in documents:
        count.add(iter(words))  # one document at a time, never kept
    assert vocabulary.count_words(count) == vocabulary.count_words(documents)
    assert vocabulary.count_words(count)["insertion"] == ("insertion", 2)
    assert "2024" not in vocabulary.count_words(count)


def test_counted_words_give_the_commonest_form_and_the_documents_holding_them():
    count = vocabulary.WordCount()
    count.add(["Économie", "économie", "ÉCONOMIE", "jardins"])
    count.add(["economie", "Économie"])
    count.add(["x" * 61, "3", "Jardins"])
    counted = count.counted()
    assert counted["economie"] == ("économie", 2)  # 4 times as "économie", once "economie"
    assert counted["jardins"] == ("jardins", 2)
    assert set(counted) == {"economie", "jardins"}  # too long, a number: left out


def test_training_after_a_bulk_write_refreshes_the_planner_statistics(db) -> None:
    """PostgreSQL read a freshly written collection by sorting all of it for each batch:
    its statistics still described the empty table (0.7 s a batch at 1,000,000)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    vectors.write(OWNER, [(pk, f"d{pk}", unit(pk)) for pk in range(1, 41)])
    with CaptureQueriesContext(connection) as queries:
        vectors.train(OWNER, threads=1)
    analysed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    if connection.vendor == "postgresql":
        assert analysed == [f"ANALYZE {vectors._TABLE}"]
    else:
        assert analysed == []
