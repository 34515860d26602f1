"""Refresh an alliance's suggestions when what the suggester reads of it changes.

After the transaction commits (a rolled-back edit computes nothing), one alliance at a time;
an alliance whose text and verified codes did not change is skipped by its digest, so the
several signals of one admin save cost one computation. Bulk writers (bulk_create) send no
signal: `manage.py suggest_sdg` (run by `setup`) catches up with them.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from alliances.base.models import Alliance, Result, alliances_of_m2m_change

logger = logging.getLogger(__name__)
UID = "alliances.sdg_coding"


def _refresh(alliance_ids: list[int]) -> None:
    from . import services

    services.refresh(alliance_ids, include_synthetic=True)


def schedule(alliance_ids: list[int], using: str | None = None) -> None:
    ids = [pk for pk in alliance_ids if pk is not None]
    if ids:
        # robust: a suggester problem is logged, never turned into a failed save.
        transaction.on_commit(lambda: _refresh(ids), using=using, robust=True)


def _alliance_saved(
    sender: type, instance: Alliance, raw: bool = False, using: str | None = None, **kw: Any
) -> None:
    if not raw:
        schedule([instance.pk], using)


def _result_changed(
    sender: type, instance: Result, raw: bool = False, using: str | None = None, **kw: Any
) -> None:
    if not raw:
        schedule([instance.alliance_id], using)


def _m2m_changed(
    sender: type,
    instance: object,
    action: str,
    reverse: bool,
    pk_set: set | None = None,
    using: str | None = None,
    **kw: Any,
) -> None:
    ids = alliances_of_m2m_change(instance, action, pk_set)
    if ids:
        schedule(ids, using)


def connect() -> None:
    post_save.connect(_alliance_saved, sender=Alliance, dispatch_uid=f"{UID}.alliance")
    post_save.connect(_result_changed, sender=Result, dispatch_uid=f"{UID}.result_saved")
    post_delete.connect(_result_changed, sender=Result, dispatch_uid=f"{UID}.result_deleted")
    for name in ("domains", "sdg_targets"):
        through = getattr(Alliance, name).through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{UID}.{name}")
