"""SDG suggestions in the back office: curators confirm or reject them, one by one (the
decision field of a suggestion's page) or in bulk (actions of the list), with history."""

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import SdgSuggestion, SdgSuggestionEvent

# Where a trigger was found, as the curator reads it.
FIELD_LABELS = {
    "title": _("titre"),
    "summary": _("résumé"),
    "description": _("description"),
    "results": _("résultats"),
    "domains": _("domaines"),
    "text": _("proximité du texte entier avec le texte officiel"),
}


class SdgSuggestionEventInline(admin.TabularInline):
    model = SdgSuggestionEvent
    fields = ("at", "action", "status_before", "status_after", "score", "actor", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("-at", "-id")

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DecisionForm(forms.ModelForm):
    """A suggestion's page changes nothing but through a decision, so that every change goes
    through the services (verified codes of the alliance, its history, this history)."""

    DECISIONS = [
        ("", _("— aucune —")),
        ("verify", _("Confirmer : ajouter la cible aux codes vérifiés de l'alliance")),
        ("reject", _("Rejeter")),
        ("reopen", _("Rouvrir (redevient une suggestion à examiner)")),
    ]
    decision = forms.ChoiceField(label=_("décision"), choices=DECISIONS, required=False)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    class Meta:
        model = SdgSuggestion
        fields: list[str] = []


@admin.register(SdgSuggestion)
class SdgSuggestionAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = (
        "alliance",
        "target_code",
        "status",
        "score",
        "trigger_words",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status", "target__goal", "alliance__status")
    search_fields = ("alliance__title", "target__code", "target__title_fr", "target__title_en")
    list_select_related = ("alliance", "target", "decided_by")
    ordering = ("alliance__title", "target__goal__number", "target__position")
    actions = ("verify_selected", "reject_selected", "reopen_selected")
    readonly_fields = (
        "alliance_link",
        "target_text",
        "status",
        "score",
        "evidence",
        "method",
        "created_at",
        "updated_at",
        "decided_by",
        "decided_at",
    )
    fieldsets = (
        (None, {"fields": readonly_fields}),
        (_("Décision"), {"fields": ("decision", "note")}),
    )
    inlines = [SdgSuggestionEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # suggestions come from the suggester

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # rejected, never deleted: the history stays

    @admin.display(description=_("cible"), ordering="target__code")
    def target_code(self, obj: SdgSuggestion) -> str:
        return obj.target.code

    @admin.display(description=_("mots déclencheurs"))
    def trigger_words(self, obj: SdgSuggestion) -> str:
        return " · ".join(obj.words())

    @admin.display(description=_("alliance"))
    def alliance_link(self, obj: SdgSuggestion) -> str:
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            obj.alliance.get_absolute_url(),
            obj.alliance.title,
            reverse("admin:base_alliance_change", args=[obj.alliance_id]),
            _("modifier"),
        )

    @admin.display(description=_("texte officiel de la cible"))
    def target_text(self, obj: SdgSuggestion) -> str:
        return f"{obj.target.code} — {obj.target.title}"

    @admin.display(description=_("ce qui l'a déclenchée"))
    def evidence(self, obj: SdgSuggestion) -> str:
        items = [
            (
                _("« %(matched)s » (%(wording)s ; %(field)s, poids %(weight)s)")
                % {
                    "matched": t.get("matched", ""),
                    "wording": t.get("wording", ""),
                    "field": FIELD_LABELS.get(str(t.get("field", "")), t.get("field", "")),
                    "weight": t.get("weight", ""),
                },
            )
            for t in obj.triggers or []
        ]
        if not items:
            return "—"
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", items))

    def save_model(
        self, request: HttpRequest, obj: SdgSuggestion, form: forms.Form, change: bool
    ) -> None:
        decision = form.cleaned_data.get("decision")
        note = form.cleaned_data.get("note", "")
        operations = {
            "verify": services.verify,
            "reject": services.reject,
            "reopen": services.reopen,
        }
        if decision in operations:
            done = operations[decision]([obj], user=request.user, note=note)
            if not done:
                self.message_user(
                    request, _("Rien à changer : la suggestion a déjà ce statut."), messages.WARNING
                )

    @admin.action(description=_("Confirmer les suggestions choisies"), permissions=["change"])
    def verify_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.verify(queryset, user=request.user)
        message = ngettext(
            "%(count)d suggestion confirmée : cible ajoutée aux codes vérifiés.",
            "%(count)d suggestions confirmées : cibles ajoutées aux codes vérifiés.",
            count,
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Rejeter les suggestions choisies"), permissions=["change"])
    def reject_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.reject(queryset, user=request.user)
        message = ngettext(
            "%(count)d suggestion rejetée.", "%(count)d suggestions rejetées.", count
        )
        self.message_user(request, message % {"count": count})

    @admin.action(description=_("Rouvrir les suggestions choisies"), permissions=["change"])
    def reopen_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = services.reopen(queryset, user=request.user)
        message = ngettext(
            "%(count)d suggestion rouverte.", "%(count)d suggestions rouvertes.", count
        )
        self.message_user(request, message % {"count": count})


@admin.register(SdgSuggestionEvent)
class SdgSuggestionEventAdmin(admin.ModelAdmin):
    list_display = ("at", "suggestion", "action", "status_before", "status_after", "actor")
    list_filter = ("action",)
    search_fields = ("suggestion__alliance__title", "suggestion__target__code", "actor", "note")
    list_select_related = ("suggestion__alliance", "suggestion__target")
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
