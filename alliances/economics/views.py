from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.charts.vega import bar_chart
from alliances.workspaces import permissions
from alliances.workspaces.permissions import get_workspace_for
from alliances.workspaces.status import workspace_status

from . import model as engine
from . import services
from .forms import ContributionForm, OutcomeForm
from .models import ContributionEntry, OutcomeEntry
from .presentation import KIND_LABELS, assumption_rows, outcome_rows, sensitivity_rows
from .rates import current_rates, default_volunteer_rate


def _partner_chart(result: engine.ModelResult) -> object:
    if not result.by_partner:
        return None
    return bar_chart(
        # Whole euros: the chart's data table shows them as they are.
        [{"partner": p, "value": round(float(v))} for p, v in result.by_partner.items()],
        category="partner",
        value="value",
        title=_("Ressources mobilisées par partenaire (€)"),
        description=_("Apports financiers et valorisation des apports non financiers."),
        category_title=_("Partenaire"),
        value_title=_("Euros"),
    )


def model_context(request: HttpRequest, workspace: object) -> dict:
    """What the model page and its PDF show."""
    result = services.compute_for(workspace)
    user = request.user
    contributions = list(workspace.contributions.select_related("organisation"))
    for entry in contributions:
        entry.editable = services.can_edit_contribution(user, entry)
    outcomes = list(workspace.outcomes.all())
    for entry in outcomes:
        entry.editable = services.can_edit_outcome(user, entry)
    context = {
        "workspace": workspace,
        "status": workspace_status(workspace),
        "result": result,
        "contributions": contributions,
        "outcomes": outcomes,
        "outcome_rows": outcome_rows(outcomes),
        "organisation_id": permissions.organisation_of(user, workspace),
        "can_add_outcome": services.can_add_outcome(user, workspace),
        "kinds": ContributionEntry.Kind.choices,
        "rates": current_rates(),
        "volunteer_default": default_volunteer_rate(timezone.localdate().year),
        "generated_at": timezone.now(),
    }
    if result:
        context.update(
            chart=_partner_chart(result),
            sensitivity=sensitivity_rows(result),
            assumptions=assumption_rows(result),
            by_kind=[(KIND_LABELS[k.value], v) for k, v in result.by_kind.items()],
            leverage=[(p, v, result.leverage.get(p)) for p, v in result.by_partner.items()],
            shift_points=int(engine.SENSITIVITY_SHIFT * 100),
        )
    return context


@login_required
def model_page(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    return render(request, "economics/model.html", model_context(request, workspace))


@login_required
def model_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    from weasyprint import HTML

    workspace = get_workspace_for(request, pk)
    html = render_to_string("economics/model_pdf.html", model_context(request, workspace), request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="modele-{workspace.alliance.slug}.pdf"'
    return response


def _contribution(request: HttpRequest, pk: int, entry: int | None) -> tuple:
    workspace = get_workspace_for(request, pk)
    organisation_id = permissions.organisation_of(request.user, workspace)
    if organisation_id is None:
        raise PermissionDenied
    if entry is None:
        return workspace, organisation_id, None
    contribution = get_object_or_404(ContributionEntry, pk=entry, workspace=workspace)
    if not services.can_edit_contribution(request.user, contribution):
        raise PermissionDenied
    return workspace, organisation_id, contribution


@login_required
def contribution_form(
    request: HttpRequest, pk: int, kind: str | None = None, entry: int | None = None
) -> HttpResponse:
    """Add a contribution of one kind, or change one of the organisation's own."""
    workspace, organisation_id, contribution = _contribution(request, pk, entry)
    kind = contribution.kind if contribution else kind
    if kind not in ContributionEntry.Kind.values:
        raise Http404(_("Nature d'apport inconnue."))
    form = ContributionForm(request.POST or None, instance=contribution, kind=kind)
    if request.method == "POST":
        if form.is_valid():
            services.save_contribution(workspace, organisation_id, form.save(False), request.user)
            messages.success(request, _("Apport enregistré."))
            return redirect("economics:model", pk=pk)
        messages.error(request, _("Le formulaire contient des erreurs : rien n'a été enregistré."))
    year = form["year"].value() or timezone.localdate().year
    try:
        default = default_volunteer_rate(int(year))
    except (TypeError, ValueError):
        default = None
    return render(
        request,
        "economics/contribution_form.html",
        {
            "workspace": workspace,
            "form": form,
            "entry": contribution,
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "volunteer_default": default,
        },
        status=400 if form.errors else 200,
    )


@login_required
def outcome_form(request: HttpRequest, pk: int, entry: int | None = None) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    outcome = None
    if entry is None:
        if not services.can_add_outcome(request.user, workspace):
            raise PermissionDenied
    else:
        outcome = get_object_or_404(OutcomeEntry, pk=entry, workspace=workspace)
        if not services.can_edit_outcome(request.user, outcome):
            raise PermissionDenied
    form = OutcomeForm(request.POST or None, instance=outcome)
    if request.method == "POST":
        if form.is_valid():
            services.save_outcome(workspace, form.save(False), request.user)
            messages.success(request, _("Résultat enregistré."))
            return redirect("economics:model", pk=pk)
        messages.error(request, _("Le formulaire contient des erreurs : rien n'a été enregistré."))
    return render(
        request,
        "economics/outcome_form.html",
        {"workspace": workspace, "form": form, "entry": outcome},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def delete_contribution(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    _workspace, _organisation, contribution = _contribution(request, pk, entry)
    services.delete_entry(contribution, request.user)
    messages.success(request, _("Apport supprimé (il reste dans l'historique)."))
    return redirect("economics:model", pk=pk)


@login_required
@require_POST
def delete_outcome(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    outcome = get_object_or_404(OutcomeEntry, pk=entry, workspace=workspace)
    if not services.can_edit_outcome(request.user, outcome):
        raise PermissionDenied
    services.delete_entry(outcome, request.user)
    messages.success(request, _("Résultat supprimé (il reste dans l'historique)."))
    return redirect("economics:model", pk=pk)


@login_required
def history(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    return render(
        request,
        "economics/history.html",
        {"workspace": workspace, "changes": services.history(workspace)},
    )
