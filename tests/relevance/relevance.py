"""The relevance set of the search (relevance_set.yaml) and how it is measured: hit@k (a
judged answer among the first k shown) and reciprocal rank, per category.

Shared by bench/search_relevance.py (which writes bench/RESULTS.md) and test_relevance.py
(a floor against regressions). Runs the searches in-process through the same service as the
page and the API; what is ranked is what the page shows in order: results, then covering
alliances, then nearby ones.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import yaml

SET = Path(__file__).with_name("relevance_set.yaml")
DEFAULT_K = 5


@dataclass(frozen=True)
class Case:
    q: str
    category: str
    expect: tuple[str, ...]
    k: int = DEFAULT_K
    target: str = "alliances"


@dataclass
class Outcome:
    case: Case
    ranked: list[str]

    @property
    def rank(self) -> int | None:
        """The position (from 1) of the first judged answer, or None."""
        wanted = set(self.case.expect)
        return next((i for i, slug in enumerate(self.ranked, 1) if slug in wanted), None)

    @property
    def hit(self) -> bool:
        return self.rank is not None and self.rank <= self.case.k


def load_cases(path: Path = SET) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Case(
            q=str(c["q"]),
            category=c["category"],
            expect=tuple(c["expect"]),
            k=int(c.get("k", DEFAULT_K)),
            target=c.get("target", "alliances"),
        )
        for c in data["cases"]
    ]


def ranked_alliances(q: str) -> list[str]:
    from django.contrib.auth.models import AnonymousUser

    from alliances.base.search.service import search_request

    result = search_request({"q": [q], "page_size": ["20"]}, AnonymousUser())
    hits = result.alliances + result.covering + result.nearby
    return [hit.slug for hit in hits]


def ranked_resources(q: str) -> list[str]:
    from alliances.library import search

    query, known = search.parse({"q": [q]})
    return [resource.slug for resource in search.run(query, known).items]


def run(cases: list[Case]) -> list[Outcome]:
    return [
        Outcome(c, ranked_resources(c.q) if c.target == "resources" else ranked_alliances(c.q))
        for c in cases
    ]


def metrics(outcomes: list[Outcome]) -> dict[str, dict[str, float]]:
    """{category (and "all"): {"cases", "hit", "mrr"}} — hit@k as a share, MRR over the
    ranked list as shown (first judged answer's 1/rank, 0 when absent)."""
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome.case.category].append(outcome)
        groups["all"].append(outcome)
    return {
        name: {
            "cases": len(items),
            "hit": sum(o.hit for o in items) / len(items),
            "mrr": sum(1 / o.rank if o.rank else 0.0 for o in items) / len(items),
        }
        for name, items in sorted(groups.items())
    }
