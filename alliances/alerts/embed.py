"""Options of the embeddable widget and the snippet partners paste (no Django import).

The widget of a portal is a small HTML page meant for an <iframe> on another site. Its
options come from its query string and are validated here: a partner who mistypes one sees
what is wrong inside the frame, where they are looking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

LANGUAGES = ("fr", "en")
DEFAULT_LIMIT = 10
MAX_LIMIT = 50
_INT = re.compile(r"^[0-9]{1,4}$")


@dataclass(frozen=True)
class WidgetOptions:
    limit: int = DEFAULT_LIMIT
    lang: str = "fr"

    def querystring(self) -> str:
        return urlencode({"limit": self.limit, "lang": self.lang})

    @property
    def height(self) -> int:
        """A frame height (pixels) that shows the list without an inner scroll bar, roughly."""
        return min(120 + 72 * self.limit, 1600)


@dataclass(frozen=True)
class OptionError:
    """`code` is "limit" (not an integer in range) or "lang" (not a known language)."""

    code: str
    value: str


def _first(params: Mapping[str, Any], name: str) -> str | None:
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if callable(getlist) else params.get(name)
    if isinstance(values, list | tuple):
        values = values[0] if values else None
    if values is None:
        return None
    return "".join(c for c in str(values) if c.isprintable()).strip()


def parse_options(
    params: Mapping[str, Any], default_lang: str = "fr"
) -> tuple[WidgetOptions, list[OptionError]]:
    """The options asked for, defaults where a value is missing or wrong, and the errors."""
    errors: list[OptionError] = []
    limit = DEFAULT_LIMIT
    raw_limit = _first(params, "limit")
    if raw_limit:
        if _INT.match(raw_limit) and 1 <= int(raw_limit) <= MAX_LIMIT:
            limit = int(raw_limit)
        else:
            errors.append(OptionError("limit", raw_limit[:40]))
    lang = default_lang if default_lang in LANGUAGES else "fr"
    raw_lang = _first(params, "lang")
    if raw_lang:
        if raw_lang.lower() in LANGUAGES:
            lang = raw_lang.lower()
        else:
            errors.append(OptionError("lang", raw_lang[:40]))
    return WidgetOptions(limit=limit, lang=lang), errors


def iframe_snippet(widget_url: str, options: WidgetOptions, title: str) -> str:
    """The HTML a partner pastes; every value is escaped for an attribute.

    The sandbox lets the frame open its links in a new tab and nothing else (the widget has
    no script anyway): the partner's page keeps full control.
    """
    src = f"{widget_url}?{options.querystring()}"
    return (
        f'<iframe src="{escape(src, quote=True)}" title="{escape(title, quote=True)}" '
        f'width="100%" height="{options.height}" loading="lazy" '
        'sandbox="allow-popups allow-popups-to-escape-sandbox"></iframe>'
    )
