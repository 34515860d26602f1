from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from . import services
from .forms import WorkspaceCreationForm
from .models import Invitation, Membership, Workspace


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "organisation", "role", "language"]

    def clean(self) -> dict:
        data = super().clean()
        organisation = data.get("organisation")
        workspace = self.instance.workspace if self.instance.workspace_id else None
        if (
            workspace
            and organisation
            and not workspace.alliance.partners.filter(organisation=organisation).exists()
        ):
            self.add_error(
                "organisation", _("Cette organisation n'est pas partenaire de l'alliance.")
            )
        return data


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
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
    # Publishing is decided by the partners' consent, in the workspace, not here.
    readonly_fields = ["publish_evaluation", "publish_model", "publish_reports"]
    inlines = [MembershipInline]
    list_select_related = ["alliance"]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """Two steps that work without script: pick the alliance, then one of its partners
        as the coordinator's organisation, with the coordinator's e-mail."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = WorkspaceCreationForm(request.POST or None)
        alliance = form.fields["alliance"]
        alliance.widget = AutocompleteSelect(Workspace._meta.get_field("alliance"), self.admin_site)
        alliance.widget.choices = alliance.choices  # a widget set after the form needs them
        if request.method == "POST" and request.POST.get("step") == "create" and form.is_valid():
            try:
                workspace, first = services.create_workspace(
                    form.cleaned_data["alliance"],
                    form.cleaned_data["organisation"],
                    form.cleaned_data["email"],
                    created_by=request.user,
                    role=form.cleaned_data["role"],
                    language=form.cleaned_data["language"],
                    base_url=request.build_absolute_uri("/"),
                )
            except ValidationError as error:
                form.add_error("organisation", error)
            else:
                if isinstance(first, Membership):
                    note = _("%(email)s en est membre et en a été prévenu(e) par e-mail.")
                else:
                    note = _("Une invitation a été envoyée à %(email)s.")
                messages.success(
                    request,
                    _("Espace ouvert pour « %(alliance)s ». ") % {"alliance": workspace.alliance}
                    + note % {"email": form.cleaned_data["email"]},
                )
                return redirect(reverse("admin:workspaces_workspace_change", args=[workspace.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Ouvrir l'espace partenaires d'une alliance"),
            "form": form,
            "opts": self.model._meta,
            "media": self.media + form.media,
            "second_step": form.is_bound and form.second_step,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/workspaces/workspace/add_form.html", context)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "workspace", "organisation", "role", "created_at", "accepted_at"]
    search_fields = ["email", "workspace__alliance__title"]
    readonly_fields = ["token", "accepted_at", "invited_by"]
