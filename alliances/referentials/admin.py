from django.contrib import admin

from .models import SearchSynonym, Taxonomy, Term


class TermInline(admin.TabularInline):
    model = Term
    fk_name = "taxonomy"
    fields = ("key", "label_fr", "label_en", "parent", "position", "provisional", "obsolete")
    extra = 0
    ordering = ("position", "key")
    show_change_link = True


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ("key", "name_fr", "name_en", "provisional", "position")
    list_editable = ("provisional",)
    list_filter = ("provisional",)
    search_fields = ("key", "name_fr", "name_en")
    inlines = [TermInline]


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "label_fr",
        "label_en",
        "taxonomy",
        "parent",
        "position",
        "provisional",
        "obsolete",
    )
    list_editable = ("label_fr", "label_en")
    list_filter = ("taxonomy", "provisional", "obsolete")
    search_fields = ("key", "label_fr", "label_en")
    list_select_related = ("taxonomy", "parent")
    ordering = ("taxonomy__position", "position", "key")
    readonly_fields = ("source_digest",)


@admin.register(SearchSynonym)
class SearchSynonymAdmin(admin.ModelAdmin):
    """The equivalences the search reads (docs/base-search.md, « Synonymes et sigles »)."""

    list_display = ("key", "__str__", "kind", "active", "updated_at")
    list_filter = ("kind", "active")
    search_fields = ("key", "terms", "note")
    readonly_fields = ("source_digest", "updated_at")
    fields = ("key", "kind", "terms", "note", "active", "source_digest", "updated_at")
