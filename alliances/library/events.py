"""Event occurrences and the iCalendar feed (Django side of `occurrences.py`)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone

from .models import Event
from .occurrences import occurrences

UPCOMING_DAYS = 180
MAX_LISTED = 100


@dataclass(frozen=True)
class EventOccurrence:
    event: Event
    start: datetime
    end: datetime | None


def event_end(event: Event) -> datetime | None:
    if event.end:
        return event.end
    if event.duration:
        return event.start + event.duration
    return None


def _expand(events: list[Event], lo: datetime, hi: datetime) -> list[EventOccurrence]:
    found = []
    for event in events:
        for occ in occurrences(event.start, event_end(event), event.rrule, event.timezone, lo, hi):
            found.append(EventOccurrence(event, occ.start, occ.end))
    return found


def upcoming(now: datetime | None = None, days: int = UPCOMING_DAYS) -> list[EventOccurrence]:
    """Occurrences starting from now up to `days` ahead, soonest first."""
    now = now or timezone.now()
    events = list(Event.objects.filter(published=True).select_related("replay"))
    found = _expand(events, now, now + timedelta(days=days))
    return sorted(found, key=lambda o: (o.start, o.event.pk))[:MAX_LISTED]


def past(now: datetime | None = None, days: int | None = None) -> list[EventOccurrence]:
    """The archive: occurrences before now (of the last `days` days when given), latest
    first, at most MAX_LISTED of them."""
    now = now or timezone.now()
    events = list(Event.objects.filter(published=True, start__lt=now).select_related("replay"))
    if not events:
        return []
    since = now - timedelta(days=days) if days else min(e.start for e in events)
    found = _expand(events, since, now)
    return sorted(found, key=lambda o: (o.start, o.event.pk), reverse=True)[:MAX_LISTED]


def occurrence_row(occ: EventOccurrence, request: object = None) -> dict:
    event = occ.event
    replay = None
    if event.replay_id and event.replay.is_public:
        replay = event.replay.get_absolute_url()
        if request is not None:
            replay = request.build_absolute_uri(replay)  # type: ignore[attr-defined]
    return {
        "uid": str(event.uid),
        "title": event.title,
        "kind": event.kind,
        "kind_label": str(event.get_kind_display()),
        "description": event.description,
        "start": occ.start.isoformat(),
        "end": occ.end.isoformat() if occ.end else None,
        "timezone": event.timezone,
        "location": event.location,
        "online_url": event.online_url,
        "recurrence": event.rrule,
        "replay": replay,
        "all_day": event.all_day,
        "source": event.source_url,
    }


ROW_COLUMNS = [
    "uid",
    "title",
    "kind",
    "start",
    "end",
    "timezone",
    "location",
    "online_url",
    "recurrence",
    "replay",
    "all_day",
    "source",
    "description",
]


def calendar(host: str = "alliances") -> icalendar.Calendar:
    """Every published event as one VEVENT; recurring ones keep their RRULE."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Alliances//Evenements//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "Alliances — événements")
    cal.add("x-wr-timezone", "Europe/Paris")
    for event in Event.objects.filter(published=True).order_by("start", "pk"):
        zone = ZoneInfo(event.timezone)
        vevent = icalendar.Event()
        vevent.add("uid", f"{event.uid}@{host}")
        vevent.add("dtstamp", event.updated_at.astimezone(ZoneInfo("UTC")))
        if event.all_day:  # the source gives the day only: a DATE, no invented hour
            vevent.add("dtstart", event.start.astimezone(zone).date())
        else:
            vevent.add("dtstart", event.start.astimezone(zone))
            end = event_end(event)
            if end is not None:
                vevent.add("dtend", end.astimezone(zone))
        vevent.add("summary", event.title_fr)
        if event.description_fr:
            vevent.add("description", event.description_fr)
        location = event.location or event.online_url
        if location:
            vevent.add("location", location)
        if event.online_url or event.source_url:
            vevent.add("url", event.online_url or event.source_url)
        if event.rrule:
            vevent.add("rrule", icalendar.vRecur.from_ical(event.rrule))
        cal.add_component(vevent)
    cal.add_missing_timezones()
    return cal
