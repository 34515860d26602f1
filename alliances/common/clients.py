"""Who is asking: the client's address, as every limit counts it (API, logins, reports)."""

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    # Behind the documented reverse proxy, the client is the last address the proxy added.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if forwarded and settings.ALLIANCES_TRUST_X_FORWARDED_FOR:
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")
