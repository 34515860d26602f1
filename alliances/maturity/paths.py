"""Learning paths: which library resources to read next, and why (no Django import).

The rule, kept with the referential data (each axis's `learning`: kinds, domains, named
resources):
1. take the axes from the weakest score up, skipping axes already at the top level;
2. for each, aim at the NEXT level (axis level + 1);
3. candidates are published resources aimed at that level, for the respondent's profile
   (a resource with no audience is for everyone), that the axis names explicitly or whose
   M.E.D.O.C. kind the axis draws on (and, when the axis lists domains, share one);
4. named resources come first in the order the axis lists them, then by kind order, then title;
   a resource already recommended for a weaker axis is not repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .engine import LearningRule, Referential, Result


@dataclass(frozen=True)
class ResourceInfo:
    """What the path needs to know of a library resource."""

    slug: str
    title: str
    kind: str
    levels: frozenset[int]
    audience: frozenset[str]
    domains: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Step:
    """One recommended resource, with the facts that explain the choice."""

    slug: str
    axis: str
    axis_level: int
    target_level: int
    named: bool  # named by the axis, rather than matched by kind


def learning_path(
    referential: Referential,
    result: Result,
    profile: str | None,
    resources: Iterable[ResourceInfo],
    *,
    max_axes: int = 3,
    per_axis: int = 3,
) -> list[Step]:
    """The ordered list of recommended resources (weakest axis first)."""
    pool = list(resources)
    scored = [a for a in result.axes if a.score is not None and a.level is not None]
    # Stable: ties keep the referential's axis order.
    scored.sort(key=lambda a: a.score)  # type: ignore[arg-type, return-value]
    steps: list[Step] = []
    used: set[str] = set()
    axes_done = 0
    for axis_result in scored:
        if axes_done >= max_axes:
            break
        if axis_result.level >= 4:  # type: ignore[operator]
            continue
        axis = referential.axis(axis_result.axis)
        target = axis_result.level + 1  # type: ignore[operator]
        chosen = _candidates(axis.learning, target, profile, pool, used)[:per_axis]
        for resource, named in chosen:
            used.add(resource.slug)
            steps.append(Step(resource.slug, axis.key, axis_result.level, target, named))  # type: ignore[arg-type]
        axes_done += 1
    return steps


def _candidates(
    rule: LearningRule,
    target: int,
    profile: str | None,
    pool: Sequence[ResourceInfo],
    used: set[str],
) -> list[tuple[ResourceInfo, bool]]:
    named_order = {slug: index for index, slug in enumerate(rule.resources)}
    kinds = list(rule.kinds)
    domains = set(rule.domains)
    found: list[tuple[tuple, ResourceInfo, bool]] = []
    for resource in pool:
        if resource.slug in used or target not in resource.levels:
            continue
        if profile and resource.audience and profile not in resource.audience:
            continue
        if resource.slug in named_order:
            found.append(((0, named_order[resource.slug], ""), resource, True))
        elif resource.kind in kinds and (not domains or resource.domains & domains):
            found.append(((1, kinds.index(resource.kind), resource.title), resource, False))
    found.sort(key=lambda item: item[0])
    return [(resource, named) for _, resource, named in found]
