"""Events: recurrence expansion, lists, API and the iCalendar feed."""

import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alliances.library.models import Event, EventKind, Resource, validate_rrule

pytestmark = pytest.mark.usefixtures("library")
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def events():
    now = timezone.now().astimezone(PARIS)
    thursday = (now - timedelta(days=28)).replace(hour=17, minute=30, second=0, microsecond=0)
    while thursday.weekday() != 3:
        thursday += timedelta(days=1)
    weekly = Event.objects.create(
        title_fr="Séance test du jeudi",
        kind=EventKind.THURSDAY,
        start=thursday,
        duration=timedelta(hours=1),
        rrule="FREQ=WEEKLY;BYDAY=TH",
        online_url="https://example.org/visio",
    )
    replay = Resource.objects.get(slug="rameau-evaluation-partenariale-en-pratique")
    past = Event.objects.create(
        title_fr="Webinaire passé <b>test</b>",
        start=now - timedelta(days=10),
        end=now - timedelta(days=10) + timedelta(hours=2),
        replay=replay,
    )
    future = Event.objects.create(title_fr="Webinaire à venir", start=now + timedelta(days=3))
    Event.objects.create(title_fr="Brouillon", start=now + timedelta(days=2), published=False)
    return weekly, past, future


def test_rrule_validation():
    validate_rrule("FREQ=WEEKLY;BYDAY=TH")
    validate_rrule("")
    for bad in ("FREQ=SOMETIMES", "RRULE:FREQ=WEEKLY", "BYDAY=XX;FREQ=WEEKLY"):
        with pytest.raises(ValidationError):
            validate_rrule(bad)


def test_events_page_lists_upcoming_and_past(client_fr, events):
    page = client_fr.get("/evenements/").content.decode()
    assert "Séance test du jeudi" in page and "Webinaire à venir" in page
    assert "Brouillon" not in page
    assert "&lt;b&gt;test&lt;/b&gt;" in page
    assert "L&#x27;évaluation partenariale en pratique" in page  # replay link


def test_empty_calendar_says_so(client_fr, client_en):
    assert "Aucun événement à venir" in client_fr.get("/evenements/").content.decode()
    assert client_en.get("/evenements/").status_code == 200


def test_api_upcoming_expands_the_weekly_rule(client_fr, events):
    data = json.loads(client_fr.get("/api/v1/events").content)
    thursdays = [r for r in data["results"] if r["title"] == "Séance test du jeudi"]
    # 180 days ahead: 25 or 26 Thursdays.
    assert 25 <= len(thursdays) <= 26
    assert all(r["recurrence"] == "FREQ=WEEKLY;BYDAY=TH" for r in thursdays)
    starts = [r["start"] for r in data["results"]]
    assert starts == sorted(starts, key=lambda s: timezone.datetime.fromisoformat(s))
    assert data["count"] == len(thursdays) + 1


def test_api_past(client_fr, events):
    data = json.loads(client_fr.get("/api/v1/events?past=1").content)
    titles = [r["title"] for r in data["results"]]
    assert "Webinaire passé <b>test</b>" in titles
    assert titles.count("Séance test du jeudi") in (4, 5)
    replay = next(r for r in data["results"] if r["title"].startswith("Webinaire passé"))
    assert replay["replay"].endswith("/ressources/rameau-evaluation-partenariale-en-pratique/")


def test_twins(client_fr, events):
    data = json.loads(client_fr.get("/evenements/?format=json").content)
    assert {r["period"] for r in data["results"]} == {"upcoming", "past"}
    assert client_fr.get("/evenements/?format=csv")["Content-Type"].startswith("text/csv")


def test_icalendar_feed_parses_back(client_fr, events):
    response = client_fr.get("/evenements/calendrier.ics")
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    vevents = [v for v in cal.walk("VEVENT") if str(v["UID"]).split("@")[0] in UIDS(events)]
    assert len(vevents) == 3  # one per published event, the rule kept as a rule
    weekly = next(v for v in vevents if str(v["SUMMARY"]) == "Séance test du jeudi")
    assert weekly["RRULE"].to_ical() == b"FREQ=WEEKLY;BYDAY=TH"
    assert weekly["DTSTART"].params["TZID"] == "Europe/Paris"
    assert weekly["DTEND"].dt - weekly["DTSTART"].dt == timedelta(hours=1)
    assert "DTSTAMP" in weekly
    assert str(weekly["UID"]).startswith(str(events[0].uid))
    assert cal.walk("VTIMEZONE")
    again = icalendar.Calendar.from_ical(client_fr.get("/evenements/calendrier.ics").content)
    uids = {str(v["UID"]) for v in again.walk("VEVENT")}
    assert uids >= {str(v["UID"]) for v in vevents}


def UIDS(events):
    return {str(e.uid) for e in events}


def test_empty_feed_is_valid(client_fr):
    Event.objects.all().delete()
    cal = icalendar.Calendar.from_ical(client_fr.get("/evenements/calendrier.ics").content)
    assert cal.walk("VEVENT") == []


SHIPPED = Event.objects.exclude(key="")


def test_the_dated_events_of_public_sources_are_shipped_with_their_source():
    assert SHIPPED.count() >= 10
    assert not SHIPPED.filter(source_url="").exists()
    seminar = SHIPPED.get(key="seminaire-co-construction-bien-commun-3-2023")
    assert seminar.all_day and seminar.start.astimezone(PARIS).date().isoformat() == "2023-03-28"
    webinar = SHIPPED.get(key="webinaire-odd17-en-pratique-5-2020")
    assert not webinar.all_day and webinar.start.astimezone(PARIS).hour == 13


def test_with_nothing_upcoming_the_page_shows_the_archive(client_fr, client_en):
    page = client_fr.get("/evenements/").content.decode()
    assert "Aucun événement à venir" in page and "Voici les archives" in page
    assert "3e séminaire de recherche sur la co-construction du bien commun" in page
    assert "28 mars 2023" in page and "16 octobre 2019" in page  # older than a year: kept
    assert "carenews.com/le-rameau/news/odd-17-pourquoi-faire-alliance" in page
    english = client_en.get("/evenements/").content.decode()
    assert "Third research seminar on co-constructing the common good" in english


def test_an_all_day_event_has_no_invented_hour_in_the_feed(client_fr):
    cal = icalendar.Calendar.from_ical(client_fr.get("/evenements/calendrier.ics").content)
    seminar = next(v for v in cal.walk("VEVENT") if "3e séminaire" in str(v["SUMMARY"]))
    assert seminar["DTSTART"].dt.isoformat() == "2023-03-28"  # a DATE, not a DATE-TIME
    assert str(seminar["URL"]).startswith("https://www.carenews.com/")
