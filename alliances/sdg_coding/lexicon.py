"""The suggester's lexicon: wordings of the field per SDG target, read from YAML files.

Plain Python (no Django import). One file per goal in alliances/data/sdg/phrases/ maps
target codes to lists of wordings (`fr`, `en`: enough on their own; `fr_context`,
`en_context`: only with other evidence). Each wording becomes a sequence of words, each with
its forms and stems as the search analyses text, so matching is accent- and
inflection-insensitive. Every problem names its file and line; nothing half-loaded.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

import yaml

from alliances.base.search.analysis import STOPWORDS, raw_words, word_tokens
from alliances.common.errors import DataFileError

from .rules import BY_DEFINITION_TARGETS, goal_of

LISTS = {"fr": ("fr", False), "fr_context": ("fr", True), "en": ("en", False)}
LISTS["en_context"] = ("en", True)
FILE_NAME = re.compile(r"^(\d{2})\.yaml$")
TARGET_CODE = re.compile(r"^(1[0-7]|[1-9])\.(\d{1,2}|[a-z])$")


@dataclass(frozen=True)
class WordForm:
    """A word as the matcher sees it: its forms and its stems."""

    folded: str
    forms: frozenset[str]  # the folded word, and the same without a plural ending
    stems: frozenset[str]  # its Snowball stems (the word itself when it is its own stem)

    @property
    def keys(self) -> frozenset[str]:
        return self.forms | self.stems


# A stem shared by two words is a match, except when it is the whole of one word and the other
# is much longer: "environ" (about) is the stem of "environnement", not the same word.
ROOT_SLACK = 3


def word_form(word: str) -> WordForm | None:
    """The forms and stems of a word ("emplois" and "emploi" stem apart in Snowball, but have
    the same form without the plural ending)."""
    tokens = word_tokens(word)
    if not tokens:
        return None
    folded = tokens[0]
    forms = {folded}
    if len(folded) > 3 and folded[-1] in "sx" and not folded.isdigit():
        forms.add(folded[:-1])
    stems = frozenset(tokens[1:]) or frozenset({folded})
    return WordForm(folded, frozenset(forms), stems)


def same_word(a: WordForm, b: WordForm) -> bool:
    """Whether two words are the same word or of the same family (by their stems)."""
    if a.forms & b.forms:
        return True
    longer = max(len(a.folded), len(b.folded))
    for stem in a.stems & b.stems:
        whole = stem in a.forms or stem in b.forms
        if not whole or len(stem) >= longer - ROOT_SLACK:
            return True
    return False


def is_content(word: str) -> bool:
    """A word that says something (not "de", "la", "the", "d'", one letter)."""
    tokens = word_tokens(word)
    if not tokens or tokens[0] in STOPWORDS:
        return False
    return len(tokens[0]) > 1 or tokens[0].isdigit()


def content_forms(text: str) -> tuple[WordForm, ...]:
    forms = (word_form(w) for w in raw_words(text) if is_content(w))
    return tuple(f for f in forms if f is not None)


def canonical(words: Iterable[WordForm]) -> tuple[str, ...]:
    """One name per word (its smallest stem): two wordings with the same canonical form are
    the same wording ("banque alimentaire" and "banques alimentaires")."""
    return tuple(min(w.stems | {min(w.forms)}) for w in words)


@dataclass(frozen=True)
class Wording:
    code: str  # target code, "8.5"
    text: str  # as written in the lexicon
    language: str  # "fr" or "en"
    context: bool  # True: counts only with other evidence
    words: tuple[WordForm, ...]  # its content words

    @property
    def goal(self) -> int:
        return goal_of(self.code)


@dataclass(frozen=True)
class Lexicon:
    wordings: tuple[Wording, ...]
    version: str  # digest of the files' contents: a change re-computes the suggestions

    def codes(self) -> set[str]:
        return {w.code for w in self.wordings}

    def of(self, code: str) -> list[Wording]:
        return [w for w in self.wordings if w.code == code]


def _compose(path: Path) -> yaml.Node:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as error:
        raise DataFileError(path, f"le fichier n'est pas en UTF-8 ({error.reason})") from error
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(error, "problem", None) or str(error)
        raise DataFileError(path, f"YAML invalide : {problem}", line) from error


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_code(path: Path, goal: int, code: str, line: int, known: Collection[str]) -> None:
    if not TARGET_CODE.match(code):
        raise DataFileError(path, f"« {code} » n'est pas un code de cible (ex. 8.5, 4.a)", line)
    if goal_of(code) != goal:
        raise DataFileError(path, f"la cible {code} n'est pas de l'ODD {goal}", line)
    if code in BY_DEFINITION_TARGETS:
        raise DataFileError(path, f"la cible {code} s'applique par définition ; pas de mots", line)
    if known and code not in known:
        raise DataFileError(path, f"la cible {code} n'existe pas dans les textes officiels", line)


def _wordings_of(path: Path, code: str, node: yaml.Node) -> list[Wording]:
    if not isinstance(node, yaml.MappingNode):
        raise DataFileError(
            path, f"« {code} » : listes fr, en, fr_context, en_context", _line(node)
        )
    out: list[Wording] = []
    seen: dict[tuple[str, ...], str] = {}
    for key_node, list_node in node.value:
        name = str(key_node.value)
        if name not in LISTS:
            raise DataFileError(
                path,
                f"« {code} » : liste « {name} » inconnue (fr, en, fr_context, en_context)",
                _line(key_node),
            )
        if not isinstance(list_node, yaml.SequenceNode):
            raise DataFileError(
                path, f"« {code} » / {name} : une liste est attendue", _line(list_node)
            )
        language, context = LISTS[name]
        for item in list_node.value:
            text = " ".join(str(item.value).split()) if isinstance(item, yaml.ScalarNode) else ""
            words = content_forms(text)
            if not words:
                raise DataFileError(path, f"« {code} » / {name} : formulation vide", _line(item))
            form = (language, *canonical(words))
            if form in seen:
                raise DataFileError(
                    path, f"« {code} » : « {text} » répète « {seen[form]} »", _line(item)
                )
            seen[form] = text
            out.append(Wording(code, text, language, context, words))
    return out


def read_file(path: Path, known: Collection[str] = ()) -> list[Wording]:
    match = FILE_NAME.match(path.name)
    if not match:
        raise DataFileError(path, "nom attendu : NN.yaml (numéro de l'ODD sur deux chiffres)")
    goal = int(match.group(1))
    node = _compose(path)
    if node is None:
        return []
    if not isinstance(node, yaml.MappingNode):
        raise DataFileError(path, "un dictionnaire « cible: listes » est attendu", _line(node))
    wordings: list[Wording] = []
    codes: set[str] = set()
    for key_node, value_node in node.value:
        code = str(key_node.value)
        _check_code(path, goal, code, _line(key_node), known)
        if code in codes:
            raise DataFileError(path, f"la cible {code} apparaît deux fois", _line(key_node))
        codes.add(code)
        wordings += _wordings_of(path, code, value_node)
    return wordings


def load_lexicon(directory: Path, known_codes: Collection[str] = ()) -> Lexicon:
    """Every NN.yaml file of the folder; `known_codes` (the official targets) when given."""
    if not directory.is_dir():
        raise DataFileError(directory, "dossier introuvable")
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise DataFileError(directory, "aucun fichier NN.yaml")
    digest = hashlib.sha256()
    wordings: list[Wording] = []
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
        wordings += read_file(path, known_codes)
    return Lexicon(tuple(wordings), digest.hexdigest()[:16])
