"""What an alliance chose to show on its public page, item by item."""

from django.utils import timezone

from alliances.evaluation.models import Campaign

from .models import Workspace
from .status import last_report_date, workspace_status


def public_summary(alliance: object) -> dict | None:
    """None when the alliance has no workspace; else its status light and published items."""
    workspace = Workspace.objects.filter(alliance=alliance).first()
    if workspace is None:
        return None
    summary: dict = {
        "status": workspace_status(workspace),
        "last_report": last_report_date(workspace),
        "opened": timezone.localdate(workspace.created_at),
    }
    if workspace.publish_evaluation:
        campaign = (
            workspace.campaigns.filter(status=Campaign.Status.CLOSED).order_by("-year").first()
        )
        if campaign:
            from alliances.evaluation.results import campaign_results

            results = campaign_results(campaign)
            summary["evaluation"] = {
                "year": campaign.year,
                "partners": len(results["partners"]),
                "axes": [
                    {"axis": a["axis"], "convergence": a["convergence"]}
                    for a in results["axis_rows"]
                ],
                "chart": results["chart"],
            }
    if workspace.publish_model:
        from alliances.economics.services import compute_for

        result = compute_for(workspace)
        if result:
            summary["model"] = result
    if workspace.publish_reports:
        summary["reports"] = list(workspace.reports.all())
    summary["today"] = timezone.localdate()
    return summary


def public_section(request: object, alliance: object) -> str:
    """The follow-up section of the public alliance page (empty without a workspace)."""
    from django.template.loader import render_to_string

    summary = public_summary(alliance)
    if summary is None:
        return ""
    return render_to_string("workspaces/public_summary.html", {"summary": summary}, request)
