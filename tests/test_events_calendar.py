"""Calendar feeds: valid RFC 5545, read back by icalendar and by vobject, right times."""

import datetime

import icalendar
import pytest
import vobject
from django.utils import timezone

from kb.calendar_feeds import CalendarEntry, build_calendar
from kb.models.events import EventKind, EventState, all_day_bounds
from tests.factories import EventFactory, in_days, paris

UTC = datetime.UTC
STAMP = datetime.datetime(2025, 1, 2, 8, 30, tzinfo=UTC)


def entry(**changes):
    values = {
        "uid": "abc@espri-ia",
        "title": "GPU cluster, hands-on; part 1",
        "start": paris(2025, 1, 15, 10),
        "end": paris(2025, 1, 15, 12),
        "created": STAMP,
        "last_modified": STAMP,
    }
    return CalendarEntry(**{**values, **changes})


def parse_both(body):
    """The VEVENTs as icalendar and as vobject read them."""
    by_icalendar = icalendar.Calendar.from_ical(body).walk("VEVENT")
    by_vobject = list(vobject.readOne(body.decode()).vevent_list)
    assert len(by_icalendar) == len(by_vobject)
    return by_icalendar, by_vobject


# The pure module, on plain data


@pytest.mark.parametrize(
    ("start", "utc_hour"),
    [(paris(2025, 1, 15, 10), 9), (paris(2025, 7, 15, 10), 8)],
    ids=["winter-utc+1", "summer-utc+2"],
)
def test_ten_o_clock_in_paris_is_written_in_utc(start, utc_hour):
    body = build_calendar(
        [entry(start=start, end=start + datetime.timedelta(hours=2))], name="Events"
    )
    text = body.decode()
    assert f"DTSTART:{start:%Y%m%d}T{utc_hour:02d}0000Z" in text
    assert f"DTEND:{start:%Y%m%d}T{utc_hour + 2:02d}0000Z" in text
    (ical_event,), (vobj_event,) = parse_both(body)
    assert ical_event.decoded("dtstart") == start
    assert vobj_event.dtstart.value == start
    assert vobj_event.dtstart.value.astimezone(start.tzinfo).hour == 10


def test_all_day_event_is_written_as_dates_with_exclusive_end():
    body = build_calendar(
        [entry(start=datetime.date(2025, 6, 2), end=datetime.date(2025, 6, 4))], name="Events"
    )
    text = body.decode()
    assert "DTSTART;VALUE=DATE:20250602" in text
    assert "DTEND;VALUE=DATE:20250604" in text
    (ical_event,), (vobj_event,) = parse_both(body)
    assert ical_event.decoded("dtstart") == datetime.date(2025, 6, 2)
    assert vobj_event.dtend.value == datetime.date(2025, 6, 4)


def test_calendar_has_required_properties_and_escapes_text():
    body = build_calendar([entry(sequence=3, categories=["Training"])], name="ESPRI-IA")
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//ESPRI-IA//Events//EN"
    assert calendar["X-WR-CALNAME"] == "ESPRI-IA"
    (event,) = calendar.walk("VEVENT")
    assert event["UID"] == "abc@espri-ia"
    assert event.decoded("dtstamp") == STAMP
    assert event["SEQUENCE"] == 3
    assert "SUMMARY:GPU cluster\\, hands-on\\; part 1" in body.decode()
    assert str(event["SUMMARY"]) == "GPU cluster, hands-on; part 1"
    assert b"\r\n" in body  # RFC 5545 lines end with CRLF


def test_refresh_interval_and_published_ttl_are_icalendar_durations():
    body = build_calendar([entry()], name="A", refresh_hours=6).decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT6H\r\n" in body
    # Outlook reads X-PUBLISHED-TTL and ignores a value that is no duration ("6:00:00").
    assert "X-PUBLISHED-TTL:PT6H\r\n" in body
    calendar = icalendar.Calendar.from_ical(body)
    assert icalendar.vDuration.from_ical(str(calendar["X-PUBLISHED-TTL"])) == datetime.timedelta(
        hours=6
    )


def test_same_entries_give_the_same_bytes():
    assert build_calendar([entry()], name="A") == build_calendar([entry()], name="A")


def test_cancelled_entry_has_status_cancelled():
    (ical_event,), (vobj_event,) = parse_both(build_calendar([entry(status="CANCELLED")], name="A"))
    assert ical_event["STATUS"] == "CANCELLED"
    assert vobj_event.status.value == "CANCELLED"
    assert ical_event["TRANSP"] == "TRANSPARENT"


def test_naive_times_and_mixed_kinds_are_refused():
    with pytest.raises(ValueError, match="aware"):
        build_calendar([entry(start=datetime.datetime(2025, 1, 1, 10))], name="A")
    with pytest.raises(ValueError, match="both"):
        build_calendar([entry(end=datetime.date(2025, 1, 16))], name="A")


# The feeds served by the site


@pytest.mark.django_db
def test_all_events_feed_has_published_and_cancelled_not_drafts_nor_old(client):
    upcoming = EventFactory(title="Upcoming seminar")
    cancelled = EventFactory(title="Dropped seminar", state=EventState.CANCELLED)
    EventFactory(title="Secret draft", state=EventState.DRAFT)
    recent = EventFactory(title="Last month", starts_at=in_days(-30), ends_at=in_days(-30, hour=12))
    EventFactory(title="Long ago", starts_at=in_days(-200), ends_at=in_days(-200, hour=12))
    response = client.get("/events/calendar.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"\r\nX-PUBLISHED-TTL:PT6H\r\n" in response.content
    by_icalendar, by_vobject = parse_both(response.content)
    uids = {str(event["UID"]): event for event in by_icalendar}
    assert set(uids) == {f"{e.uid}@espri-ia" for e in (upcoming, cancelled, recent)}
    assert uids[f"{cancelled.uid}@espri-ia"]["STATUS"] == "CANCELLED"
    assert uids[f"{upcoming.uid}@espri-ia"]["STATUS"] == "CONFIRMED"
    assert {v.uid.value for v in by_vobject} == set(uids)
    assert f"http://127.0.0.1:8000/events/{upcoming.slug}/" in response.content.decode()


@pytest.mark.django_db
def test_uid_is_stable_across_edits_and_sequence_grows(client, coordinator):
    from kb.services.events import update_event

    event = EventFactory()
    first = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}/event.ics").content)
    update_event(event=event, title_fr="New title")
    second = icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}/event.ics").content)
    (before,), (after,) = first.walk("VEVENT"), second.walk("VEVENT")
    assert before["UID"] == after["UID"]
    assert after["SEQUENCE"] == before["SEQUENCE"] + 1
    assert str(after["SUMMARY"]) == "New title"


@pytest.mark.django_db
def test_feed_per_kind_holds_only_that_kind(client):
    training = EventFactory(kind=EventKind.TRAINING, title="Slurm training")
    EventFactory(kind=EventKind.SEMINAR, title="A seminar")
    by_icalendar, _ = parse_both(client.get("/events/calendar/training.ics").content)
    assert [str(e["SUMMARY"]) for e in by_icalendar] == [training.title]
    assert client.get("/events/calendar/nonsense.ics").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(("month", "utc_hour"), [(1, 9), (7, 8)])
def test_event_feed_of_a_ten_o_clock_event(client, month, utc_hour):
    year = timezone.localdate().year + 1
    event = EventFactory(starts_at=paris(year, month, 15, 10), ends_at=paris(year, month, 15, 12))
    body = client.get(f"/events/{event.slug}/event.ics").content
    assert f"DTSTART:{year}{month:02d}15T{utc_hour:02d}0000Z".encode() in body
    (ical_event,), (vobj_event,) = parse_both(body)
    assert ical_event.decoded("dtstart") == vobj_event.dtstart.value == paris(year, month, 15, 10)


@pytest.mark.django_db
def test_event_feed_of_an_all_day_multi_day_event(client):
    year = timezone.localdate().year + 1
    start, end = all_day_bounds(datetime.date(year, 6, 2), datetime.date(year, 6, 3))
    event = EventFactory(all_day=True, starts_at=start, ends_at=end)
    body = client.get(f"/events/{event.slug}/event.ics").content
    assert f"DTSTART;VALUE=DATE:{year}0602".encode() in body
    assert f"DTEND;VALUE=DATE:{year}0604".encode() in body
    parse_both(body)


@pytest.mark.django_db
def test_event_feed_of_a_draft_only_for_coordinators(client, coordinator):
    draft = EventFactory(state=EventState.DRAFT)
    assert client.get(f"/events/{draft.slug}/event.ics").status_code == 404
    client.force_login(coordinator)
    body = client.get(f"/events/{draft.slug}/event.ics").content
    assert b"STATUS:TENTATIVE" in body


@pytest.mark.django_db
def test_feed_query_count_does_not_grow(client, django_assert_num_queries):
    # The ETag's summary, then the events.
    EventFactory()
    with django_assert_num_queries(2):
        client.get("/events/calendar.ics")
    EventFactory.create_batch(19)
    with django_assert_num_queries(2):
        client.get("/events/calendar.ics")


@pytest.mark.django_db
def test_feed_answers_not_modified_until_an_event_changes(client):
    from kb.services.events import update_event

    event = EventFactory()
    etag = client.get("/events/calendar.ics")["ETag"]
    assert client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get("/en/events/calendar.ics", HTTP_IF_NONE_MATCH=etag).status_code == 200
    update_event(event=event, title_fr="Moved")
    response = client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and b"Moved" in response.content
    EventFactory()
    assert (
        client.get("/events/calendar.ics", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 200
    )


@pytest.mark.django_db
def test_atom_feed_lists_published_events_newest_first(client):
    older = EventFactory(title="Older", published_at=timezone.now() - datetime.timedelta(days=3))
    newer = EventFactory(title="Newer")
    EventFactory(title="Hidden draft", state=EventState.DRAFT, published_at=None)
    response = client.get("/en/events/feed.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<title>ESPRI-IA: new events</title>" in body
    assert body.index(newer.title) < body.index(older.title)
    assert "Hidden draft" not in body
    assert f"urn:uuid:{newer.uid}" in body
