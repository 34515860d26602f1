from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.workspaces import permissions
from alliances.workspaces.permissions import get_workspace_for

from .forms import AnswersForm, CampaignForm, ProgressReportForm
from .models import Campaign, Response
from .questionnaire import load_questionnaire
from .results import campaign_results


def _campaign(request: HttpRequest, pk: int, year: int) -> Campaign:
    workspace = get_workspace_for(request, pk)
    return get_object_or_404(
        Campaign.objects.select_related("workspace__alliance"), workspace=workspace, year=year
    )


@login_required
@require_POST
def create_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied
    form = CampaignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Année invalide : indiquez une année entre 2000 et 2100."))
        return redirect(workspace)
    try:
        with transaction.atomic():
            Campaign.objects.create(
                workspace=workspace,
                year=form.cleaned_data["year"],
                questionnaire=load_questionnaire(),
            )
    except IntegrityError:
        messages.error(request, _("Une campagne existe déjà pour cette année."))
        return redirect(workspace)
    messages.success(request, _("Campagne d'évaluation ouverte."))
    return redirect("evaluation:campaign", pk=pk, year=form.cleaned_data["year"])


@login_required
def campaign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    workspace = campaign.workspace
    organisation_id = permissions.organisation_of(request.user, workspace)
    context = {
        "workspace": workspace,
        "campaign": campaign,
        "coordinator": permissions.can_coordinate(request.user, workspace),
    }
    answered = set(
        campaign.responses.filter(submitted=True).values_list("organisation_id", flat=True)
    )
    context["partners_status"] = [
        {"name": m.organisation.name, "answered": m.organisation_id in answered}
        for m in {
            m.organisation_id: m for m in workspace.members.select_related("organisation")
        }.values()
    ]
    if campaign.is_open:
        if organisation_id is None:
            # Curators and others see nothing of the answers before the campaign closes.
            return render(request, "evaluation/campaign.html", context)
        response = Response.objects.filter(
            campaign=campaign, organisation_id=organisation_id
        ).first()
        initial = {}
        if response:
            initial = {k: ("" if v is None else str(v)) for k, v in response.answers.items()}
            initial["comment"] = response.comment
        form = AnswersForm(
            request.POST or None, initial=initial, questionnaire=campaign.questionnaire
        )
        if request.method == "POST":
            if form.is_valid():
                Response.objects.update_or_create(
                    campaign=campaign,
                    organisation_id=organisation_id,
                    defaults={
                        "answers": form.answers(),
                        "comment": form.cleaned_data["comment"],
                        "submitted": True,
                        "updated_by": request.user,
                    },
                )
                messages.success(
                    request,
                    _(
                        "Vos réponses sont enregistrées. "
                        "Vous pouvez les modifier jusqu'à la clôture."
                    ),
                )
                return redirect("evaluation:campaign", pk=pk, year=year)
            messages.error(
                request, _("Certaines réponses ne sont pas valides : corrigez les champs signalés.")
            )
        context["form"] = form
        return render(
            request, "evaluation/campaign.html", context, status=400 if form.errors else 200
        )
    context.update(campaign_results(campaign))
    context["history"] = _history(workspace)
    return render(request, "evaluation/campaign.html", context)


def _history(workspace: object) -> list[dict]:
    """Axis convergence of every closed campaign, to compare over time."""
    from .crossviews import cross_views
    from .questionnaire import questions_of

    rows = []
    for c in workspace.campaigns.filter(status=Campaign.Status.CLOSED).order_by("year"):
        answers = {r.organisation_id: r.answers for r in c.responses.all()}
        _views, axes = cross_views(questions_of(c.questionnaire), answers)
        labels = {a["key"]: a["label_fr"] for a in c.questionnaire["axes"]}
        rows.append(
            {
                "year": c.year,
                "axes": [
                    {
                        "axis": labels.get(a.axis, a.axis),
                        "convergence": None
                        if a.convergence is None
                        else round(a.convergence * 100),
                    }
                    for a in axes
                ],
            }
        )
    return rows


@login_required
@require_POST
def close_campaign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    if not permissions.can_coordinate(request.user, campaign.workspace):
        raise PermissionDenied
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["status", "closed_at"])
    messages.success(
        request, _("Campagne close : les regards croisés sont visibles par tous les partenaires.")
    )
    return redirect("evaluation:campaign", pk=pk, year=year)


@login_required
def report(request: HttpRequest, pk: int, year: int, pdf: bool = False) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    if campaign.is_open:
        raise Http404(_("Le rapport est disponible à la clôture de la campagne."))
    context = {
        "workspace": campaign.workspace,
        "campaign": campaign,
        "generated_at": timezone.now(),
        **campaign_results(campaign),
    }
    if not pdf:
        return render(request, "evaluation/report.html", context)
    from weasyprint import HTML

    html = render_to_string("evaluation/report_pdf.html", context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="evaluation-{campaign.workspace.alliance.slug}-{year}.pdf"'
    )
    return response


@login_required
def progress_reports(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    coordinator = permissions.can_coordinate(request.user, workspace)
    form = None
    if coordinator:
        form = ProgressReportForm(
            request.POST or None, workspace=workspace, today_year=timezone.localdate().year
        )
        if request.method == "POST":
            if form.is_valid():
                report = form.save(commit=False)
                report.workspace = workspace
                report.author = request.user
                report.save()
                messages.success(request, _("Rapport d'avancement déposé."))
                return redirect("evaluation:reports", pk=pk)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "evaluation/reports.html",
        {
            "workspace": workspace,
            "reports": workspace.reports.all(),
            "form": form,
            "coordinator": coordinator,
        },
        status=400 if form is not None and form.errors else 200,
    )
