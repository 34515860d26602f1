"""The search index of the alliances: kept in step with the base, read by the search and sheets.

What it holds, on both databases (tables created by the base app's migrations):
- the analysed text of each alliance (title, summary, description, partner names, and what
  `texts` adds: places, term labels, results, sources) and its folded title for sorting, in
  the dialect's text index (SQLite FTS5, PostgreSQL tsvector);
- the words of those texts (`common.vocabulary`: typo suggestions) and, semantic part on,
  a vector of each alliance's title and summary (`semantic`, `common.vectors`);
- the alliance's filter values as tags (each filter's `index_tags`), which SQLite also
  matches in the text index;
- the facet table (alliance, facet prefix, value) and one roaring bitmap per facet value
  (docs/adr/0092), from which facets are counted;
- a version, drawn anew at every write, under which what is derived from the index is cached.

Public interface (what other parts may use):
- maintenance: `update_index(ids)` (signals call it on every save), `rebuild_index()` (after a
  bulk load; the `reindex` command), `remove_from_index(ids)`, `indexed_count()`,
  `is_stale()` (`setup` re-indexes when the index and the base disagree);
- reading: `index_version()`, `per_index_version(name, read)`, `facet_set(facet, value)`,
  `facet_counts(ids, facets)`; `new_version()` when reference data cached under the version
  (labels) changed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from itertools import chain
from typing import Any, TypeVar

from django.conf import settings
from django.db import connections, transaction
from django.dispatch import Signal
from pyroaring import BitMap

from alliances.common import django_workers, embeddings, vocabulary

from ..models import Alliance, Organisation, Partner, Result, Source
from . import semantic
from .analysis import analyse_words, fold, raw_words
from .bitmaps import FacetBitmaps, Key
from .dialects import BITMAP_TABLE, FACET_TABLE, Document, dialect_for
from .filters import IndexRows, facet_filter, index_tags, table
from .texts import extras
from .versions import STATE_TABLE, _alias, _bump, per_index_version
from .versions import index_version as index_version  # public interface, re-exported
from .versions import new_version as new_version

T = TypeVar("T")
BATCH = 2000  # alliances analysed and written per batch
# From this many alliances a full re-index analyses them in worker processes, one per core,
# while this process writes (ADR 0182); below, starting the workers (a second or two each)
# costs more than it saves.
PARALLEL_FROM = 20_000

# Sent once a write to the index is committed (keyword `using`): what is derived from the
# index and rebuilt ahead of visitors (the sheets) listens to it.
index_changed = Signal()
# Sent inside the transaction of a write to the index, with `alliance_ids` (None after a
# rebuild of the whole index) and `using`: what keeps state derived from the alliances
# elsewhere (the suggestions' candidates) records what to read again, atomically with the
# write and whoever made it (a save, a loader, an import, another server).
alliances_indexed = Signal()


def _announce(alias: str) -> None:
    transaction.on_commit(lambda: index_changed.send(sender=None, using=alias), using=alias)


def _embed_later(ids: list[int], alias: str) -> None:
    """The vectors of these alliances, by the job worker (the model takes tens of ms per text:
    a save must not wait for it). Semantic part off: nothing to do."""
    if not getattr(settings, "ALLIANCES_SEARCH_SEMANTIC", False):
        return
    from alliances.jobs import queue

    from .jobs import embed_alliances

    queue.after_commit(embed_alliances, ids, alias, using=alias)


# -- reading -----------------------------------------------------------------------------------
def facet_bitmaps(using: str | None = None) -> FacetBitmaps:
    """Every facet value's bitmap, read once per process and index version."""
    alias = _alias(using)

    def read() -> FacetBitmaps:
        with connections[alias].cursor() as cursor:
            cursor.execute(f"SELECT facet, value, bits FROM {BITMAP_TABLE}")
            return FacetBitmaps.from_serialized(cursor.fetchall())

    return per_index_version("facet-bitmaps", read, alias)


def facet_set(facet: str, value: object, using: str | None = None) -> BitMap:
    """The ids of the indexed alliances having this value of a facet ("domain", 12).

    Every status is in it: intersect with the published ones where that matters."""
    prefix = facet_filter(facet).facet.prefix  # type: ignore[union-attr]
    return facet_bitmaps(using).sets.get((prefix, str(value)), BitMap())


def facet_counts(
    ids: BitMap, facets: Iterable[str], using: str | None = None
) -> dict[str, dict[str, int]]:
    """{facet: {value as stored: number of `ids` having it}} for these facets (by name)."""
    prefixes = {facet_filter(name).facet.prefix: name for name in facets}  # type: ignore[union-attr]
    counted = facet_bitmaps(using).counts(ids, list(prefixes))
    return {name: counted[prefix] for prefix, name in prefixes.items()}


def indexed_count(using: str | None = None) -> int:
    with connections[_alias(using)].cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {dialect_for(_alias(using)).key_table}")
        return int(cursor.fetchone()[0])


def vectors_missing(using: str | None = None) -> int | None:
    """How many alliances wait for their vector (the job worker embeds them after each
    change; `setup` embeds what a lost job left); None when the semantic part is off."""
    if not embeddings.enabled():
        return None
    return semantic.missing(_alias(using))


def is_stale(using: str | None = None) -> bool:
    """Whether the index visibly disagrees with the base: not every alliance is indexed, or
    facet rows are stored without their bitmaps (an index made before them)."""
    alias = _alias(using)
    if indexed_count(alias) != Alliance.objects.using(alias).count():
        return True
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {BITMAP_TABLE})")
        has_bitmaps = bool(cursor.fetchone()[0])
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {FACET_TABLE})")
        has_facets = bool(cursor.fetchone()[0])
    return has_facets and not has_bitmaps


# -- what is indexed ------------------------------------------------------------------------
def facet_rows(pk: int, tags: Iterable[str]) -> list[tuple[int, str, str]]:
    """(alliance id, facet prefix, value) of the facet tags among `tags`."""
    facet_of_tag = table().facet_of_tag
    return [(pk, *found) for token in tags if (found := facet_of_tag(token)) is not None]


def batch_facet_rows(docs: Sequence[Document]) -> list[tuple[int, str, str]]:
    """The facet rows of a batch of documents. Each distinct tag of the batch is read once:
    read tag by tag, the 1,350,000 tags of 60,000 alliances (most of them organisations'
    and communes', too many to remember) cost the writing process 5.3 s of 37."""
    split = [(d.id, d.tags.split()) for d in docs]
    facet_of_tag = table().facet_of_tag
    found = {
        token: facet
        for token in {t for _pk, tags in split for t in tags}
        if (facet := facet_of_tag(token)) is not None
    }
    return [(pk, *found[t]) for pk, tags in split for t in tags if t in found]


# Read with the text, for the filters' tags (others are read by the filters that need them),
# then the results' text (`texts`).
TAG_COLUMNS = ("kind", "stage_id", "territory_id", "status_light")
COLUMNS = ("id", "title", "summary", "description", *TAG_COLUMNS, "results_text")


def _batches(ids: Iterable[int] | None, using: str) -> Iterator[list[tuple]]:
    """(id, title, summary, description, *TAG_COLUMNS, results text) of the alliances, in
    batches: every alliance when `ids` is None."""
    alliances = Alliance.objects.using(using).order_by("id")
    if ids is None:
        last = 0
        while batch := list(alliances.filter(id__gt=last).values_list(*COLUMNS)[:BATCH]):
            last = batch[-1][0]
            yield batch
        return
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), BATCH):
        chunk = wanted[start : start + BATCH]
        yield list(alliances.filter(id__in_ids=chunk).values_list(*COLUMNS))


def _partner_names(pks: list[int], using: str) -> dict[int, list[str]]:
    names: dict[int, list[str]] = {}
    for alliance_id, name in (
        Partner.objects.using(using)
        .filter(alliance_id__in_ids=pks)
        .order_by("alliance_id", "position")
        .values_list("alliance_id", "organisation__name")
    ):
        names.setdefault(alliance_id, []).append(name)
    return names


def documents(
    ids: Iterable[int] | None, using: str, words: vocabulary.WordCount | None = None
) -> Iterator[Document]:
    """The analysed documents of these alliances (all when None); the words of each are
    counted in `words` when given (the vocabulary of typo suggestions)."""
    for batch in _batches(ids, using):
        if not batch:
            continue
        pks = [row[0] for row in batch]
        names = _partner_names(pks, using)
        columns = {
            name: {row[0]: row[4 + i] for row in batch} for i, name in enumerate(TAG_COLUMNS)
        }
        rows = IndexRows(using, pks, columns)
        tags = index_tags(rows)
        more = extras(batch, using)
        for pk, title, summary, description, *_rest in batch:
            extra = more[pk]
            # Each field's words are read once, for the index and for the vocabulary.
            fields = {
                "title": raw_words(title),
                "summary": raw_words(summary),
                "description": raw_words(description),
                "partners": raw_words(" ".join(names.get(pk, []))),
                "places": raw_words(" ".join(extra.places)),
                "labels": raw_words(" ".join(extra.labels)),
                "results": raw_words(" ".join(extra.results)),
            }
            if words is not None:
                words.add(chain.from_iterable(fields.values()))
            yield Document(
                id=pk,
                title_key=" ".join(fold(title).split())[:300],
                tags=" ".join(sorted(tags.get(pk, ()))),
                **{name: analyse_words(found) for name, found in fields.items()},
            )


def _analyse_batch(ids: list[int], alias: str) -> tuple[list[Document], vocabulary.WordCount]:
    """The documents of these alliances and their words counted (run in a worker process)."""
    words = vocabulary.WordCount()
    return list(documents(ids, alias, words)), words


def _id_batches(alias: str) -> Iterator[list[int]]:
    ids = Alliance.objects.using(alias).order_by("id").values_list("id", flat=True)
    last = 0
    while batch := list(ids.filter(id__gt=last)[:BATCH]):
        last = batch[-1]
        yield batch


def analysed_batches(
    alias: str, words: vocabulary.WordCount, executor: Executor
) -> Iterator[list[Document]]:
    """Every alliance's documents by batches in the order of their ids, analysed by
    `executor` (worker processes) while the caller writes the batches it was given; the
    words of each batch are counted into `words`. A few batches are in flight at a time, so
    memory stays bounded whatever the size of the base."""
    in_flight = 2 * django_workers.processes()
    pending: deque[Future] = deque()
    for ids in _id_batches(alias):
        pending.append(executor.submit(_analyse_batch, ids, alias))
        if len(pending) > in_flight:
            yield _received(pending.popleft(), words)
    while pending:
        yield _received(pending.popleft(), words)


def _received(future: Future, words: vocabulary.WordCount) -> list[Document]:
    docs, counted = future.result()
    words.merge(counted)
    return docs


def _all_documents(alias: str, words: vocabulary.WordCount) -> Iterator[list[Document]]:
    """Every alliance's documents by batches: analysed on every core for a large base whose
    database other processes can open, in this process otherwise. Inside a caller's
    transaction (a restore) other processes would not see what it wrote: in this process."""
    parallel = (
        django_workers.processes() > 1
        and not connections[alias].in_atomic_block
        and django_workers.can_share(alias)
        and Alliance.objects.using(alias).count() >= PARALLEL_FROM
    )
    if not parallel:
        yield from _in_batches(documents(None, alias, words))
        return
    executor = django_workers.pool(alias)
    try:
        yield from analysed_batches(alias, words, executor)
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


# -- writing --------------------------------------------------------------------------------
def _write(
    docs: Iterable[Document],
    using: str,
    on_facets: Callable[[list], object],
    progress: Callable[[int], object] | None = None,
    rebuilding: bool = False,
) -> int:
    """Write the documents and their facet rows; the facet rows also go to `on_facets`, the
    number written in each batch to `progress`. `rebuilding`: a batch of a full re-index,
    which replaces what is indexed of these alliances."""
    dialect = dialect_for(using)
    write = dialect.replace_documents if rebuilding else dialect.write_documents
    count = 0
    with connections[using].cursor() as cursor:
        for chunk in _in_batches(docs):
            facets = batch_facet_rows(chunk)
            on_facets(facets)
            write(cursor, chunk)
            dialect.insert_facet_rows(cursor, facets)
            count += len(chunk)
            if progress is not None:
                progress(len(chunk))
    return count


def _in_batches(docs: Iterable[Document]) -> Iterator[list[Document]]:
    """The documents by lists of at most `BATCH`."""
    chunk: list[Document] = []
    for document in docs:
        chunk.append(document)
        if len(chunk) >= BATCH:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _store_bitmaps(cursor: Any, bitmaps: FacetBitmaps, keys: set[Key] | None) -> None:
    """Write the bitmaps of `keys` (all of them when None), dropping those left empty."""
    if keys is None:
        cursor.execute(f"DELETE FROM {BITMAP_TABLE}")
    else:
        cursor.executemany(
            f"DELETE FROM {BITMAP_TABLE} WHERE facet = %s AND value = %s", sorted(keys)
        )
    cursor.executemany(
        f"INSERT INTO {BITMAP_TABLE} (facet, value, bits) VALUES (%s, %s, %s)",
        bitmaps.serialized(keys),
    )


def _update_bitmaps(
    cursor: Any, ids: Sequence[int], old: list[tuple], new: list[tuple[int, str, str]]
) -> None:
    """Take `ids` out of the bitmaps of their `old` facet rows, put the `new` rows in; only the
    bitmaps of the values concerned are read and written."""
    keys = {(facet, value) for _id, facet, value in old} | {(f, v) for _id, f, v in new}
    if not keys:
        return
    stored = []
    for key in sorted(keys):
        cursor.execute(
            f"SELECT facet, value, bits FROM {BITMAP_TABLE} WHERE facet = %s AND value = %s",
            list(key),
        )
        stored += cursor.fetchall()
    bitmaps = FacetBitmaps.from_serialized(stored)
    bitmaps.remove_ids(ids, keys)
    bitmaps.add_rows(new)
    _store_bitmaps(cursor, bitmaps, keys)


def rebuild_index(
    using: str | None = None,
    progress: Callable[[int], object] | None = None,
    vectors_progress: Callable[[int], object] | None = None,
) -> int:
    """Re-index every alliance (after a bulk load). Returns the number indexed; `progress`
    is told the number written after each batch, `vectors_progress` the number of texts
    embedded (semantic part on: only the texts that changed are embedded again).

    One transaction per batch (ADR 0175): each batch replaces its alliances' text and facet
    rows, so a reader sees every alliance indexed, old or new, never a missing one; the
    bitmaps, the vocabulary and the removal of rows of alliances no longer in the base
    follow in one last transaction. One transaction for the whole base grew SQLite's
    write-ahead log past 2.4 GB at 1,000,000 alliances (it can only be checkpointed after a
    commit). Inside a caller's transaction (a restore) the batches are savepoints: all or
    nothing still. A large base is analysed by worker processes on every core while this
    one writes (ADR 0182). A dialect may write the text into a new index that takes the old
    one's place in the last transaction (SQLite, ADR 0194). The vectors follow."""
    alias = _alias(using)
    dialect = dialect_for(alias)
    with connections[alias].cursor() as cursor:
        dialect.before_bulk_read(cursor, _tables_read())
        dialect.begin_rebuild(cursor)
    try:
        count = _rebuild(alias, progress)
    except BaseException:
        dialect.abandon_rebuild(connections[alias])
        raise
    dialect.after_bulk_write(connections[alias])
    _announce(alias)
    semantic.embed_alliances(None, alias, vectors_progress)
    return count


def _rebuild(alias: str, progress: Callable[[int], object] | None) -> int:
    """The batches of a full re-index, then its last transaction (see `rebuild_index`)."""
    dialect = dialect_for(alias)
    words = vocabulary.WordCount()
    bitmaps = FacetBitmaps()
    count = 0
    ours: int | None = None  # the version the last batch drew: another writer changes it
    interleaved = False
    for chunk in _all_documents(alias, words):
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            interleaved |= ours is not None and _locked_version(cursor, alias) != ours
            _bump(cursor)
            _write(chunk, alias, bitmaps.add_rows, rebuilding=True)
            ours = _locked_version(cursor, alias)
        dialect.between_batches(connections[alias])
        count += len(chunk)
        if progress is not None:
            progress(len(chunk))
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            interleaved |= ours is not None and _locked_version(cursor, alias) != ours
            _bump(cursor)
            _remove_gone(cursor, alias)
            if interleaved:  # another writer indexed alliances in between: read what it wrote
                bitmaps = _bitmaps_from_facet_rows(cursor)
            _store_bitmaps(cursor, bitmaps, None)
            dialect.finish_rebuild(cursor)
        vocabulary.replace_all(semantic.OWNER, words, alias)
        alliances_indexed.send(sender=None, alliance_ids=None, using=alias)
    return count


def _tables_read() -> list[str]:
    """The tables `documents()` reads that loaders fill: the alliances, their links, partners,
    organisations, results and sources (the reference tables change little)."""
    links = [field.remote_field.through for field in Alliance._meta.many_to_many]
    models = [Alliance, Partner, Organisation, Result, Source, *links]
    return [model._meta.db_table for model in models]


def _locked_version(cursor: Any, alias: str) -> int:
    """The index's version, read under the write lock of the state row (PostgreSQL; a SQLite
    write transaction holds the database's lock from its start)."""
    lock = " FOR UPDATE" if connections[alias].vendor == "postgresql" else ""
    cursor.execute(f"SELECT version FROM {STATE_TABLE} WHERE id = 1{lock}")
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def _remove_gone(cursor: Any, alias: str) -> None:
    """Take out of the index the alliances that are no longer in the base."""
    dialect = dialect_for(alias)
    cursor.execute(f"SELECT alliance_id FROM {dialect.key_table}")
    indexed = BitMap(int(row[0]) for row in cursor.fetchall())
    present = BitMap(Alliance.objects.using(alias).values_list("id", flat=True).iterator())
    gone = list(indexed - present)
    if gone:
        dialect.delete_documents(cursor, gone)


def _bitmaps_from_facet_rows(cursor: Any) -> FacetBitmaps:
    bitmaps = FacetBitmaps()
    cursor.execute(f"SELECT alliance_id, facet, value FROM {FACET_TABLE}")
    while rows := cursor.fetchmany(50_000):
        bitmaps.add_rows(rows)
    return bitmaps


def update_index(alliance_ids: Iterable[int], using: str | None = None) -> int:
    """Re-index the given alliances (removing those that no longer exist)."""
    ids = sorted({int(i) for i in alliance_ids if i is not None})
    if not ids:
        return 0
    alias = _alias(using)
    dialect = dialect_for(alias)
    bulk = len(ids) >= BULK_REFRESH
    with transaction.atomic(using=alias):
        with connections[alias].cursor() as cursor:
            if bulk:  # a loader's batch: the tables it filled have no statistics yet
                dialect.before_bulk_read(cursor, _tables_read())
            _bump(cursor)
            old = dialect.facet_rows_of(cursor, ids)
            dialect.delete_documents(cursor, ids)
        new: list[tuple] = []
        words = vocabulary.WordCount()
        count = _write(documents(ids, alias, words), alias, new.extend)
        with connections[alias].cursor() as cursor:
            _update_bitmaps(cursor, ids, old, new)
        vocabulary.add(semantic.OWNER, words, alias)
        alliances_indexed.send(sender=None, alliance_ids=ids, using=alias)
    if bulk:
        dialect.after_bulk_write(connections[alias])
    _announce(alias)
    _embed_later(ids, alias)
    return count


BULK_REFRESH = 1000  # from this many alliances re-indexed at once, refresh statistics


def remove_from_index(alliance_ids: Iterable[int], using: str | None = None) -> None:
    ids = sorted({int(i) for i in alliance_ids})
    if not ids:
        return
    alias = _alias(using)
    dialect = dialect_for(alias)
    with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
        _bump(cursor)
        old = dialect.facet_rows_of(cursor, ids)
        dialect.delete_documents(cursor, ids)
        _update_bitmaps(cursor, ids, old, [])
    _announce(alias)
    semantic.forget_alliances(ids, alias)
