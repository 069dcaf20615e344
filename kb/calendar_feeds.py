"""iCalendar (RFC 5545) files for events. Pure: plain entries in, bytes out.

Timed events are written in UTC (``…Z``), which every client converts to its
own zone; all-day events are DATE values with an exclusive end, as the RFC
asks. DTSTAMP is the entry's last change, so the same data gives the same bytes.
"""

import datetime
from dataclasses import dataclass, field

import icalendar

PRODUCT_ID = "-//ESPRI-IA//Events//EN"


@dataclass(frozen=True)
class CalendarEntry:
    uid: str
    title: str
    start: datetime.datetime | datetime.date
    end: datetime.datetime | datetime.date  # exclusive; a date for all-day events
    last_modified: datetime.datetime
    created: datetime.datetime
    status: str = "CONFIRMED"  # CONFIRMED, TENTATIVE or CANCELLED
    sequence: int = 0
    description: str = ""
    location: str = ""
    url: str = ""
    categories: list[str] = field(default_factory=list)


def _utc(moment):
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    return moment.astimezone(datetime.UTC)


def _when(value):
    if isinstance(value, datetime.datetime):
        return _utc(value)
    return value  # a date: written as VALUE=DATE


def build_event(entry):
    if isinstance(entry.start, datetime.datetime) != isinstance(entry.end, datetime.datetime):
        raise ValueError("start and end must both be dates or both be times")
    event = icalendar.Event()
    event.add("uid", entry.uid)
    event.add("dtstamp", _utc(entry.last_modified))
    event.add("created", _utc(entry.created))
    event.add("last-modified", _utc(entry.last_modified))
    event.add("sequence", entry.sequence)
    event.add("dtstart", _when(entry.start))
    event.add("dtend", _when(entry.end))
    event.add("summary", entry.title)
    event.add("status", entry.status)
    # A published event occupies time; a cancelled one no longer does.
    event.add("transp", "TRANSPARENT" if entry.status == "CANCELLED" else "OPAQUE")
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    if entry.categories:
        event.add("categories", entry.categories)
    return event


def build_calendar(entries, *, name, refresh_hours=6):
    """One VCALENDAR holding one VEVENT per entry."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    # How often subscribed clients should fetch again (RFC 7986, and its older X- form).
    refresh = datetime.timedelta(hours=refresh_hours)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: without vDuration it would be written as
    # str(timedelta), "6:00:00", which Outlook ignores.
    calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    for entry in entries:
        calendar.add_component(build_event(entry))
    return calendar.to_ical()
