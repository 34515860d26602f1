from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import Event, Resource, Status


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "kind",
        "format",
        "publisher",
        "year",
        "language",
        "status",
        "obsolete",
    )
    list_filter = (
        "kind",
        "format",
        "status",
        "obsolete",
        "language",
        "level_1",
        "level_2",
        "level_3",
        "level_4",
    )
    search_fields = ("title", "publisher", "summary_fr", "slug")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("audience", "domains", "sdg_goals")
    readonly_fields = ("updated_at",)
    actions = ("publish", "unpublish")
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "summary_fr", "summary_en", "status")}),
        (
            _("Publication"),
            {"fields": ("publisher", "year", "format", "url", "licence", "language", "duration")},
        ),
        (
            _("Pour qui"),
            {
                "fields": (
                    "audience",
                    ("level_1", "level_2", "level_3", "level_4"),
                    "domains",
                    "sdg_goals",
                ),
                "description": _(
                    "Niveaux de maturité et publics : une appréciation raisonnée, à signaler "
                    "comme telle."
                ),
            },
        ),
        (_("Source"), {"fields": ("source_url", "obsolete", "updated_at")}),
    )

    @admin.action(description=_("Publier les ressources choisies"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for resource in queryset:
            resource.status = Status.PUBLISHED
            resource.save(update_fields=["status", "search_text", "updated_at"])

    @admin.action(description=_("Repasser en brouillon les ressources choisies"))
    def unpublish(self, request: HttpRequest, queryset: QuerySet) -> None:
        queryset.update(status=Status.DRAFT)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title_fr", "kind", "start", "rrule", "published")
    list_filter = ("kind", "published")
    search_fields = ("title_fr", "title_en", "description_fr")
    autocomplete_fields = ("replay",)
    readonly_fields = ("uid", "created_at", "updated_at")
