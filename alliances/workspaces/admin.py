from django.contrib import admin

from .models import Invitation, Membership, Workspace


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    raw_id_fields = ["user", "organisation"]


@admin.register(Workspace)
class WorkspaceAdmin(admin.ModelAdmin):
    # Answers and contributions stay out of the admin: they are private to the partners.
    list_display = [
        "alliance",
        "created_at",
        "curators_granted",
        "publish_evaluation",
        "publish_model",
        "publish_reports",
    ]
    search_fields = ["alliance__title"]
    raw_id_fields = ["alliance"]
    inlines = [MembershipInline]
    list_select_related = ["alliance"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "organisation", "role", "created_at", "accepted_at"]
    search_fields = ["email", "workspace__alliance__title"]
    readonly_fields = ["token", "accepted_at", "invited_by"]
