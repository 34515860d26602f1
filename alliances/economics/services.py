"""What the socio-economic model does with its entries, apart from any page or API.

Views, the public summary and the API call these functions; none of them computes or writes
entries on its own. Every write records who made it (django-simple-history keeps each
version of an entry, deletions included).
"""

from dataclasses import dataclass
from datetime import datetime
from itertools import chain

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from alliances.workspaces import permissions
from alliances.workspaces.models import Workspace

from . import model as engine
from .models import ContributionEntry, OutcomeEntry


def compute_for(workspace: Workspace, year: int | None = None) -> engine.ModelResult | None:
    """The model of a workspace (of one year, or all years); None when nothing was entered."""
    contributions = workspace.contributions.select_related("organisation")
    outcomes = workspace.outcomes.all()
    if year:
        contributions, outcomes = contributions.filter(year=year), outcomes.filter(year=year)
    if not contributions and not outcomes:
        return None
    return engine.compute(
        [c.as_engine() for c in contributions],
        [o.as_engine() for o in outcomes],
        current_year=timezone.localdate().year,
    )


def volunteer_hours(workspace: Workspace, year: int) -> float | None:
    """Volunteer hours given in a year (hours per person × people), None when none entered."""
    entries = workspace.contributions.filter(year=year, kind=engine.Kind.VOLUNTEERING)
    total = sum((e.hours * e.people for e in entries if e.hours is not None), start=0)
    return float(total) if entries else None


def model_years(workspace: Workspace) -> list[int]:
    years = set(workspace.contributions.values_list("year", flat=True))
    years |= set(workspace.outcomes.values_list("year", flat=True))
    return sorted(years)


def can_edit_contribution(user: AbstractBaseUser, entry: ContributionEntry) -> bool:
    """A contribution is changed only by the members of the organisation it belongs to."""
    return permissions.organisation_of(user, entry.workspace) == entry.organisation_id


def can_add_outcome(user: AbstractBaseUser, workspace: Workspace) -> bool:
    return permissions.can_coordinate(user, workspace)


def can_edit_outcome(user: AbstractBaseUser, entry: OutcomeEntry) -> bool:
    """An outcome is changed by its author; one entered before authors were kept, by a
    coordinator."""
    if entry.author_id is not None:
        return entry.author_id == user.pk and permissions.can_view(user, entry.workspace)
    return permissions.can_coordinate(user, entry.workspace)


def save_contribution(
    workspace: Workspace, organisation_id: int, entry: ContributionEntry, user: AbstractBaseUser
) -> ContributionEntry:
    """Save a contribution for the member's own organisation (never another one)."""
    entry.workspace = workspace
    entry.organisation_id = organisation_id
    if entry.author_id is None:
        entry.author = user
    entry._history_user = user
    entry.save()
    return entry


def save_outcome(workspace: Workspace, entry: OutcomeEntry, user: AbstractBaseUser) -> OutcomeEntry:
    entry.workspace = workspace
    if entry.author_id is None:
        entry.author = user
    entry._history_user = user
    entry.save()
    return entry


def delete_entry(entry: ContributionEntry | OutcomeEntry, user: AbstractBaseUser) -> None:
    entry._history_user = user
    entry.delete()


@dataclass(frozen=True)
class Change:
    """One line of the history of the model's entries."""

    when: datetime
    who: str
    action: str  # "+" created, "~" changed, "-" deleted
    what: str  # "contribution" or "outcome"
    label: str


def _who(record: object) -> str:
    user = record.history_user
    if user is None:
        return ""
    return user.get_full_name() or user.email


def history(workspace: Workspace, limit: int = 200) -> list[Change]:
    """Every creation, change and deletion of the workspace's entries, newest first."""
    contributions = ContributionEntry.history.filter(workspace_id=workspace.pk).select_related(
        "history_user", "organisation"
    )
    outcomes = OutcomeEntry.history.filter(workspace_id=workspace.pk).select_related("history_user")
    records = sorted(
        chain(contributions[:limit], outcomes[:limit]),
        key=lambda r: r.history_date,
        reverse=True,
    )[:limit]
    changes = []
    for record in records:
        if isinstance(record, ContributionEntry.history.model):
            label = f"{record.organisation.name} · {record.year} · {record.get_kind_display()}"
            what = "contribution"
        else:
            label = f"{record.label} · {record.year}"
            what = "outcome"
        changes.append(Change(record.history_date, _who(record), record.history_type, what, label))
    return changes
