from django.contrib import admin

from .models import SdgGoal, SdgTarget


class SdgTargetInline(admin.TabularInline):
    model = SdgTarget
    fields = ("code", "position", "title_fr", "title_en")
    extra = 0
    ordering = ("position",)


@admin.register(SdgGoal)
class SdgGoalAdmin(admin.ModelAdmin):
    list_display = ("number", "short_fr", "short_en")
    search_fields = ("short_fr", "short_en", "title_fr", "title_en")
    ordering = ("number",)
    inlines = [SdgTargetInline]


@admin.register(SdgTarget)
class SdgTargetAdmin(admin.ModelAdmin):
    list_display = ("code", "goal", "position", "title_fr")
    list_filter = ("goal",)
    search_fields = ("code", "title_fr", "title_en")
    list_select_related = ("goal",)
