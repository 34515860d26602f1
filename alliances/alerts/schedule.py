"""When an alert is due and what it covers (no Django import).

An alert covers the alliances *published* (first publication date) after the moment the
previous check covered, up to the moment of this check; that moment is stored only once the
e-mail is sent (or once nothing new was found), so a failed sending is retried next time and
a second run on the same day finds nothing left to send.

A daily alert is checked at most once per calendar day, a weekly one at most once every
7 days (calendar days in the platform's time zone, so a scheduler running a few seconds
early or late does not skip a period).
"""

from __future__ import annotations

from datetime import date

NONE, DAILY, WEEKLY = "none", "daily", "weekly"
FREQUENCIES = (NONE, DAILY, WEEKLY)
PERIOD_DAYS = {DAILY: 1, WEEKLY: 7}


def is_due(frequency: str, last_checked: date | None, today: date) -> bool:
    """Whether a saved search with this frequency must be checked today."""
    if frequency not in PERIOD_DAYS:
        return False
    if last_checked is None:
        return True
    return (today - last_checked).days >= PERIOD_DAYS[frequency]


def frequencies_to_run(requested: str | None) -> tuple[str, ...]:
    """The frequencies one run of the command handles (`None`: both)."""
    if requested is None:
        return (DAILY, WEEKLY)
    if requested not in PERIOD_DAYS:
        raise ValueError(requested)
    return (requested,)
