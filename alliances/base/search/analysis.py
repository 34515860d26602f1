"""The French text analyser shared by both full-text backends (no Django import).

Both SQLite FTS5 and PostgreSQL receive text that this module has already analysed: words
folded to lower case without accents, each followed by its French stems. The databases only
store and match tokens, so the same query finds the same alliances on both.

A word gives up to three tokens: the folded word itself (for prefix matching as one types),
the Snowball stem of the accented word, folded ("activités" -> "activ"), and the stem of the
folded word ("activites" -> "activit"), so that a query typed without accents still meets
the stem of the accented text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

MAX_TERMS = 32
MAX_WORD_LENGTH = 40
# Words too common to say anything about a document; dropped from queries (kept in the index
# so that a query made only of them still means something to the user: nothing is dropped).
STOPWORDS = frozenset(
    """a au aux avec ce ces c chez d dans de des du elle en est et eux il ils j je l la le les
    leur leurs lui m ma mais me meme mes moi mon n ne nos notre nous on ou par pas pour qu que
    qui s sa se ses son sont sur t ta te tes toi ton tu un une vos votre vous y the of and or
    to in for with on at by from an is are how what who which
    """.split()
)
# Letters and digits in any script; everything else (quotes, operators, emoji, controls)
# separates words.
_WORD = re.compile(r"[^\W_]+", re.UNICODE)

_stemmer = Stemmer.Stemmer("french")


def fold(text: str) -> str:
    """Lower case without accents ("Économie" -> "economie")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    return folded.replace("œ", "oe").replace("æ", "ae").replace("ß", "ss")


def raw_words(text: str) -> list[str]:
    """The words of a text as typed (letters and digits), accents kept."""
    return [w[:MAX_WORD_LENGTH] for w in _WORD.findall(text or "")]


@lru_cache(maxsize=65536)
def word_tokens(word: str) -> tuple[str, ...]:
    """The tokens a word gives: folded word, then its distinct folded stems."""
    lowered = word.casefold()
    folded = fold(lowered)
    if not folded:
        return ()
    tokens = [folded]
    if not folded.isdigit():
        for stem in (fold(_stemmer.stemWord(lowered)), _stemmer.stemWord(folded)):
            if stem and stem not in tokens:
                tokens.append(stem)
    # Folding may produce characters outside [^\W_] (rare ligatures): keep only word chars.
    return tuple(t for t in ("".join(_WORD.findall(t)) for t in tokens) if t)


@lru_cache(maxsize=65536)
def _word_text(word: str) -> str:
    return " ".join(word_tokens(word))


def analyse(text: str) -> str:
    """The analysed form of a field, as stored in the full-text index."""
    return analyse_words(raw_words(text))


def analyse_words(words: Iterable[str]) -> str:
    """The analysed form of a field given as its `raw_words`."""
    return " ".join(filter(None, map(_word_text, words)))


@dataclass(frozen=True)
class Term:
    """One query word: matches its folded form (or as a prefix) or any of its stems."""

    word: str
    stems: tuple[str, ...]
    prefix: bool = False

    @property
    def alternatives(self) -> tuple[str, ...]:
        return (self.word, *self.stems)


@dataclass(frozen=True)
class Concept:
    """A group of equivalent names met in the query (a synonym, an acronym and its
    expansion): matches any of its names, a name of several words when all of them are in the
    document (the same test on both databases)."""

    key: str
    label: str
    names: tuple[tuple[Term, ...], ...]  # each name as the terms of its significant words
    typed: str = ""

    @property
    def terms(self) -> list[Term]:
        """Every term of every name (to highlight them)."""
        return [term for name in self.names for term in name]


Item = Term | Concept


def name_terms(name: str) -> tuple[Term, ...]:
    """The terms of a name's significant words (exact words and stems, no prefix)."""
    terms = []
    for word in raw_words(name):
        tokens = word_tokens(word)
        if tokens and tokens[0] not in STOPWORDS and (len(tokens[0]) > 1 or tokens[0].isdigit()):
            terms.append(Term(word=tokens[0], stems=tuple(tokens[1:]), prefix=False))
    return tuple(terms)


def concept(key: str, label: str, names: Sequence[str], typed: str = "") -> Concept:
    built = [name_terms(n) for n in names]
    unique = tuple(dict.fromkeys(t for t in built if t))
    return Concept(key=key, label=label, names=unique, typed=typed)


def flat_terms(items: Sequence[Item]) -> list[Term]:
    """The terms of a query's items, concepts opened (to highlight matches)."""
    out: list[Term] = []
    for item in items:
        out += item.terms if isinstance(item, Concept) else [item]
    return out


def query_terms(words: Sequence[str]) -> list[Term]:
    """Turn the words of a query into terms; the last one is a prefix (as one types).

    Stopwords and one-letter words are dropped, unless nothing else remains.
    """
    tokens = [word_tokens(w) for w in words]
    tokens = [t for t in tokens if t]
    kept = [t for t in tokens if t[0] not in STOPWORDS and (len(t[0]) > 1 or t[0].isdigit())]
    if not kept:
        kept = tokens
    kept = kept[:MAX_TERMS]
    terms = []
    for index, tok in enumerate(kept):
        is_last = index == len(kept) - 1
        terms.append(Term(word=tok[0], stems=tuple(s for s in tok[1:]), prefix=is_last))
    return terms


def _matches(token_set: tuple[str, ...], term: Term) -> bool:
    for token in token_set:
        if token in term.stems or token == term.word:
            return True
        if term.prefix and token.startswith(term.word):
            return True
    return False


def _quote_fts(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


def _fts5_term(term: Term) -> str:
    options = [_quote_fts(term.word) + (" *" if term.prefix else "")]
    options += [_quote_fts(s) for s in term.stems]
    return "(" + " OR ".join(options) + ")"


def _fts5_item(item: Item) -> str:
    if isinstance(item, Term):
        return _fts5_term(item)
    names = ["(" + " AND ".join(_fts5_term(t) for t in name) + ")" for name in item.names]
    return "(" + " OR ".join(names) + ")"


def fts5_expression(terms: Sequence[Item], any_term: bool = False) -> str:
    """An FTS5 MATCH expression: every term must match (its word, as a prefix if last, or
    one of its stems; a concept: one of its names). Tokens are quoted, so no user text is
    ever read as an operator."""
    return (" OR " if any_term else " AND ").join(_fts5_item(t) for t in terms)


def _quote_ts(token: str) -> str:
    return "'" + token.replace("'", "''").replace("\\", "\\\\") + "'"


def _ts_term(term: Term) -> str:
    options = [_quote_ts(term.word) + (":*" if term.prefix else "")]
    options += [_quote_ts(s) for s in term.stems]
    return "(" + " | ".join(options) + ")"


def _ts_item(item: Item) -> str:
    if isinstance(item, Term):
        return _ts_term(item)
    names = ["(" + " & ".join(_ts_term(t) for t in name) + ")" for name in item.names]
    return "(" + " | ".join(names) + ")"


def tsquery_expression(terms: Sequence[Item], any_term: bool = False) -> str:
    """The same expression as `fts5_expression` in to_tsquery syntax."""
    return (" | " if any_term else " & ").join(_ts_item(t) for t in terms)


HIGHLIGHT_START = "<mark>"
HIGHLIGHT_END = "</mark>"


def snippet(text: str, terms: Sequence[Term], length: int = 240) -> str:
    """An HTML snippet of `text` around the first matches, escaped, matches in <mark>.

    Everything from the text is escaped; the only markup is the <mark> inserted here.
    """
    text = " ".join((text or "").split())
    if not text:
        return ""
    # Only the words up to the first match place the window, and only those inside it are
    # marked: a long description is not analysed word by word beyond what is shown.
    first_match = _first_match(text, terms, 0)
    start, end = 0, len(text)
    if len(text) > length:
        first = first_match[0] if first_match else 0
        start = max(0, first - length // 4)
        # Start on a word boundary so the snippet does not begin mid-word.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(text), start + length)
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > start else end
    parts = ["…" if start > 0 else ""]
    cursor = start
    for s, e in _matches_between(text, terms, start, end, first_match):
        parts.append(html.escape(text[cursor:s]))
        parts.append(HIGHLIGHT_START + html.escape(text[s:e]) + HIGHLIGHT_END)
        cursor = e
    parts.append(html.escape(text[cursor:end]))
    if end < len(text):
        parts.append("…")
    return "".join(parts)


def _word_matches(word: str, terms: Sequence[Term]) -> bool:
    tokens = word_tokens(word[:MAX_WORD_LENGTH])
    return bool(tokens) and any(_matches(tokens, t) for t in terms)


def _first_match(text: str, terms: Sequence[Term], pos: int) -> tuple[int, int] | None:
    """The span of the first word from `pos` that matches one of the terms."""
    if not terms:
        return None
    for match in _WORD.finditer(text, pos):
        if _word_matches(match.group(), terms):
            return match.span()
    return None


def _matches_between(
    text: str, terms: Sequence[Term], start: int, end: int, first: tuple[int, int] | None
) -> Iterator[tuple[int, int]]:
    """The spans of the matching words lying wholly between `start` and `end`."""
    if first is None or first[0] >= end:
        return
    for match in _WORD.finditer(text, max(start, first[0])):
        s, e = match.span()
        if e > end:
            return
        if s >= start and _word_matches(match.group(), terms):
            yield s, e


def shared_words(a: Iterable[str], b: Iterable[str]) -> list[str]:
    """Significant words two texts share (by stem), in the order of `a`, for "why similar"."""
    stems_b = {word_tokens(w)[-1] for w in b if word_tokens(w)}
    seen: set[str] = set()
    out = []
    for word in a:
        tokens = word_tokens(word)
        if not tokens or tokens[0] in STOPWORDS or len(tokens[0]) < 4:
            continue
        if tokens[-1] in stems_b and tokens[-1] not in seen:
            seen.add(tokens[-1])
            out.append(word.lower())
    return out
