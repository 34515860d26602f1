"""Suggest SDG targets for an alliance, with the words that triggered each one.

Plain Python (no Django import), so that it is tested and measured without a database.

1. The alliance's text (title, summary, description, results, domains) is cut into segments
   at punctuation, and its words analysed as the search does (folded, stemmed). Its language
   is guessed from its small words; only the wordings and domain labels of that language are
   used (both when it cannot be told).
2. Each wording of the lexicon is looked for in each segment: its words in order, at most one
   other word between two of them (words such as "de", "la" do not count). Where two wordings
   overlap, the longest wins ("précarité énergétique" hides "précarité").
3. Each target gets a score from its distinct wordings found: w = 1 for a wording, 0.4 for a
   context wording, times 0.4 when it was found in the domains (which count once, however
   many of their labels match); with similarity to the official target text when a
   `SemanticScorer` is given; score = 1 − Π(1 − w).
4. A target with a score of at least 0.5 is suggested (17.17 never: it applies by definition).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from alliances.base.search.analysis import raw_words, shared_words

from .lexicon import Lexicon, WordForm, Wording, canonical, content_forms, same_word
from .rules import BY_DEFINITION_TARGETS, goal_of, target_sort_key
from .semantic import SemanticScorer

THRESHOLD = 0.5
CONTEXT_WEIGHT = 0.4
DOMAIN_WEIGHT = 0.4
MAX_GAP = 1  # other words allowed between two words of a wording
MAX_SUGGESTIONS = 8
FIELDS = ("title", "summary", "description", "results", "domains")
FIELD_WEIGHTS = {"title": 1.0, "summary": 1.0, "description": 1.0, "results": 1.0}
FIELD_WEIGHTS["domains"] = DOMAIN_WEIGHT
# A wording does not run across a sentence, a clause or a list item.
_SEGMENT = re.compile(r"[.;:!?…,()\[\]«»\"“”\n\r\t]+|\s[–—-]\s")
LANGUAGES = ("fr", "en")
# Small words that tell French from English (folded); a text needs a few to be told.
_SMALL_WORDS = {
    "fr": frozenset(
        "le la les de des du d l à et une un en pour dans avec qui sur au aux est sont par".split()
    ),
    "en": frozenset("the and of to for with in is are by from that this their".split()),
}
_MIN_SMALL_WORDS = 3


def guess_language(text: str) -> str:
    """Tell "fr" from "en" by counting their small words; "" when it cannot be told."""
    counts = dict.fromkeys(LANGUAGES, 0)
    for word in raw_words(text.casefold()):
        for language, small in _SMALL_WORDS.items():
            counts[language] += word in small
    best = max(LANGUAGES, key=lambda lang: counts[lang])
    others = [counts[lang] for lang in LANGUAGES if lang != best]
    if counts[best] < _MIN_SMALL_WORDS or counts[best] <= max(others):
        return ""
    return best


@dataclass(frozen=True)
class AllianceText:
    title: str = ""
    summary: str = ""
    description: str = ""
    results: str = ""
    # Labels of the alliance's domains by language: {"fr": ("Santé",), "en": ("Health",)}.
    domains: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def language(self) -> str:
        return guess_language(" ".join((self.title, self.summary, self.description)))

    def segments(self, language: str = "") -> Iterable[tuple[str, str]]:
        """(field, segment) pairs; each domain label (of the language, or of every language
        when it is "") is a segment of its own."""
        for name in FIELDS[:-1]:
            for part in _SEGMENT.split(getattr(self, name) or ""):
                if part.strip():
                    yield name, part
        for label_language, labels in sorted(self.domains.items()):
            if not language or label_language == language:
                for label in labels:
                    yield "domains", label

    def plain(self) -> str:
        """One text for similarity: what the alliance is and does."""
        parts = [self.title, self.summary, self.description, self.results]
        return ". ".join(p.strip() for p in parts if p and p.strip())


@dataclass(frozen=True)
class Trigger:
    kind: str  # "wording" or "similarity"
    field: str  # where it was found (title, summary, description, results, domains, text)
    wording: str  # the lexicon's wording, or the official target text
    matched: str  # the words as written in the alliance's text
    weight: float  # contribution to the score, 0 to 1

    def as_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "field": self.field,
            "wording": self.wording,
            "matched": self.matched,
            "weight": round(self.weight, 3),
        }


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float
    triggers: tuple[Trigger, ...]

    @property
    def goal(self) -> int:
        return goal_of(self.code)

    def words(self) -> list[str]:
        """The words that triggered it, as written in the text, each once."""
        seen: list[str] = []
        for trigger in self.triggers:
            if trigger.matched and trigger.matched not in seen:
                seen.append(trigger.matched)
        return seen


@dataclass(frozen=True)
class _Word:
    form: WordForm
    start: int  # position in the segment, so that a match quotes the text as written
    end: int


@dataclass(frozen=True)
class _Match:
    wording: Wording
    field: str
    segment: int
    start: int  # index of the first content word
    end: int  # index after the last content word
    matched: str


@dataclass
class _Index:
    """Wordings by the keys of their first word."""

    by_first: dict[str, list[Wording]] = field(default_factory=dict)

    @classmethod
    def build(cls, wordings: Iterable[Wording]) -> _Index:
        index = cls()
        for wording in wordings:
            for key in wording.words[0].keys:
                index.by_first.setdefault(key, []).append(wording)
        return index

    def starting_with(self, word: WordForm) -> list[Wording]:
        found: dict[int, Wording] = {}
        for key in word.keys:
            for wording in self.by_first.get(key, ()):
                if same_word(word, wording.words[0]):
                    found[id(wording)] = wording
        return list(found.values())


# A word as the search's analyser reads one (letters and digits in any script).
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def _words(segment: str) -> list[_Word]:
    out = []
    for found in _WORD.finditer(segment):
        forms = content_forms(found.group())
        if forms:
            out.append(_Word(forms[0], found.start(), found.end()))
    return out


def _match_at(words: Sequence[_Word], start: int, wording: Wording) -> int | None:
    """End index of the wording matched from `start`, or None."""
    position = start
    for expected in wording.words[1:]:
        for step in range(1, MAX_GAP + 2):
            candidate = position + step
            if candidate < len(words) and same_word(words[candidate].form, expected):
                position = candidate
                break
        else:
            return None
    return position + 1


def _segment_matches(index: _Index, field_name: str, number: int, segment: str) -> list[_Match]:
    words = _words(segment)
    matches = []
    for start, word in enumerate(words):
        for wording in index.starting_with(word.form):
            end = _match_at(words, start, wording)
            if end is not None:
                text = segment[words[start].start : words[end - 1].end]
                matches.append(_Match(wording, field_name, number, start, end, text))
    return _longest(matches)


def _longest(matches: list[_Match]) -> list[_Match]:
    """Drop a match lying inside a longer one: the longest wording wins ("précarité
    énergétique", 7.1, hides "précarité", 1.2), unless both are of the same target and the
    shorter one weighs more ("produits bio" inside the context wording "produits locaux")."""

    def hidden(a: _Match, b: _Match) -> bool:
        if not (b.start <= a.start and a.end <= b.end and (b.end - b.start) > (a.end - a.start)):
            return False
        return a.wording.code != b.wording.code or _wording_weight(b) >= _wording_weight(a)

    return [m for m in matches if not any(hidden(m, other) for other in matches)]


def _wording_weight(match: _Match) -> float:
    base = CONTEXT_WEIGHT if match.wording.context else 1.0
    return base * FIELD_WEIGHTS[match.field]


def _lexical_triggers(matches: list[_Match]) -> dict[str, list[Trigger]]:
    """Per target, one trigger per distinct wording and per place (the best one)."""
    best: dict[str, dict[tuple, _Match]] = {}
    for match in matches:
        per_code = best.setdefault(match.wording.code, {})
        key = canonical(match.wording.words)
        kept = per_code.get(key)
        if kept is None or _wording_weight(match) > _wording_weight(kept):
            per_code[key] = match
    out: dict[str, list[Trigger]] = {}
    for code, chosen in best.items():
        # One place of the text counts once, whatever the number of wordings found there.
        places: dict[tuple, _Match] = {}
        for match in chosen.values():
            place = (match.field, match.segment, match.start, match.end)
            if place not in places or _wording_weight(match) > _wording_weight(places[place]):
                places[place] = match
        kept = sorted(places.values(), key=lambda m: -_wording_weight(m))
        # The domains are one piece of evidence, however many of their labels match.
        domain = [m for m in kept if m.field == "domains"][:1]
        kept = [m for m in kept if m.field != "domains"] + domain
        out[code] = [
            Trigger("wording", m.field, m.wording.text, m.matched, _wording_weight(m)) for m in kept
        ]
    return out


def combine(weights: Iterable[float]) -> float:
    """1 − Π(1 − w): independent pieces of evidence."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - max(0.0, min(1.0, weight))
    return 1.0 - remaining


class Suggester:
    def __init__(
        self,
        lexicon: Lexicon,
        *,
        semantic: SemanticScorer | None = None,
        threshold: float = THRESHOLD,
        max_suggestions: int = MAX_SUGGESTIONS,
    ) -> None:
        self.lexicon = lexicon
        self.semantic = semantic
        self.threshold = threshold
        self.max_suggestions = max_suggestions
        usable = [w for w in lexicon.wordings if w.code not in BY_DEFINITION_TARGETS]
        self._indexes = {"": _Index.build(usable)}
        for language in LANGUAGES:
            self._indexes[language] = _Index.build(w for w in usable if w.language == language)

    @property
    def signature(self) -> str:
        """What the suggestions depend on besides the text (a change re-computes them)."""
        semantic = self.semantic.signature if self.semantic else "lexicon-only"
        return f"{self.lexicon.version}:{semantic}:{self.threshold}:{self.max_suggestions}"

    def matches(self, text: AllianceText) -> list[_Match]:
        language = text.language
        index = self._indexes[language]
        found: list[_Match] = []
        for number, (field_name, segment) in enumerate(text.segments(language)):
            found += _segment_matches(index, field_name, number, segment)
        return found

    def _similarity_triggers(self, text: AllianceText) -> dict[str, list[Trigger]]:
        if self.semantic is None:
            return {}
        plain = text.plain()
        out: dict[str, list[Trigger]] = {}
        for code, similarity in self.semantic.similarities(plain).items():
            if code in BY_DEFINITION_TARGETS:
                continue
            weight = self.semantic.contribution(similarity)
            if weight <= 0:
                continue
            official = self.semantic.target_texts[code]
            words = shared_words(raw_words(plain), raw_words(official))
            out[code] = [Trigger("similarity", "text", official, ", ".join(words[:6]), weight)]
        return out

    def scores(self, text: AllianceText) -> list[Suggestion]:
        """Every target with some evidence, best first (suggested or not)."""
        triggers = _lexical_triggers(self.matches(text))
        for code, extra in self._similarity_triggers(text).items():
            triggers.setdefault(code, []).extend(extra)
        found = [
            Suggestion(code, round(combine(t.weight for t in items), 4), tuple(items))
            for code, items in triggers.items()
        ]
        found.sort(key=lambda s: (-s.score, -len(s.triggers), target_sort_key(s.code)))
        return found

    def suggest(self, text: AllianceText) -> list[Suggestion]:
        """The targets to suggest: score at least the threshold, at most `max_suggestions`."""
        kept = [s for s in self.scores(text) if s.score >= self.threshold - 1e-9]
        return kept[: self.max_suggestions]
