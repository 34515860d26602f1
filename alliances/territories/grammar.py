"""Articles and elision before place names: "de l'Occitanie", "du Nord", "des
Hauts-de-France", "de La Réunion", "d'Auch", "au Havre", "en Occitanie", "dans le Gers".

The article of each région and département is data (alliances/data/territories/articles.csv);
communes and EPCI carry theirs in their name ("Le Havre", "Les Sables-d'Olonne"). The rules
are pure functions of (name, article, locative) and are tested without a database. English
needs no article: "of Occitanie", "in Occitanie".
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ARTICLES_FILE = Path(__file__).resolve().parents[1] / "data" / "territories" / "articles.csv"
VOWELS = set("aeiouyàâäéèêëîïôöùûüÿœæ")
# Articles a name may start with ("Le Havre", "La Réunion", "L'Haÿ-les-Roses").
_LEADING = (("Les ", "les"), ("Le ", "le"), ("La ", "la"), ("L'", "l'"), ("L’", "l'"))
# EPCI are named after their legal form: "de la Communauté de communes...", "de la CC...".
_FEMININE_EPCI = ("Communauté", "Métropole", "Eurométropole", "CC ", "CA ", "CU ")


@dataclass(frozen=True)
class PlaceGrammar:
    article: str  # "le", "la", "les", "l'" or "" (none, or already in the name)
    locative: str  # "en", "dans" or "à"


def starts_with_vowel(word: str) -> bool:
    return bool(word) and word[0].lower() in VOWELS


def _split_leading_article(name: str) -> tuple[str, str]:
    """("le", "Havre") for "Le Havre"; ("", name) when the name has no article."""
    for prefix, article in _LEADING:
        if name.startswith(prefix) and len(name) > len(prefix):
            return article, name[len(prefix) :]
    return "", name


def _with_article(article: str, name: str) -> str:
    """The name with its article: "l'Occitanie", "le Nord", "les Landes"."""
    if article == "l'":
        return f"l'{name}"
    return f"{article} {name}" if article else name


def of_place_fr(name: str, grammar: PlaceGrammar | None = None) -> str:
    """ "de l'Occitanie", "du Nord", "des Hauts-de-France", "de La Réunion", "d'Auch"."""
    article = grammar.article if grammar else ""
    if not article:
        own, rest = _split_leading_article(name)
        if own == "le":
            return f"du {rest}"
        if own == "les":
            return f"des {rest}"
        if own:  # "La Rochelle", "L'Haÿ-les-Roses", "La Réunion": part of the name
            return f"de {name}"
        return f"d'{name}" if starts_with_vowel(name) else f"de {name}"
    if article == "le":
        return f"du {name}"
    if article == "les":
        return f"des {name}"
    return f"de {_with_article(article, name)}"


def in_place_fr(name: str, grammar: PlaceGrammar | None = None) -> str:
    """ "en Occitanie", "dans le Gers", "dans l'Aveyron", "à Rodez", "au Havre", "à La Réunion"."""
    if grammar is None or grammar.locative == "à":
        article = grammar.article if grammar else ""
        own, rest = _split_leading_article(name) if not article else (article, name)
        if own == "le":
            return f"au {rest}"
        if own == "les":
            return f"aux {rest}"
        if own and article:  # "à la Martinique"-style articles given by the data
            return f"à {_with_article(article, name)}"
        return f"à {name}"
    if grammar.locative == "en":
        return f"en {name}"
    return f"dans {_with_article(grammar.article, name)}"


@lru_cache(maxsize=1)
def _table() -> dict[tuple[str, str], PlaceGrammar]:
    with ARTICLES_FILE.open(encoding="utf-8", newline="") as handle:
        return {
            (row["level"], row["code"]): PlaceGrammar(row["article"].strip(), row["locative"])
            for row in csv.DictReader(handle)
        }


def grammar_of(level: str, code: str, name: str = "") -> PlaceGrammar | None:
    """The data's article for a région, département or the country; for an EPCI named after
    its legal form, "la"; None otherwise (the name's own article applies)."""
    found = _table().get((level, code))
    if found is not None:
        return found
    if level == "epci" and name.startswith(_FEMININE_EPCI):
        return PlaceGrammar("la", "dans")
    return None


def of_place(level: str, code: str, name: str, language: str = "fr") -> str:
    if language != "fr":
        return f"of {name}"
    return of_place_fr(name, grammar_of(level, code, name))


def in_place(level: str, code: str, name: str, language: str = "fr") -> str:
    if language != "fr":
        return f"in {name}"
    return in_place_fr(name, grammar_of(level, code, name))
