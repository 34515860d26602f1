"""Content stored in both languages: pick the field of the active language."""

from django.utils.translation import get_language


def current_language() -> str:
    return (get_language() or "fr")[:2]


def localized(obj: object, field: str) -> str:
    """`obj.<field>_en` when English is active and filled, else `obj.<field>_fr`."""
    if current_language() == "en":
        value = getattr(obj, f"{field}_en", "")
        if value:
            return value
    return getattr(obj, f"{field}_fr")
