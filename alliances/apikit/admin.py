from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from .models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "prefix",
        "user",
        "requests_per_minute",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    fields = ["name", "user", "requests_per_minute"]
    actions = ["revoke"]

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: ApiKey, form: object, change: bool) -> None:
        key, raw = ApiKey.issue(obj.name, obj.user, obj.requests_per_minute)
        obj.pk = key.pk
        messages.warning(
            request,
            _(
                "Clé émise pour « %(name)s » : %(key)s — copiez-la maintenant, elle ne sera "
                "plus jamais affichée."
            )
            % {"name": key.name, "key": raw},
        )

    @admin.action(description=_("Révoquer les clés choisies"))
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        for key in queryset.filter(revoked_at__isnull=True):
            key.revoke()
