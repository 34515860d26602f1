from django.contrib import admin

from .models import Campaign, ProgressReport


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    # Answers are private to the partners: the admin shows campaigns, never their answers.
    list_display = ["workspace", "year", "status", "opened_at", "closed_at"]
    list_filter = ["status", "year"]
    readonly_fields = ["questionnaire"]


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ["workspace", "year", "submitted_at"]
    list_filter = ["year"]
    search_fields = ["workspace__alliance__title"]
