"""Text normalisation shared by lookups and search (no Django import)."""

import re
import unicodedata

# Abbreviations French users type for place names ("st etienne", "ste foy").
_ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_SEPARATORS = re.compile(r"[\s\-'’‘`´_.,/()]+")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_name(text: str) -> str:
    """Fold a name for matching: no accents, no case, hyphens and apostrophes as spaces.

    >>> normalize_name("Saint-Étienne")
    'saint etienne'
    >>> normalize_name("st  etienne")
    'saint etienne'
    """
    folded = strip_accents(text).casefold().replace("œ", "oe").replace("æ", "ae")
    words = [w for w in _SEPARATORS.split(folded) if w]
    return " ".join(_ABBREVIATIONS.get(w, w) for w in words)
