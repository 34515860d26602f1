"""The search query object of the base of alliances.

One query (text + filters + sort + page) serves the HTML list, the API, the exports and
saved searches. It is parsed from a mapping of parameters (request.GET or the API's
query parameters) and turned back into a query string, so the URL is the whole state. Which
filters exist, and how each value is read, is the table of `filters.table()`: this module knows
none of them by name, and `query.<param>` reads any filter's values.

Parsing never fails: malformed values are dropped with a notice the page shows; whether a
well-formed value names a known term or territory is checked when the query is compiled,
which adds its own notices.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .analysis import MAX_TERMS, Term, query_terms, raw_words
from .filters import MAX_VALUES, Notice, as_int, clean, table

SORTS = ("relevance", "date", "title")
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_QUERY_LENGTH = 1000
TRUE_WORDS = ("1", "true", "on", "yes", "oui")

__all__ = [
    "DEFAULT_PAGE_SIZE",
    "MAX_PAGE_SIZE",
    "MAX_VALUES",
    "Notice",
    "SORTS",
    "SearchQuery",
    "parse_query",
]


@dataclass(frozen=True)
class SearchQuery:
    """Text, filter values, sort and page. `selected` holds the values of every filter
    parameter in use, in the table's order; `query.<param>` reads them (a tuple of values,
    or a number for the years)."""

    q: str = ""
    selected: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: str = ""
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    # Curators only (the executor's caller checks the user): also show drafts and reviews.
    drafts: bool = False
    # The words as typed: no place read in them, no typo corrected (docs/base-search.md).
    exact: bool = False
    words: tuple[str, ...] = field(default=(), compare=False)

    def __getattr__(self, name: str) -> Any:
        search_filter = table().by_param.get(name) if not name.startswith("_") else None
        if search_filter is None:
            raise AttributeError(name)
        return search_filter.read(name, self.values(name))

    def values(self, param: str) -> tuple[str, ...]:
        for name, values in self.selected:
            if name == param:
                return values
        return ()

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
        """The filters that restrict the results ("q" for the text), in the table's order."""
        active = ["q"] if self.terms else []
        return active + [f.name for f in table().filters if any(self.values(p) for p in f.params)]

    # -- building other queries (facet links, suggestions, pages) -----------------------
    def _with_values(self, changes: Mapping[str, tuple[str, ...]]) -> SearchQuery:
        current = dict(self.selected)
        current.update(changes)
        ordered = tuple(
            (param, current[param])
            for search_filter in table().filters
            for param in search_filter.params
            if current.get(param)
        )
        return replace(self, selected=ordered, page=1)

    def without(self, name: str, value: str | None = None) -> SearchQuery:
        """This query without a filter (by filter or parameter name), or without one value
        of a parameter; back to page 1."""
        if name == "q":
            return replace(self, q="", words=(), page=1)
        by_name = table().by_name
        if name in by_name and value is None:
            return self._with_values({param: () for param in by_name[name].params})
        kept = () if value is None else tuple(v for v in self.values(name) if v != value)
        return self._with_values({name: kept})

    def with_value(self, param: str, value: str) -> SearchQuery:
        current = self.values(param)
        if value in current:
            return replace(self, page=1)
        return self._with_values({param: (*current, value)})

    def toggled(self, param: str, value: str) -> SearchQuery:
        if value in self.values(param):
            return self.without(param, value)
        return self.with_value(param, value)

    def with_page(self, page: int) -> SearchQuery:
        return replace(self, page=page)

    def as_typed(self) -> SearchQuery:
        """The same search with its words taken as typed (no place, no correction)."""
        return replace(self, exact=True, page=1)

    def with_sort(self, sort: str) -> SearchQuery:
        return replace(self, sort=sort, page=1)

    def params(self) -> list[tuple[str, str]]:
        """The query as (name, value) pairs, defaults left out, in a stable order."""
        pairs: list[tuple[str, str]] = [("q", self.q)] if self.q else []
        pairs += [(param, v) for param, values in self.selected for v in values]
        if self.sort:
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.page_size != DEFAULT_PAGE_SIZE:
            pairs.append(("page_size", str(self.page_size)))
        if self.drafts:
            pairs.append(("drafts", "1"))
        if self.exact:
            pairs.append(("exact", "1"))
        return pairs

    def to_querystring(self) -> str:
        return urlencode(self.params())


def _getter(params: Mapping[str, Any]) -> Any:
    """A function giving every value of a parameter, from a QueryDict, a dict of lists or a
    dict of strings."""

    def values(name: str) -> list[str]:
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

    return values


def _text(values: Any, notices: list[Notice]) -> tuple[str, tuple[str, ...]]:
    text = " ".join(" ".join(clean(v) for v in values("q")).split())
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(Notice("too_long", "q"))
    words = tuple(raw_words(text))
    if len(query_terms(words)) >= MAX_TERMS and len(words) > MAX_TERMS:
        notices.append(Notice("too_many_words", "q", str(MAX_TERMS)))
    return text, words


def _first_int(values: Any, name: str, notices: list[Notice], minimum: int) -> int | None:
    """The first non-empty value of a whole-number parameter (at least `minimum`)."""
    raws = [v for v in values(name) if v.strip()]
    if not raws:
        return None
    number = as_int(raws[0])
    if number is None or number < minimum:
        notices.append(Notice("invalid", name, clean(raws[0])[:80]))
        return None
    return number


def _sort(values: Any, notices: list[Notice]) -> str:
    sorts = [v.strip().lower() for v in values("sort") if v.strip()]
    if not sorts:
        return ""
    if sorts[0] in SORTS:
        return sorts[0]
    notices.append(Notice("invalid", "sort", clean(sorts[0])[:80]))
    return ""


def parse_query(params: Mapping[str, Any]) -> tuple[SearchQuery, list[Notice]]:
    """Parse request parameters into a query; never raises.

    Returns the normalised query and the notices for what was ignored.
    """
    values = _getter(params)
    notices: list[Notice] = []
    text, words = _text(values, notices)
    selected: list[tuple[str, tuple[str, ...]]] = []
    for search_filter in table().filters:
        parsed = search_filter.parse(values, notices)
        selected += [(param, parsed[param]) for param in search_filter.params if param in parsed]
    sort = _sort(values, notices)
    page = _first_int(values, "page", notices, 1) or 1
    size = _first_int(values, "page_size", notices, 1)
    drafts = [v.strip().lower() for v in values("drafts")]
    exact = [v.strip().lower() for v in values("exact")]
    query = SearchQuery(
        q=text,
        words=words,
        selected=tuple(selected),
        sort=sort,
        page=page,
        page_size=min(size, MAX_PAGE_SIZE) if size else DEFAULT_PAGE_SIZE,
        drafts=bool(drafts) and drafts[0] in TRUE_WORDS,
        exact=bool(exact) and exact[0] in TRUE_WORDS,
    )
    return query, notices
