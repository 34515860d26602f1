"""Rate limits on the API, per key and per address, with the standard headers.

A fixed one-minute window counted in the cache (shared by all processes when the cache is
Redis): `RateLimit-Limit`, `RateLimit-Remaining`, `RateLimit-Reset` on every API answer, and
`429 Too Many Requests` with `Retry-After` past the limit.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse

from .models import ApiKey

WINDOW = 60


def client_address(request: HttpRequest) -> str:
    # Behind the documented reverse proxy, the client is the last address the proxy added.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and settings.ALLIANCES_TRUST_X_FORWARDED_FOR:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


class RateLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/") or settings.ALLIANCES_API_RATE_PER_MINUTE <= 0:
            return self.get_response(request)
        raw_key = request.headers.get("X-API-Key")
        api_key = ApiKey.find(raw_key) if raw_key else None
        if api_key:
            bucket, limit = f"key:{api_key.pk}", api_key.requests_per_minute
        else:
            bucket, limit = f"ip:{client_address(request)}", settings.ALLIANCES_API_RATE_PER_MINUTE
        window = int(time.time() // WINDOW)
        cache_key = f"ratelimit:{bucket}:{window}"
        cache.add(cache_key, 0, WINDOW + 5)
        try:
            count = cache.incr(cache_key)
        except ValueError:  # evicted between add and incr
            cache.set(cache_key, 1, WINDOW + 5)
            count = 1
        reset = WINDOW - int(time.time()) % WINDOW
        if count > limit:
            response = JsonResponse(
                {
                    "detail": "Trop de requêtes : réessayez dans quelques secondes.",
                    "retry_after": reset,
                },
                status=429,
            )
            response["Retry-After"] = str(reset)
        else:
            response = self.get_response(request)
        response["RateLimit-Limit"] = str(limit)
        response["RateLimit-Remaining"] = str(max(0, limit - count))
        response["RateLimit-Reset"] = str(reset)
        return response
