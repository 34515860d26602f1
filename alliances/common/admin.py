from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from .models import LoadedDataset


@admin.register(LoadedDataset)
class LoadedDatasetAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "rows", "loaded_at"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(LogEntry)
class CuratorActionAdmin(admin.ModelAdmin):
    """The audit log of curators' actions in the back office (written by Django's admin)."""

    list_display = [
        "action_time",
        "user",
        "content_type",
        "object_repr",
        "action_flag",
        "change_message",
    ]
    list_filter = ["action_flag", "content_type", "user"]
    search_fields = ["object_repr", "change_message", "user__email"]
    date_hierarchy = "action_time"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


LogEntry._meta.verbose_name = _("action de curateur")
LogEntry._meta.verbose_name_plural = _("journal des actions des curateurs")
