"""Alert e-mails: what is new for one saved search, and the message that tells its owner."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from alliances.base.models import Alliance

from . import schedule, targets
from .models import SavedSearch
from .targets import NewItem
from .tokens import unsubscribe_token

log = logging.getLogger(__name__)

MAX_ITEMS = 30  # beyond, the e-mail says how many more and links to the search
CHUNK = 200


@dataclass
class Outcome:
    """What one run did; `failures` keeps "name: reason" for the summary."""

    checked: int = 0
    sent: int = 0
    nothing_new: int = 0
    skipped: int = 0
    failures: list[str] = field(default_factory=list)


def new_alliances(saved: SavedSearch, since: datetime, until: datetime) -> list[Alliance]:
    """The published alliances the search finds, first published in (since, until]."""
    return targets.new_alliances(saved.querystring, since, until)


def new_items(saved: SavedSearch, since: datetime, until: datetime) -> list[NewItem]:
    """What the saved search finds that was first published in (since, until]: alliances,
    or needs and offers (its target)."""
    return saved.searches.new_items(saved.querystring, since, until)


def _as_item(found: object) -> NewItem:
    if isinstance(found, NewItem):
        return found
    return NewItem(found.title, found.get_absolute_url(), targets.summary_of(found.summary))


def alert_message(
    saved: SavedSearch, found: list, base_url: str, unsubscribe_url: str
) -> EmailMessage:
    """The e-mail (plain text, in the owner's language) announcing what is new: `found` are
    the new items of `new_items` (or alliances)."""
    language = saved.language or "fr"
    with translation.override(language):
        items = [_as_item(x) for x in found[:MAX_ITEMS]]
        items = [NewItem(i.title, base_url + i.url, i.summary) for i in items]
        count = len(found)
        # A name is one line already (forms); a subject must never carry a line break.
        name = " ".join(saved.name.split())
        if saved.target == targets.LISTINGS:
            subject = ngettext(
                "%(count)d nouveau besoin ou nouvelle proposition : %(name)s",
                "%(count)d nouveaux besoins ou nouvelles propositions : %(name)s",
                count,
            )
        else:
            subject = ngettext(
                "%(count)d nouvelle alliance : %(name)s",
                "%(count)d nouvelles alliances : %(name)s",
                count,
            )
        subject = subject % {"count": count, "name": name}
        body = render_to_string(
            saved.searches.email_template,
            {
                "saved": saved,
                "name": name,
                "count": count,
                "items": items,
                "more": max(0, count - MAX_ITEMS),
                "since": timezone.localtime(saved.alerts_since),
                "search_url": base_url + saved.search_url,
                "manage_url": base_url + reverse("alerts:mine"),
                "unsubscribe_url": unsubscribe_url,
            },
        )
    return EmailMessage(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[saved.owner.email],
        headers={"List-Unsubscribe": f"<{unsubscribe_url}>"},
    )


def _claim(saved: SavedSearch, now: datetime) -> bool:
    """Mark the search as being checked, unless another run already did (at most once)."""
    rows = SavedSearch.objects.filter(pk=saved.pk, frequency=saved.frequency)
    if saved.last_checked_at is None:
        rows = rows.filter(last_checked_at__isnull=True)
    else:
        rows = rows.filter(last_checked_at=saved.last_checked_at)
    return rows.update(last_checked_at=now) == 1


def process(
    saved: SavedSearch,
    now: datetime,
    base_url: str,
    dry_run: bool = False,
    write: object = None,
) -> str:
    """Check one saved search; returns "sent", "nothing", "skipped" or "not-due".

    Raises on failure after putting the search back as it was, so the next run retries.
    """
    last = timezone.localdate(saved.last_checked_at) if saved.last_checked_at else None
    if not schedule.is_due(saved.frequency, last, timezone.localdate(now)):
        return "not-due"
    owner = saved.owner
    if not owner.is_active or not owner.email:
        return "skipped"
    found = new_items(saved, saved.alerts_since, now)
    if dry_run:
        if write is not None:
            write(f"{saved.pk} {owner.email} « {saved.name} » : {len(found)}")
        return "sent" if found else "nothing"
    if not _claim(saved, now):
        return "not-due"
    try:
        if found:
            unsubscribe_url = base_url + reverse(
                "alerts:unsubscribe", args=[unsubscribe_token(saved.pk)]
            )
            alert_message(saved, found, base_url, unsubscribe_url).send(fail_silently=False)
    except Exception:
        SavedSearch.objects.filter(pk=saved.pk).update(last_checked_at=saved.last_checked_at)
        raise
    fields = {"alerts_since": now}
    if found:
        fields["last_sent_at"] = now
    SavedSearch.objects.filter(pk=saved.pk).update(**fields)
    return "sent" if found else "nothing"


def run(
    frequencies: tuple[str, ...],
    base_url: str,
    dry_run: bool = False,
    now: datetime | None = None,
    write: object = None,
) -> Outcome:
    """Check every saved search followed at these frequencies; one failure stops nothing."""
    now = now or timezone.now()
    outcome = Outcome()
    # Ids first, then chunks: the loop writes to the table it reads (SQLite gives no
    # isolation between a cursor being read and writes on the same connection).
    ids = list(
        SavedSearch.objects.filter(frequency__in=frequencies)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), CHUNK):
        chunk = SavedSearch.objects.filter(pk__in=ids[start : start + CHUNK]).select_related(
            "owner"
        )
        for saved in chunk.order_by("pk"):
            _check_one(saved, now, base_url, dry_run, write, outcome)
    return outcome


def _check_one(
    saved: SavedSearch,
    now: datetime,
    base_url: str,
    dry_run: bool,
    write: object,
    outcome: Outcome,
) -> None:
    try:
        status = process(saved, now, base_url, dry_run=dry_run, write=write)
    except Exception as error:  # noqa: BLE001 - reported, then the next search goes on
        log.exception("alert of saved search %s failed", saved.pk)
        outcome.checked += 1
        outcome.failures.append(f"{saved.pk} ({saved.owner.email}): {error}")
        return
    if status == "not-due":
        return
    if status == "skipped":
        outcome.skipped += 1
        return
    outcome.checked += 1
    if status == "sent":
        outcome.sent += 1
    else:
        outcome.nothing_new += 1
