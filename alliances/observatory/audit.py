"""What the observatory must never show (no Django import): a figure without a source, the
same measurement twice, a subgroup's interval computed with the whole sample's n.

The data tests run these checks on the shipped figures; curators can run them on theirs.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class FigureFacts:
    """What the checks need to know of one published figure."""

    key: str
    indicator: str
    population: str
    scope: tuple[str, ...]  # territory codes the figure covers
    year: int
    value: float
    sources: tuple[str, ...]
    n: int | None = None
    subgroup: bool = False  # the population is a part of a broader surveyed population
    sample_total: int | None = None


def figure_faults(figures: Iterable[FigureFacts]) -> list[str]:
    """Every fault, in French, naming the figure."""
    faults = []
    seen: dict[tuple, str] = {}
    for figure in figures:
        if not any(figure.sources):
            faults.append(f"{figure.key} : chiffre sans source")
        measure = (
            figure.indicator,
            figure.population,
            tuple(sorted(figure.scope)),
            figure.year,
            figure.value,
        )
        if measure in seen:
            faults.append(f"{figure.key} : même mesure que {seen[measure]} (chiffre en double)")
        seen.setdefault(measure, figure.key)
        if figure.subgroup and figure.n is not None:
            if figure.sample_total is None or figure.n >= figure.sample_total:
                faults.append(
                    f"{figure.key} : intervalle d'un sous-groupe sans l'effectif du sous-groupe"
                )
    return faults
