from django.contrib import admin

from .models import (
    AbuseReport,
    Claim,
    Conversation,
    Facilitator,
    Introduction,
    Listing,
    OrganisationProfile,
    ProfileChange,
    WorkspaceRequest,
)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "status", "via", "created_at")
    list_filter = ("status", "via")
    raw_id_fields = ("organisation", "user", "decided_by")


@admin.register(WorkspaceRequest)
class WorkspaceRequestAdmin(admin.ModelAdmin):
    list_display = ("alliance", "organisation", "user", "status", "via", "created_at")
    list_filter = ("status", "via")
    raw_id_fields = ("alliance", "organisation", "user", "decided_by")


@admin.register(OrganisationProfile)
class OrganisationProfileAdmin(admin.ModelAdmin):
    raw_id_fields = ("organisation",)
    filter_horizontal = ("domains",)


@admin.register(ProfileChange)
class ProfileChangeAdmin(admin.ModelAdmin):
    list_display = ("organisation", "user", "at")
    raw_id_fields = ("organisation", "user")


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ("title", "direction", "kind", "organisation", "status", "expires_at")
    list_filter = ("direction", "kind", "status", "reach")
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("organisation", "author", "territory")


@admin.register(Conversation)
class ConversationAdmin(admin.ModelAdmin):
    # Curators see that contacts happen, not what people wrote (messages are private).
    list_display = ("recipient", "sender_organisation", "created_at", "replied_at")
    fields = ("recipient", "sender_organisation", "created_at", "replied_at")
    readonly_fields = fields


@admin.register(AbuseReport)
class AbuseReportAdmin(admin.ModelAdmin):
    list_display = ("conversation", "created_at", "handled")
    list_filter = ("handled",)
    raw_id_fields = ("conversation", "reporter")


@admin.register(Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ("user", "territory", "catalyst", "named_at")
    raw_id_fields = ("user", "territory", "catalyst")


@admin.register(Introduction)
class IntroductionAdmin(admin.ModelAdmin):
    list_display = ("first", "second", "facilitator", "created_at")
    raw_id_fields = ("first", "second", "facilitator")
