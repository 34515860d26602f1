"""Precision, recall and F1 of suggested codes against hand-coded ones (no Django import)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from .rules import goal_of
from .suggester import AllianceText


@dataclass(frozen=True)
class Scores:
    true_positives: int
    suggested: int
    expected: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.suggested if self.suggested else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.expected if self.expected else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _score(predicted: Mapping[str, set], expected: Mapping[str, set]) -> Scores:
    tp = sum(len(predicted.get(k, set()) & codes) for k, codes in expected.items())
    return Scores(
        true_positives=tp,
        suggested=sum(len(predicted.get(k, set())) for k in expected),
        expected=sum(len(codes) for codes in expected.values()),
    )


def _goals(codes: Mapping[str, set[str]]) -> dict[str, set[int]]:
    return {k: {goal_of(c) for c in v} for k, v in codes.items()}


@dataclass(frozen=True)
class Evaluation:
    targets: Scores
    goals: Scores
    per_goal: dict[int, Scores]
    examples: int


def evaluate(predicted: Mapping[str, set[str]], expected: Mapping[str, set[str]]) -> Evaluation:
    """Micro-averaged scores over the examples of `expected` (a missing prediction is none),
    at target level, at goal level, and for each goal (as a yes/no decision per example)."""
    predicted_goals, expected_goals = _goals(predicted), _goals(expected)
    numbers = sorted(set().union(*expected_goals.values(), *predicted_goals.values()))
    per_goal = {
        n: _score(
            {k: {n} & v for k, v in predicted_goals.items()},
            {k: {n} & v for k, v in expected_goals.items()},
        )
        for n in numbers
    }
    return Evaluation(
        targets=_score(predicted, expected),
        goals=_score(predicted_goals, expected_goals),
        per_goal=per_goal,
        examples=len(expected),
    )


# -- the hand-coded set and the shipped examples it codes ---------------------------------------
ROOT = Path(__file__).resolve().parents[2]
LABELLED_SET = ROOT / "tests" / "sdg" / "labelled_alliances.yaml"
SHIPPED_EXAMPLES = ROOT / "alliances" / "data" / "alliances" / "alliances_reelles.jsonl"
DOMAIN_LABELS = ROOT / "alliances" / "data" / "referentials" / "labels.yaml"


@dataclass(frozen=True)
class Labelled:
    id: str
    targets: dict[str, str]  # code -> one-line reason


def read_labelled(path: Path = LABELLED_SET) -> list[Labelled]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return [
        Labelled(str(e["id"]), {str(k): str(v) for k, v in (e["targets"] or {}).items()})
        for e in entries
    ]


def shipped_texts(
    examples: Path = SHIPPED_EXAMPLES, labels: Path = DOMAIN_LABELS
) -> dict[str, AllianceText]:
    """The shipped examples as the loader stores them (title, summary, results text, domain
    labels in both languages), read from the files: what the suggester reads of them."""
    terms = yaml.safe_load(labels.read_text(encoding="utf-8"))["domains"]["terms"]
    out = {}
    for line in examples.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        keys = row.get("domains") or []
        out[row["id"]] = AllianceText(
            title=row["name"],
            summary=row.get("summary") or "",
            results=row.get("results") or "",
            domains={
                "fr": tuple(terms[k]["label_fr"] for k in keys),
                "en": tuple(terms[k]["label_en"] for k in keys if terms[k].get("label_en")),
            },
        )
    return out
