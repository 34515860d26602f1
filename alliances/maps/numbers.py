"""Numbers as French (or English) readers write them, without depending on Django's locale."""

import math

NNBSP = "\u202f"  # narrow no-break space: French thousands separator and before "%"
NBSP = "\u00a0"


def check_locale(locale: str) -> str:
    if locale not in ("fr", "en"):
        raise ValueError(f"Langue non prise en charge : « {locale} » (attendu : fr ou en).")
    return locale


def format_number(value: float, decimals: int = 1, locale: str = "fr") -> str:
    """12345.6 -> "12 345,6" in French, "12,345.6" in English; "-0" never appears."""
    check_locale(locale)
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:
        negative = False
    else:
        negative = value < 0
    if locale == "fr":
        text = text.replace(",", NNBSP).replace(".", ",")
    return ("-" if negative else "") + text


def format_value(value: float | None, unit: str = "", decimals: int = 1, locale: str = "fr") -> str:
    """A value with its unit ("12,5 %", "12.5%", "3 alliances"); "" for a missing value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    number = format_number(value, decimals, locale)
    if not unit:
        return number
    if unit == "%" and locale == "en":
        return number + unit
    return number + (NNBSP if unit == "%" else NBSP) + unit


def decimals_for(values: list[float]) -> int:
    """0 decimals when every value is whole, else 1: enough for survey percentages."""
    return 0 if all(float(v).is_integer() for v in values) else 1
