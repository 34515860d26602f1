"""Contributions in the back office: read, search, and a link to the moderation page.

Accepting and refusing happen on the moderation pages (/contributions/moderation/), which
create or correct the example through the importer and tell the contributor by e-mail; the
admin lists proposals and reports and closes reports in bulk.
"""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Proposal, Report


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "contributor", "created_at", "moderation_link")
    list_filter = ("status", "kind")
    search_fields = ("title", "contributor__email", "explanation")
    date_hierarchy = "created_at"
    list_select_related = ("contributor",)
    readonly_fields = (
        "kind",
        "status",
        "title",
        "contributor",
        "language",
        "alliance",
        "cells",
        "before",
        "explanation",
        "message",
        "edited_by",
        "edited_at",
        "moderated_by",
        "moderated_at",
        "created_at",
        "moderation_link",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("modération"))
    def moderation_link(self, obj: Proposal) -> str:
        url = reverse("contributions:review", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("ouvrir"))


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ("alliance", "reason", "status", "created_at", "closed_by")
    list_filter = ("status", "reason")
    search_fields = ("alliance__title", "message")
    list_select_related = ("alliance", "closed_by")
    raw_id_fields = ("alliance",)
    readonly_fields = (
        "alliance",
        "reason",
        "message",
        "reporter",
        "created_at",
        "closed_by",
        "closed_at",
    )
    fields = (*readonly_fields, "status", "note")
    actions = ("close",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Clore les signalements choisis"))
    def close(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = queryset.filter(status=Report.Status.OPEN).update(
            status=Report.Status.CLOSED, closed_by=request.user, closed_at=timezone.now()
        )
        self.message_user(
            request,
            ngettext("%(count)d signalement clos.", "%(count)d signalements clos.", count)
            % {"count": count},
        )
