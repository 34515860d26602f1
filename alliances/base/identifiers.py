"""Identifiers of French organisations: SIREN, SIRET and RNA numbers (no Django import).

SIREN (9 digits) and SIRET (14 digits: SIREN + 5-digit establishment number) carry a Luhn
check digit. La Poste is the one known exception: its establishments share SIREN 356000000 and
their SIRET numbers are checked by "sum of the digits is a multiple of 5" instead of Luhn.
An RNA number (répertoire national des associations) is "W" followed by 9 characters: the
code of the registering office (3 characters; "2A"/"2B" for Corsica) and 6 digits.
"""

import re

LA_POSTE_SIREN = "356000000"
_SPACES = re.compile(r"[\s.\-]+")
_RNA = re.compile(r"^W(?:\d{3}|2[AB]\d)\d{6}$")


def clean_digits(value: str) -> str:
    """Drop the spaces, dots and hyphens people type inside identifiers ("123 456 789")."""
    return _SPACES.sub("", value or "")


def luhn_valid(digits: str) -> bool:
    """True when a string of digits passes the Luhn check (rightmost digit is the check)."""
    if not digits.isdigit():
        return False
    total = 0
    for index, char in enumerate(reversed(digits)):
        number = int(char)
        if index % 2 == 1:
            number *= 2
            if number > 9:
                number -= 9
        total += number
    return total % 10 == 0


def is_valid_siren(value: str) -> bool:
    digits = clean_digits(value)
    return len(digits) == 9 and digits.isdigit() and luhn_valid(digits)


def is_valid_siret(value: str) -> bool:
    digits = clean_digits(value)
    if len(digits) != 14 or not digits.isdigit():
        return False
    if digits.startswith(LA_POSTE_SIREN):
        # La Poste's establishments: the Luhn rule does not hold, the digit sum does.
        return luhn_valid(digits) or sum(int(c) for c in digits) % 5 == 0
    return luhn_valid(digits)


def normalize_rna(value: str) -> str:
    return clean_digits(value).upper()


def is_valid_rna(value: str) -> bool:
    return bool(_RNA.match(normalize_rna(value)))


def siren_of_siret(value: str) -> str:
    return clean_digits(value)[:9]
