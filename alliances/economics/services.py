"""What the socio-economic model does with its entries, apart from any page or API.

Views, the public summary and the API call these functions; none of them computes or writes
entries on its own.
"""

from django.utils import timezone

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


def add_contribution(
    workspace: Workspace, organisation_id: int, entry: ContributionEntry
) -> ContributionEntry:
    """Save a contribution for the member's own organisation (never another one)."""
    entry.workspace = workspace
    entry.organisation_id = organisation_id
    entry.save()
    return entry


def add_outcome(workspace: Workspace, entry: OutcomeEntry) -> OutcomeEntry:
    entry.workspace = workspace
    entry.save()
    return entry


def delete_contribution(contribution: ContributionEntry) -> None:
    contribution.delete()


def delete_outcome(outcome: OutcomeEntry) -> None:
    outcome.delete()
