"""The search query object of the base of alliances (no Django import).

One query (text + filters + sort + page) serves the HTML list, the API, the exports and, later,
the sheets and saved searches. It is parsed from a mapping of parameters (request.GET or the
API's query parameters) and turned back into a query string, so the URL is the whole state.

Parsing never fails: malformed values are dropped with a notice the page shows; whether a
well-formed value names a known term or territory is checked by the executor, which adds its
own notices.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .analysis import MAX_TERMS, Term, query_terms, raw_words

SORTS = ("relevance", "date", "title")
KINDS = ("alliance", "catalyst")
LIGHTS = ("green", "amber", "red")
TERRITORY_LEVELS = ("pays", "region", "departement", "epci", "commune")
# Parameters that take several values (repeat the parameter: ?domain=a&domain=b).
MULTI = (
    "kind",
    "profile",
    "type",
    "domain",
    "sdg",
    "territory",
    "stage",
    "organisation",
    "light",
)
FILTERS = (*MULTI, "year_min", "year_max")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_VALUES = 20
MAX_QUERY_LENGTH = 1000
MIN_YEAR, MAX_YEAR = 1800, 2100

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
_SDG = re.compile(r"^(?:[1-9]|1[0-7])(?:\.(?:[0-9]{1,2}|[a-z]))?$")
_CODE = re.compile(r"^[0-9A-Za-z]{1,12}$")


@dataclass(frozen=True)
class Notice:
    """Something of the request that was ignored: `code` says why, for a translated message."""

    code: str  # "invalid" (malformed value), "unknown" (no such term), "swapped", "too_many"...
    param: str
    value: str = ""


@dataclass(frozen=True)
class SearchQuery:
    q: str = ""
    kind: tuple[str, ...] = ()
    profile: tuple[str, ...] = ()
    type: tuple[str, ...] = ()
    domain: tuple[str, ...] = ()
    sdg: tuple[str, ...] = ()
    territory: tuple[str, ...] = ()
    stage: tuple[str, ...] = ()
    organisation: tuple[str, ...] = ()
    light: tuple[str, ...] = ()
    year_min: int | None = None
    year_max: int | None = None
    sort: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # Curators only (the executor's caller checks the user): also show drafts and reviews.
    drafts: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)

    # -- what the executor needs -------------------------------------------------------
    @property
    def terms(self) -> list[Term]:
        """The full-text terms (folded, stemmed, last one a prefix)."""
        return query_terms(self.words)

    @property
    def effective_sort(self) -> str:
        """Relevance only means something with text; without text the newest come first."""
        if self.sort in SORTS and (self.sort != "relevance" or self.terms):
            return self.sort
        return "relevance" if self.terms else "date"

    def active_filters(self) -> list[str]:
        """The filter parameters that restrict the results (text counts as "q")."""
        active = [name for name in MULTI if getattr(self, name)]
        if self.year_min is not None or self.year_max is not None:
            active.append("years")
        if self.terms:
            active.insert(0, "q")
        return active

    # -- building other queries (facet links, suggestions, pages) -----------------------
    def without(self, name: str, value: str | None = None) -> SearchQuery:
        """This query without a filter (or one of its values); back to page 1."""
        if name == "q":
            return replace(self, q="", words=(), page=1)
        if name == "years":
            return replace(self, year_min=None, year_max=None, page=1)
        if name in ("year_min", "year_max"):
            return replace(self, **{name: None}, page=1)
        current = getattr(self, name)
        kept = () if value is None else tuple(v for v in current if v != value)
        return replace(self, **{name: kept}, page=1)

    def with_value(self, name: str, value: str) -> SearchQuery:
        current = getattr(self, name)
        if value in current:
            return replace(self, page=1)
        return replace(self, **{name: (*current, value)}, page=1)

    def toggled(self, name: str, value: str) -> SearchQuery:
        if value in getattr(self, name):
            return self.without(name, value)
        return self.with_value(name, value)

    def with_page(self, page: int) -> SearchQuery:
        return replace(self, page=page)

    def with_sort(self, sort: str) -> SearchQuery:
        return replace(self, sort=sort, page=1)

    def params(self) -> list[tuple[str, str]]:
        """The query as (name, value) pairs, defaults left out, in a stable order."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in MULTI:
            pairs += [(name, v) for v in getattr(self, name)]
        if self.year_min is not None:
            pairs.append(("year_min", str(self.year_min)))
        if self.year_max is not None:
            pairs.append(("year_max", str(self.year_max)))
        if self.sort:
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(self.page_size)))
        if self.drafts:
            pairs.append(("drafts", "1"))
        return pairs

    def to_querystring(self) -> str:
        return urlencode(self.params())


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    """All values of a parameter, from a QueryDict, a dict of lists or a dict of strings."""
    getlist = getattr(params, "getlist", None)
    if callable(getlist):
        raw = getlist(name)
    else:
        raw = params.get(name, [])
        if raw is None:
            raw = []
        elif isinstance(raw, str | int):
            raw = [raw]
    return [str(v) for v in raw if v is not None]


def _clean(value: str) -> str:
    return "".join(c for c in value if c.isprintable()).strip()


_INT = re.compile(r"^-?[0-9]{1,9}$")  # ASCII digits only ("²".isdigit() is True)


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if _INT.match(value) else None


def _normalise(name: str, value: str) -> str | None:
    """The canonical form of one filter value, or None when it is malformed."""
    value = _clean(value)
    if name == "kind":
        return value if value in KINDS else None
    if name == "light":
        value = value.lower()
        return value if value in LIGHTS else None
    if name in ("profile", "type", "domain", "stage"):
        value = value.lower()
        return value if _KEY.match(value) else None
    if name == "sdg":
        value = value.lower().removeprefix("odd").removeprefix("sdg").strip()
        return value if _SDG.match(value) else None
    if name == "territory":
        level, sep, code = value.partition(":")
        if not sep:
            level, code = "", value
        level = level.strip().lower()
        code = code.strip()
        if level and level not in TERRITORY_LEVELS:
            return None
        if not _CODE.match(code):
            return None
        if level == "pays":
            code = code.upper()
        return f"{level}:{code}" if level else code
    if name == "organisation":
        number = _int(value)
        return str(number) if number is not None and number > 0 else None
    return None


def parse_query(params: Mapping[str, Any]) -> tuple[SearchQuery, list[Notice]]:
    """Parse request parameters into a query; never raises.

    Returns the normalised query and the notices for what was ignored.
    """
    notices: list[Notice] = []
    text = " ".join(_clean(v) for v in _values(params, "q"))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(Notice("too_long", "q"))
    words = tuple(raw_words(text))
    if len(query_terms(words)) >= MAX_TERMS and len(words) > MAX_TERMS:
        notices.append(Notice("too_many_words", "q", str(MAX_TERMS)))
    values: dict[str, Any] = {"q": text, "words": words}
    for name in MULTI:
        kept: list[str] = []
        for raw in _values(params, name):
            if not raw.strip():
                continue  # an empty select of the form means "any"
            normal = _normalise(name, raw)
            if normal is None:
                notices.append(Notice("invalid", name, _clean(raw)[:80]))
            elif normal not in kept:
                if len(kept) >= MAX_VALUES:
                    notices.append(Notice("too_many_values", name, str(MAX_VALUES)))
                    break
                kept.append(normal)
        values[name] = tuple(kept)
    for name in ("year_min", "year_max"):
        raws = [v for v in _values(params, name) if v.strip()]
        if not raws:
            continue
        year = _int(raws[0])
        if year is None or not MIN_YEAR <= year <= MAX_YEAR:
            notices.append(Notice("invalid", name, _clean(raws[0])[:80]))
            continue
        values[name] = year
    if (
        values.get("year_min") is not None
        and values.get("year_max") is not None
        and values["year_min"] > values["year_max"]
    ):
        values["year_min"], values["year_max"] = values["year_max"], values["year_min"]
        notices.append(Notice("swapped", "years"))
    sorts = [v.strip().lower() for v in _values(params, "sort") if v.strip()]
    if sorts:
        if sorts[0] in SORTS:
            values["sort"] = sorts[0]
        else:
            notices.append(Notice("invalid", "sort", _clean(sorts[0])[:80]))
    pages = [v for v in _values(params, "page") if v.strip()]
    if pages:
        page = _int(pages[0])
        if page is None or page < 1:
            notices.append(Notice("invalid", "page", _clean(pages[0])[:80]))
        else:
            values["page"] = page
    sizes = [v for v in _values(params, "page_size") if v.strip()]
    if sizes:
        size = _int(sizes[0])
        if size is None or size < 1:
            notices.append(Notice("invalid", "page_size", _clean(sizes[0])[:80]))
        else:
            values["page_size"] = min(size, MAX_PAGE_SIZE)
    drafts = [v.strip().lower() for v in _values(params, "drafts")]
    values["drafts"] = bool(drafts) and drafts[0] in ("1", "true", "on", "yes", "oui")
    return SearchQuery(**values), notices


def query_from_pairs(pairs: Iterable[tuple[str, str]]) -> SearchQuery:
    """Rebuild a query from (name, value) pairs (e.g. a saved search)."""
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return parse_query(data)[0]
