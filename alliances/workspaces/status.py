"""The status light of an alliance from its progress reports (rule in evaluation.crossviews).

The light is also kept on the alliance itself (`Alliance.status_light`) so that the search of
the base filters and counts it like any other column: `refresh_status_lights` writes it when
a report is submitted or removed, when a workspace opens or closes, and daily (the light changes
with time alone), from `send_report_reminders`.
"""

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from alliances.base.models import Alliance
from alliances.base.reindex import refresh_search_index
from alliances.evaluation.crossviews import report_status

from .models import Workspace


def last_report_date(workspace: Workspace) -> date | None:
    latest = (
        workspace.reports.filter(status="submitted", submitted_at__isnull=False)
        .order_by("-submitted_at")
        .values_list("submitted_at", flat=True)
    )
    stamp = latest.first()
    return timezone.localdate(stamp) if stamp else None


def clock_start(workspace: Workspace) -> date:
    """Since when the alliance is judged: its last report, else the opening of its workspace.

    A workspace that has just opened has a year to file its first report: it is not shown as
    inactive on its first day.
    """
    return last_report_date(workspace) or timezone.localdate(workspace.created_at)


def workspace_status(workspace: Workspace, today: date | None = None) -> str:
    return report_status(clock_start(workspace), today or timezone.localdate())


def refresh_status_lights(
    alliance_ids: Iterable[int] | None = None, today: date | None = None
) -> list[int]:
    """Write the current light on the alliances (all, or these); returns the ids changed.

    An alliance without a workspace has no light (""). Changed alliances are re-indexed so
    that the search facet counts them at once.
    """
    today = today or timezone.localdate()
    alliances = Alliance.objects.all()
    if alliance_ids is not None:
        alliances = alliances.filter(pk__in=list(alliance_ids))
    current = dict(alliances.values_list("id", "status_light"))
    wanted = dict.fromkeys(current, "")
    workspaces = (
        Workspace.objects.filter(alliance_id__in=list(current))
        .annotate(last=Max("reports__submitted_at", filter=Q(reports__status="submitted")))
        .values_list("alliance_id", "created_at", "last")
    )
    for alliance_id, opened, last in workspaces:
        wanted[alliance_id] = report_status(timezone.localdate(last or opened), today)
    changed = [pk for pk, light in wanted.items() if current[pk] != light]
    if changed:
        with transaction.atomic():
            for light in {wanted[pk] for pk in changed}:
                ids = [pk for pk in changed if wanted[pk] == light]
                Alliance.objects.filter(pk__in=ids).update(status_light=light)
        refresh_search_index(changed)
    return changed
