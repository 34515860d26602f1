"""What the partners agreed to show on the alliance's public page, part by part.

A part appears only once every partner organisation represented in the workspace agreed
(workspaces.services.request_publication). Every published figure comes with what it rests
on: the assumptions, the adjustments and the sources of the model; the number of partners and
of "don't know" answers of the evaluation; the indicators of the reports.
"""

from django.utils import timezone

from .models import Workspace
from .status import last_report_date, workspace_status


def _evaluation(workspace: Workspace) -> dict | None:
    from alliances.evaluation.models import Campaign
    from alliances.evaluation.results import campaign_results

    campaign = workspace.campaigns.filter(status=Campaign.Status.CLOSED).order_by("-year").first()
    if campaign is None:
        return None
    results = campaign_results(campaign)
    return {
        "year": campaign.year,
        "partners": len(results["partners"]),
        "axes": results["axis_rows"],
        "chart": results["chart"],
        "dont_know": results["dont_know_total"],
        "questions": len(results["rows"]),
    }


def _model(workspace: Workspace) -> dict | None:
    from alliances.economics.presentation import assumption_rows, outcome_rows
    from alliances.economics.services import compute_for

    result = compute_for(workspace)
    if result is None:
        return None
    years = sorted(
        set(workspace.contributions.values_list("year", flat=True))
        | set(workspace.outcomes.values_list("year", flat=True))
    )
    return {
        "result": result,
        "years": years,
        "outcomes": outcome_rows(list(workspace.outcomes.all())),
        "assumptions": assumption_rows(result),
    }


def _reports(workspace: Workspace) -> list[dict]:
    from alliances.evaluation.services import indicator_rows

    return [
        {"report": report, "rows": indicator_rows(report)}
        for report in workspace.reports.filter(status="submitted").order_by("-year")
    ]


def public_summary(alliance: object) -> dict | None:
    """None when the alliance has no workspace; else its status light and published parts."""
    workspace = Workspace.objects.filter(alliance=alliance).first()
    if workspace is None:
        return None
    summary: dict = {
        "status": workspace_status(workspace),
        "last_report": last_report_date(workspace),
        "opened": timezone.localdate(workspace.created_at),
        "today": timezone.localdate(),
        # The base's own record of results, shown above this section: said plainly when empty.
        "record_has_results": bool(alliance.results_text) or alliance.results.exists(),
    }
    if workspace.publish_evaluation and (evaluation := _evaluation(workspace)):
        summary["evaluation"] = evaluation
    if workspace.publish_model and (model := _model(workspace)):
        summary["model"] = model["result"]
        summary["model_years"] = model["years"]
        summary["model_outcomes"] = model["outcomes"]
        summary["model_assumptions"] = model["assumptions"]
    if workspace.publish_reports:
        summary["reports"] = _reports(workspace)
    return summary


def public_section(request: object, alliance: object) -> str:
    """The follow-up section of the public alliance page (empty without a workspace)."""
    from django.template.loader import render_to_string

    summary = public_summary(alliance)
    if summary is None:
        return ""
    return render_to_string("workspaces/public_summary.html", {"summary": summary}, request)
