from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Portal, SavedSearch


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ("name", "owner", "frequency", "created_at", "last_sent_at")
    list_filter = ("frequency", "language")
    search_fields = ("name", "owner__email", "querystring")
    raw_id_fields = ("owner",)
    readonly_fields = ("created_at", "updated_at", "last_checked_at", "last_sent_at")


@admin.register(Portal)
class PortalAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "owner", "is_public", "blocked", "updated_at")
    list_filter = ("is_public", "blocked")
    search_fields = ("title", "slug", "saved_search__owner__email")
    raw_id_fields = ("saved_search",)
    readonly_fields = ("created_at", "updated_at")
    actions = ("withdraw", "allow")

    @admin.display(description=_("propriétaire"))
    def owner(self, portal: Portal) -> str:
        return portal.saved_search.owner.email

    @admin.action(description=_("Retirer de la publication les portails choisis"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(is_public=False, blocked=True)
        self.message_user(
            request,
            _("%(count)d portail(s) retiré(s) ; leur propriétaire ne peut plus les publier.")
            % {"count": count},
        )

    @admin.action(description=_("Permettre à nouveau la publication des portails choisis"))
    def allow(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.update(blocked=False, blocked_reason="")
        self.message_user(
            request,
            _("%(count)d portail(s) à nouveau publiable(s) par leur propriétaire.")
            % {"count": count},
        )
