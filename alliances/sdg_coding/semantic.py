"""Optional similarity between an alliance and the official target texts (no Django import).

The suggester works with its lexicon alone. When sentence embeddings are available (issue 16
ships a multilingual model inside a pip package), a `SemanticScorer` adds, for each target,
the cosine similarity between the alliance's text and the official text of the target,
turned into a contribution between 0 and `weight` by a linear ramp from `floor` to `ceiling`
(multilingual-e5 models give unrelated French texts cosines around 0.75-0.80, close
paraphrases above 0.88: calibrate both with `bench/sdg_suggester.py --embedder`).

Anything with an `embed(texts) -> vectors` method is an embedder; it is never imported here.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into vectors of one dimension (normalised or not)."""

    def embed(self, texts: Sequence[str]) -> Sequence[Sequence[float]]: ...


def _normalised(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine of two normalised vectors."""
    return sum(x * y for x, y in zip(a, b, strict=True))


@dataclass
class SemanticScorer:
    embedder: Embedder
    target_texts: Mapping[str, str]  # code -> official text (in the alliances' language)
    floor: float = 0.80
    ceiling: float = 0.90
    weight: float = 0.6
    name: str = "embeddings"  # recorded with each suggestion, part of the cache digest
    _targets: dict[str, list[float]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        if not 0 <= self.floor < self.ceiling <= 1:
            raise ValueError("floor < ceiling, both between 0 and 1")
        if not 0 < self.weight <= 1:
            raise ValueError("weight between 0 (excluded) and 1")

    @property
    def signature(self) -> str:
        return f"{self.name}:{self.floor}:{self.ceiling}:{self.weight}"

    def _target_vectors(self) -> dict[str, list[float]]:
        if not self._targets:
            codes = sorted(self.target_texts)
            vectors = self.embedder.embed([self.target_texts[c] for c in codes])
            self._targets = {c: _normalised(v) for c, v in zip(codes, vectors, strict=True)}
        return self._targets

    def similarities(self, text: str) -> dict[str, float]:
        """Cosine between the text and each target's official text."""
        if not text.strip():
            return {}
        vector = _normalised(self.embedder.embed([text])[0])
        return {code: cosine(vector, target) for code, target in self._target_vectors().items()}

    def contribution(self, similarity: float) -> float:
        """0 below the floor, `weight` at or above the ceiling, linear in between."""
        ramp = (similarity - self.floor) / (self.ceiling - self.floor)
        return self.weight * min(1.0, max(0.0, ramp))
