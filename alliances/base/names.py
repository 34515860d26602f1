"""Matching keys of organisation names (no Django import).

The same organisation is named differently from one example to the next ("Les Restos du
Cœur" / "Restos du Cœur", "SUEZ" / "Suez", "État (expérimentation TZCLD)" / "État"). The key
folds case, accents and punctuation, drops comments in parentheses and a leading article; it
strips nothing else, because "Banque alimentaire" and "Banque alimentaire du Bas-Rhin" are two
organisations. What folding cannot see (an acronym, a group name) is listed in the shipped
alias file, reviewed by a person.
"""

import re
from functools import lru_cache

from alliances.common.text import normalize_name

_PARENTHESES = re.compile(r"\([^)]*\)")
_ARTICLES = {"le", "la", "les", "l"}


@lru_cache(maxsize=200_000)  # imports name the same organisations over and over
def organisation_key(name: str) -> str:
    """>>> organisation_key("Les Restos du Cœur (réseau)")
    'restos du coeur'
    """
    words = normalize_name(_PARENTHESES.sub(" ", name)).split()
    if len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    return " ".join(words) or normalize_name(name)


def preferred_name(variants: list[str]) -> str:
    """The name to show for several spellings of one organisation: the most frequent one
    without a comment in parentheses, then the most frequent, then the shortest."""
    counts: dict[str, int] = {}
    for name in variants:
        counts[name] = counts.get(name, 0) + 1
    return min(counts, key=lambda n: ("(" in n, -counts[n], len(n), n))
