"""Back office: referential versions (YAML, validated on save) and diagnoses (read-only)."""

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import engine
from .models import Diagnosis, ReferentialVersion
from .services import VersionInUse, activate_version, checksum, install_referential


class ReferentialUploadForm(forms.ModelForm):
    """Paste or upload the YAML; it is validated before anything is stored."""

    yaml_file = forms.FileField(
        label=_("Fichier YAML"),
        required=False,
        help_text=_(
            "Ou collez le YAML ci-dessous. Pour publier un changement, augmentez « version »."
        ),
    )
    source_text = forms.CharField(
        label=_("Référentiel (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "spellcheck": "false"}),
    )

    class Meta:
        model = ReferentialVersion
        fields = ["source_text"]

    def clean(self) -> dict:
        data = super().clean()
        upload = data.get("yaml_file")
        text = data.get("source_text") or ""
        if upload:
            try:
                text = upload.read().decode("utf-8")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("Le fichier n'est pas en UTF-8.")) from None
        if not text.strip():
            raise forms.ValidationError(_("Donnez le YAML du référentiel (texte ou fichier)."))
        try:
            referential = engine.load_text(text)
        except engine.ReferentialError as error:
            raise forms.ValidationError(
                [
                    _("Ligne %(line)s, %(where)s : %(message)s")
                    % {"line": p.line or "?", "where": p.where, "message": p.message}
                    for p in error.problems
                ]
            ) from error
        existing = ReferentialVersion.objects.filter(
            key=referential.key, version=referential.version
        ).first()
        if existing and existing.checksum != checksum(text) and existing.diagnoses.exists():
            raise forms.ValidationError(
                _(
                    "La version %(version)s de « %(key)s » a déjà servi à des autodiagnostics : "
                    "augmentez « version » pour publier ce changement."
                )
                % {"version": referential.version, "key": referential.key}
            )
        data["source_text"] = text
        return data


@admin.register(ReferentialVersion)
class ReferentialVersionAdmin(admin.ModelAdmin):
    form = ReferentialUploadForm
    list_display = ["key", "version", "title_fr", "target", "active", "loaded_at", "source"]
    list_filter = ["key", "active", "target"]
    readonly_fields = ["key", "version", "title_fr", "target", "active", "loaded_at", "source"]
    actions = ["make_active"]

    def save_model(
        self, request: HttpRequest, obj: ReferentialVersion, form: forms.Form, change: bool
    ) -> None:
        # Stored through the same service as the shipped files: validation, history, and
        # activation of the newest version; the previous version stays if this one fails.
        try:
            installed = install_referential(
                form.cleaned_data["source_text"], source=f"admin:{request.user}"
            )
        except VersionInUse as error:
            messages.error(request, str(error))
            return
        obj.pk = installed.version.pk
        obj.refresh_from_db()

    @admin.action(description=_("Rendre active la version choisie"))
    def make_active(self, request: HttpRequest, queryset: object) -> None:
        for version in queryset:  # type: ignore[attr-defined]
            activate_version(version)


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    # Read-only: answers belong to the respondent; the token is never shown.
    list_display = ["referential", "profile", "territory", "completed", "overall_level",
                    "consent_to_aggregate", "created_at"]  # fmt: skip
    list_filter = ["referential", "profile", "completed", "consent_to_aggregate"]
    fields = ["referential", "profile", "territory", "current_step", "completed",
              "overall_level", "axis_levels", "consent_to_aggregate", "answers",
              "created_at", "updated_at"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
