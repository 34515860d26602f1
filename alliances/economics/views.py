from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.charts.vega import bar_chart
from alliances.workspaces import permissions
from alliances.workspaces.permissions import get_workspace_for

from . import services
from .forms import ContributionForm, OutcomeForm
from .models import ContributionEntry, OutcomeEntry, default_volunteer_rate


@login_required
def model_page(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    organisation_id = permissions.organisation_of(request.user, workspace)
    coordinator = permissions.can_coordinate(request.user, workspace)
    contribution_form = outcome_form = None
    status = 200
    if organisation_id is not None:
        contribution_form = ContributionForm(
            request.POST if request.POST.get("form") == "contribution" else None
        )
    if coordinator:
        outcome_form = OutcomeForm(request.POST if request.POST.get("form") == "outcome" else None)
    if request.method == "POST":
        form = {"contribution": contribution_form, "outcome": outcome_form}.get(
            request.POST.get("form")
        )
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            entry = form.save(commit=False)
            if isinstance(entry, ContributionEntry):
                services.add_contribution(workspace, organisation_id, entry)
            else:
                services.add_outcome(workspace, entry)
            messages.success(request, _("Enregistré."))
            return redirect("economics:model", pk=pk)
        status = 400
        messages.error(request, _("Le formulaire contient des erreurs : rien n'a été enregistré."))
    result = services.compute_for(workspace)
    chart = None
    if result and result.by_partner:
        chart = bar_chart(
            [{"partner": p, "value": float(v)} for p, v in result.by_partner.items()],
            category="partner",
            value="value",
            title=_("Ressources mobilisées par partenaire (€)"),
            description=_("Apports financiers et valorisation des apports non financiers."),
            category_title=_("Partenaire"),
            value_title=_("Euros"),
        )
    rate, rate_source = default_volunteer_rate()
    return render(
        request,
        "economics/model.html",
        {
            "workspace": workspace,
            "result": result,
            "chart": chart,
            "contributions": workspace.contributions.select_related("organisation"),
            "outcomes": workspace.outcomes.all(),
            "contribution_form": contribution_form,
            "outcome_form": outcome_form,
            "organisation_id": organisation_id,
            "coordinator": coordinator,
            "default_rate": rate,
            "default_rate_source": rate_source,
        },
        status=status,
    )


@login_required
@require_POST
def delete_contribution(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    contribution = get_object_or_404(ContributionEntry, pk=entry, workspace=workspace)
    if contribution.organisation_id != permissions.organisation_of(request.user, workspace):
        raise PermissionDenied
    services.delete_contribution(contribution)
    messages.success(request, _("Apport supprimé."))
    return redirect("economics:model", pk=pk)


@login_required
@require_POST
def delete_outcome(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied
    services.delete_outcome(get_object_or_404(OutcomeEntry, pk=entry, workspace=workspace))
    return redirect("economics:model", pk=pk)
