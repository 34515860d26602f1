"""Recurrence expansion without Django."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from alliances.library.occurrences import occurrences

PARIS = ZoneInfo("Europe/Paris")


def test_weekly_thursday_keeps_local_hour_across_daylight_saving():
    start = datetime(2026, 3, 5, 18, 0, tzinfo=PARIS)
    found = occurrences(
        start,
        start + timedelta(hours=1),
        "FREQ=WEEKLY;BYDAY=TH",
        "Europe/Paris",
        datetime(2026, 3, 20, tzinfo=UTC),
        datetime(2026, 4, 10, tzinfo=UTC),
    )
    assert [o.start.day for o in found] == [26, 2, 9]
    assert all(o.start.weekday() == 3 and o.start.hour == 18 for o in found)
    assert {o.start.utcoffset() for o in found} == {timedelta(hours=1), timedelta(hours=2)}
    assert all(o.end - o.start == timedelta(hours=1) for o in found)


def test_window_and_limit_bound_an_endless_rule():
    start = datetime(2020, 1, 2, 9, 0, tzinfo=PARIS)
    lo, hi = datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
    found = occurrences(start, None, "FREQ=DAILY", "Europe/Paris", lo, hi, limit=10)
    assert len(found) == 10
    assert found[0].start >= lo and found[0].end is None


def test_count_and_until_are_honoured():
    start = datetime(2026, 1, 1, 10, 0, tzinfo=PARIS)
    lo, hi = datetime(2025, 1, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)
    assert len(occurrences(start, None, "FREQ=MONTHLY;COUNT=3", "Europe/Paris", lo, hi)) == 3


def test_single_event_inside_or_outside_the_window():
    start = datetime(2026, 5, 7, 14, 0, tzinfo=PARIS)
    lo, hi = datetime(2026, 5, 1, tzinfo=UTC), datetime(2026, 6, 1, tzinfo=UTC)
    assert len(occurrences(start, None, "", "Europe/Paris", lo, hi)) == 1
    assert occurrences(start, None, "", "Europe/Paris", hi, hi + timedelta(days=1)) == []
