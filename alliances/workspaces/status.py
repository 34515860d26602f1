"""The status light of an alliance from its progress reports (rule in evaluation.crossviews)."""

from datetime import date

from django.utils import timezone

from alliances.evaluation.crossviews import report_status

from .models import Workspace


def last_report_date(workspace: Workspace) -> date | None:
    latest = workspace.reports.order_by("-submitted_at").values_list("submitted_at", flat=True)
    stamp = latest.first()
    return timezone.localdate(stamp) if stamp else None


def workspace_status(workspace: Workspace, today: date | None = None) -> str:
    return report_status(last_report_date(workspace), today or timezone.localdate())
