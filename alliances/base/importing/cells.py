"""Parse the text cells of an import (no Django import); each parser raises CellError with a
French message saying what is wrong with the value."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

LIST_SEPARATOR = "|"
_PARTNER = re.compile(r"^(?P<name>.+?)\s*\((?P<inside>[^()]*)\)\s*$")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f]")
# The structured form of a result, "Emplois créés: 12,5 ETP (2023)": a label, a colon, a
# number (French or English digits), a short unit (at most four words), a year in brackets.
# Anything else is a result written in words, and stays text.
_RESULT = re.compile(
    r"^(?P<label>[^:]{1,300}?)\s*:\s*"
    r"(?P<value>[-+]?(?:\d{1,3}(?:[ \u00a0\u202f.]\d{3})+|\d+)(?:[.,]\d+)?)"
    r"(?:\s*(?P<unit>[^\s\d():;,.!?|/][^():;,!?|]{0,59}?))?"
    r"\s*(?:\((?P<year>\d{4})\))?\s*$"
)
RESULT_UNIT_WORDS = 4
RESULT_MAX_VALUE = Decimal("1e14")  # what the stored value holds (16 digits, 2 decimals)
_SDG = re.compile(r"^(?P<goal>\d{1,2})(?:\.(?P<target>[0-9a-z]{1,2}))?$")


def gettext_noop(message: str) -> str:
    """Marks a message for the translation catalogue (makemessages finds this name) while
    keeping this module free of Django; the importer translates it when reporting."""
    return message


class CellError(ValueError):
    """A cell that cannot be read: a French message template and its values."""

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template % params if params else template)

    def translated(self, gettext: Callable[[str], str]) -> str:
        text = gettext(self.template)
        return text % self.params if self.params else text


def split_list(value: str) -> list[str]:
    return [v.strip() for v in (value or "").split(LIST_SEPARATOR) if v.strip()]


def parse_decimal(value: str) -> Decimal:
    """French or English numbers: "1 350,5", "1.350,5", "1350.5", "12,5"."""
    text = _SPACES.sub("", value or "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(gettext_noop("nombre invalide : « %(value)s »"), value=value) from None
    if not number.is_finite():
        raise CellError(gettext_noop("nombre invalide : « %(value)s »"), value=value)
    return number


def parse_date(value: str) -> date:
    """31/12/2024 (French order), also 31-12-2024 and 2024-12-31."""
    text = (value or "").strip()
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
        match = _ISO_DATE.match(text)
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass
    raise CellError(
        gettext_noop("date invalide : « %(value)s » (attendu : 31/12/2024)"), value=value
    )


def parse_year(value: str) -> int | None:
    """A year, or the year of a date ("31/12/2024"); empty gives None."""
    text = _SPACES.sub("", value or "")
    if not text:
        return None
    if re.fullmatch(r"\d{4}(?:[.,]0+)?", text):
        year = int(text[:4])
    else:
        year = parse_date(value).year
    if not 1800 <= year <= 2100:
        raise CellError(gettext_noop("année hors limites : « %(value)s »"), value=value)
    return year


@dataclass
class PartnerCell:
    name: str
    profile: str
    role: str
    identifier: str = ""


def parse_partner(value: str, default_role: str = "partner") -> PartnerCell:
    """ "Name (profile:role)" or "Name (profile:role:identifier)"; role may be left out."""
    match = _PARTNER.match(value.strip())
    if not match:
        raise CellError(
            gettext_noop(
                "partenaire mal écrit : « %(value)s » (attendu : Nom (profil:rôle), "
                "par exemple « Ville de Lyon (collectivite:funder) »)"
            ),
            value=value,
        )
    parts = [p.strip() for p in match["inside"].split(":")]
    if not parts[0] or len(parts) > 3:
        raise CellError(
            gettext_noop("partenaire mal écrit : « %(value)s » (profil manquant ou en trop)"),
            value=value,
        )
    role = parts[1] if len(parts) > 1 and parts[1] else default_role
    identifier = parts[2] if len(parts) > 2 else ""
    return PartnerCell(match["name"].strip(), parts[0].lower(), role.lower(), identifier)


def parse_sdg(value: str) -> tuple[int, str | None]:
    """ "17" (a goal) or "17.17" (a target): (goal number, target code or None)."""
    text = value.strip().lower()
    match = _SDG.match(text)
    if not match or not 1 <= int(match["goal"]) <= 17:
        raise CellError(
            gettext_noop("ODD inconnu : « %(value)s » (attendu : 17 ou 17.17)"), value=value
        )
    goal = int(match["goal"])
    return goal, f"{goal}.{match['target']}" if match["target"] else None


@dataclass
class ResultCell:
    label: str
    value: Decimal
    unit: str
    year: int | None


def read_result(value: str) -> ResultCell | None:
    """ "Emplois créés: 12,5 ETP (2023)" → label, value, unit, year; None when the text is
    not exactly in that form ("Bilan : 3 emplois et une belle dynamique" stays text)."""
    match = _RESULT.match(value.strip())
    if not match or not any(c.isalpha() for c in match["label"]):
        return None
    unit = (match["unit"] or "").strip()
    if len(unit.split()) > RESULT_UNIT_WORDS:
        return None
    value = parse_decimal(match["value"])
    if abs(value) >= RESULT_MAX_VALUE:
        return None
    year = int(match["year"]) if match["year"] else None
    return ResultCell(match["label"].strip(), value, unit, year)


def parse_result(value: str) -> ResultCell:
    """The structured form only: raises CellError for a result written otherwise."""
    result = read_result(value)
    if result is None:
        raise CellError(
            gettext_noop(
                "résultat mal écrit : « %(value)s » (attendu : libellé: valeur unité (année))"
            ),
            value=value,
        )
    return result


def parse_territory(value: str) -> tuple[str | None, str]:
    """ "commune:25056" → ("commune", "25056"); a code alone → (None, code)."""
    text = value.strip()
    if ":" in text:
        level, code = (p.strip() for p in text.split(":", 1))
        return level.lower(), code.upper()
    return None, text.upper()
