"""The search of a request: parse its parameters, check who may see drafts, run, explain.

The search page, its twins and the API call `search_request`; every notice it returns is a
sentence in the user's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from ..services import is_curator
from .executor import SearchResult, notice_message, reading_notices, run_search
from .query import parse_query


def search_request(params: Mapping[str, Any], user: object) -> SearchResult:
    query, notices = parse_query(params)
    include_drafts = query.drafts and is_curator(user)
    result = run_search(query, include_drafts=include_drafts)
    result.notices = [notice_message(n) for n in notices] + result.notices
    result.notices += reading_notices(result)
    if query.drafts and not include_drafts:
        result.notices.append(_("Les brouillons ne sont visibles que des curateurs."))
    return result
