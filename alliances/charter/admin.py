from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Principle, Signature, SignatureStatus


@admin.register(Principle)
class PrincipleAdmin(admin.ModelAdmin):
    list_display = ("order", "title_fr", "published", "updated_at")
    list_display_links = ("title_fr",)
    list_editable = ("order", "published")
    search_fields = ("title_fr", "text_fr")


@admin.register(Signature)
class SignatureAdmin(admin.ModelAdmin):
    list_display = ("organisation_name", "profile", "territory", "status", "created_at")
    list_filter = ("status", "profile")
    search_fields = ("organisation_name", "email")
    raw_id_fields = ("territory",)
    readonly_fields = ("created_at", "moderated_at")
    actions = ("accept", "refuse", "reset")

    def _moderate(self, request: HttpRequest, queryset: QuerySet, status: str) -> None:
        count = queryset.update(status=status, moderated_at=timezone.now())
        self.message_user(request, _("%(count)d signature(s) modérée(s).") % {"count": count})

    @admin.action(description=_("Accepter les signatures choisies"))
    def accept(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, SignatureStatus.ACCEPTED)

    @admin.action(description=_("Refuser les signatures choisies"))
    def refuse(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, SignatureStatus.REFUSED)

    @admin.action(description=_("Remettre en attente les signatures choisies"))
    def reset(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._moderate(request, queryset, SignatureStatus.PENDING)
