"""Write endpoints need an API key (header `X-API-Key`) of a curator, not revoked."""

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader

from .models import ApiKey


class CuratorApiKey(APIKeyHeader):
    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        if not key:
            return None
        api_key = ApiKey.find(key)
        if api_key is None or not api_key.user.is_active or not api_key.user.is_staff:
            return None
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=timezone.now())
        return api_key
