"""Login throttling with django-axes: per account and per address, on every login form.

django-axes counts the failures in the `logins` cache (shared by every process) and refuses
the account or the address past `ALLIANCES_LOGIN_FAILURE_LIMIT` failures. What is added
here: a cool-off that grows (it doubles with each new lockout of the same account or
address within a day, from `ALLIANCES_LOGIN_COOLOFF_SECONDS`, at most a day), usernames
compared as typed in any case, and the page that says, in the user's language, how long to
wait and what else to do.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

MAX_COOL_OFF = timedelta(days=1)
STRIKES_KEPT = 24 * 3600  # a lockout counts towards the next one for a day


def username_of(request: HttpRequest, credentials: dict | None = None) -> str:
    """The account a login attempt names, as it is stored (addresses in lower case), so
    that "Camille@Example.org" and "camille@example.org" share one counter."""
    field = getattr(settings, "AXES_USERNAME_FORM_FIELD", "username")
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return str(value or "").strip().lower()


def _keys(request: HttpRequest) -> list[str]:
    keys = [f"axes-strikes:ip:{getattr(request, 'axes_ip_address', '')}"]
    username = username_of(request)
    if username:
        keys.append(f"axes-strikes:user:{username}")
    return keys


def _cache() -> Any:
    return caches[settings.AXES_CACHE]


def _strikes(request: HttpRequest) -> int:
    """Lockouts of this account or address before the one in force (if any)."""
    cache = _cache()
    found = 0
    for key in _keys(request):
        strikes = cache.get(key, 0)
        if cache.get(f"{key}:locked"):
            strikes -= 1
        found = max(found, strikes)
    return found


def cool_off(request: HttpRequest | None) -> timedelta:
    """AXES_COOLOFF_TIME: how long the next (or current) lockout lasts."""
    base = timedelta(seconds=settings.ALLIANCES_LOGIN_COOLOFF_SECONDS)
    if request is None:
        return base
    return min(base * (2 ** min(_strikes(request), 20)), MAX_COOL_OFF)


def record_lockout(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """user_locked_out: a new lockout counts once towards the next ones (attempts during a
    lockout do not lengthen it)."""
    cache = _cache()
    seconds = int(cool_off(request).total_seconds())
    for key in _keys(request):
        if cache.add(f"{key}:locked", 1, timeout=seconds):
            cache.add(key, 0, timeout=STRIKES_KEPT)
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=STRIKES_KEPT)
            cache.touch(key, STRIKES_KEPT)


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the page shown by every login form while a lockout lasts."""
    minutes = max(1, round(cool_off(request).total_seconds() / 60))
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.ALLIANCES_LOGIN_FAILURE_LIMIT},
        status=429,
    )
