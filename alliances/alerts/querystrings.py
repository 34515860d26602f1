"""The stored form of a saved search: its canonical query string (no Django import).

A saved search *is* a query string of the search page (/alliances/). Whatever arrives (the
parameters of a request, a pasted string), it goes through the search's own parser and back,
so the stored string is canonical (stable order, defaults left out, malformed values
dropped) and carries no page, page size or curator-only "drafts" flag: a saved search always
starts on page 1 and only ever shows published alliances.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl

from alliances.base.search.query import DEFAULT_PAGE_SIZE, Notice, SearchQuery, parse_query

# A query string longer than this is not a search anyone typed; parse_qsl also caps fields.
MAX_QUERYSTRING_LENGTH = 8000
MAX_FIELDS = 400


def canonical_query(params: Mapping[str, Any]) -> tuple[SearchQuery, list[Notice]]:
    """The query a saved search keeps: page 1, default page size, never drafts."""
    query, notices = parse_query(params)
    dropped = [
        Notice("dropped", name)
        for name, present in (
            ("page", query.page != 1),
            ("page_size", query.page_size != DEFAULT_PAGE_SIZE),
            ("drafts", query.drafts),
        )
        if present
    ]
    query = replace(query, page=1, page_size=DEFAULT_PAGE_SIZE, drafts=False)
    return query, notices + dropped


def canonical_of(query: SearchQuery) -> str:
    """The saved form of a query already parsed (the search page's own)."""
    return replace(query, page=1, page_size=DEFAULT_PAGE_SIZE, drafts=False).to_querystring()


def canonical_querystring(params: Mapping[str, Any]) -> tuple[str, list[Notice]]:
    query, notices = canonical_query(params)
    return query.to_querystring(), notices


def params_of(querystring: str) -> dict[str, list[str]]:
    """A query string as a dict of lists (what `parse_query` reads); "?" is tolerated."""
    raw = querystring.strip().removeprefix("?")[:MAX_QUERYSTRING_LENGTH]
    try:
        pairs = parse_qsl(raw, keep_blank_values=False, max_num_fields=MAX_FIELDS)
    except ValueError:
        # Too many fields: keep the first ones rather than failing.
        pairs = parse_qsl("&".join(raw.split("&")[:MAX_FIELDS]), keep_blank_values=False)
    data: dict[str, list[str]] = {}
    for name, value in pairs:
        data.setdefault(name, []).append(value)
    return data


def query_of(querystring: str) -> SearchQuery:
    """The search a stored query string stands for (re-parsed: never trusted as stored)."""
    return canonical_query(params_of(querystring))[0]


def normalise_querystring(querystring: str) -> tuple[str, list[Notice]]:
    """The canonical form of a query string given as text."""
    return canonical_querystring(params_of(querystring))
