"""Addresses of the territory pages, for the pages and the API alike."""

from functools import lru_cache

from django.urls import reverse


@lru_cache(maxsize=1)
def _prefix() -> str:
    return reverse("territories:index")


def territory_url(level: str, code: str) -> str:
    """The page of a territory, without a `reverse()` per row (lists have hundreds)."""
    return f"{_prefix()}{level}/{code}/"
