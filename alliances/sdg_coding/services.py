"""SDG coding of the alliances: compute suggestions, record curators' decisions, and say for
the pages, sheets, exports and search which codes are verified, suggested or by definition.

Business operations live here; views, admin, commands and template tags call them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from alliances.base import history
from alliances.base.models import Alliance, Result
from alliances.base.search import index
from alliances.sdg.models import SdgGoal, SdgTarget
from alliances.sdg.source import read_sdg

from .lexicon import load_lexicon
from .models import SdgCodingState, SdgSuggestion, SdgSuggestionEvent
from .rules import BY_DEFINITION_TARGET, target_sort_key
from .semantic import SemanticScorer
from .suggester import AllianceText, Suggester, Suggestion

DATA_DIR = Path(settings.BASE_DIR) / "alliances" / "data" / "sdg"
PHRASES_DIR = DATA_DIR / "phrases"
SUGGESTER = "suggester"  # the actor of the suggester's own changes in the history
CHUNK = 500
VERSION_KEY = "sdg_coding:version"
Status = SdgSuggestion.Status
Action = SdgSuggestionEvent.Action
User = AbstractBaseUser | AnonymousUser | None


# -- the suggester ----------------------------------------------------------------------------
@lru_cache(maxsize=1)
def official_targets() -> dict[str, tuple[str, str]]:
    """Code -> (French, English) official text of the 169 targets (shipped files)."""
    return {t.code: (t.title_fr, t.title_en) for g in read_sdg(DATA_DIR) for t in g.targets}


def _semantic_scorer() -> SemanticScorer | None:
    """The similarity scorer when ALLIANCES_SDG_EMBEDDER names a factory of an embedder."""
    path = getattr(settings, "ALLIANCES_SDG_EMBEDDER", "") or ""
    if not path:
        return None
    embedder = import_string(path)()
    if embedder is None:
        return None
    texts = {code: fr for code, (fr, _en) in official_targets().items()}
    return SemanticScorer(embedder, texts, name=path)


@lru_cache(maxsize=1)
def get_suggester() -> Suggester:
    """The suggester of this process (lexicon read once; DataFileError if a file is bad)."""
    lexicon = load_lexicon(PHRASES_DIR, set(official_targets()))
    return Suggester(lexicon, semantic=_semantic_scorer())


def reset_suggester() -> None:
    """Forget the cached suggester (tests, or after editing the lexicon in a shell)."""
    get_suggester.cache_clear()
    official_targets.cache_clear()


# -- the text of alliances ----------------------------------------------------------------------
def alliance_texts(ids: list[int]) -> dict[int, AllianceText]:
    """What the suggester reads of each alliance: title, summary, description, results (text
    and the labels of results with figures) and the labels of its domains."""
    results: dict[int, list[str]] = defaultdict(list)
    for alliance_id, label in (
        Result.objects.filter(alliance_id__in=ids)
        .order_by("alliance_id", "position", "id")
        .values_list("alliance_id", "label")
    ):
        results[alliance_id].append(label)
    domains: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"fr": [], "en": []})
    for alliance_id, label_fr, label_en in (
        Alliance.domains.through.objects.filter(alliance_id__in=ids)
        .order_by("term__position", "term__key")
        .values_list("alliance_id", "term__label_fr", "term__label_en")
    ):
        domains[alliance_id]["fr"].append(label_fr)
        if label_en:
            domains[alliance_id]["en"].append(label_en)
    texts = {}
    for pk, title, summary, description, results_text in Alliance.objects.filter(
        pk__in=ids
    ).values_list("pk", "title", "summary", "description", "results_text"):
        labels = domains.get(pk, {})
        texts[pk] = AllianceText(
            title=title,
            summary=summary,
            description=description,
            results=". ".join(filter(None, [results_text, *results.get(pk, [])])),
            domains={lang: tuple(values) for lang, values in labels.items() if values},
        )
    return texts


def verified_codes(ids: list[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for alliance_id, code in Alliance.sdg_targets.through.objects.filter(
        alliance_id__in=ids
    ).values_list("alliance_id", "sdgtarget__code"):
        out[alliance_id].add(code)
    return out


def _digest(signature: str, text: AllianceText, verified: set[str]) -> str:
    raw = json.dumps(
        [
            signature,
            text.title,
            text.summary,
            text.description,
            text.results,
            sorted((k, list(v)) for k, v in text.domains.items()),
            sorted(verified),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(raw.encode()).hexdigest()


# -- computing and reconciling ------------------------------------------------------------------
@dataclass
class RefreshReport:
    alliances: int = 0
    skipped: int = 0
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    verified: int = 0
    rejected: int = 0
    recomputed: list[int] = field(default_factory=list)  # alliances whose suggestions were computed

    def __str__(self) -> str:
        return (
            f"{self.alliances} alliance(s) examinée(s), {self.skipped} inchangée(s) ; "
            f"suggestions : {self.created} créée(s), {self.updated} mise(s) à jour, "
            f"{self.withdrawn} retirée(s), {self.verified} vérifiée(s) par les codes de "
            f"l'alliance, {self.rejected} rejetée(s) (code retiré de l'alliance)"
        )


def _who(user: User, actor: str) -> dict:
    """Who did it, as the alliance history says it: a signed-in user, or a named actor."""
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user, "actor": actor or user.get_username()}
    return {"user": None, "actor": actor}


def _event(
    suggestion: SdgSuggestion,
    action: str,
    before: str,
    *,
    user: User = None,
    actor: str = SUGGESTER,
    note: str = "",
) -> SdgSuggestionEvent:
    return SdgSuggestionEvent.objects.create(
        suggestion=suggestion,
        action=action,
        status_before=before,
        status_after=suggestion.status,
        score=suggestion.score,
        note=note,
        **_who(user, actor),
    )


def _triggers(suggestion: Suggestion) -> list[dict]:
    return [t.as_dict() for t in suggestion.triggers]


def _method(suggestion: Suggestion) -> str:
    kinds = sorted({t.kind for t in suggestion.triggers})
    return "+".join(kinds)


# The status a suggestion takes from the alliance's verified codes and the latest computation.
_SYNC_NOTES = {
    Status.VERIFIED: "cible présente dans les codes vérifiés de l'alliance",
    Status.REJECTED: "cible retirée des codes vérifiés de l'alliance",
    Status.WITHDRAWN: "le texte de l'alliance ne la justifie plus",
    Status.SUGGESTED: "suggérée à nouveau par le texte de l'alliance",
}
_SYNC_COUNTERS = {
    Status.VERIFIED: "verified",
    Status.REJECTED: "rejected",
    Status.WITHDRAWN: "withdrawn",
    Status.SUGGESTED: "updated",
}
_SYNC_ACTIONS = {
    Status.VERIFIED: Action.VERIFIED,
    Status.REJECTED: Action.REJECTED,
    Status.WITHDRAWN: Action.WITHDRAWN,
    Status.SUGGESTED: Action.SUGGESTED,
}


def synced_status(current: str, is_verified: bool, still_suggested: bool) -> str:
    """Verified codes are the truth: a suggestion is verified exactly when its target is one
    of the alliance's verified codes; a rejected one stays rejected; one the text no longer
    supports is withdrawn, and comes back if the text supports it again."""
    if is_verified:
        return Status.VERIFIED
    if current == Status.VERIFIED:
        return Status.REJECTED
    if current == Status.SUGGESTED and not still_suggested:
        return Status.WITHDRAWN
    if current == Status.WITHDRAWN and still_suggested:
        return Status.SUGGESTED
    return current


def _apply(
    row: SdgSuggestion, found: Suggestion | None, is_verified: bool, report: RefreshReport
) -> None:
    before = row.status
    row.status = synced_status(before, is_verified, found is not None)
    rescored = False
    if found is not None:
        triggers = _triggers(found)
        rescored = row.score != found.score or row.triggers != triggers
        row.score, row.triggers, row.method = found.score, triggers, _method(found)
    if row.status == before and not rescored:
        return
    row.save()
    if row.status != before:
        _event(row, _SYNC_ACTIONS[row.status], before, note=_SYNC_NOTES[row.status])
        name = _SYNC_COUNTERS[row.status]
        setattr(report, name, getattr(report, name) + 1)
    elif before == Status.SUGGESTED:
        _event(row, Action.RESCORED, before)
        report.updated += 1


def reconcile(
    alliance_id: int,
    suggestions: list[Suggestion],
    rows: dict[str, SdgSuggestion],
    verified: set[str],
    target_ids: dict[str, int],
    report: RefreshReport,
) -> None:
    """Bring the stored suggestions of one alliance in line with a new computation."""
    found = {s.code: s for s in suggestions}
    for code, suggestion in found.items():
        if code in rows or code in verified or code not in target_ids:
            continue
        row = SdgSuggestion.objects.create(
            alliance_id=alliance_id,
            target_id=target_ids[code],
            score=suggestion.score,
            triggers=_triggers(suggestion),
            method=_method(suggestion),
        )
        _event(row, Action.SUGGESTED, "")
        report.created += 1
    for code, row in rows.items():
        _apply(row, found.get(code), code in verified, report)


def refresh(
    ids: Iterable[int] | None = None,
    *,
    force: bool = False,
    include_synthetic: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> RefreshReport:
    """(Re)compute the suggestions of these alliances (all when None), idempotently: an
    alliance whose text, verified codes and suggester are unchanged is skipped."""
    if ids is None:
        alliances = Alliance.objects.all()
        if not include_synthetic:
            alliances = alliances.filter(synthetic=False)
        ids = alliances.order_by("pk").values_list("pk", flat=True)
    ids = list(dict.fromkeys(ids))
    suggester = get_suggester()
    target_ids = dict(SdgTarget.objects.values_list("code", "pk"))
    report = RefreshReport()
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK], suggester, target_ids, force, report)
        if progress:
            progress(min(start + CHUNK, len(ids)), len(ids))
    if report.recomputed:
        # The search indexes current suggestions (`search.py`): re-index those recomputed.
        index.update_index(report.recomputed)
    return report


def _refresh_chunk(
    chunk: list[int],
    suggester: Suggester,
    target_ids: dict[str, int],
    force: bool,
    report: RefreshReport,
) -> None:
    texts = alliance_texts(chunk)
    verified = verified_codes(chunk)
    states = dict(
        SdgCodingState.objects.filter(alliance_id__in=chunk).values_list("alliance_id", "digest")
    )
    rows: dict[int, dict[str, SdgSuggestion]] = defaultdict(dict)
    for row in SdgSuggestion.objects.filter(alliance_id__in=chunk).select_related("target"):
        rows[row.alliance_id][row.target.code] = row
    with transaction.atomic():
        for pk in chunk:
            if pk not in texts:
                continue  # deleted meanwhile
            report.alliances += 1
            digest = _digest(suggester.signature, texts[pk], verified.get(pk, set()))
            if not force and states.get(pk) == digest:
                report.skipped += 1
                continue
            found = suggester.suggest(texts[pk])
            report.recomputed.append(pk)
            reconcile(pk, found, rows.get(pk, {}), verified.get(pk, set()), target_ids, report)
            SdgCodingState.objects.update_or_create(alliance_id=pk, defaults={"digest": digest})
            _bump_version()


# -- curators' decisions -----------------------------------------------------------------------
def _alliance_targets(alliance: Alliance) -> list[str]:
    return sorted(alliance.sdg_targets.values_list("code", flat=True), key=target_sort_key)


def _decide(
    suggestions: Iterable[SdgSuggestion],
    status: str,
    action: str,
    *,
    user: User,
    note: str,
    accept: Callable[[SdgSuggestion], bool],
) -> int:
    changed = 0
    decided: set[int] = set()
    now = timezone.now()
    with transaction.atomic():
        for row in suggestions:
            if not accept(row):
                continue
            decided.add(row.alliance_id)
            before_codes = _alliance_targets(row.alliance)
            if status == Status.VERIFIED:
                row.alliance.sdg_targets.add(row.target)
            elif row.status == Status.VERIFIED:
                row.alliance.sdg_targets.remove(row.target)
            after_codes = _alliance_targets(row.alliance)
            if after_codes != before_codes:
                history.record(
                    row.alliance,
                    history.UPDATED,
                    {"sdg_targets": [before_codes, after_codes]},
                    user=user,
                )
            before = row.status
            row.status = status
            row.decided_by = user if getattr(user, "is_authenticated", False) else None
            row.decided_at = now
            row.save()
            _event(row, action, before, user=user, actor="", note=note)
            changed += 1
        if changed:
            _bump_version()
            # The index holds current suggestions apart from verified codes (search.py).
            index.update_index(decided)
    return changed


def _rows(suggestions: Iterable[SdgSuggestion]) -> list[SdgSuggestion]:
    if hasattr(suggestions, "select_related"):
        return list(suggestions.select_related("alliance", "target"))  # type: ignore[union-attr]
    return list(suggestions)


def verify(suggestions: Iterable[SdgSuggestion], *, user: User = None, note: str = "") -> int:
    """Confirm: each target joins the alliance's verified codes; returns how many changed."""
    return _decide(
        _rows(suggestions),
        Status.VERIFIED,
        Action.VERIFIED,
        user=user,
        note=note,
        accept=lambda row: row.status != Status.VERIFIED,
    )


def reject(suggestions: Iterable[SdgSuggestion], *, user: User = None, note: str = "") -> int:
    """Reject: never shown again (a verified one leaves the alliance's verified codes)."""
    return _decide(
        _rows(suggestions),
        Status.REJECTED,
        Action.REJECTED,
        user=user,
        note=note,
        accept=lambda row: row.status != Status.REJECTED,
    )


def reopen(suggestions: Iterable[SdgSuggestion], *, user: User = None, note: str = "") -> int:
    """Put a rejected suggestion back to "suggested" (a verified one leaves the codes)."""
    return _decide(
        _rows(suggestions),
        Status.SUGGESTED,
        Action.REOPENED,
        user=user,
        note=note,
        accept=lambda row: row.status in (Status.REJECTED, Status.VERIFIED),
    )


# -- what the pages, sheets, exports and search show ------------------------------------------
def by_definition_target() -> SdgTarget | None:
    return SdgTarget.objects.select_related("goal").filter(code=BY_DEFINITION_TARGET).first()


@dataclass
class AllianceCoding:
    """The SDG codes of one alliance, in three kinds that are never mixed."""

    verified_goals: list[SdgGoal] = field(default_factory=list)
    verified_targets: list[SdgTarget] = field(default_factory=list)
    by_definition: SdgTarget | None = None
    suggested: list[SdgSuggestion] = field(default_factory=list)


def alliance_coding(alliance: Alliance) -> AllianceCoding:
    targets = sorted(
        alliance.sdg_targets.select_related("goal"), key=lambda t: target_sort_key(t.code)
    )
    verified = {t.code for t in targets}
    suggested = [
        s
        for s in SdgSuggestion.objects.current()
        .filter(alliance=alliance)
        .select_related("target", "target__goal")
        if s.target.code not in verified
    ]
    suggested.sort(key=lambda s: target_sort_key(s.target.code))
    return AllianceCoding(
        verified_goals=sorted(alliance.sdg_goals.all(), key=lambda g: g.number),
        verified_targets=[t for t in targets if t.code != BY_DEFINITION_TARGET],
        by_definition=by_definition_target(),
        suggested=suggested,
    )


@dataclass
class GoalExamples:
    """The published alliances of one goal: verified, suggested (not yet verified) apart."""

    goal: SdgGoal
    verified: list[Alliance]
    verified_count: int
    suggested: list[tuple[Alliance, list[SdgSuggestion]]]
    suggested_count: int
    by_definition_count: int  # every published alliance, for goal 17; else 0
    per_target: dict[str, dict[str, int]]  # code -> {"verified": n, "suggested": n}


def _verified_ids(goal: SdgGoal) -> Q:
    goals = Alliance.sdg_goals.through.objects.filter(sdggoal=goal).values("alliance_id")
    targets = Alliance.sdg_targets.through.objects.filter(sdgtarget__goal=goal).values(
        "alliance_id"
    )
    # One IN over the union, not two INs joined by OR: PostgreSQL cannot turn an OR of
    # subqueries into a join, and a subquery too large for work_mem was scanned again for
    # every alliance (a goal of 1,000,000 alliances: minutes, seen in a worker's warm-up).
    return Q(id__in=goals.union(targets))


def goal_examples(goal: SdgGoal, limit: int = 12) -> GoalExamples:
    published = Alliance.objects.filter(status=Alliance.Status.PUBLISHED)
    verified = published.filter(_verified_ids(goal))
    suggestions = (
        SdgSuggestion.objects.public()
        .filter(target__goal=goal)
        .exclude(alliance__in=verified.values("id"))
        .select_related("alliance", "target")
        .order_by("alliance__title", "target__position")
    )
    grouped: dict[int, tuple[Alliance, list[SdgSuggestion]]] = {}
    for row in suggestions:
        grouped.setdefault(row.alliance_id, (row.alliance, []))[1].append(row)
    per_target: dict[str, dict[str, int]] = defaultdict(lambda: {"verified": 0, "suggested": 0})
    for code, n in (
        Alliance.sdg_targets.through.objects.filter(
            sdgtarget__goal=goal, alliance__status=Alliance.Status.PUBLISHED
        )
        .values_list("sdgtarget__code")
        .annotate(n=Count("alliance_id"))
    ):
        per_target[code]["verified"] = n
    for code, n in (
        SdgSuggestion.objects.public()
        .filter(target__goal=goal)
        .values_list("target__code")
        .annotate(n=Count("id"))
    ):
        per_target[code]["suggested"] = n
    return GoalExamples(
        goal=goal,
        verified=list(verified.order_by("title")[:limit]),
        verified_count=verified.count(),
        suggested=list(grouped.values())[:limit],
        suggested_count=len(grouped),
        by_definition_count=published.count() if goal.number == 17 else 0,
        per_target=dict(per_target),
    )


@dataclass(frozen=True)
class SuggestedCode:
    """One current suggestion, as the search would index it."""

    alliance_id: int
    goal_id: int
    target_id: int
    goal: int  # goal number
    target: str  # target code


def suggested_pairs(
    alliance_ids: Iterable[int] | None = None, using: str | None = None
) -> Iterator[SuggestedCode]:
    """Current suggestions (status "suggested": not verified, not rejected), of alliances of
    any status (the search keeps only published ones), in alliance order."""
    rows = SdgSuggestion.objects.using(using).filter(status=Status.SUGGESTED)
    if alliance_ids is not None:
        rows = rows.filter(alliance_id__in=list(alliance_ids))
    for alliance_id, goal_id, target_id, number, code in rows.order_by(
        "alliance_id", "target_id"
    ).values_list(
        "alliance_id", "target__goal_id", "target_id", "target__goal__number", "target__code"
    ):
        yield SuggestedCode(alliance_id, goal_id, target_id, number, code)


def suggested_codes(alliance_ids: Iterable[int]) -> dict[int, list[str]]:
    """Alliance id -> its current suggested target codes, official order (exports)."""
    out: dict[int, list[str]] = defaultdict(list)
    for pair in suggested_pairs(alliance_ids):
        out[pair.alliance_id].append(pair.target)
    return {k: sorted(v, key=target_sort_key) for k, v in out.items()}


def _versions() -> BaseCache:
    """Where the token lives: the `jobs` alias, which every process of the platform sees (the
    shared cache when there is one, else files in the data directory). The default cache of
    `make serve` is each process's own memory: a token drawn there by the web process that
    saved was never seen by the job worker, which rebuilt every sheet under another data
    version than the one visitors asked for."""
    return caches["jobs"]


def _bump_version() -> None:
    _versions().set(VERSION_KEY, uuid.uuid4().hex, None)


def coding_version() -> str:
    """Changes whenever suggestions are written (sheet caches use it): a token in a cache
    every process sees, drawn anew at each write; from the table itself when it is empty."""
    versions = _versions()
    version = versions.get(VERSION_KEY)
    if version is None:
        stats = SdgSuggestion.objects.aggregate(n=Count("id"), last=Max("updated_at"))
        version = f"{stats['n']}:{stats['last'].isoformat() if stats['last'] else '-'}"
        versions.add(VERSION_KEY, version, None)
        version = versions.get(VERSION_KEY, version)  # another process may have been first
    return version


def sheet_coding(goal: SdgGoal, limit: int = 6) -> GoalExamples:
    """What an SDG reference sheet shows of the goal's examples: verified and suggested apart,
    and, for goal 17, the number of published alliances it covers by definition."""
    return goal_examples(goal, limit)
