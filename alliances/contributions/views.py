"""Pages of public contributions: propose, correct, report, follow; the curators' queue."""

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alliances.base.models import Alliance
from alliances.common.clients import client_address

from . import services
from .display import problem_lines, proposal_rows
from .forms import (
    AcceptForm,
    CloseReportForm,
    ProposalForm,
    QueueFilterForm,
    RefuseForm,
    ReportFilterForm,
    ReportForm,
    initial_from_cells,
    partner_rows_for,
)
from .mail import notify, tell_curators
from .models import Proposal, Report

PAGE_SIZE = 30


def curator_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed-in curators only: others are sent to log in, or refused (403)."""

    @wraps(view)
    @login_required
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not services.is_curator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def _rate_message(retry: datetime) -> str:
    return _(
        "Vous avez déjà envoyé %(limit)s propositions ces dernières 24 heures : c'est la "
        "limite, pour protéger la file des curateurs. Vous pourrez en envoyer une autre à "
        "partir du %(when)s ; ce que vous avez saisi est conservé ci-dessous."
    ) % {"limit": services.PROPOSALS_PER_DAY, "when": _when(retry)}


def _proposal_thanks() -> str:
    # The same words when a robot is silently dropped: the hidden field stays secret.
    return _(
        "Merci : votre proposition est transmise aux curateurs. Vous serez prévenu par e-mail."
    )


def _report_thanks() -> str:
    return _("Merci : votre signalement est transmis aux curateurs.")


def _language() -> str:
    return (get_language() or "fr")[:2]


def _page(request: HttpRequest, queryset: Any) -> Any:
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def index(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"is_curator": services.is_curator(request.user)}
    if context["is_curator"]:
        context["pending"] = Proposal.objects.filter(status=Proposal.Status.PENDING).count()
        context["open_reports"] = Report.objects.filter(status=Report.Status.OPEN).count()
    return render(request, "contributions/index.html", context)


def _proposal_page(
    request: HttpRequest, form: ProposalForm, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, "contributions/propose.html", {"form": form, **context}, status=status)


def _outcome(request: HttpRequest, form: ProposalForm) -> str:
    """ "ok", "spam", "limited" or "invalid"; a refusal is added to the form's errors."""
    valid = form.is_valid()
    if valid and form.is_spam:
        return "spam"
    retry = services.proposal_retry_after(request.user)
    if retry:
        form.add_error(None, _rate_message(retry))
        return "limited"
    return "ok" if valid else "invalid"


def _not_stored(request: HttpRequest, form: ProposalForm, context: dict, outcome: str) -> Any:
    if outcome == "spam":
        # A robot filled the hidden field: it is told nothing useful, nothing is stored.
        messages.success(request, _proposal_thanks())
        return redirect("contributions:mine")
    return _proposal_page(request, form, context, status=429 if outcome == "limited" else 400)


def _form_step(request: HttpRequest, form: ProposalForm, context: dict) -> HttpResponse | None:
    """The form's page (shown, or refused with what was typed), or None to store it."""
    if request.method != "POST":
        retry = services.proposal_retry_after(request.user)
        context["retry"] = _rate_message(retry) if retry else None
        return _proposal_page(request, form, context)
    outcome = _outcome(request, form)
    if outcome != "ok":
        return _not_stored(request, form, context, outcome)
    return None


@login_required
def propose(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(data, mode="new")
    context = {"mode": "new", "retry": None}
    if (page := _form_step(request, form, context)) is not None:
        return page
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.NEW,
        title=form.cells["title"][:300],
        contributor=request.user,
        language=_language(),
        cells=form.cells,
        explanation=form.cleaned_data.get("explanation", ""),
    )
    tell_curators(proposal, request)
    messages.success(request, _proposal_thanks())
    return redirect("contributions:mine-detail", pk=proposal.pk)


@login_required
def correct(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_object_or_404(Alliance.objects.published(), slug=slug)
    current = services.current_cells(alliance)
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(
        data,
        mode="correction",
        alliance=alliance,
        current=current,
        partner_rows=partner_rows_for(current),
        initial=initial_from_cells(current),
    )
    context = {
        "mode": "correction",
        "alliance": alliance,
        "sources": list(alliance.sources.all()),
        "retry": None,
    }
    if (page := _form_step(request, form, context)) is not None:
        return page
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        title=alliance.title,
        alliance=alliance,
        contributor=request.user,
        language=_language(),
        cells=form.changes,
        before={column: current.get(column, "") for column in form.changes},
        explanation=form.cleaned_data["explanation"],
    )
    tell_curators(proposal, request)
    messages.success(
        request,
        _("Merci : votre correction est transmise aux curateurs. Vous serez prévenu par e-mail."),
    )
    return redirect("contributions:mine-detail", pk=proposal.pk)


@login_required
def mine(request: HttpRequest) -> HttpResponse:
    proposals = Proposal.objects.filter(contributor=request.user).select_related("alliance")
    return render(request, "contributions/mine.html", {"page": _page(request, proposals)})


@login_required
def mine_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Another person's proposal does not exist for this contributor (404, not 403).
    proposal = get_object_or_404(
        Proposal.objects.select_related("alliance"), pk=pk, contributor=request.user
    )
    return render(
        request,
        "contributions/mine_detail.html",
        {"proposal": proposal, "rows": proposal_rows(proposal)},
    )


def report(request: HttpRequest, slug: str) -> HttpResponse:
    alliance = get_object_or_404(Alliance.objects.published(), slug=slug)
    data = request.POST if request.method == "POST" else None
    form = ReportForm(data, prefix="signalement")
    status = 200
    if data is not None:
        status = 400
        if form.is_valid():
            if form.is_spam:
                messages.success(request, _report_thanks())
                return redirect(alliance)
            key = services.reporter_key(client_address(request))
            retry = services.report_retry_after(key)
            if retry:
                form.add_error(
                    None,
                    _(
                        "Trop de signalements envoyés depuis votre connexion en une heure "
                        "(limite : %(limit)s). Réessayez à partir du %(when)s ; votre texte "
                        "est conservé ci-dessous."
                    )
                    % {"limit": services.REPORTS_PER_HOUR, "when": _when(retry)},
                )
                status = 429
            else:
                Report.objects.create(
                    alliance=alliance,
                    reason=form.cleaned_data["reason"],
                    message=form.cleaned_data["message"],
                    reporter=request.user if request.user.is_authenticated else None,
                    address_key=key,
                )
                messages.success(request, _report_thanks())
                return redirect(alliance)
    return render(
        request, "contributions/report.html", {"alliance": alliance, "form": form}, status=status
    )


@curator_required
def queue(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = Proposal.Status.PENDING
    filters = QueueFilterForm(params)
    proposals = Proposal.objects.select_related("contributor", "alliance", "moderated_by")
    if filters.is_valid():
        data = filters.cleaned_data
        if data["status"]:
            proposals = proposals.filter(status=data["status"])
        if data["kind"]:
            proposals = proposals.filter(kind=data["kind"])
        if data["q"]:
            proposals = proposals.filter(title__icontains=data["q"])
    if filters.is_valid() and filters.cleaned_data["status"] == Proposal.Status.PENDING:
        proposals = proposals.order_by("created_at", "pk")  # oldest first: a queue
    context = {
        "filters": filters,
        "page": _page(request, proposals),
        "querystring": _without_page(params),
        "open_reports": Report.objects.filter(status=Report.Status.OPEN).count(),
    }
    return render(request, "contributions/queue.html", context)


def _without_page(params: Any) -> str:
    params = params.copy()
    params.pop("page", None)
    return params.urlencode()


def _review_context(proposal: Proposal, **forms: Any) -> dict[str, Any]:
    current = None
    problems: list[Any] = []
    if proposal.kind == Proposal.Kind.CORRECTION and proposal.alliance is not None:
        current = services.current_cells(proposal.alliance)
        if proposal.is_pending:
            checked = services.correction_cells(proposal.alliance, proposal.cells)
            problems = services.check_cells(checked, alliance=proposal.alliance)[1]
    elif proposal.kind == Proposal.Kind.NEW and proposal.is_pending:
        problems = services.check_cells(proposal.cells)[1]
    return {
        "proposal": proposal,
        "rows": proposal_rows(proposal, current),
        "problems": problem_lines(problems),
        "accept_form": forms.get("accept_form") or AcceptForm(kind=proposal.kind, prefix="accept"),
        "refuse_form": forms.get("refuse_form") or RefuseForm(prefix="refuse"),
        "gone": proposal.kind == Proposal.Kind.CORRECTION and proposal.alliance is None,
    }


def _proposal_for_curator(pk: int) -> Proposal:
    return get_object_or_404(
        Proposal.objects.select_related("contributor", "alliance", "moderated_by", "edited_by"),
        pk=pk,
    )


@curator_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for_curator(pk)
    return render(request, "contributions/review.html", _review_context(proposal))


def _already(request: HttpRequest, proposal: Proposal) -> HttpResponse:
    messages.warning(request, _("Cette proposition a déjà été modérée : rien n'a été changé."))
    return redirect("contributions:review", pk=proposal.pk)


def _answered(request: HttpRequest, proposal: Proposal, done: str) -> HttpResponse:
    if notify(proposal, request):
        messages.success(request, done + " " + _("Le contributeur est prévenu par e-mail."))
    else:
        messages.warning(request, done + " " + _("Le contributeur n'a pas pu être prévenu."))
    return redirect("contributions:queue")


@curator_required
@require_POST
def accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for_curator(pk)
    if not proposal.is_pending:
        return _already(request, proposal)
    form = AcceptForm(request.POST, kind=proposal.kind, prefix="accept")
    if not form.is_valid():
        context = _review_context(proposal, accept_form=form)
        return render(request, "contributions/review.html", context, status=400)
    message = form.cleaned_data["message"]
    try:
        if proposal.kind == Proposal.Kind.NEW:
            services.accept_new(
                proposal, request.user, status=form.cleaned_data["status"], message=message
            )
            done = _("Proposition acceptée : l'exemple est créé.")
        else:
            services.apply_correction(proposal, request.user, message=message)
            done = _("Correction appliquée à l'exemple.")
    except services.AlreadyModerated:
        return _already(request, proposal)
    except services.Rejected as rejected:
        proposal.refresh_from_db()
        context = _review_context(proposal, accept_form=form)
        context["problems"] = problem_lines(rejected.problems)
        return render(request, "contributions/review.html", context, status=400)
    return _answered(request, proposal, done)


@curator_required
@require_POST
def refuse(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _proposal_for_curator(pk)
    if not proposal.is_pending:
        return _already(request, proposal)
    form = RefuseForm(request.POST, prefix="refuse")
    if not form.is_valid():
        context = _review_context(proposal, refuse_form=form)
        return render(request, "contributions/review.html", context, status=400)
    try:
        services.refuse(proposal, request.user, form.cleaned_data["message"])
    except services.AlreadyModerated:
        return _already(request, proposal)
    return _answered(request, proposal, _("Proposition refusée."))


@curator_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """A curator completes or fixes a new example's proposal before accepting it."""
    proposal = _proposal_for_curator(pk)
    if proposal.kind != Proposal.Kind.NEW or not proposal.is_pending:
        messages.warning(
            request,
            _("Seule une proposition de nouvel exemple en attente peut être modifiée ici."),
        )
        return redirect("contributions:review", pk=proposal.pk)
    data = request.POST if request.method == "POST" else None
    form = ProposalForm(
        data,
        mode="edit",
        partner_rows=partner_rows_for(proposal.cells),
        initial=initial_from_cells(proposal.cells),
    )
    if data is not None and form.is_valid():
        if not services.save_edit(proposal, request.user, form.cells):
            return _already(request, proposal)
        messages.success(
            request, _("Modifications enregistrées ; la proposition reste en attente.")
        )
        return redirect("contributions:review", pk=proposal.pk)
    return _proposal_page(
        request,
        form,
        {"mode": "edit", "proposal": proposal, "retry": None},
        status=400 if data is not None else 200,
    )


@curator_required
def reports(request: HttpRequest) -> HttpResponse:
    params = request.GET.copy()
    if "status" not in params:
        params["status"] = Report.Status.OPEN
    filters = ReportFilterForm(params)
    found = Report.objects.select_related("alliance", "closed_by")
    if filters.is_valid():
        if filters.cleaned_data["status"]:
            found = found.filter(status=filters.cleaned_data["status"])
        if filters.cleaned_data["reason"]:
            found = found.filter(reason=filters.cleaned_data["reason"])
    context = {
        "filters": filters,
        "page": _page(request, found),
        "querystring": _without_page(params),
        "close_form": CloseReportForm(),
        "pending": Proposal.objects.filter(status=Proposal.Status.PENDING).count(),
    }
    return render(request, "contributions/reports.html", context)


@curator_required
@require_POST
def close_report(request: HttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(Report, pk=pk)
    form = CloseReportForm(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            _("Le signalement n'est pas clos : %(error)s")
            % {"error": " ".join(form.errors.get("note", []))},
        )
        return redirect("contributions:reports")
    closed = Report.objects.filter(pk=found.pk, status=Report.Status.OPEN).update(
        status=Report.Status.CLOSED,
        note=form.cleaned_data["note"],
        closed_by=request.user,
        closed_at=timezone.now(),
    )
    if closed:
        messages.success(request, _("Signalement clos."))
    else:
        messages.warning(request, _("Ce signalement était déjà clos."))
    return redirect("contributions:reports")
