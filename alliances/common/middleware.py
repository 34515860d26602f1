"""Drop control characters from query strings before any view sees them.

Search boxes and filters pass query parameters straight to the database; a NUL byte makes
PostgreSQL refuse the whole query. Forms already refuse NUL (Django's validators); query
parameters are cleaned here, once, for every view.
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, QueryDict

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class StripControlCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if CONTROL.search(request.META.get("QUERY_STRING", "")) or any(
            CONTROL.search(v) for values in request.GET.lists() for v in values[1]
        ):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(CONTROL.sub("", key), [CONTROL.sub("", v) for v in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
