from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.workspaces import permissions
from alliances.workspaces.permissions import get_workspace_for
from alliances.workspaces.status import workspace_status

from . import services
from .crossviews import cross_views
from .forms import (
    SEND,
    AnswersForm,
    CampaignForm,
    IndicatorForm,
    IndicatorValueForm,
    ProgressReportForm,
)
from .models import Campaign, Indicator, IndicatorValue, ProgressReport, Response
from .questionnaire import questions_of
from .results import campaign_results


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


def _campaign(request: HttpRequest, pk: int, year: int) -> Campaign:
    workspace = get_workspace_for(request, pk)
    return get_object_or_404(
        Campaign.objects.select_related("workspace__alliance"), workspace=workspace, year=year
    )


def _coordinate(request: HttpRequest, workspace: object) -> None:
    if not permissions.can_coordinate(request.user, workspace):
        raise PermissionDenied


def _pdf(request: HttpRequest, template: str, context: dict, filename: str) -> HttpResponse:
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    document = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def create_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the opening form (year, how comments are shown); POST: open and tell everyone."""
    workspace = get_workspace_for(request, pk)
    _coordinate(request, workspace)
    form = CampaignForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method != "POST" or not form.is_valid():
        return render(
            request,
            "evaluation/campaign_new.html",
            {"workspace": workspace, "form": form, "campaigns": workspace.campaigns.all()},
            status=400 if form.errors else 200,
        )
    year = form.cleaned_data["year"]
    try:
        services.open_campaign(
            workspace,
            year,
            form.cleaned_data["comments_attributed"],
            request.user,
            _base_url(request),
        )
    except services.CampaignExists:
        form.add_error("year", _("Une campagne existe déjà pour cette année."))
        return render(
            request,
            "evaluation/campaign_new.html",
            {"workspace": workspace, "form": form, "campaigns": workspace.campaigns.all()},
            status=400,
        )
    messages.success(request, _("Campagne d'évaluation ouverte : les partenaires sont prévenus."))
    return redirect("evaluation:campaign", pk=pk, year=year)


def _answers_initial(response: Response | None) -> dict:
    if response is None:
        return {}
    initial = {k: str(v) for k, v in response.answers.items() if v is not None}
    initial["comment"] = response.comment
    return initial


def _answer(request: HttpRequest, campaign: Campaign, organisation_id: int) -> tuple:
    """Handle the answer form; returns (form, redirect or None)."""
    response = Response.objects.filter(campaign=campaign, organisation_id=organisation_id).first()
    sending = request.POST.get("action") == SEND
    form = AnswersForm(
        request.POST or None,
        initial=_answers_initial(response),
        questionnaire=campaign.questionnaire,
        sending=sending,
    )
    if request.method != "POST":
        return form, None
    if not form.is_valid():
        messages.error(
            request,
            _("Vos réponses ne sont pas envoyées : choisissez une réponse aux questions signalées.")
            if sending
            else _("Certaines réponses ne sont pas valides : corrigez les champs signalés."),
        )
        return form, None
    services.save_answers(
        campaign,
        organisation_id,
        form.answers(),
        form.cleaned_data["comment"],
        request.user,
        send=sending,
    )
    if sending:
        messages.success(
            request,
            _("Vos réponses sont envoyées. Vous pouvez les modifier jusqu'à la clôture."),
        )
    else:
        messages.success(
            request,
            _(
                "Brouillon enregistré. Votre organisation ne compte comme ayant répondu "
                "qu'une fois toutes les réponses envoyées."
            ),
        )
    return form, redirect("evaluation:campaign", pk=campaign.workspace_id, year=campaign.year)


@login_required
def campaign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    workspace = campaign.workspace
    organisation_id = permissions.organisation_of(request.user, workspace)
    coordinator = permissions.can_coordinate(request.user, workspace)
    statuses = services.partners_status(campaign)
    context = {
        "workspace": workspace,
        "campaign": campaign,
        "coordinator": coordinator,
        "partners_status": statuses,
        "missing": [s for s in statuses if not s.answered],
        "question_count": len(campaign.questionnaire["questions"]),
    }
    if campaign.is_open:
        if request.method == "POST" and organisation_id is None:
            raise PermissionDenied
        if organisation_id is not None:
            form, done = _answer(request, campaign, organisation_id)
            if done:
                return done
            context["form"] = form
            context["own_status"] = next(
                (s for s in statuses if s.organisation_id == organisation_id), None
            )
        status = 400 if context.get("form") is not None and context["form"].errors else 200
        return render(request, "evaluation/campaign.html", context, status=status)
    if request.method == "POST":
        raise PermissionDenied
    context.update(campaign_results(campaign))
    context["history"] = _history(workspace)
    context["can_reopen"] = coordinator and services.can_reopen(campaign)
    context["reopen_deadline"] = services.reopen_deadline(campaign)
    return render(request, "evaluation/campaign.html", context)


def _history(workspace: object) -> list[dict]:
    """Axis convergence of every closed campaign, to compare over time."""
    from alliances.common.i18n import current_language

    lang = current_language()
    rows = []
    for c in workspace.campaigns.filter(status=Campaign.Status.CLOSED).order_by("year"):
        answers = {r.organisation_id: r.answers for r in c.responses.filter(submitted=True)}
        _views, axes = cross_views(questions_of(c.questionnaire), answers)
        labels = {
            a["key"]: a.get(f"label_{lang}") or a["label_fr"] for a in c.questionnaire["axes"]
        }
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
def close_campaign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """GET: what closing means and who has not answered; POST: close it."""
    campaign = _campaign(request, pk, year)
    _coordinate(request, campaign.workspace)
    if not campaign.is_open:
        return redirect("evaluation:campaign", pk=pk, year=year)
    if request.method == "POST":
        services.close_campaign(campaign, request.user, _base_url(request))
        messages.success(
            request,
            _(
                "Campagne close : les regards croisés sont visibles par tous les partenaires, "
                "qui en sont prévenus."
            ),
        )
        return redirect("evaluation:campaign", pk=pk, year=year)
    statuses = services.partners_status(campaign)
    return render(
        request,
        "evaluation/close_confirm.html",
        {
            "workspace": campaign.workspace,
            "campaign": campaign,
            "answered": [s for s in statuses if s.answered],
            "missing": [s for s in statuses if not s.answered],
            "reopen_days": services.crossviews.REOPEN_WITHIN.days,
        },
    )


@login_required
@require_POST
def reopen_campaign(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    _coordinate(request, campaign.workspace)
    if not services.can_reopen(campaign):
        messages.error(request, _("Cette campagne ne peut plus être rouverte."))
        return redirect("evaluation:campaign", pk=pk, year=year)
    services.reopen_campaign(campaign, request.user, _base_url(request))
    messages.success(request, _("Campagne rouverte : les partenaires peuvent de nouveau répondre."))
    return redirect("evaluation:campaign", pk=pk, year=year)


@login_required
@require_POST
def remind(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    campaign = _campaign(request, pk, year)
    _coordinate(request, campaign.workspace)
    sent = services.remind(campaign, _base_url(request), force=True)
    if sent:
        messages.success(request, _("Rappel envoyé (%(count)s message(s)).") % {"count": sent})
    else:
        messages.info(request, _("Personne à relancer : tous les partenaires ont répondu."))
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
        "missing": [s for s in services.partners_status(campaign) if not s.answered],
        **campaign_results(campaign),
    }
    if not pdf:
        return render(request, "evaluation/report.html", context)
    slug = campaign.workspace.alliance.slug
    return _pdf(request, "evaluation/report_pdf.html", context, f"evaluation-{slug}-{year}.pdf")


# Progress reports -----------------------------------------------------------------------


@login_required
def progress_reports(request: HttpRequest, pk: int) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    member = permissions.organisation_of(request.user, workspace) is not None
    form = None
    if member:
        form = ProgressReportForm(
            request.POST or None, workspace=workspace, today_year=timezone.localdate().year
        )
        if request.method == "POST" and form.is_valid():
            report = form.save(commit=False)
            services.save_report(report, workspace, request.user)
            messages.success(request, _("Brouillon de rapport enregistré."))
            return redirect("evaluation:progress-report", pk=pk, year=report.year)
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "evaluation/reports.html",
        {
            "workspace": workspace,
            "status": workspace_status(workspace),
            "reports": workspace.reports.all(),
            "indicators": workspace.indicators.prefetch_related("sdg_targets"),
            "form": form,
            "member": member,
            "coordinator": permissions.can_coordinate(request.user, workspace),
        },
        status=400 if form is not None and form.errors else 200,
    )


def _report(request: HttpRequest, pk: int, year: int) -> ProgressReport:
    workspace = get_workspace_for(request, pk)
    return get_object_or_404(
        ProgressReport.objects.select_related("workspace__alliance"), workspace=workspace, year=year
    )


def report_context(request: HttpRequest, report: ProgressReport) -> dict:
    workspace = report.workspace
    coordinator = permissions.can_coordinate(request.user, workspace)
    member = permissions.organisation_of(request.user, workspace) is not None
    return {
        "workspace": workspace,
        "report": report,
        "rows": services.indicator_rows(report),
        "model_figures": services.model_figures_for(workspace, report.year),
        "coordinator": coordinator,
        "editable": member and services.can_edit_report(report, coordinator),
        "generated_at": timezone.now(),
        "history": report.history.select_related("history_user")[:20],
    }


@login_required
def progress_report(request: HttpRequest, pk: int, year: int, pdf: bool = False) -> HttpResponse:
    report = _report(request, pk, year)
    context = report_context(request, report)
    if pdf:
        slug = report.workspace.alliance.slug
        return _pdf(
            request, "evaluation/progress_report_pdf.html", context, f"rapport-{slug}-{year}.pdf"
        )
    return render(request, "evaluation/progress_report.html", context)


@login_required
def edit_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    report = _report(request, pk, year)
    workspace = report.workspace
    coordinator = permissions.can_coordinate(request.user, workspace)
    if permissions.organisation_of(request.user, workspace) is None or not (
        services.can_edit_report(report, coordinator)
    ):
        raise PermissionDenied
    form = ProgressReportForm(
        request.POST or None,
        instance=report,
        workspace=workspace,
        today_year=timezone.localdate().year,
    )
    if request.method == "POST" and form.is_valid():
        services.save_report(form.save(commit=False), workspace, request.user)
        messages.success(request, _("Rapport enregistré."))
        return redirect("evaluation:progress-report", pk=pk, year=year)
    return render(
        request,
        "evaluation/report_form.html",
        {"workspace": workspace, "report": report, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def submit_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    report = _report(request, pk, year)
    _coordinate(request, report.workspace)
    if not report.achievements.strip():
        messages.error(request, _("Un rapport déposé dit au moins ce que l'alliance a réalisé."))
        return redirect("evaluation:edit-report", pk=pk, year=year)
    services.submit_report(report, request.user)
    messages.success(request, _("Rapport déposé : le voyant de l'alliance est à jour."))
    return redirect("evaluation:progress-report", pk=pk, year=year)


@login_required
@require_POST
def delete_report(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    report = _report(request, pk, year)
    _coordinate(request, report.workspace)
    services.delete_report(report, request.user)
    messages.success(request, _("Rapport supprimé (il reste dans l'historique)."))
    return redirect("evaluation:reports", pk=pk)


@login_required
def indicator_form(request: HttpRequest, pk: int, indicator: int | None = None) -> HttpResponse:
    workspace = get_workspace_for(request, pk)
    if permissions.organisation_of(request.user, workspace) is None:
        raise PermissionDenied
    instance = None
    if indicator is not None:
        instance = get_object_or_404(Indicator, pk=indicator, workspace=workspace)
    form = IndicatorForm(request.POST or None, instance=instance)
    if request.method == "POST":
        if request.POST.get("delete") and instance is not None:
            instance._history_user = request.user
            instance.delete()
            messages.success(request, _("Indicateur supprimé (il reste dans l'historique)."))
            return redirect("evaluation:reports", pk=pk)
        if form.is_valid():
            services.save_indicator(
                form.save(commit=False), workspace, request.user, form.cleaned_data["sdg_targets"]
            )
            messages.success(request, _("Indicateur enregistré."))
            return redirect("evaluation:reports", pk=pk)
    return render(
        request,
        "evaluation/indicator_form.html",
        {"workspace": workspace, "form": form, "indicator": instance},
        status=400 if form.errors else 200,
    )


@login_required
def indicator_value(request: HttpRequest, pk: int, year: int, indicator: int) -> HttpResponse:
    report = _report(request, pk, year)
    workspace = report.workspace
    coordinator = permissions.can_coordinate(request.user, workspace)
    if permissions.organisation_of(request.user, workspace) is None or not (
        services.can_edit_report(report, coordinator)
    ):
        raise PermissionDenied
    item = get_object_or_404(Indicator, pk=indicator, workspace=workspace)
    if item.model_figure:
        raise Http404(_("Cet indicateur reprend le chiffre du modèle : rien à saisir."))
    instance = IndicatorValue.objects.filter(indicator=item, report=report).first()
    form = IndicatorValueForm(
        request.POST or None,
        instance=instance or IndicatorValue(indicator=item, report=report),
        indicator=item,
    )
    if request.method == "POST" and form.is_valid():
        services.save_indicator_value(form.save(commit=False), request.user)
        messages.success(request, _("Valeur enregistrée."))
        return redirect("evaluation:progress-report", pk=pk, year=year)
    return render(
        request,
        "evaluation/indicator_value_form.html",
        {"workspace": workspace, "report": report, "indicator": item, "form": form},
        status=400 if form.errors else 200,
    )
