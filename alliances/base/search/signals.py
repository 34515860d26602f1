"""Keep the full-text index in step with the alliances (connected by `connect()`).

Each save of an alliance, a partner or an organisation re-indexes the alliances concerned.
Bulk loaders wrap their work in `deferred_indexing()` so the index is updated once, at the
end, for every alliance touched (or call `rebuild_index()` after `bulk_create`, which sends
no signal).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models.signals import m2m_changed, post_delete, post_save

from alliances.referentials.models import Term
from alliances.sdg.models import SdgGoal
from alliances.territories.models import Territory

from ..models import Alliance, Organisation, Partner, alliances_of_m2m_change
from . import index

_state = threading.local()


def _pending() -> set[int] | None:
    return getattr(_state, "pending", None)


@contextmanager
def deferred_indexing(using: str | None = None) -> Iterator[set[int]]:
    """Collect the alliances to re-index and index them once on exit."""
    outer = _pending()
    if outer is not None:
        yield outer
        return
    _state.pending = set()
    try:
        yield _state.pending
        ids = set(_state.pending)
    finally:
        _state.pending = None
    index.update_index(ids, using)


def _touch(ids: list[int], using: str | None) -> None:
    pending = _pending()
    if pending is not None:
        pending.update(ids)
    else:
        index.update_index(ids, using)


def _alliance_saved(
    sender: type, instance: Alliance, raw: bool = False, using: str | None = None, **kw: Any
) -> None:
    if not raw:
        _touch([instance.pk], using)


def _alliance_deleted(
    sender: type, instance: Alliance, using: str | None = None, **kw: Any
) -> None:
    pending = _pending()
    if pending is not None:
        pending.add(instance.pk)  # update_index removes ids that no longer exist
    else:
        index.remove_from_index([instance.pk], using)


def _partner_changed(
    sender: type, instance: Partner, raw: bool = False, using: str | None = None, **kw: Any
) -> None:
    if not raw:
        _touch([instance.alliance_id], using)


def _organisation_saved(
    sender: type,
    instance: Organisation,
    raw: bool = False,
    created: bool = False,
    using: str | None = None,
    **kw: Any,
) -> None:
    if raw or created:
        return
    ids = list(
        Partner.objects.using(using)
        .filter(organisation_id=instance.pk)
        .values_list("alliance_id", flat=True)
    )
    _touch(ids, using)


def _m2m_changed(
    sender: type,
    instance: object,
    action: str,
    reverse: bool,
    pk_set: set | None = None,
    using: str | None = None,
    **kw: Any,
) -> None:
    # Domains, types, SDGs and places are filter tags of the index.
    ids = alliances_of_m2m_change(instance, action, pk_set)
    if ids:
        _touch(ids, using)


def _reference_changed(
    sender: type, instance: Any, raw: bool = False, using: str | None = None, **kw: Any
) -> None:
    """A term, an SDG goal or a région changed: the labels the search keeps under the index
    version (`references`) are read again, in every process."""
    if raw or (isinstance(instance, Territory) and instance.level != "region"):
        return
    index.new_version(using)


def connect() -> None:
    """Called once from the app's ready()."""
    uid = "alliances.base.search"
    post_save.connect(_alliance_saved, sender=Alliance, dispatch_uid=f"{uid}.a_saved")
    post_delete.connect(_alliance_deleted, sender=Alliance, dispatch_uid=f"{uid}.a_deleted")
    post_save.connect(_partner_changed, sender=Partner, dispatch_uid=f"{uid}.p_saved")
    post_delete.connect(_partner_changed, sender=Partner, dispatch_uid=f"{uid}.p_deleted")
    post_save.connect(_organisation_saved, sender=Organisation, dispatch_uid=f"{uid}.o_saved")
    for field in ("domains", "partnership_types", "sdg_goals", "sdg_targets", "other_territories"):
        through = getattr(Alliance, field).through
        m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"{uid}.m2m.{field}")
    for model in (Term, SdgGoal, Territory):
        name = model.__name__
        post_save.connect(_reference_changed, sender=model, dispatch_uid=f"{uid}.ref.{name}")
        post_delete.connect(_reference_changed, sender=model, dispatch_uid=f"{uid}.del.{name}")
