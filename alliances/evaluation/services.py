"""What the joint evaluation and the progress reports do, apart from any page.

Campaigns: opened with the questionnaire of the day and the partners' choice about comments;
a partner's answers count only once complete and sent; closing can be undone for a while
(crossviews.REOPEN_WITHIN). Reports: drafted by any partner, submitted by a coordinator;
their indicators take baseline, target and actual values per year, or the model's figures.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from alliances.economics import services as economics
from alliances.workspaces.models import Workspace

from . import crossviews, notifications
from .models import Campaign, Indicator, IndicatorValue, ProgressReport, Response
from .questionnaire import load_questionnaire, questions_of

REMIND_EVERY = timedelta(days=7)  # a campaign's silent partners are reminded at most weekly


class CampaignExists(Exception):
    """A campaign is already open or closed for this year."""


def open_campaign(
    workspace: Workspace,
    year: int,
    comments_attributed: bool,
    user: AbstractBaseUser,
    base_url: str | None = None,
) -> Campaign:
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                workspace=workspace,
                year=year,
                questionnaire=load_questionnaire(),
                comments_attributed=comments_attributed,
                opened_by=user,
            )
    except IntegrityError:
        raise CampaignExists from None
    notifications.campaign_opened(campaign, base_url)
    return campaign


@dataclass(frozen=True)
class PartnerStatus:
    organisation_id: int
    name: str
    answered: bool  # complete answers sent: counted in the results
    draft: bool  # answers saved but not sent (or not complete)


def partners_status(campaign: Campaign) -> list[PartnerStatus]:
    """Every partner organisation with a member in the workspace, and where it stands."""
    responses = {r.organisation_id: r for r in campaign.responses.all()}
    organisations = {
        m.organisation_id: m.organisation.name
        for m in campaign.workspace.members.select_related("organisation")
    }
    rows = []
    for organisation_id, name in sorted(organisations.items(), key=lambda item: item[1]):
        response = responses.get(organisation_id)
        rows.append(
            PartnerStatus(
                organisation_id=organisation_id,
                name=name,
                answered=bool(response and response.submitted),
                draft=bool(response and not response.submitted),
            )
        )
    return rows


def save_answers(
    campaign: Campaign,
    organisation_id: int,
    answers: dict,
    comment: str,
    user: AbstractBaseUser,
    send: bool,
) -> Response:
    """Keep a partner's answers; sent only when `send` and every question is answered."""
    questions = questions_of(campaign.questionnaire)
    for question in questions:
        crossviews.check_answer(question, str(organisation_id), answers.get(question.key))
    complete = crossviews.is_complete(questions, answers)
    if send and not complete:
        raise ValueError("réponses incomplètes")
    now = timezone.now()
    response, _created = Response.objects.update_or_create(
        campaign=campaign,
        organisation_id=organisation_id,
        defaults={
            "answers": answers,
            "comment": comment,
            "submitted": send,
            "submitted_at": now if send else None,
            "updated_by": user,
        },
    )
    return response


def close_campaign(
    campaign: Campaign, user: AbstractBaseUser, base_url: str | None = None
) -> Campaign:
    campaign.status = Campaign.Status.CLOSED
    campaign.closed_at = timezone.now()
    campaign.closed_by = user
    campaign.save(update_fields=["status", "closed_at", "closed_by"])
    notifications.campaign_closed(campaign, base_url)
    return campaign


def can_reopen(campaign: Campaign) -> bool:
    return not campaign.is_open and crossviews.can_reopen(campaign.closed_at, timezone.now())


def reopen_campaign(
    campaign: Campaign, user: AbstractBaseUser, base_url: str | None = None
) -> Campaign:
    if not can_reopen(campaign):
        raise ValueError("la campagne ne peut plus être rouverte")
    campaign.status = Campaign.Status.OPEN
    campaign.closed_at = None
    campaign.closed_by = None
    campaign.save(update_fields=["status", "closed_at", "closed_by"])
    notifications.campaign_reopened(campaign, user, base_url)
    return campaign


def reopen_deadline(campaign: Campaign) -> object:
    return campaign.closed_at + crossviews.REOPEN_WITHIN if campaign.closed_at else None


def remind(campaign: Campaign, base_url: str | None = None, force: bool = False) -> int:
    """Remind the partners who have not answered; at most once a week unless `force`."""
    now = timezone.now()
    if not force and campaign.last_reminder_at and now - campaign.last_reminder_at < REMIND_EVERY:
        return 0
    sent = notifications.campaign_reminder(campaign, base_url)
    if sent:
        campaign.last_reminder_at = now
        campaign.save(update_fields=["last_reminder_at"])
    return sent


def remind_open_campaigns(base_url: str | None = None, dry_run: bool = False) -> list[Campaign]:
    """Open campaigns older than a week whose silent partners were not reminded this week."""
    now = timezone.now()
    due = []
    for campaign in Campaign.objects.filter(
        status=Campaign.Status.OPEN, opened_at__lte=now - REMIND_EVERY
    ).select_related("workspace__alliance"):
        if campaign.last_reminder_at and now - campaign.last_reminder_at < REMIND_EVERY:
            continue
        if not notifications.unanswered_organisation_ids(campaign):
            continue
        if dry_run or remind(campaign, base_url):
            due.append(campaign)
    return due


# Progress reports -----------------------------------------------------------------------


def save_report(report: ProgressReport, workspace: Workspace, user: AbstractBaseUser) -> None:
    report.workspace = workspace
    if report.author_id is None:
        report.author = user
    report._history_user = user
    report.save()


def submit_report(report: ProgressReport, user: AbstractBaseUser) -> None:
    report.status = ProgressReport.Status.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = user
    report._history_user = user
    report._change_reason = "submitted"  # the history says "submitted", not "changed"
    report.save()


def can_edit_report(report: ProgressReport, coordinator: bool) -> bool:
    """A draft is open to every partner; a submitted report to the coordinators only."""
    return coordinator or not report.is_submitted


def delete_report(report: ProgressReport, user: AbstractBaseUser) -> None:
    report._history_user = user
    report.delete()


def save_indicator(
    indicator: Indicator, workspace: Workspace, user: AbstractBaseUser, targets: list
) -> Indicator:
    indicator.workspace = workspace
    if indicator.author_id is None:
        indicator.author = user
    indicator._history_user = user
    indicator.save()
    indicator.sdg_targets.set(targets)
    return indicator


def save_indicator_value(value: IndicatorValue, user: AbstractBaseUser) -> IndicatorValue:
    value._history_user = user
    value.save()
    return value


def model_figure(workspace: Workspace, figure: str, year: int) -> Decimal | None:
    """A figure of the socio-economic model for one year (None when the model has none)."""
    if figure == Indicator.ModelFigure.VOLUNTEER_HOURS:
        hours = economics.volunteer_hours(workspace, year)
        return None if hours is None else Decimal(str(hours))
    result = economics.compute_for(workspace, year)
    if result is None:
        return None
    value = {
        Indicator.ModelFigure.TOTAL: result.total,
        Indicator.ModelFigure.BENEFICIARIES: result.beneficiaries,
        Indicator.ModelFigure.VALUE_CREATED: result.value_created,
        Indicator.ModelFigure.NON_CASH: (
            None if result.non_cash_share is None else result.non_cash_share * 100
        ),
    }.get(figure)
    return None if value is None else Decimal(value).quantize(Decimal("0.01"))


@dataclass
class IndicatorRow:
    """One indicator in one report: baseline, target, the year's value and how it reads."""

    indicator: Indicator
    value: IndicatorValue | None
    actual: Decimal | None
    actual_text: str
    from_model: bool
    progress: int | None  # share of the way from baseline to target, in %


def _progress(indicator: Indicator, actual: Decimal | None) -> int | None:
    baseline, target = indicator.baseline, indicator.target
    if actual is None or baseline is None or target is None or target == baseline:
        return None
    return round((actual - baseline) / (target - baseline) * 100)


def indicator_rows(report: ProgressReport) -> list[IndicatorRow]:
    values = {v.indicator_id: v for v in report.indicator_values.all()}
    rows = []
    for indicator in report.workspace.indicators.prefetch_related("sdg_targets"):
        value = values.get(indicator.pk)
        if indicator.model_figure:
            actual = model_figure(report.workspace, indicator.model_figure, report.year)
            from_model = True
        else:
            actual = value.value if value else None
            from_model = False
        rows.append(
            IndicatorRow(
                indicator=indicator,
                value=value,
                actual=actual,
                actual_text=value.text if value else "",
                from_model=from_model,
                progress=_progress(indicator, actual) if indicator.is_quantitative else None,
            )
        )
    return rows


def model_figures_for(workspace: Workspace, year: int) -> list[tuple[str, Decimal | None]]:
    """The model's figures for a year, offered beside the report so that none is retyped."""
    return [
        (label, model_figure(workspace, key, year)) for key, label in Indicator.ModelFigure.choices
    ]
