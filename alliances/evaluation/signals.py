"""A progress report filed or removed changes its alliance's status light at once."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from alliances.workspaces.status import refresh_status_lights

from .models import ProgressReport


def _report_changed(sender: type, instance: ProgressReport, **kwargs: Any) -> None:
    refresh_status_lights([instance.workspace.alliance_id])


def connect() -> None:
    post_save.connect(_report_changed, sender=ProgressReport, dispatch_uid="report-light-save")
    post_delete.connect(_report_changed, sender=ProgressReport, dispatch_uid="report-light-del")
