"""What happens to a proposal: checked by the importer, accepted, applied or refused.

A new example is created by the base's importer from the proposal's cells (one row, all or
nothing); a correction is checked by the same validator and written field by field with a
history record. Moderation claims the proposal with a conditional UPDATE first, so that two
curators (or two processes) acting at once never accept and refuse the same proposal.
"""

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliances.base import history
from alliances.base.exports import alliance_row
from alliances.base.importing import importer
from alliances.base.importing.readers import Table
from alliances.base.models import Alliance, Partner, Source
from alliances.base.places import scale_for
from alliances.base.reindex import refresh_search_index
from alliances.territories.models import Territory

from . import rules
from .models import Proposal, Report

# At most this many proposals per contributor in any 24 hours (curators are not limited).
PROPOSALS_PER_DAY = 5
PROPOSAL_WINDOW = timedelta(hours=24)
# At most this many reports per address in any hour.
REPORTS_PER_HOUR = 5
REPORT_WINDOW = timedelta(hours=1)

User = AbstractBaseUser | AnonymousUser


class AlreadyModerated(Exception):
    """Another curator moderated the proposal first."""


class Rejected(Exception):
    """The importer's validator refused the cells; nothing was written."""

    def __init__(self, problems: list[importer.Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def is_curator(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def contributor_name(user: AbstractBaseUser | None) -> str:
    if user is None:
        return "?"
    return user.get_full_name().strip() or user.get_username()


def current_cells(alliance: Alliance) -> dict[str, str]:
    """The alliance as import cells (the export's row, lists joined as the import reads them).

    Source cells stay empty: a correction adds a source, it never replaces the ones listed.
    """
    row = alliance_row(alliance)
    cells = {}
    for column in rules.FORM_COLUMNS:
        value = row.get(column, "")
        if isinstance(value, list):
            value = rules.join_cell(str(v) for v in value)
        cells[column] = "" if value is None else str(value)
    for column in ("source_url", "source_title", "source_date"):
        cells[column] = ""
    return cells


def check_cells(
    cells: dict[str, str], *, alliance: Alliance | None = None
) -> tuple[importer.CleanRow, list[importer.Problem]]:
    """The importer's checks on one row; a corrected alliance does not clash with itself."""
    validator = importer.Validator()
    if alliance is not None:
        validator.titles.discard(importer.title_key(alliance.title))
        validator.slugs.discard(alliance.slug)
    problems: list[importer.Problem] = []
    row = validator.clean_row(1, cells, problems, {}, {})
    return row, problems


def correction_cells(alliance: Alliance, changes: dict[str, str]) -> dict[str, str]:
    """The changed cells with the current value of their companions (checked together)."""
    live = current_cells(alliance)
    return {c: changes.get(c, live.get(c, "")) for c in rules.with_companions(changes)}


def proposal_retry_after(user: AbstractBaseUser, now: datetime | None = None) -> datetime | None:
    """When this contributor may propose again (None: now). Counted from stored proposals,
    so every process of the platform agrees."""
    if is_curator(user):
        return None
    now = now or timezone.now()
    recent = Proposal.objects.filter(
        contributor=user, created_at__gt=now - PROPOSAL_WINDOW
    ).values_list("created_at", flat=True)
    return rules.retry_after(recent, PROPOSALS_PER_DAY, PROPOSAL_WINDOW, now)


def reporter_key(address: str) -> str:
    return rules.address_key(address, settings.SECRET_KEY)


def report_retry_after(key: str, now: datetime | None = None) -> datetime | None:
    now = now or timezone.now()
    recent = Report.objects.filter(address_key=key, created_at__gt=now - REPORT_WINDOW).values_list(
        "created_at", flat=True
    )
    return rules.retry_after(recent, REPORTS_PER_HOUR, REPORT_WINDOW, now)


def history_actor(proposal: Proposal) -> str:
    """Who the history names beside the curator (the record's user): the contributor."""
    return f"contribution {proposal.pk} · {contributor_name(proposal.contributor)}"[:150]


def _claim(proposal: Proposal, curator: AbstractBaseUser, status: str, message: str) -> None:
    now = timezone.now()
    claimed = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(
        status=status, moderated_by=curator, moderated_at=now, message=message
    )
    if not claimed:
        raise AlreadyModerated
    proposal.status, proposal.moderated_by, proposal.moderated_at = status, curator, now
    proposal.message = message


def accept_new(
    proposal: Proposal, curator: AbstractBaseUser, *, status: str, message: str = ""
) -> Alliance:
    """Create the example through the importer (published or in review); all or nothing."""
    cells = {k: v for k, v in proposal.cells.items() if k in importer.COLUMNS and k != "slug"}
    cells["status"] = status
    table = Table(columns=list(cells), rows=[(proposal.pk, cells)], format="form")
    with transaction.atomic():
        _claim(proposal, curator, Proposal.Status.ACCEPTED, message)
        report = importer.run(
            table, user=curator, actor=history_actor(proposal), origin="contribution"
        )
        if not report.written:
            raise Rejected(report.problems)
        alliance = Alliance.objects.get(pk=report.created_ids[0])
        proposal.alliance = alliance
        Proposal.objects.filter(pk=proposal.pk).update(alliance=alliance)
    refresh_search_index(report.created_ids)
    return alliance


def _apply_cells(alliance: Alliance, row: importer.CleanRow, changed: set[str]) -> None:
    for column in ("title", "kind", "summary", "description", "results_text"):
        if column in changed:
            setattr(alliance, column, getattr(row, column))
    if "territory" in changed:
        territory = Territory.objects.filter(pk=row.territory_id).first()
        alliance.territory, alliance.scale = territory, scale_for(territory)
    if changed & {"start_year", "end_year"}:
        alliance.start_year, alliance.end_year = row.start_year, row.end_year
    alliance.save()
    for column in ("partnership_types", "domains"):
        if column in changed:
            getattr(alliance, column).set(row.terms[column])
    if "sdg" in changed:
        alliance.sdg_goals.set(sorted(set(row.goal_ids)))
        alliance.sdg_targets.set(sorted(set(row.target_ids)))
    if "partners" in changed:
        report = importer.ImportReport(table=Table(columns=[], rows=[], format="form"))
        organisation_ids = importer._organisations([row], report)
        alliance.partners.all().delete()
        seen: set[int] = set()
        for position, partner in enumerate(row.partners):
            organisation_id = organisation_ids[partner.key]
            if organisation_id in seen:  # two spellings of one organisation (same SIREN)
                continue
            seen.add(organisation_id)
            Partner.objects.create(
                alliance=alliance,
                organisation_id=organisation_id,
                role=partner.role,
                position=position,
            )
    if row.source_url:
        source = alliance.sources.filter(url=row.source_url).first() or Source(
            alliance=alliance, url=row.source_url
        )
        source.title = row.source_title or source.title
        source.date = row.source_date or source.date
        source.save()


def apply_correction(proposal: Proposal, curator: AbstractBaseUser, *, message: str = "") -> None:
    """Write the corrected cells on the alliance, with a history record naming both people."""
    if proposal.alliance_id is None:
        raise Rejected([importer.Problem(1, "", "", _("L'exemple à corriger n'existe plus."))])
    changes = {k: v for k, v in proposal.cells.items() if k in rules.FORM_COLUMNS}
    with transaction.atomic():
        _claim(proposal, curator, Proposal.Status.ACCEPTED, message)
        alliance = Alliance.objects.select_for_update().get(pk=proposal.alliance_id)
        row, problems = check_cells(correction_cells(alliance, changes), alliance=alliance)
        if problems:
            raise Rejected(problems)
        before = history.snapshot(alliance)
        _apply_cells(alliance, row, set(changes))
        after = history.snapshot(alliance)
        history.record(
            alliance,
            history.UPDATED,
            history.diff(before, after),
            user=curator,
            actor=history_actor(proposal),
        )


def refuse(proposal: Proposal, curator: AbstractBaseUser, message: str) -> None:
    with transaction.atomic():
        _claim(proposal, curator, Proposal.Status.REFUSED, message)


def save_edit(proposal: Proposal, curator: AbstractBaseUser, cells: dict[str, Any]) -> bool:
    """Store a curator's edit of a pending proposal; False when it was moderated meanwhile."""
    now = timezone.now()
    updated = Proposal.objects.filter(pk=proposal.pk, status=Proposal.Status.PENDING).update(
        cells=cells,
        title=(cells.get("title") or proposal.title)[:300],
        edited_by=curator,
        edited_at=now,
    )
    if updated:
        proposal.cells, proposal.edited_by, proposal.edited_at = cells, curator, now
    return bool(updated)
