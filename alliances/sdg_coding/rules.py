"""The SDG codes every alliance carries by definition (plain Python, no Django import).

Every example of the base is a partnership between organisations of different kinds (public,
private, civil society) working together for the common good: a multi-stakeholder partnership.
That is what SDG target 17.17 asks to encourage ("Encourager et promouvoir les partenariats
publics, les partenariats public-privé et les partenariats avec la société civile"). So goal 17
and target 17.17 apply to every alliance by a documented rule (docs/sdg.md), never stored as a
verified code, never suggested, and always shown as "par définition".
"""

BY_DEFINITION_GOAL = 17
BY_DEFINITION_TARGET = "17.17"
BY_DEFINITION_TARGETS = (BY_DEFINITION_TARGET,)


def goal_of(code: str) -> int:
    """The goal number of a target code ("8.5" -> 8, "4.a" -> 4)."""
    return int(code.split(".", 1)[0])


def target_sort_key(code: str) -> tuple[int, int, str]:
    """Official order: by goal, numeric targets first in numeric order, then lettered ones."""
    goal, _dot, rest = code.partition(".")
    return (int(goal), int(rest) if rest.isdigit() else 100, rest)
