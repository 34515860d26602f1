"""A workspace opened or closed gives its alliance a status light or takes it away."""

from typing import Any

from django.db.models.signals import post_delete, post_save

from .models import Workspace
from .status import refresh_status_lights


def _workspace_changed(sender: type, instance: Workspace, **kwargs: Any) -> None:
    refresh_status_lights([instance.alliance_id])


def connect() -> None:
    post_save.connect(_workspace_changed, sender=Workspace, dispatch_uid="workspace-light-save")
    post_delete.connect(_workspace_changed, sender=Workspace, dispatch_uid="workspace-light-del")
