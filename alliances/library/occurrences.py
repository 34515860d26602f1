"""Occurrences of events from their RFC 5545 recurrence rules (no Django import).

Rules are expanded in the event's own time zone, so a weekly 18:00 session stays at 18:00
local time across daylight-saving changes; every expansion is bounded by a window and a cap.
"""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

MAX_OCCURRENCES = 500


@dataclass(frozen=True)
class Occurrence:
    start: datetime
    end: datetime | None


def occurrences(
    start: datetime,
    end: datetime | None,
    rule: str,
    timezone: str,
    window_start: datetime,
    window_end: datetime,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """Occurrences whose start falls in [window_start, window_end), in the event's zone.

    `start` and `end` are aware datetimes of the first session; `end` may be None. Without a
    rule the event has one occurrence.
    """
    zone = ZoneInfo(timezone)
    first = start.astimezone(zone)
    length = (end - start) if end is not None else None
    if not rule:
        starts = [first] if window_start <= first < window_end else []
    else:
        # dateutil expands a naive local wall-clock time; each result is then localised,
        # which keeps the local hour across DST changes as RFC 5545 asks for TZID times.
        naive = first.replace(tzinfo=None)
        recurrence = rrulestr(rule, dtstart=naive)
        lo = window_start.astimezone(zone).replace(tzinfo=None)
        hi = window_end.astimezone(zone).replace(tzinfo=None)
        starts = []
        for moment in recurrence.xafter(max(lo, naive), inc=True):
            if moment >= hi or len(starts) >= limit:
                break
            starts.append(moment.replace(tzinfo=zone))
    return [Occurrence(s, s + length if length is not None else None) for s in starts[:limit]]
