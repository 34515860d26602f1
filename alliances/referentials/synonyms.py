"""Names the searches treat as one (docs/adr/0133): acronyms and their expansions, French and
English names of the same thing.

Two sources, both data: the groups of `data/referentials/synonymes.yaml` (model
`SearchSynonym`, edited by the curators in the admin) and, for the domains, partnership types
and actor profiles, the French and English labels of each term (labels.yaml).

`find(words)` reads the groups named in a query: each name is compared word by word on French
stems, short words ("de", "la", "the"...) left aside, so "Pôles territoriaux de coopération
économique" meets "pôle territorial de coopération économique". The longest name wins.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import Stemmer
import yaml
from django.db import transaction

from alliances.common.errors import DataFileError
from alliances.common.text import normalize_name

from .models import SearchSynonym, Term

SYNONYMS_FILE = "synonymes.yaml"
TERM_TAXONOMIES = ("domains", "partnership_types", "actor_profiles")
KINDS = {k for k, _label in SearchSynonym.Kind.choices}
SMALL_WORDS = frozenset(
    "a au aux d de des du en et l la le les pour par sur un une the of and or for to in with"
    " an s".split()
)
MAX_NAME_WORDS = 12
REFRESH_SECONDS = 10
_stemmer = Stemmer.Stemmer("french")
_PARENTHESES = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Group:
    key: str
    kind: str
    names: tuple[str, ...]  # as written, the first one shown

    @property
    def label(self) -> str:
        return self.names[0]


@dataclass(frozen=True)
class Found:
    """The groups a span of a query names: words[start:end] are the name."""

    start: int
    end: int
    groups: tuple[Group, ...]

    @property
    def group(self) -> Group:
        return self.groups[0]

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of every group met, without repeats."""
        return tuple(dict.fromkeys(n for g in self.groups for n in g.names))


def name_key(name: str) -> tuple[str, ...]:
    """The stems of a name's significant words: what two spellings of it share."""
    words = [w for w in normalize_name(name).split() if w not in SMALL_WORDS]
    return tuple(_stemmer.stemWord(w) for w in words)


def label_names(label: str) -> list[str]:
    """A term label and the name it gives in brackets: "Corporate philanthropy (mécénat)"
    is both "Corporate philanthropy" and "mécénat"."""
    inside = [m.strip() for m in _PARENTHESES.findall(label) if m.strip()]
    bare = " ".join(_PARENTHESES.sub(" ", label).split())
    return [n for n in [bare, *inside] if n]


# -- the shipped file ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Spec:
    key: str
    kind: str
    terms: tuple[str, ...]
    note: str

    @property
    def digest(self) -> str:
        raw = json.dumps([self.kind, self.terms, self.note], ensure_ascii=False)
        return hashlib.sha256(raw.encode()).hexdigest()


def read_synonyms(path: Path) -> list[Spec]:
    """The groups of the file, checked: every problem names the file and the entry."""
    if not path.is_file():
        raise DataFileError(str(path), "fichier introuvable")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise DataFileError(str(path), f"YAML illisible : {error}") from error
    specs: list[Spec] = []
    seen: set[str] = set()
    for number, item in enumerate(data.get("groups") or [], start=1):
        where = f"entrée n° {number}"
        if not isinstance(item, dict):
            raise DataFileError(str(path), f"{where} : un dictionnaire est attendu")
        key, kind = str(item.get("key", "")), str(item.get("kind", ""))
        terms = tuple(str(t).strip() for t in item.get("terms") or [] if str(t).strip())
        note = " ".join(str(item.get("note", "")).split())
        if not re.fullmatch(r"[a-z0-9_]{2,60}", key) or key in seen:
            raise DataFileError(str(path), f"{where} : clé « {key} » invalide ou répétée")
        if kind not in KINDS:
            raise DataFileError(str(path), f"{where} ({key}) : nature « {kind} » inconnue")
        if len(terms) < 2 or not note:
            raise DataFileError(str(path), f"{where} ({key}) : au moins deux noms et une note")
        seen.add(key)
        specs.append(Spec(key, kind, terms, note))
    return specs


def store_synonyms(specs: list[Spec]) -> int:
    """Create or update the groups; a curator's edit stays while its source entry does not
    change; a group that left the file is deactivated (one made in the admin is left alone).
    Returns the number of rows changed."""
    changed = 0
    existing = {s.key: s for s in SearchSynonym.objects.all()}
    with transaction.atomic():
        for spec in specs:
            row = existing.get(spec.key)
            if row is not None and row.source_digest == spec.digest:
                continue
            row = row or SearchSynonym(key=spec.key)
            row.kind, row.terms, row.note = spec.kind, "\n".join(spec.terms), spec.note
            row.active, row.source_digest = True, spec.digest
            row.save()
            changed += 1
        keys = {s.key for s in specs}
        for key, row in existing.items():
            if key not in keys and row.source_digest and row.active:
                row.active = False
                row.save(update_fields=["active", "updated_at"])
                changed += 1
    return changed


# -- reading queries ----------------------------------------------------------------------------
@dataclass
class _Table:
    stamp: tuple
    by_key: dict[tuple[str, ...], list[Group]]
    longest: int
    checked: float


_table: _Table | None = None
_lock = threading.Lock()


def _stamp() -> tuple:
    rows = SearchSynonym.objects.order_by("-updated_at")
    last = rows.values_list("updated_at", flat=True).first()
    return (rows.count(), str(last), Term.objects.count())


def groups() -> list[Group]:
    """Every active group: the curated ones, then one per term of the taxonomies whose French
    and English labels differ."""
    out = [
        Group(row.key, row.kind, tuple(row.names))
        for row in SearchSynonym.objects.filter(active=True)
        if len(row.names) >= 2
    ]
    terms = Term.objects.filter(taxonomy__key__in=TERM_TAXONOMIES, obsolete=False)
    for key, taxonomy, fr, en in terms.values_list("key", "taxonomy__key", "label_fr", "label_en"):
        names = list(dict.fromkeys([*label_names(fr), *label_names(en or "")]))
        if len({name_key(n) for n in names}) >= 2:
            out.append(Group(f"{taxonomy}:{key}", "translation", tuple(names)))
    return out


def _build() -> _Table:
    by_key: dict[tuple[str, ...], list[Group]] = {}
    for group in groups():
        for name in group.names:
            key = name_key(name)
            if key and group not in by_key.setdefault(key, []):
                by_key[key].append(group)
    longest = max((len(k) for k in by_key), default=0)
    return _Table(_stamp(), by_key, min(longest, MAX_NAME_WORDS), time.monotonic())


def table() -> _Table:
    global _table
    now = time.monotonic()
    current = _table
    if current is not None and now - current.checked < REFRESH_SECONDS:
        return current
    with _lock:
        stamp = _stamp()
        if _table is None or _table.stamp != stamp:
            _table = _build()
        _table.checked = now
        return _table


def forget() -> None:
    global _table
    with _lock:
        _table = None


def find(words: list[str]) -> list[Found]:
    """The groups named in a sequence of words (as typed), longest names first, in order."""
    current = table()
    if not current.by_key:
        return []
    # Significant words with their position among `words`.
    kept = [
        (i, _stemmer.stemWord(w))
        for i, word in enumerate(words)
        for w in [normalize_name(word)]
        if w and w not in SMALL_WORDS
    ]
    found: list[Found] = []
    at = 0
    while at < len(kept):
        for size in range(min(current.longest, len(kept) - at), 0, -1):
            key = tuple(stem for _i, stem in kept[at : at + size])
            matches = current.by_key.get(key)
            if matches:
                found.append(Found(kept[at][0], kept[at + size - 1][0] + 1, tuple(matches)))
                at += size
                break
        else:
            at += 1
    return found
