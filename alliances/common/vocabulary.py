"""The vocabulary of a searchable collection, and typo suggestions drawn from it (ADR 0132).

Each collection ("alliance", "resource") keeps the words of its indexed texts in
`common.SearchWord` (folded word, its commonest written form, how many documents hold it),
rewritten by a full re-index and added to at each update (counts may then run high for a
document edited often: they only order suggestions). A process holds the vocabulary in
memory, reloaded when the collection's state token changes.

A query word is *unknown* when no word of the vocabulary shares its French stem; its
suggestion is the closest word by Levenshtein distance (rapidfuzz): at most 1 edit for words
of 4 or 5 letters, 2 from 6 letters, same first letter, the most frequent first. Words of
fewer than 4 letters and numbers are never corrected.
"""

from __future__ import annotations

import bisect
import secrets
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer
from django.db import connections, router, transaction
from django.db.models import F
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

from .models import SearchState, SearchWord
from .text import strip_accents

MIN_LENGTH = 4
MAX_WORD = 60
_stemmer = Stemmer.Stemmer("french")


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    # Cached: a re-index folds every word of every document (430,000 folds for 4,000
    # synthetic alliances, most of them the same few thousand words).
    return strip_accents(word.casefold()).replace("œ", "oe").replace("æ", "ae")


def stem(folded: str) -> str:
    return _stemmer.stemWord(folded)


def max_edits(word: str) -> int:
    if len(word) < MIN_LENGTH or word.isdigit():
        return 0
    return 1 if len(word) <= 5 else 2


def state_name(owner: str) -> str:
    return f"words:{owner}"


def _alias(using: str | None) -> str:
    return using or router.db_for_write(SearchWord)


# -- writing ------------------------------------------------------------------------------
class WordCount:
    """The words of documents counted as they come, one document at a time: a full re-index of
    a million alliances keeps the vocabulary's counts in memory, not every document's words
    (held as lists, they took gigabytes).

    A document's words are counted by C code alone (`Counter.update` of a list, `set`, `map`
    of the cached `fold`): a loop in Python over each word of each document was 37 % of a
    re-index worker's time at 1,000,000 alliances. Which words are kept and their commonest
    forms are worked out once per distinct written word, in `counted`."""

    def __init__(self) -> None:
        self.per_doc: Counter[str] = Counter()  # folded word: documents holding it
        self.written: Counter[str] = Counter()  # word as written: occurrences

    def add(self, words: Iterable[str]) -> None:
        """Count one document's words."""
        words = list(words)
        self.written.update(words)
        self.per_doc.update(set(map(fold, set(words))))

    def merge(self, other: WordCount) -> None:
        """Add the counts of documents counted elsewhere (another process's batch)."""
        self.per_doc.update(other.per_doc)
        self.written.update(other.written)

    def counted(self) -> dict[str, tuple[str, int]]:
        """{folded word: (commonest form, documents holding it)}; empty words, words longer
        than `MAX_WORD` and numbers are left out."""
        forms: dict[str, Counter[str]] = {}
        for word, times in self.written.items():
            if not word or len(word) > MAX_WORD or word.isdigit():
                continue
            folded = fold(word)
            found = forms.get(folded)
            if found is None:
                found = forms[folded] = Counter()
            found[word.lower()] += times
        return {
            w: (forms[w].most_common(1)[0][0], n) for w, n in self.per_doc.items() if w in forms
        }


Documents = Iterable[Iterable[str]] | WordCount


def count_words(documents: Documents) -> dict[str, tuple[str, int]]:
    """{folded word: (commonest form, documents holding it)} of documents given as words
    (or already counted)."""
    if isinstance(documents, WordCount):
        return documents.counted()
    count = WordCount()
    for words in documents:
        count.add(words)
    return count.counted()


def _bump(owner: str, alias: str) -> None:
    state, _created = SearchState.objects.using(alias).get_or_create(name=state_name(owner))
    SearchState.objects.using(alias).filter(pk=state.pk).update(token=secrets.randbits(62))


def replace_all(owner: str, documents: Documents, using: str | None = None) -> int:
    """Rewrite a collection's vocabulary from all its documents; returns the number of words."""
    alias = _alias(using)
    counted = count_words(documents)
    with transaction.atomic(using=alias):
        SearchWord.objects.using(alias).filter(owner=owner).delete()
        SearchWord.objects.using(alias).bulk_create(
            [
                SearchWord(owner=owner, word=w, form=form, documents=n)
                for w, (form, n) in counted.items()
            ],
            batch_size=5000,
        )
        _bump(owner, alias)
    return len(counted)


def add(owner: str, documents: Documents, using: str | None = None) -> None:
    """Count the words of documents added or changed (new words appear at once)."""
    alias = _alias(using)
    counted = count_words(documents)
    if not counted:
        return
    with transaction.atomic(using=alias):
        rows = SearchWord.objects.using(alias).filter(owner=owner)
        known: dict[str, int] = {}
        words = sorted(counted)
        for start in range(0, len(words), 500):
            part = words[start : start + 500]
            known.update(rows.filter(word__in=part).values_list("word", "id"))
        by_count: dict[int, list[str]] = {}
        for word, (_form, n) in counted.items():
            if word in known:
                by_count.setdefault(n, []).append(word)
        for n, same in by_count.items():
            for start in range(0, len(same), 500):
                rows.filter(word__in=same[start : start + 500]).update(documents=F("documents") + n)
        SearchWord.objects.using(alias).bulk_create(
            [
                SearchWord(owner=owner, word=w, form=form, documents=n)
                for w, (form, n) in counted.items()
                if w not in known
            ],
            batch_size=5000,
        )
        _bump(owner, alias)


# -- reading ------------------------------------------------------------------------------
@dataclass
class Vocabulary:
    """A collection's words in memory: stems to tell unknown words, choices to suggest."""

    token: int = 0
    words: dict[str, tuple[str, int]] = field(default_factory=dict)
    stems: set[str] = field(default_factory=set)
    choices: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, token: int, rows: Iterable[tuple[str, str, int]]) -> Vocabulary:
        words = {w: (form, int(n)) for w, form, n in rows}
        return cls(token, words, {stem(w) for w in words}, sorted(words))

    def knows(self, word: str) -> bool:
        """Whether a query word meets the vocabulary (same word, or same stem)."""
        folded = fold(word)
        return folded in self.words or stem(folded) in self.stems

    def completes(self, prefix: str) -> bool:
        """Whether some word starts with this prefix (the last word, typed as one types)."""
        folded = fold(prefix)
        at = bisect.bisect_left(self.choices, folded)
        return at < len(self.choices) and self.choices[at].startswith(folded)

    def suggest(self, word: str) -> str | None:
        """The written form of the closest known word, or None."""
        folded = fold(word)
        edits = max_edits(folded)
        if not edits or not self.choices:
            return None
        found = process.extract(
            folded,
            self.choices,
            scorer=Levenshtein.distance,
            score_cutoff=edits,
            limit=20,
        )
        candidates = [
            (distance, -self.words[choice][1], choice)
            for choice, distance, _index in found
            if choice[:1] == folded[:1] and choice != folded
        ]
        if not candidates:
            return None
        return self.words[min(candidates)[2]][0]


_loaded: dict[tuple[str, str, str], Vocabulary] = {}
_lock = threading.Lock()


def vocabulary(owner: str, using: str | None = None) -> Vocabulary:
    """The collection's vocabulary, read again when it changed."""
    alias = _alias(using)
    key = (owner, alias, str(connections[alias].settings_dict.get("NAME")))
    with connections[alias].cursor() as cursor:
        cursor.execute(
            f"SELECT token FROM {SearchState._meta.db_table} WHERE name = %s", [state_name(owner)]
        )
        row = cursor.fetchone()
    token = int(row[0]) if row else 0
    found = _loaded.get(key)
    if found is not None and found.token == token:
        return found
    with _lock:
        rows = SearchWord.objects.using(alias).filter(owner=owner)
        found = Vocabulary.of(token, rows.values_list("word", "form", "documents"))
        _loaded[key] = found
    return found
