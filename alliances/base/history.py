"""The change history of alliances: who changed what, when (ChangeRecord rows).

Every way an alliance changes goes through here (loader, import, admin form, bulk actions,
merging organisations), so the history is complete whatever the surface. A change is stored
as {field: [before, after]} over a plain snapshot of the alliance (codes and keys, not ids,
so the record still reads right after the referenced rows change).
"""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone

from .models import Alliance, ChangeRecord

CREATED = "created"
UPDATED = "updated"
PUBLISHED = "published"
ARCHIVED = "archived"
STATUS_CHANGED = "status"

_SCALAR_FIELDS = (
    "kind",
    "title",
    "slug",
    "summary",
    "description",
    "scale",
    "start_year",
    "end_year",
    "results_text",
    "status",
)


def snapshot(alliance: Alliance) -> dict[str, Any]:
    """The alliance as plain JSON values (what a curator would compare)."""
    data: dict[str, Any] = {name: getattr(alliance, name) for name in _SCALAR_FIELDS}
    data["territory"] = _territory_code(alliance)
    data["stage"] = alliance.stage.key if alliance.stage_id else None
    data["co_construction"] = alliance.co_construction.key if alliance.co_construction_id else None
    if alliance.pk is None:
        return data
    data["partnership_types"] = sorted(t.key for t in alliance.partnership_types.all())
    data["domains"] = sorted(t.key for t in alliance.domains.all())
    data["catalyst_trades"] = sorted(t.key for t in alliance.catalyst_trades.all())
    data["sdg_goals"] = sorted(g.number for g in alliance.sdg_goals.all())
    data["sdg_targets"] = sorted(t.code for t in alliance.sdg_targets.all())
    data["partners"] = [
        f"{p.organisation.name} ({p.role})"
        for p in alliance.partners.select_related("organisation").order_by("position", "id")
    ]
    data["results"] = [
        f"{r.label}: {r.value if r.value is not None else ''} {r.unit} {r.year or ''}".strip()
        for r in alliance.results.order_by("position", "id")
    ]
    data["sources"] = sorted(s.url for s in alliance.sources.all())
    return data


def _territory_code(alliance: Alliance) -> str | None:
    if not alliance.territory_id:
        return None
    territory = alliance.territory
    return f"{territory.level}:{territory.code}"


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for the fields whose value changed."""
    changes = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old != new:
            changes[key] = [old, new]
    return changes


def _who(user: AbstractBaseUser | AnonymousUser | None, actor: str) -> dict[str, Any]:
    if user is not None and getattr(user, "is_authenticated", False):
        return {"user": user, "actor": actor or user.get_username()}
    return {"user": None, "actor": actor}


def record(
    alliance: Alliance,
    action: str,
    changes: dict[str, Any] | None = None,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    actor: str = "",
) -> ChangeRecord | None:
    """Store one change; an update that changed nothing leaves no record."""
    changes = changes or {}
    if action == UPDATED and not changes:
        return None
    return ChangeRecord.objects.create(
        alliance=alliance, action=action, changes=changes, **_who(user, actor)
    )


def status_action(new_status: str) -> str:
    if new_status == Alliance.Status.PUBLISHED:
        return PUBLISHED
    if new_status == Alliance.Status.ARCHIVED:
        return ARCHIVED
    return STATUS_CHANGED


def set_status(
    alliances: Iterable[Alliance],
    status: str,
    *,
    user: AbstractBaseUser | AnonymousUser | None = None,
    actor: str = "",
) -> int:
    """Change the status of several alliances, each change in the history; returns the count."""
    changed = 0
    now = timezone.now()
    with transaction.atomic():
        for alliance in alliances:
            if alliance.status == status:
                continue
            before = alliance.status
            alliance.status = status
            fields = ["status", "updated_at"]
            if status == Alliance.Status.PUBLISHED and alliance.published_at is None:
                alliance.published_at = now
                fields.append("published_at")
            alliance.save(update_fields=fields)
            record(
                alliance,
                status_action(status),
                {"status": [before, status]},
                user=user,
                actor=actor,
            )
            changed += 1
    return changed
