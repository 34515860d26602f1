"""Curation back office: alliances (search, filters, inlines, bulk publish/archive, history,
import page) and organisations (search, merge of duplicates)."""

import secrets
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from alliances.common.limits import import_limits
from alliances.common.tables import check_size
from alliances.jobs import queue
from alliances.territories.models import Level, Territory

from . import history, tasks
from .importing import importer, runs
from .importing.readers import ReadError, read_path, read_stream
from .merging import merge_organisations
from .models import Alliance, ChangeRecord, ImportRun, Organisation, Partner, Result, Source

IMPORT_DIR = runs.IMPORT_DIR
RECENT_RUNS = 5  # recent background imports listed under the upload form
# Addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class RegionFilter(admin.SimpleListFilter):
    title = _("région")
    parameter_name = "region"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple]:
        regions = Territory.objects.filter(level=Level.REGION, obsolete=False).order_by("name")
        return [(r.code, r.name) for r in regions]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value():
            return queryset.filter(territory__region__code=self.value())
        return queryset


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 1
    autocomplete_fields = ("organisation",)
    fields = ("organisation", "role", "position")


class ResultInline(admin.TabularInline):
    model = Result
    extra = 0
    fields = ("label", "value", "unit", "year", "position")


class SourceInline(admin.TabularInline):
    model = Source
    formfield_overrides = URL_FIELDS
    extra = 0
    fields = ("url", "title", "date")


class ChangeRecordInline(admin.TabularInline):
    """The history, read-only: it is written by the code, never edited."""

    model = ChangeRecord
    extra = 0
    can_delete = False
    fields = ("at", "action", "user", "actor", "changes")
    readonly_fields = fields
    ordering = ("-at", "-id")
    verbose_name_plural = _("historique des modifications")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier (CSV, XLSX ou JSON Lines)"),
        help_text=_("Colonnes décrites dans la documentation de curation."),
    )
    keep_valid = forms.BooleanField(
        label=_("Importer les lignes valides et écarter les lignes en erreur"), required=False
    )


@admin.register(Alliance)
class AllianceAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "territory", "start_year", "synthetic", "updated_at")
    list_filter = (
        "kind",
        "status",
        "partnership_types",
        "domains",
        RegionFilter,
        "synthetic",
    )
    search_fields = ("title", "slug", "summary", "partners__organisation__name")
    prepopulated_fields = {"slug": ("title",)}
    raw_id_fields = ("territory", "other_territories")
    filter_horizontal = (
        "partnership_types",
        "domains",
        "sdg_goals",
        "sdg_targets",
        "catalyst_trades",
    )
    readonly_fields = ("origin", "created_at", "updated_at", "published_at")
    inlines = (PartnerInline, ResultInline, SourceInline, ChangeRecordInline)
    actions = ("publish", "archive")
    list_per_page = 50
    show_full_result_count = False  # COUNT(*) on a 1,000,000-row base is not free
    fieldsets = (
        (None, {"fields": ("kind", "title", "slug", "status", "summary", "description")}),
        (
            _("Classement"),
            {
                "fields": (
                    "partnership_types",
                    "domains",
                    "sdg_goals",
                    "sdg_targets",
                    "catalyst_trades",
                    "stage",
                    "co_construction",
                )
            },
        ),
        (
            _("Territoire et dates"),
            {"fields": ("territory", "other_territories", "scale", "start_year", "end_year")},
        ),
        (_("Résultats"), {"fields": ("results_text",)}),
        (
            _("Origine"),
            {"fields": ("origin", "synthetic", "created_at", "updated_at", "published_at")},
        ),
    )

    # History: the snapshot before the form is saved, compared with the one after the
    # inlines and many-to-many fields are saved (save_related runs last).
    def save_model(self, request: HttpRequest, obj: Alliance, form: Any, change: bool) -> None:
        before = {}
        if change and obj.pk:
            stored = Alliance.objects.filter(pk=obj.pk).first()
            before = history.snapshot(stored) if stored else {}
        request._alliance_before = before  # type: ignore[attr-defined]
        if obj.status == Alliance.Status.PUBLISHED and obj.published_at is None:
            from django.utils import timezone

            obj.published_at = timezone.now()
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = getattr(request, "_alliance_before", {})
        after = history.snapshot(obj)
        if not change:
            history.record(obj, history.CREATED, history.diff({}, after), user=request.user)
            return
        changes = history.diff(before, after)
        action = history.UPDATED
        if set(changes) == {"status"}:
            action = history.status_action(after["status"])
        history.record(obj, action, changes, user=request.user)

    @admin.action(description=_("Publier les alliances sélectionnées"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = history.set_status(queryset, Alliance.Status.PUBLISHED, user=request.user)
        self.message_user(
            request,
            ngettext("%d alliance publiée.", "%d alliances publiées.", count) % count,
            messages.SUCCESS,
        )

    @admin.action(description=_("Archiver les alliances sélectionnées"))
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = history.set_status(queryset, Alliance.Status.ARCHIVED, user=request.user)
        self.message_user(
            request,
            ngettext("%d alliance archivée.", "%d alliances archivées.", count) % count,
            messages.SUCCESS,
        )

    def get_urls(self) -> list:
        own = [
            path(
                "importer/",
                self.admin_site.admin_view(self.import_view),
                name="base_alliance_import",
            ),
            path(
                "importer/rejets/<str:token>/",
                self.admin_site.admin_view(self.rejects_view),
                name="base_alliance_import_rejects",
            ),
        ]
        return own + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload → dry-run report (table of problems) → confirm → result."""
        if not self.has_add_permission(request):
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Importer des alliances"),
        }
        if request.method == "POST" and request.POST.get("token"):
            return self._confirm_import(request, context)
        form = ImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            limits = import_limits()
            try:
                # The size is known before anything is read; the reader streams the rest.
                check_size(upload.size, limits)
                if upload.size > settings.ALLIANCES_IMPORT_BACKGROUND_BYTES:
                    return self._queue_import(request, upload)
                table = read_stream(upload.file, upload.name, limits=limits)
            except ReadError as error:
                form.add_error("file", error.translated(gettext))
            else:
                report = importer.validate(table)
                token = secrets.token_hex(12)
                IMPORT_DIR.mkdir(parents=True, exist_ok=True)
                suffix = Path(upload.name).suffix.lower()[:6]
                with (IMPORT_DIR / f"{token}{suffix}").open("wb") as stored:
                    for chunk in upload.chunks():
                        stored.write(chunk)
                context.update(
                    report=report,
                    token=token,
                    filename=Path(upload.name).name,
                    suffix=suffix,
                    keep_valid=form.cleaned_data["keep_valid"],
                )
                self._offer_rejects(report, token, context, limits.max_problems)
        context["form"] = form
        context["background_bytes"] = settings.ALLIANCES_IMPORT_BACKGROUND_BYTES
        if request.user.has_perm("base.view_importrun"):
            context["recent_runs"] = list(ImportRun.objects.select_related("user")[:RECENT_RUNS])
            runs.notice_interrupted(context["recent_runs"])
        return TemplateResponse(request, "admin/base/alliance/import.html", context)

    def _queue_import(self, request: HttpRequest, upload: Any) -> HttpResponse:
        """A large file: kept, checked by the job worker (a dry run), its page shown."""
        token = secrets.token_hex(12)
        suffix = Path(upload.name).suffix.lower()[:6]
        if suffix and not suffix[1:].isalnum():
            suffix = ""
        IMPORT_DIR.mkdir(parents=True, exist_ok=True)
        with (IMPORT_DIR / f"{token}{suffix}").open("wb") as stored:
            for chunk in upload.chunks():
                stored.write(chunk)
        run = ImportRun.objects.create(
            mode=ImportRun.Mode.DRY_RUN,
            filename=Path(upload.name).name[:255],
            stored=f"{token}{suffix}",
            size=upload.size,
            language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)[:10],
            user=request.user,
        )
        queue.after_commit(tasks.import_file, run.pk)
        return HttpResponseRedirect(reverse("admin:base_importrun_change", args=[run.pk]))

    @staticmethod
    def _offer_rejects(
        report: importer.ImportReport, token: str, context: dict, limit: int
    ) -> None:
        """The first problems on the page, every rejected row in a file to fix and import."""
        shown, more = report.first_problems(limit)
        context.update(problems=shown, more_problems=more, warnings=report.warnings[:limit])
        if not report.rejected:
            return
        fmt = report.table.format if report.table.format in ("xlsx", "jsonl") else "csv"
        (IMPORT_DIR / f"{token}-rejets.{fmt}").write_bytes(
            importer.rejects_bytes(report, fmt, report.table.separator or ",")
        )
        context["rejects_url"] = reverse("admin:base_alliance_import_rejects", args=[token])

    def _confirm_import(self, request: HttpRequest, context: dict) -> HttpResponse:
        token = request.POST["token"]
        suffix = request.POST.get("suffix", "")
        if not token.isalnum() or not (suffix == "" or suffix[1:].isalnum()):
            raise Http404
        stored = IMPORT_DIR / f"{token}{suffix}"
        if not stored.exists():
            self.message_user(request, _("Fichier d'import expiré : recommencez."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:base_alliance_import"))
        limits = import_limits()
        table = read_path(stored, limits=limits)
        keep_valid = request.POST.get("keep_valid") == "1"
        report = importer.run(
            table,
            keep_valid=keep_valid,
            user=request.user,
            origin=f"import:{request.POST.get('filename', stored.name)}"[:200],
        )
        self._offer_rejects(report, token, context, limits.max_problems)
        stored.unlink(missing_ok=True)
        if report.written:  # the importer indexed the rows in its transaction
            self.message_user(
                request,
                ngettext("%d alliance importée.", "%d alliances importées.", report.created)
                % report.created,
                messages.SUCCESS,
            )
        elif report.rejected:
            self.message_user(
                request, _("Des lignes sont en erreur : rien n'a été importé."), messages.ERROR
            )
        context.update(report=report, done=True, form=ImportForm())
        return TemplateResponse(request, "admin/base/alliance/import.html", context)

    def rejects_view(self, request: HttpRequest, token: str) -> FileResponse:
        if not token.isalnum():
            raise Http404
        for fmt in ("csv", "xlsx", "jsonl"):
            path_ = IMPORT_DIR / f"{token}-rejets.{fmt}"
            if path_.exists():
                return FileResponse(path_.open("rb"), as_attachment=True, filename=f"rejets.{fmt}")
        raise Http404


STEPS = {
    "reading": _("Lecture du fichier"),
    "checking": _("Vérification des lignes"),
    "writing": _("Écriture dans la base, en une transaction"),
}


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Imports run by the job worker: the list of recent ones and the page of each, which
    refreshes itself while the import waits or runs (ADR 0152). Read-only: a run is made by
    the import page, or by confirming a dry run on its own page."""

    list_display = ("filename", "mode", "status", "progress", "user", "created_at", "created_count")
    list_filter = ("status", "mode")
    list_select_related = ("user",)
    search_fields = ("filename",)
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("avancement"))
    def progress(self, obj: ImportRun) -> str:
        done, total = _progress(obj)
        if total:
            return f"{done:,} / {total:,}".replace(",", "\u202f")
        return "–"

    def get_urls(self) -> list:
        own = [
            path(
                "<int:pk>/confirmer/",
                self.admin_site.admin_view(self.confirm_view),
                name="base_importrun_confirm",
            ),
            path(
                "<int:pk>/rejets/",
                self.admin_site.admin_view(self.rejects_view),
                name="base_importrun_rejects",
            ),
        ]
        return own + super().get_urls()

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        response = super().changelist_view(request, extra_context)
        results = getattr(response, "context_data", {}).get("cl")
        if results is not None:
            runs.notice_interrupted(list(results.result_list))
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The page of one run: where it stands, then what it gave."""
        run = self._run(request, object_id)
        runs.notice_interrupted([run])
        done, total = _progress(run)
        state = runs.progress_of(run) if run.status == ImportRun.Status.RUNNING else None
        summary = run.summary or {}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": run.filename,
            "run": run,
            "step": STEPS.get((state or {}).get("step", ""), ""),
            "step_done": (state or {}).get("done", 0),
            "step_total": (state or {}).get("total", 0),
            "writing": (state or {}).get("step") == "writing",
            "rows_done": done,
            "rows_total": total,
            "summary": summary,
            "refresh": 0 if run.finished else REFRESH_SECONDS,
            "can_confirm": (
                run.status == ImportRun.Status.DONE
                and run.mode == ImportRun.Mode.DRY_RUN
                and run.valid_rows
                and request.user.has_perm("base.add_alliance")
                and runs.stored_path(run).exists()
            ),
            "followers": list(run.followers.order_by("-created_at")),
        }
        return TemplateResponse(request, "admin/base/importrun/detail.html", context)

    def _run(self, request: HttpRequest, object_id: str) -> ImportRun:
        if not str(object_id).isdigit():
            raise Http404
        run = ImportRun.objects.select_related("user").filter(pk=object_id).first()
        if run is None or not self.has_view_permission(request, run):
            raise Http404
        return run

    def confirm_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """Import the file of a finished dry run: a new run, in the mode asked for."""
        run = self._run(request, str(pk))
        if request.method != "POST" or not request.user.has_perm("base.add_alliance"):
            raise Http404
        mode = request.POST.get("mode")
        if mode not in (ImportRun.Mode.KEEP_VALID, ImportRun.Mode.ALL_OR_NOTHING):
            raise Http404
        if run.mode != ImportRun.Mode.DRY_RUN or run.status != ImportRun.Status.DONE:
            raise Http404
        if not runs.stored_path(run).exists():
            self.message_user(request, _("Fichier d'import expiré : recommencez."), messages.ERROR)
            return HttpResponseRedirect(reverse("admin:base_alliance_import"))
        follower = ImportRun.objects.create(
            mode=mode,
            filename=run.filename,
            stored=run.stored,
            size=run.size,
            language=getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)[:10],
            user=request.user,
            checked_by=run,
        )
        queue.after_commit(tasks.import_file, follower.pk)
        return HttpResponseRedirect(reverse("admin:base_importrun_change", args=[follower.pk]))

    def rejects_view(self, request: HttpRequest, pk: int) -> FileResponse:
        run = self._run(request, str(pk))
        rejects = runs.rejects_path(run)
        if rejects is None or not rejects.exists():
            raise Http404
        stem = Path(run.filename).stem[:80] or "import"
        return FileResponse(
            rejects.open("rb"),
            as_attachment=True,
            filename=f"{stem}-rejets{rejects.suffix}",
        )


REFRESH_SECONDS = 2  # the page of a waiting or running import reloads itself this often


def _progress(run: ImportRun) -> tuple[int, int]:
    """Rows checked and rows read: live while the run checks them, final once it is done."""
    if run.status == ImportRun.Status.RUNNING:
        state = runs.progress_of(run) or {}
        if state.get("step") == "checking":
            return int(state.get("done", 0)), int(state.get("total", 0))
        if state.get("step") == "writing":
            return run.total_rows or 0, run.total_rows or 0
        return 0, run.total_rows or 0
    if run.total_rows is None:
        return 0, 0
    return (run.total_rows if run.status == ImportRun.Status.DONE else 0), run.total_rows


class PartnershipInline(admin.TabularInline):
    model = Partner
    fk_name = "organisation"
    extra = 0
    fields = ("alliance", "role")
    readonly_fields = ("alliance", "role")
    can_delete = False
    verbose_name_plural = _("participations aux alliances")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MergeForm(forms.Form):
    keep = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        widget=forms.RadioSelect,
        label=_("Organisation à conserver"),
        empty_label=None,
    )


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "profile", "siren", "rna", "territory", "alliance_count")
    list_filter = ("profile", "synthetic")
    search_fields = ("name", "name_key", "siren", "siret", "rna")
    raw_id_fields = ("territory",)
    readonly_fields = ("name_key", "created_at", "updated_at")
    inlines = (PartnershipInline,)
    formfield_overrides = URL_FIELDS
    actions = ("merge_duplicates",)
    show_full_result_count = False

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_alliances=Count("partnerships"))

    @admin.display(description=_("alliances"), ordering="_alliances")
    def alliance_count(self, obj: Organisation) -> int:
        return obj._alliances

    @admin.action(description=_("Fusionner les doublons sélectionnés"))
    def merge_duplicates(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        organisations = list(queryset.order_by("name"))
        if len(organisations) < 2:
            self.message_user(
                request, _("Choisissez au moins deux organisations à fusionner."), messages.WARNING
            )
            return None
        form = MergeForm(request.POST if "keep" in request.POST else None)
        form.fields["keep"].queryset = queryset
        if form.is_bound and form.is_valid():
            keep = form.cleaned_data["keep"]
            counts = merge_organisations(keep, organisations, user=request.user)
            self.message_user(
                request,
                _(
                    "%(merged)d organisation(s) fusionnée(s) dans « %(name)s » : "
                    "%(moved)d participation(s) déplacée(s), %(conflicts)d doublon(s) résolu(s)."
                )
                % {**counts, "name": keep.name},
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Fusionner des organisations"),
            "organisations": organisations,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/base/organisation/merge.html", context)
