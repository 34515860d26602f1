"""Rules of the SDG coding (plain Python, no Django import).

The codes every alliance carries by definition (goal 17, target 17.17) are kept with the SDG
reference data (`alliances.sdg.rules`), where the search reads them too.
"""

from alliances.sdg.rules import BY_DEFINITION_GOAL, BY_DEFINITION_TARGET, BY_DEFINITION_TARGETS

__all__ = [
    "BY_DEFINITION_GOAL",
    "BY_DEFINITION_TARGET",
    "BY_DEFINITION_TARGETS",
    "goal_of",
    "target_sort_key",
]


def goal_of(code: str) -> int:
    """The goal number of a target code ("8.5" -> 8, "4.a" -> 4)."""
    return int(code.split(".", 1)[0])


def target_sort_key(code: str) -> tuple[int, int, str]:
    """Official order: by goal, numeric targets first in numeric order, then lettered ones."""
    goal, _dot, rest = code.partition(".")
    return (int(goal), int(rest) if rest.isdigit() else 100, rest)
