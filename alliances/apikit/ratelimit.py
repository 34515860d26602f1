"""Rate limits on the API, per key and per address, with the standard headers.

A fixed one-minute window counted in the cache (shared by all processes when the cache is
Redis): `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` on every limited API
answer, and `429 Too Many Requests` with `Retry-After` past the limit, in the API's error
shape. A request with an API key counts against that key's own limit
(`ApiKey.requests_per_minute`), always; a request without one counts against its address,
at `ALLIANCES_API_RATE_PER_MINUTE` (0 lifts that limit only).
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from alliances.common.clients import client_address

from .models import ApiKey

WINDOW = 60
__all__ = ["RateLimitMiddleware", "client_address"]


def _bucket(request: HttpRequest) -> tuple[str, int] | None:
    """The counter this request counts in and its limit; None when it is not limited."""
    raw_key = request.headers.get("X-API-Key")
    api_key = ApiKey.find(raw_key) if raw_key else None
    if api_key:
        return f"key:{api_key.pk}", api_key.requests_per_minute
    if settings.ALLIANCES_API_RATE_PER_MINUTE <= 0:
        return None
    return f"ip:{client_address(request)}", settings.ALLIANCES_API_RATE_PER_MINUTE


def _count(bucket: str) -> int:
    window = int(time.time() // WINDOW)
    cache_key = f"ratelimit:{bucket}:{window}"
    cache.add(cache_key, 0, WINDOW + 5)
    try:
        return cache.incr(cache_key)
    except ValueError:  # evicted between add and incr
        cache.set(cache_key, 1, WINDOW + 5)
        return 1


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = _bucket(request) if request.path.startswith("/api/") else None
        if found is None:
            return self.get_response(request)
        bucket, limit = found
        count = _count(bucket)
        reset = WINDOW - int(time.time()) % WINDOW
        if count > limit:
            response: HttpResponse = JsonResponse(
                {
                    "detail": _("Trop de requêtes : réessayez dans %(seconds)s secondes.")
                    % {"seconds": reset},
                    "errors": [],
                    "retry_after": reset,
                },
                status=429,
                json_dumps_params={"ensure_ascii": False},
            )
            response["Retry-After"] = str(reset)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(0, limit - count))
        response["RateLimit-Reset"] = str(reset)
        return response
