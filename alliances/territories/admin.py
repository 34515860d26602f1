"""Back office of the territories: read-mostly (the loader owns the data)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from alliances.common.text import normalize_name

from .models import SOURCE_FIELDS, PostalCode, Territory


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0
    readonly_fields = ("code",)
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "level", "departement", "region", "population", "obsolete")
    list_filter = ("level", "zone", "obsolete")
    search_fields = ("name", "code", "search_name", "siren")
    list_select_related = ("departement", "region")
    ordering = ("level", "code")
    show_full_result_count = False  # 39,000 rows: skip the second COUNT(*)
    # Containment and identity come from the official code: shown, never edited by hand
    # (the loader would overwrite them at the next run anyway).
    readonly_fields = (
        "level",
        "code",
        "search_name",
        "parent",
        "region",
        "departement",
        "epci",
        "source_digest",
    )
    fields = ("level", "code", *SOURCE_FIELDS)
    inlines = [PostalCodeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # territories are never deleted, only marked obsolete by the loader

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        # "besancon" or "st etienne" find Besançon and Saint-Étienne, as on the public pages.
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        folded = normalize_name(search_term)
        if folded:
            queryset |= self.model.objects.filter(search_name__startswith=folded)
        return queryset, may_have_duplicates
