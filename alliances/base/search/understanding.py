"""How the search reads what was typed (issue 16): step 0 of a search, before compiling.

From the words of `q`, in this order:
1. places (`places`): a town, a département name or number, a région current or former, a
   postcode... become the place filter and leave the text;
2. synonyms and acronyms (`referentials.synonyms`): "PTCE" and "pôle territorial de
   coopération économique" become one concept that matches either;
3. typos (`common.vocabulary`): a word no alliance contains (not even its stem) is replaced
   by the closest word of the index's vocabulary, said on the page;
4. meaning (`common.embeddings`, semantic part on): the rest, acronyms spelt out, is embedded
   as one query vector.

`exact` (the URL's `exact=1`) searches the words as typed: no place, no correction, no
neighbours in meaning.
The `Reading` says what was understood; the page, the API and saved searches all go through
it (they all compile through `compiler.compile_query`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from alliances.common import embeddings
from alliances.common.text import normalize_name
from alliances.common.vocabulary import vocabulary
from alliances.referentials import synonyms

from .analysis import (
    MAX_TERMS,
    STOPWORDS,
    Concept,
    Item,
    Term,
    concept,
    flat_terms,
    word_tokens,
)
from .places import PlaceMatch, gazetteer, read_places
from .query import SearchQuery
from .semantic import OWNER

MIN_MEANING_LETTERS = 3  # a query vector needs at least one word this long
# Words that show a query is written in English: its words are not "corrected" into French
# ones (the meaning part reads English as it is).
ENGLISH_WORDS = frozenset(
    "the of and for with by from to in on at is are how what who which people young older "
    "elderly".split()
)


@dataclass(frozen=True)
class Correction:
    typed: str
    corrected: str


@dataclass(frozen=True)
class SynonymUse:
    typed: str
    key: str
    label: str
    names: tuple[str, ...]


@dataclass
class Reading:
    """What was understood of the text of a query."""

    typed: str = ""
    items: list[Item] = field(default_factory=list)  # the text condition's terms and concepts
    places: list[PlaceMatch] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    synonyms: list[SynonymUse] = field(default_factory=list)
    exact: bool = False
    meaning_text: str = ""  # what was embedded
    vector: Any = None  # the query's vector (semantic part on)
    relaxed: bool = False  # set by the compiler: no alliance has every word
    # Text that gave nothing to search: "no_word" (symbols only), "common_words" (only words
    # too common to search, such as "the" or "les").
    unsearchable: str = ""
    neighbours: list[tuple[int, float]] = field(default_factory=list)  # set by the compiler

    @property
    def terms(self) -> list[Term]:
        """Every term of the text (concepts opened): what the snippets highlight."""
        return flat_terms(self.items)

    @property
    def semantic(self) -> bool:
        return self.vector is not None

    @property
    def place_values(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v for match in self.places for v in match.values))


def _remaining(words: list[str], spans: list[PlaceMatch]) -> list[int]:
    """Positions of the words outside the place spans."""
    inside = {i for match in spans for i in range(match.start, match.end)}
    return [i for i in range(len(words)) if i not in inside]


def without_words(query: SearchQuery, drop: set[int]) -> SearchQuery:
    """The query with these words (positions in `query.words`) taken out of its text."""
    kept = [w for i, w in enumerate(query.words) if i not in drop]
    return replace(query, q=" ".join(kept), words=tuple(kept), page=1)


def without_place(query: SearchQuery, match: PlaceMatch) -> SearchQuery:
    return without_words(query, set(range(match.start, match.end)))


def with_place(query: SearchQuery, match: PlaceMatch, values: tuple[str, ...]) -> SearchQuery:
    """The query with a place chosen explicitly instead of the words that named it."""
    chosen = without_place(query, match)
    for value in values:
        chosen = chosen.with_value("territory", value)
    return chosen


def _correct(words: list[str], positions: list[int], protected: set[int]) -> list[Correction]:
    """Replace, in `words`, the unknown words at `positions` by the closest known ones."""
    known = vocabulary(OWNER)
    if not known.words or any(w.casefold() in ENGLISH_WORDS for w in words):
        return []
    names = gazetteer().names
    corrections = []
    last = positions[-1] if positions else -1
    for position in positions:
        word = words[position]
        if position in protected or word.isdigit() or len(word) < 4:
            continue
        if known.knows(word) or (position == last and known.completes(word)):
            continue
        if " ".join(word_tokens(word)[:1]) in names:
            continue
        suggestion = known.suggest(word)
        # A word becomes a place only when typed as a name ("Dubs" → Doubs, not
        # "charities" → Chartres).
        if suggestion and (word[:1].isupper() or normalize_name(suggestion) not in names):
            corrections.append(Correction(word, suggestion))
            words[position] = suggestion
    return corrections


def _items(
    words: list[str], positions: list[int], found: list[synonyms.Found]
) -> tuple[list[Item], list[SynonymUse]]:
    """The text's items in order: a concept for each synonym span, a term for each other
    significant word (the last one a prefix when it ends the text)."""
    starts = {f.start: f for f in found}
    covered = {i for f in found for i in range(f.start, f.end)}
    items: list[Item] = []
    uses = []
    for position in positions:
        if position in starts:
            span = starts[position]
            typed = " ".join(words[span.start : span.end])
            group = span.group
            items.append(concept(group.key, group.label, span.names, typed))
            uses.append(SynonymUse(typed, group.key, group.label, span.names))
        elif position not in covered:
            tokens = word_tokens(words[position])
            if tokens:
                items.append(Term(word=tokens[0], stems=tuple(tokens[1:])))
    items = [i for i in items if isinstance(i, Concept) or _significant(i)][:MAX_TERMS]
    if items and isinstance(items[-1], Term):
        last = items[-1]
        items[-1] = Term(word=last.word, stems=last.stems, prefix=True)
    return items, uses


def _significant(term: Term) -> bool:
    return term.word not in STOPWORDS and (len(term.word) > 1 or term.word.isdigit())


def _meaning(words: list[str], positions: list[int], found: list[synonyms.Found]) -> str:
    """The text embedded: the words outside places, each acronym spelt out."""
    starts = {f.start: f for f in found}
    covered = {i for f in found for i in range(f.start, f.end)}
    parts = []
    for position in positions:
        if position in starts:
            span = starts[position]
            parts.append(_spelt_out(span.names))
        elif position not in covered:
            parts.append(words[position])
    return " ".join(parts)


def _spelt_out(names: tuple[str, ...]) -> str:
    """The first name that is not an acronym (an expansion, a French name)."""
    return next((n for n in names if not (n.isupper() and " " not in n)), names[0])


def read_query(query: SearchQuery, using: str | None = None) -> Reading:
    """Read the text of a query (see the module's docstring)."""
    words = list(query.words)
    reading = Reading(typed=query.q, exact=query.exact)
    if not words:
        reading.unsearchable = "no_word" if query.q.strip() else ""
        return reading
    spans = [] if query.exact else read_places(words, using)
    positions = _remaining(words, spans)
    found = synonyms.find([words[i] for i in positions])
    # `find` counts positions among the remaining words: back to positions in `words`.
    found = [synonyms.Found(positions[f.start], positions[f.end - 1] + 1, f.groups) for f in found]
    protected = {i for f in found for i in range(f.start, f.end)}
    if not query.exact:
        reading.corrections = _correct(words, positions, protected)
        if reading.corrections:
            spans = read_places(words, using)
            positions = _remaining(words, spans)
            kept = set(positions)
            found = [f for f in found if all(i in kept for i in range(f.start, f.end))]
    reading.places = spans
    reading.items, reading.synonyms = _items(words, positions, found)
    if not reading.items and positions:
        reading.unsearchable = "common_words"
        return reading
    reading.meaning_text = _meaning(words, positions, found)
    if not query.exact and any(len(w) >= MIN_MEANING_LETTERS for w in reading.meaning_text.split()):
        reading.vector = embeddings.embed_query(reading.meaning_text)
    return reading
