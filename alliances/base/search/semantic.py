"""The meaning of the alliances: one vector per alliance, and the alliances closest to a query
(docs/adr/0130, 0131).

What is embedded is what carries an alliance's meaning: its title and summary, and the start
of its description when they are short (`embeddings.MAX_PASSAGE_WORDS` words at most: the
model's cost grows with the length). A text already embedded (same digest)
is never embedded again: a re-index embeds only what changed. With the semantic part off
(`ALLIANCES_SEARCH_SEMANTIC`), nothing here runs and the lexical search answers alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np
from django.db import connections

from alliances.common import embeddings, vectors

from ..models import Alliance

OWNER = "alliance"
BATCH = 512  # alliances read at a time, and vectors stored at a time


SHORT = 30  # words of title and summary under which the description is added


def passage(
    title: str, summary: str, description: str, words: int = embeddings.MAX_PASSAGE_WORDS
) -> str:
    text = embeddings.passage_text(title, summary, words=words)
    if len(text.split()) < min(SHORT, words):
        text = embeddings.passage_text(title, summary, description, words=words)
    return text


def _rows(ids: list[int] | None, using: str) -> Iterator[list[tuple[int, str, str, str]]]:
    alliances = Alliance.objects.using(using).order_by("id")
    columns = ("id", "title", "summary", "description")
    if ids is None:
        last = 0
        while batch := list(alliances.filter(id__gt=last).values_list(*columns)[:BATCH]):
            last = batch[-1][0]
            yield batch
        return
    for start in range(0, len(ids), BATCH):
        yield list(alliances.filter(id__in=ids[start : start + BATCH]).values_list(*columns))


def _changed(
    ids: list[int] | None,
    using: str,
    digests: dict[int, str],
    seen: set[int],
    progress: Callable[[int], object] | None,
) -> Iterator[tuple[int, str]]:
    """(id, passage) of the alliances whose text changed since their vector was made, read
    lazily; their digests go into `digests`, every id read into `seen`, and `progress` is told
    the number of those left unchanged."""
    for batch in _rows(ids, using):
        texts = {pk: passage(t, s, d) for pk, t, s, d in batch}
        made = {pk: embeddings.digest(text) for pk, text in texts.items()}
        stored = vectors.digests(OWNER, made, using)
        unchanged = 0
        for pk, text in texts.items():
            if stored.get(pk) == made[pk]:
                unchanged += 1
                continue
            digests[pk] = made[pk]
            yield pk, text
        seen.update(texts)
        if progress is not None and unchanged:
            progress(unchanged)


def embed_alliances(
    ids: Iterable[int] | None, using: str, progress: Callable[[int], object] | None = None
) -> int:
    """Embed the alliances whose text changed (all of them when `ids` is None; then also drop
    the vectors of alliances gone, and retrain the index's lists). Returns how many texts
    were embedded; `progress` is told the number of alliances done (unchanged or stored).

    The rows are read, and the vectors stored, while the workers embed (one per core,
    `embeddings.embed_stream`): no core waits for the database."""
    if not embeddings.enabled():
        return 0
    wanted = None if ids is None else sorted({int(i) for i in ids})
    embedded = 0
    seen: set[int] = set()
    digests: dict[int, str] = {}
    rows: list[tuple[int, str, np.ndarray]] = []
    for keys, made in embeddings.embed_stream(_changed(wanted, using, digests, seen, progress)):
        rows.extend((pk, digests.pop(pk), made[i]) for i, pk in enumerate(keys))
        if len(rows) >= BATCH:
            embedded += _store(rows, using, progress)
            rows = []
    embedded += _store(rows, using, progress)
    if wanted is not None:
        gone = [pk for pk in wanted if pk not in seen]
        if gone:
            vectors.remove(OWNER, gone, using)
    else:
        _drop_orphans(seen, using)
        vectors.train(OWNER, using)
        embeddings.close_workers()
    return embedded


def _store(
    rows: list[tuple[int, str, np.ndarray]], using: str, progress: Callable[[int], object] | None
) -> int:
    if rows:
        vectors.write(OWNER, rows, using)
        if progress is not None:
            progress(len(rows))
    return len(rows)


def _drop_orphans(kept: set[int], using: str) -> None:
    stored = set(vectors.digests_of_all(OWNER, using))
    gone = stored - kept
    if gone:
        vectors.remove(OWNER, gone, using)


def forget_alliances(ids: Iterable[int], using: str) -> None:
    """Remove the vectors of alliances taken out of the index."""
    if vectors.count(OWNER, using):
        vectors.remove(OWNER, ids, using)


def missing(using: str) -> int:
    """How many alliances have no vector (setup embeds them when the semantic part is on)."""
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {Alliance._meta.db_table}")
        total = int(cursor.fetchone()[0])
    return max(0, total - vectors.count(OWNER, using))


def closest(
    vector: object, k: int, allowed: list[int] | None, using: str
) -> list[tuple[int, float]]:
    """The alliances closest in meaning to a query's vector: (id, cosine), best first."""
    return vectors.nearest(OWNER, vector, k, allowed, using)  # type: ignore[arg-type]
