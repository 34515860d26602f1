"""Which examples a reference sheet highlights: a stated rule, in plain Python.

The rule, as shown on every sheet:
1. score each example: documented results with figures (+3), started less than ten years
   before the current year (+2: in 2026, from 2017 on), diversity of its partners (+0.5 per
   distinct actor profile, up to +2);
2. pick the best-scored examples one by one, skipping an example whose département is already
   represented while examples from other places remain (diversity of places);
3. keep at least one territorial catalyst when the subject has one;
4. ties go to the most recent, then to the title in alphabetical order.
"""

from dataclasses import dataclass, field

RECENT_YEARS = 10


@dataclass(frozen=True)
class Candidate:
    id: int
    title: str
    kind: str  # "alliance" or "catalyst"
    has_results: bool
    start_year: int | None
    profiles: frozenset[str] = field(default_factory=frozenset)
    place: str | None = None  # département code (or région/national) for diversity


@dataclass(frozen=True)
class Pick:
    candidate: Candidate
    score: float
    reasons: tuple[str, ...]


def score(candidate: Candidate, current_year: int) -> tuple[float, tuple[str, ...]]:
    points, reasons = 0.0, []
    if candidate.has_results:
        points += 3
        reasons.append("results")
    # "Lancée il y a moins de dix ans": in 2026, 2017 is, 2016 (ten years ago) is not.
    if candidate.start_year and candidate.start_year > current_year - RECENT_YEARS:
        points += 2
        reasons.append("recent")
    diversity = min(len(candidate.profiles), 4) * 0.5
    if len(candidate.profiles) >= 3:
        reasons.append("diverse")
    return points + diversity, tuple(reasons)


def select_examples(candidates: list[Candidate], current_year: int, limit: int = 6) -> list[Pick]:
    scored = [Pick(c, *score(c, current_year)) for c in candidates]
    scored.sort(key=lambda p: (-p.score, -(p.candidate.start_year or 0), p.candidate.title))
    chosen: list[Pick] = []
    places: set[str] = set()
    remaining = list(scored)
    while remaining and len(chosen) < limit:
        fresh = [
            p for p in remaining if p.candidate.place is None or p.candidate.place not in places
        ]
        pick = (fresh or remaining)[0]
        chosen.append(pick)
        remaining.remove(pick)
        if pick.candidate.place:
            places.add(pick.candidate.place)
    catalysts = [p for p in scored if p.candidate.kind == "catalyst"]
    if catalysts and not any(p.candidate.kind == "catalyst" for p in chosen):
        if len(chosen) == limit:
            chosen.pop()
        chosen.append(catalysts[0])
    return chosen
