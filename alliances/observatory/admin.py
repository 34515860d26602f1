"""Back office of the observatory: every model, and the import page for curators."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext_lazy as _

from .importer import import_figures
from .models import Figure, Fragility, Indicator, Population, Programme, Study


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "start_year", "end_year", "is_observatory_wave", "position")
    search_fields = ("name", "key")


@admin.register(Population)
class PopulationAdmin(admin.ModelAdmin):
    list_display = ("key", "label_fr", "label_en", "position")
    search_fields = ("key", "label_fr", "label_en")


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("title", "programme", "year", "pollster", "sample_size", "obsolete")
    list_filter = ("programme", "obsolete")
    search_fields = ("title", "key", "pollster")
    # Territories may have no admin of their own: a raw id works either way.
    raw_id_fields = ("territory",)


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ("key", "statement_fr", "theme")
    list_filter = ("theme",)
    search_fields = ("key", "statement_fr", "statement_en")


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Fichier CSV ou XLSX"))
    dry_run = forms.BooleanField(
        label=_("Essai à blanc (ne rien écrire)"), required=False, initial=True
    )


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = (
        "key",
        "indicator",
        "population",
        "territory",
        "year",
        "approximate_year",
        "value",
        "n",
        "obsolete",
    )
    list_filter = ("approximate_year", "obsolete", "programme", "population")
    search_fields = ("key", "indicator__key", "indicator__statement_fr", "note")
    autocomplete_fields = ("indicator", "population", "study")
    raw_id_fields = ("territory", "extra_territories")
    change_list_template = "admin/observatory/figure/change_list.html"

    def get_urls(self) -> list:
        extra = [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="observatory_figure_import",
            )
        ]
        return extra + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        report = None
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            # The upload's stream: its size is checked before it is read.
            report = import_figures(upload.file, upload.name, dry_run=form.cleaned_data["dry_run"])
            if report.written:
                messages.success(request, _("Import terminé."))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Importer des chiffres"),
            "form": form,
            "report": report,
            "opts": self.model._meta,
        }
        return render(request, "admin/observatory/figure/import.html", context)


@admin.register(Fragility)
class FragilityAdmin(admin.ModelAdmin):
    list_display = ("scope_label", "label", "kind", "rank", "territory", "obsolete")
    list_filter = ("kind", "obsolete")
    search_fields = ("scope_label", "label", "note")
    raw_id_fields = ("territory",)
