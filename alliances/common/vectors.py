"""Vectors of searchable documents, stored per collection and searched in memory (ADR 0130).

The database keeps one row per document (`common.SearchVector`: 384 float16, the digest of
the text embedded, a write sequence number) and one state row per collection
(`common.SearchState`). Each process holds a faiss index of the collection, loaded on first
use and kept in step at each search by one primary-key read of the state: a write adds its
rows (those with a higher sequence number), a rebuild or a removal reloads everything.

Below `IVF_FROM` documents the index is exact (inner product over every vector); from there
it is an inverted file whose lists hold product-quantised codes of `PQ_BYTES` bytes a vector
(ADR 0185; 32 times smaller than float32), trained by `train()` after a bulk write and kept
in the state row, so that a process loads them instead of training again. The codes only
choose candidates: the best `RERANK` × k are scored again exactly from their stored vectors.
A search can be restricted to a set of ids (the documents that pass a search's filters).
"""

from __future__ import annotations

import math
import secrets
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connections, router, transaction

from .embeddings import DIMENSIONS
from .memory import give_back_freed_memory, small_page_cache
from .models import SearchState, SearchVector

IVF_FROM = 20_000
NPROBE = 24
# Bytes of a vector's code in the inverted lists: 48 sub-vectors of 8 dimensions, each one
# byte (256 centroids). At 1,000,000 documents 56 MB with the ids, where 8-bit scalar codes
# took 392 MB of every worker's memory (ADR 0185).
PQ_BYTES = 48
# Candidates taken from the codes for each result asked, then scored exactly (ADR 0185).
RERANK = 8
# Rows read at a time when loading: each batch lives three times over while it is converted
# (the rows' bytes, float16, float32), so a small batch keeps the load's peak low; 2,000 rows
# are about 6 MB, and 50 reads at 100,000 cost no measurable time.
LOAD_BATCH = 2_000
# While a collection is loaded, the SQLite connection's page cache is held small
# (memory.small_page_cache). Otherwise every page of the vectors' table stays in it (up to
# the 128 MB of settings.py, about 85 MB at 100,000 alliances): pages read once per process,
# resident for its life.
_TABLE = SearchVector._meta.db_table
_STATE = SearchState._meta.db_table


def _faiss():  # noqa: ANN202 - the module is imported on first use (it starts OpenMP)
    import faiss

    return faiss


def _alias(using: str | None) -> str:
    return using or router.db_for_write(SearchVector)


def state_name(owner: str) -> str:
    return f"vectors:{owner}"


# -- writing --------------------------------------------------------------------------------
def _locked_state(owner: str, alias: str) -> SearchState:
    state, _created = SearchState.objects.using(alias).get_or_create(name=state_name(owner))
    return SearchState.objects.using(alias).select_for_update().get(pk=state.pk)


def digests(owner: str, ids: Iterable[int], using: str | None = None) -> dict[int, str]:
    """{object id: digest of the text its stored vector was made from}."""
    wanted = sorted({int(i) for i in ids})
    out: dict[int, str] = {}
    rows = SearchVector.objects.using(_alias(using)).filter(owner=owner)
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        out.update(rows.filter(object_id__in=part).values_list("object_id", "digest"))
    return out


def write(
    owner: str,
    rows: Sequence[tuple[int, str, np.ndarray]],
    using: str | None = None,
) -> None:
    """Store (object id, digest, vector) rows, replacing those of the same ids."""
    if not rows:
        return
    alias = _alias(using)
    with transaction.atomic(using=alias):
        state = _locked_state(owner, alias)
        state.seq += 1
        state.token = secrets.randbits(62)
        ids = [int(r[0]) for r in rows]
        for start in range(0, len(ids), 500):
            SearchVector.objects.using(alias).filter(
                owner=owner, object_id__in=ids[start : start + 500]
            ).delete()
        SearchVector.objects.using(alias).bulk_create(
            [
                SearchVector(
                    owner=owner,
                    object_id=int(pk),
                    digest=digest,
                    seq=state.seq,
                    vector=np.asarray(vector, dtype=np.float16).tobytes(),
                )
                for pk, digest, vector in rows
            ],
            batch_size=2000,
        )
        state.save(update_fields=["seq", "token"])


def remove(owner: str, ids: Iterable[int] | None, using: str | None = None) -> None:
    """Remove the vectors of these documents (all of them when None)."""
    alias = _alias(using)
    with transaction.atomic(using=alias):
        state = _locked_state(owner, alias)
        rows = SearchVector.objects.using(alias).filter(owner=owner)
        if ids is None:
            rows.delete()
            state.data = None
        else:
            wanted = sorted({int(i) for i in ids})
            for start in range(0, len(wanted), 500):
                rows.filter(object_id__in=wanted[start : start + 500]).delete()
        state.generation = secrets.randbits(62)
        state.token = secrets.randbits(62)
        state.save(update_fields=["generation", "token", "data"])


def digests_of_all(owner: str, using: str | None = None) -> list[int]:
    """The ids of every document of a collection that has a vector."""
    rows = SearchVector.objects.using(_alias(using)).filter(owner=owner)
    return list(rows.values_list("object_id", flat=True))


def count(owner: str, using: str | None = None) -> int:
    return SearchVector.objects.using(_alias(using)).filter(owner=owner).count()


def _all_vectors(owner: str, alias: str, after: int = 0) -> Iterable[tuple[np.ndarray, np.ndarray]]:
    """(ids, float32 vectors) of a collection in batches, those written after `after`."""
    last = -1
    with connections[alias].cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT object_id, vector FROM {_TABLE} WHERE owner = %s AND seq > %s "
                "AND object_id > %s ORDER BY object_id LIMIT %s",
                [owner, after, last, LOAD_BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                return
            ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
            last = int(ids[-1])
            yield ids, _decoded(rows)


def _decoded(rows: Sequence[tuple[int, bytes]]) -> np.ndarray:
    """The float32 vectors of (object id, stored float16 bytes) rows, one row each."""
    data = b"".join(bytes(r[1]) for r in rows)
    return np.frombuffer(data, dtype=np.float16).reshape(len(rows), DIMENSIONS).astype(np.float32)


def lists_for(size: int) -> int:
    """How many inverted lists for a collection of this size (about 2·√n)."""
    return max(64, min(4096, int(2 * math.sqrt(size))))


def train(owner: str, using: str | None = None, threads: int = 2) -> int:
    """After a bulk write: train the inverted lists on a sample when the collection is large
    (kept in the state row), and make every process reload. Returns the number of lists."""
    alias = _alias(using)
    _fresh_statistics(alias)
    total = count(owner, alias)
    data = None
    lists = 0
    if total >= IVF_FROM:
        faiss = _faiss()
        faiss.omp_set_num_threads(threads)
        lists = lists_for(total)
        sample_size = min(total, 50 * lists)
        step = max(1, total // sample_size)
        sample = np.concatenate([v[::step] for _ids, v in _all_vectors(owner, alias)])
        index = _empty_ivf(lists)
        index.train(np.ascontiguousarray(sample[:sample_size]))
        data = faiss.serialize_index(index).tobytes()
    with transaction.atomic(using=alias):
        state = _locked_state(owner, alias)
        state.data = data
        state.generation = secrets.randbits(62)
        state.token = secrets.randbits(62)
        state.save(update_fields=["data", "generation", "token"])
    return lists


def _fresh_statistics(alias: str) -> None:
    """PostgreSQL: after a bulk write the planner still sees the table as it was; reading
    the vectors by id then sorted the whole collection for each batch of 2,000 (0.7 s a
    batch at 1,000,000, so minutes for every process's load). ANALYZE samples: seconds."""
    if connections[alias].vendor == "postgresql":
        with connections[alias].cursor() as cursor:
            cursor.execute(f"ANALYZE {_TABLE}")


def _empty_ivf(lists: int):  # noqa: ANN202
    faiss = _faiss()
    quantizer = faiss.IndexFlatIP(DIMENSIONS)
    index = faiss.IndexIVFPQ(quantizer, DIMENSIONS, lists, PQ_BYTES, 8, faiss.METRIC_INNER_PRODUCT)
    index.own_fields = True
    quantizer.this.disown()
    return index


# -- reading ----------------------------------------------------------------------------------
@dataclass
class _Loaded:
    token: int
    generation: int
    seq: int
    index: object
    ivf: bool
    size: int


_loaded: dict[tuple[str, str, str], _Loaded] = {}
_lock = threading.Lock()


def _state(owner: str, alias: str) -> tuple[int, int, int]:
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT token, generation, seq FROM {_STATE} WHERE name = %s", [state_name(owner)]
        )
        row = cursor.fetchone()
    return (int(row[0]), int(row[1]), int(row[2])) if row else (0, 0, 0)


def _full_load(owner: str, alias: str, state: tuple[int, int, int]) -> _Loaded:
    faiss = _faiss()
    stored = SearchState.objects.using(alias).filter(name=state_name(owner)).first()
    trained = bytes(stored.data) if stored is not None and stored.data else b""
    if trained:
        index = faiss.deserialize_index(np.frombuffer(trained, dtype=np.uint8))
    else:
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(DIMENSIONS))
    size = 0
    with small_page_cache(alias):
        for ids, vectors in _all_vectors(owner, alias):
            index.add_with_ids(vectors, ids)
            size += len(ids)
    give_back_freed_memory()  # the rows' many small buffers: about 20 MB at 100,000
    return _Loaded(*state, index=index, ivf=bool(trained), size=size)


def _delta(loaded: _Loaded, owner: str, alias: str, state: tuple[int, int, int]) -> None:
    faiss = _faiss()
    for ids, vectors in _all_vectors(owner, alias, after=loaded.seq):
        loaded.index.remove_ids(faiss.IDSelectorBatch(len(ids), faiss.swig_ptr(ids)))
        loaded.index.add_with_ids(vectors, ids)
    loaded.size = int(loaded.index.ntotal)
    loaded.token, loaded.generation, loaded.seq = state


def index_of(owner: str, using: str | None = None) -> _Loaded:
    """The process's index of a collection, brought up to date with the database."""
    alias = _alias(using)
    key = (owner, alias, str(connections[alias].settings_dict.get("NAME")))
    state = _state(owner, alias)
    loaded = _loaded.get(key)
    if loaded is not None and loaded.token == state[0]:
        return loaded
    with _lock:
        loaded = _loaded.get(key)
        if loaded is not None and loaded.token == state[0]:
            return loaded
        if loaded is not None and loaded.generation == state[1] and state[2] > loaded.seq:
            _delta(loaded, owner, alias, state)
        else:
            loaded = _full_load(owner, alias, state)
            _loaded[key] = loaded
    return loaded


def nearest(
    owner: str,
    vector: np.ndarray,
    k: int,
    allowed: Sequence[int] | None = None,
    using: str | None = None,
) -> list[tuple[int, float]]:
    """The `k` documents closest to `vector` (id, cosine), best first; among `allowed` only
    when given (an empty `allowed` finds nothing)."""
    if allowed is not None and len(allowed) == 0:
        return []
    loaded = index_of(owner, using)
    if loaded.size == 0 or k <= 0:
        return []
    faiss = _faiss()
    faiss.omp_set_num_threads(1)
    query = np.ascontiguousarray(np.asarray(vector, dtype=np.float32).reshape(1, DIMENSIONS))
    params = None
    selector = None
    if allowed is not None:
        wanted = np.asarray(sorted(allowed), dtype=np.int64)
        selector = faiss.IDSelectorBatch(len(wanted), faiss.swig_ptr(wanted))
        # A restricted search scans every list: the filter, not the lists, narrows it.
        params = (
            faiss.SearchParametersIVF(sel=selector, nprobe=loaded.index.nlist)
            if loaded.ivf
            else faiss.SearchParameters(sel=selector)
        )
    elif loaded.ivf:
        params = faiss.SearchParametersIVF(nprobe=NPROBE)
    wanted = min(k, loaded.size)
    asked = min(loaded.size, wanted * RERANK) if loaded.ivf else wanted
    scores, ids = loaded.index.search(query, asked, params=params)
    if loaded.ivf:
        return _rescored(owner, _alias(using), query[0], ids[0][ids[0] >= 0])[:wanted]
    return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]


def _rescored(
    owner: str, alias: str, query: np.ndarray, ids: np.ndarray
) -> list[tuple[int, float]]:
    """The candidates scored exactly from their stored vectors, best first (a candidate whose
    row is gone meanwhile is left out)."""
    if len(ids) == 0:
        return []
    marks = ", ".join(["%s"] * len(ids))
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT object_id, vector FROM {_TABLE} WHERE owner = %s AND object_id IN ({marks})",
            [owner, *(int(i) for i in ids)],
        )
        rows = cursor.fetchall()
    if not rows:
        return []
    scores = _decoded(rows) @ query
    order = np.argsort(-scores, kind="stable")
    return [(int(rows[i][0]), float(scores[i])) for i in order]


def forget() -> None:
    """Drop every index held in memory (tests)."""
    with _lock:
        _loaded.clear()


ProgressFn = Callable[[int], object]
