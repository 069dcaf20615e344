"""Event listings and pages as readers, members and coordinators see them."""

import datetime
import re

import pytest
from django.utils import timezone

from kb.forms.events import EventForm
from kb.models import Event, Material
from kb.models.events import (
    EventKind,
    EventState,
    MaterialKind,
    RegistrationMode,
    RegistrationStatus,
    all_day_bounds,
)
from kb.services import events as services
from tests.factories import EventFactory, RegistrationFactory, UserFactory, in_days, paris

pytestmark = pytest.mark.django_db


# Visibility by state and role


def test_readers_see_published_and_cancelled_events_but_no_drafts(client, member):
    EventFactory(title="Published seminar")
    EventFactory(title="Cancelled seminar", state=EventState.CANCELLED)
    draft = EventFactory(title="Draft seminar", state=EventState.DRAFT)
    for who in (None, member):
        if who:
            client.force_login(who)
        page = client.get("/en/events/").content.decode()
        assert "Published seminar" in page
        assert "Cancelled seminar" in page
        assert "Draft seminar" not in page
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_coordinators_see_drafts_marked(coordinator_client):
    draft = EventFactory(title="Draft seminar", state=EventState.DRAFT)
    page = coordinator_client.get("/en/events/").content.decode()
    assert "Draft seminar" in page
    assert "Draft: only coordinators see it" in page
    page = coordinator_client.get(f"/en/events/{draft.slug}/").content.decode()
    assert "Publish" in page


def test_cancelled_event_is_clearly_marked(client):
    event = EventFactory(state=EventState.CANCELLED)
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "This event is cancelled." in page
    assert "badge-cancelled" in page


def test_event_page_shows_paris_time_place_link_and_calendar(client):
    event = EventFactory(
        title="Slurm hands-on",
        starts_at=paris(2030, 1, 15, 10),
        ends_at=paris(2030, 1, 15, 12, 30),
        online_url="https://visio.example.org/room",
        organiser="ESPRI-IA",
        description_html="<p>Bring <strong>your laptop</strong>.</p>",
    )
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Tuesday 15 January 2030, 10:00" in page
    assert "12:30" in page
    assert "LATMOS, Guyancourt" in page
    assert 'href="https://visio.example.org/room"' in page
    assert f'href="/en/events/{event.slug}/event.ics"' in page
    # The description exists in French only: shown with a notice, marked as French.
    assert '<div class="prose" lang="fr"><p>Bring <strong>your laptop</strong>.</p></div>' in page
    assert "Not translated into English yet; here is the French version." in page


def test_all_day_multi_day_event_shows_dates_only(client):
    start, end = all_day_bounds(datetime.date(2030, 6, 3), datetime.date(2030, 6, 4))
    event = EventFactory(all_day=True, starts_at=start, ends_at=end)
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "3 June 2030 to 4 June 2030" in page
    assert "00:00" not in page


def test_all_day_event_has_no_time_zone_note(client):
    start, end = all_day_bounds(datetime.date(2030, 6, 5), datetime.date(2030, 6, 5))
    event = EventFactory(all_day=True, starts_at=start, ends_at=end)
    english = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Wednesday 5 June 2030" in english
    assert "(Paris time)" not in english
    french = client.get(f"/events/{event.slug}/").content.decode()
    assert "mercredi 5 juin 2030" in french
    assert "(heure de Paris)" not in french
    timed = EventFactory(starts_at=paris(2030, 6, 5, 10), ends_at=paris(2030, 6, 5, 12))
    assert "(heure de Paris)" in client.get(f"/events/{timed.slug}/").content.decode()


# Listings


def test_upcoming_listing_is_in_date_order_and_grouped_by_month(client):
    later = EventFactory(title="Later", starts_at=in_days(40), ends_at=in_days(40, hour=12))
    sooner = EventFactory(title="Sooner", starts_at=in_days(2), ends_at=in_days(2, hour=12))
    EventFactory(title="Gone", starts_at=in_days(-2), ends_at=in_days(-2, hour=12))
    page = client.get("/en/events/").content.decode()
    assert page.index(sooner.title) < page.index(later.title)
    assert "Gone" not in page
    assert (
        f'<h2 id="month-1">{sooner.starts_at.astimezone(timezone.get_current_timezone()):%B %Y}'
        in page
    )


@pytest.mark.parametrize(
    ("prefix", "months"),
    [("", ["décembre", "septembre", "mars"]), ("/en", ["December", "September", "March"])],
)
def test_listing_date_badges_write_the_month_as_dates_do(client, prefix, months):
    """The month in full, as in "1er décembre 2030" beside it: no "Dec." nor "sept."."""
    for month in (12, 9, 3):
        EventFactory(starts_at=paris(2030, month, 1, 10), ends_at=paris(2030, month, 1, 12))
    page = client.get(f"{prefix}/events/").content.decode()
    badges = re.findall(
        r'<span class="event-day">(\d+)</span>\s*<span class="event-month">([^<]*)</span>', page
    )
    assert badges == [("1", month) for month in reversed(months)]


def test_event_under_way_is_still_upcoming(client):
    EventFactory(title="Running now", starts_at=in_days(-1), ends_at=in_days(1))
    assert "Running now" in client.get("/en/events/").content.decode()


def test_past_listing_by_year(client):
    year = timezone.localdate().year - 1
    EventFactory(title="Last year", starts_at=paris(year, 3, 1, 10), ends_at=paris(year, 3, 1, 12))
    EventFactory(
        title="Two years ago",
        starts_at=paris(year - 1, 3, 1, 10),
        ends_at=paris(year - 1, 3, 1, 12),
    )
    page = client.get("/en/events/past/").content.decode()
    assert f"Past events of {year}" in page
    assert "Last year" in page and "Two years ago" not in page
    assert f'href="/en/events/past/{year - 1}/"' in page
    page = client.get(f"/en/events/past/{year - 1}/").content.decode()
    assert "Two years ago" in page and "Last year" not in page


def test_past_listing_of_a_kind_with_no_past_event_says_so(client):
    year = timezone.localdate().year - 1
    EventFactory(
        kind=EventKind.SEMINAR, starts_at=paris(year, 3, 1, 10), ends_at=paris(year, 3, 1, 12)
    )
    english = client.get("/en/events/past/?kind=hackathon").content.decode()
    assert "No past event of this kind (Hackathon)." in english
    assert "<h1>Past events</h1>" in english
    # No year link is shown, so nothing points to one.
    assert "Pick another year above." not in english and f"/en/events/past/{year}/" not in english
    french = client.get("/events/past/?kind=hackathon").content.decode()
    assert "Aucun événement passé de ce type (Hackathon)." in french
    assert "ci-dessus" not in french and f" en {year}" not in french


def test_past_year_empty_for_a_kind_points_to_its_other_years(client):
    year = timezone.localdate().year - 1
    EventFactory(
        kind=EventKind.SEMINAR, starts_at=paris(year, 3, 1, 10), ends_at=paris(year, 3, 1, 12)
    )
    english = client.get(f"/en/events/past/{year - 2}/?kind=seminar").content.decode()
    assert f"No past event of this kind (Seminar) in {year - 2}." in english
    assert "Pick another year above." in english
    assert f'href="/en/events/past/{year}/?kind=seminar"' in english
    french = client.get(f"/events/past/{year - 2}/?kind=seminar").content.decode()
    assert f"Aucun événement passé de ce type (Séminaire) en {year - 2}." in french


def test_past_listing_with_no_past_event_at_all(client):
    english = client.get("/en/events/past/").content.decode()
    assert "No past event yet." in english and "Pick another year above." not in english
    french = client.get("/events/past/").content.decode()
    assert "Aucun événement passé pour l’instant." in french


def test_past_year_out_of_range_is_not_found(client):
    assert client.get("/events/past/99999/").status_code == 404


def test_filter_by_kind_and_its_empty_state(client):
    EventFactory(title="A training", kind=EventKind.TRAINING)
    EventFactory(title="A seminar", kind=EventKind.SEMINAR)
    page = client.get("/en/events/?kind=training").content.decode()
    assert "A training" in page and "A seminar" not in page
    assert 'href="/en/events/calendar/training.ics"' in page
    assert 'href="webcal://127.0.0.1:8000/en/events/calendar/training.ics"' in page
    page = client.get("/en/events/?kind=hackathon").content.decode()
    assert "No upcoming event of this kind (Hackathon) for now." in page
    assert "Show every kind of event" in page
    # An unknown kind is ignored, not an error.
    page = client.get("/en/events/?kind=<script>").content.decode()
    assert "A training" in page and "A seminar" in page


def test_empty_listing_says_so_and_offers_feeds(client):
    page = client.get("/en/events/").content.decode()
    assert "No upcoming event for now." in page
    assert 'href="/en/events/calendar.ics"' in page
    assert 'href="webcal://127.0.0.1:8000/en/events/calendar.ics"' in page
    assert 'href="/en/events/feed.atom"' in page


def test_listing_shows_seats_left_and_full(client):
    EventFactory(title="Roomy", registration_mode=RegistrationMode.BUILT_IN, capacity=10)
    full = EventFactory(title="Packed", registration_mode=RegistrationMode.BUILT_IN, capacity=1)
    RegistrationFactory(event=full)
    page = client.get("/en/events/").content.decode()
    assert "10 seats left" in page
    assert "Full: waiting list open" in page


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.usefixtures("uncached_pages")
def test_upcoming_listing_query_count(client, django_assert_num_queries, count):
    for event in EventFactory.create_batch(count, registration_mode=RegistrationMode.BUILT_IN):
        RegistrationFactory(event=event)
    with django_assert_num_queries(1):
        response = client.get("/events/")
    assert response.content.decode().count('class="event-item') == count


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.usefixtures("uncached_pages")
def test_past_listing_query_count(client, django_assert_num_queries, count):
    EventFactory.create_batch(count, starts_at=in_days(-3), ends_at=in_days(-3, hour=12))
    # The years, then the events.
    with django_assert_num_queries(2):
        response = client.get("/events/past/")
    assert response.content.decode().count('class="event-item') == count


@pytest.mark.parametrize("count", [1, 20])
def test_coordinator_listing_query_count(coordinator_client, django_assert_num_queries, count):
    EventFactory.create_batch(count, state=EventState.DRAFT)
    # Session, user with their role, own registrations, events.
    with django_assert_num_queries(4):
        response = coordinator_client.get("/events/")
    assert response.content.decode().count('class="event-item') == count


def test_home_shows_the_next_public_events(client):
    EventFactory(title="Next seminar")
    EventFactory(title="Hidden draft", state=EventState.DRAFT)
    page = client.get("/en/").content.decode()
    assert "Next events" in page
    assert "Next seminar" in page and "Hidden draft" not in page


def test_menu_has_events(client):
    page = client.get("/events/").content.decode()
    assert 'href="/events/" aria-current="page">Événements</a>' in page


def test_search_text_holds_title_summary_body_and_place():
    event = EventFactory(description_html="<h2>Programme</h2><p>Slurm &amp; modules</p>")
    text = event.search_text("fr")
    for part in ("Programme", "Slurm & modules", event.place):
        assert part in text
    assert event.search_text("en") == event.organiser


# Coordinators' pages


def form_data(**changes):
    data = {
        "title": "GPU cluster hands-on",
        "kind": "training",
        "summary": "Log in, ask for a GPU, run a job.",
        "description": "## Programme\n\n`srun --gres=gpu:1 --pty bash`",
        "start_date": "2030-01-15",
        "start_time": "10:00",
        "end_date": "",
        "end_time": "12:00",
        "place": "LATMOS",
        "online_url": "",
        "organiser": "ESPRI-IA",
        "registration_mode": "built_in",
        "registration_url": "",
        "capacity": "12",
    }
    data.update(changes)
    # The texts are written in English here; the French ones stay empty.
    for name in ("title", "summary", "description", "place"):
        data[f"{name}_en"] = data.pop(name)
    return data


@pytest.mark.parametrize(
    "path", ["/events/new/", "/events/{slug}/edit/", "/events/{slug}/materials/"]
)
def test_coordinator_pages_refuse_members_and_send_readers_to_log_in(client, member, path):
    event = EventFactory()
    url = path.format(slug=event.slug)
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.post(f"/events/{event.slug}/cancel/").status_code == 403
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED


def test_coordinator_creates_a_draft_then_publishes_it(coordinator_client, coordinator):
    response = coordinator_client.post("/en/events/new/", form_data())
    event = Event.objects.get()
    assert response["Location"] == f"/en/events/{event.slug}/"
    assert event.slug == "gpu-cluster-hands-on-2030-01-15"
    assert event.state == EventState.DRAFT
    assert event.created_by == coordinator
    assert event.starts_at == paris(2030, 1, 15, 10)
    assert event.ends_at == paris(2030, 1, 15, 12)
    assert event.capacity == 12
    assert '<h2 id="programme">Programme</h2>' in event.description_html
    coordinator_client.post(f"/en/events/{event.slug}/publish/")
    event.refresh_from_db()
    assert event.state == EventState.PUBLISHED
    assert event.published_at is not None


def test_summer_time_is_stored_right(coordinator_client):
    coordinator_client.post("/en/events/new/", form_data(start_date="2030-07-15"))
    event = Event.objects.get()
    assert event.starts_at == datetime.datetime(2030, 7, 15, 8, tzinfo=datetime.UTC)


def test_all_day_event_from_the_form(coordinator_client):
    coordinator_client.post(
        "/en/events/new/",
        form_data(all_day="on", start_time="", end_time="", end_date="2030-01-16"),
    )
    event = Event.objects.get()
    assert event.all_day
    assert (event.first_day, event.last_day) == (
        datetime.date(2030, 1, 15),
        datetime.date(2030, 1, 16),
    )
    assert event.ends_at == paris(2030, 1, 17)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "09:00"}, "The event must end after it starts."),
        ({"end_date": "2030-01-14"}, "The event must end after it starts."),
        ({"online_url": "javascript:alert(1)"}, "Enter a valid URL."),
        ({"online_url": "ftp://files.example.org/"}, "Enter a valid URL."),
        ({"registration_mode": "external"}, "Give the link where people register"),
        ({"start_time": ""}, "Give a start time, or tick"),
        ({"title": ""}, "Write it in French, in English, or in both."),
        ({"place": ""}, "Give a place, an online meeting link, or both."),
        ({"capacity": "-3"}, "Leave empty for no limit, or give at least 1 seat."),
        ({"capacity": "0"}, "Leave empty for no limit, or give at least 1 seat."),
        ({"start_date": "2020-03-10"}, "2020 is past. Check the year;"),
    ],
)
def test_form_errors_keep_what_was_typed(coordinator_client, changes, message):
    response = coordinator_client.post("/en/events/new/", form_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "Please correct the errors below." in page
    assert 'value="Log in, ask for a GPU, run a job."' in page  # nothing typed is lost
    assert "srun --gres=gpu:1 --pty bash" in page
    assert not Event.objects.exists()


def test_coordinator_edits_an_event_form_shows_paris_times(coordinator_client):
    event = EventFactory(starts_at=paris(2030, 7, 1, 14), ends_at=paris(2030, 7, 1, 16))
    page = coordinator_client.get(f"/en/events/{event.slug}/edit/").content.decode()
    assert 'value="2030-07-01"' in page and 'value="14:00"' in page and 'value="16:00"' in page
    coordinator_client.post(
        f"/en/events/{event.slug}/edit/",
        form_data(title="Renamed", start_date="2030-07-01", start_time="14:00", end_time="17:00"),
    )
    event.refresh_from_db()
    assert event.title == "Renamed"
    assert event.ends_at == paris(2030, 7, 1, 17)
    assert event.sequence == 1  # published: calendars must take the change


def test_past_start_is_asked_about_then_saved_when_confirmed(coordinator_client):
    page = coordinator_client.post("/events/new/", form_data(start_date="2020-03-10"))
    page = page.content.decode()
    assert "10 mars 2020 est passé. Vérifiez l’année" in page
    assert "Oui, cet événement est passé" in page  # the box appears only now
    assert not Event.objects.exists()
    coordinator_client.post("/events/new/", form_data(start_date="2020-03-10", past_confirmed="on"))
    assert Event.objects.get().starts_at == paris(2020, 3, 10, 10)


def test_form_asks_nothing_of_a_future_event_or_an_unmoved_past_one(coordinator_client):
    assert "past_confirmed" not in coordinator_client.get("/en/events/new/").content.decode()
    event = EventFactory(starts_at=paris(2024, 5, 2, 14), ends_at=paris(2024, 5, 2, 16))
    coordinator_client.post(
        f"/en/events/{event.slug}/edit/",
        form_data(
            title="Typo fixed", start_date="2024-05-02", start_time="14:00", end_time="16:00"
        ),
    )
    event.refresh_from_db()
    assert event.title == "Typo fixed"


def test_announcement_needs_no_place(coordinator_client):
    coordinator_client.post("/en/events/new/", form_data(kind="announcement", place=""))
    assert Event.objects.get().place == ""


def registered_event(confirmed, waiting=0):
    event = EventFactory(
        starts_at=paris(2030, 1, 15, 10),
        ends_at=paris(2030, 1, 15, 12),
        registration_mode=RegistrationMode.BUILT_IN,
        capacity=confirmed,
    )
    RegistrationFactory.create_batch(confirmed, event=event)
    RegistrationFactory.create_batch(waiting, event=event, status=RegistrationStatus.WAITING)
    return event


@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/en", "2 people already hold a seat: give at least 2 (newcomers then join"),
        ("", "2 personnes ont déjà une place\u202f: indiquez-en au moins 2 (les suivants"),
    ],
)
def test_edit_refuses_fewer_seats_than_people_holding_one(coordinator_client, prefix, message):
    event = registered_event(confirmed=2)
    response = coordinator_client.post(
        f"{prefix}/events/{event.slug}/edit/", form_data(capacity="1")
    )
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.capacity == 2
    coordinator_client.post(f"{prefix}/events/{event.slug}/edit/", form_data(capacity="2"))
    event.refresh_from_db()
    assert event.capacity == 2 and event.title == "GPU cluster hands-on"


@pytest.mark.parametrize("mode", ["none", "external"])
@pytest.mark.parametrize(
    ("prefix", "message"),
    [
        ("/en", "2 people are registered on this site (seats or waiting list) and would not"),
        ("", "2 personnes sont inscrites sur ce site (places ou liste d’attente)"),
    ],
)
def test_edit_refuses_to_drop_registration_with_people_registered(
    coordinator_client, prefix, message, mode
):
    event = registered_event(confirmed=1, waiting=1)
    data = form_data(registration_mode=mode, registration_url="https://indico.example/e/1")
    response = coordinator_client.post(f"{prefix}/events/{event.slug}/edit/", data)
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.registration_mode == RegistrationMode.BUILT_IN
    assert event.registrations.count() == 2


def test_edit_drops_registration_when_nobody_is_registered(coordinator_client):
    event = registered_event(confirmed=0)
    coordinator_client.post(
        f"/en/events/{event.slug}/edit/", form_data(registration_mode="none", capacity="")
    )
    event.refresh_from_db()
    assert event.registration_mode == RegistrationMode.NONE


@pytest.mark.parametrize(
    ("seats", "change", "message"),
    [
        (3, {"capacity": "2"}, "3 people already hold a seat: give at least 3"),
        (None, {"registration_mode": "none"}, "1 person is registered on this site"),
    ],
    ids=["fewer-seats", "no-registration"],
)
def test_edit_refusal_counts_a_registration_made_after_the_form_was_checked(
    coordinator_client, monkeypatch, seats, change, message
):
    """The registrations are counted again when the edit is saved, the event locked."""
    event = registered_event(confirmed=2 if seats else 0)
    Event.objects.filter(pk=event.pk).update(capacity=seats)
    checked = EventForm.clean

    def clean_then_someone_registers(form):
        data = checked(form)
        services.register(event=event, user=UserFactory())
        return data

    monkeypatch.setattr(EventForm, "clean", clean_then_someone_registers)
    data = form_data(**{"capacity": str(seats or ""), **change})
    response = coordinator_client.post(f"/en/events/{event.slug}/edit/", data)
    assert message in response.content.decode()
    event.refresh_from_db()
    assert event.registration_mode == RegistrationMode.BUILT_IN
    assert event.capacity == seats


def test_duplicate_prefills_the_form_and_saves_a_new_draft(coordinator_client):
    source = EventFactory(title="Deep learning 101", kind=EventKind.TRAINING, capacity=None)
    page = coordinator_client.get(f"/en/events/{source.slug}/duplicate/").content.decode()
    assert 'value="Deep learning 101"' in page
    assert "Set the dates of the new session" in page
    assert Event.objects.count() == 1  # nothing stored yet
    coordinator_client.post(
        f"/en/events/{source.slug}/duplicate/",
        form_data(title="Deep learning 101", start_date="2030-03-10"),
    )
    copy = Event.objects.exclude(pk=source.pk).get()
    assert copy.state == EventState.DRAFT
    assert copy.uid != source.uid
    assert copy.slug == "deep-learning-101-2030-03-10"


def test_coordinator_cancels_after_confirming(coordinator_client):
    event = EventFactory()
    page = coordinator_client.get(f"/en/events/{event.slug}/cancel/").content.decode()
    assert "will stay listed, marked as cancelled" in page
    coordinator_client.post(f"/en/events/{event.slug}/cancel/")
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED


def test_event_pages_in_french(coordinator_client):
    event = EventFactory(registration_mode=RegistrationMode.BUILT_IN, capacity=3)
    page = coordinator_client.get(f"/events/{event.slug}/").content.decode()
    assert "Outils de coordination" in page
    assert "Ajouter à mon agenda (.ics)" in page
    # French agrees with the seats taken (0 and 1 are singular), not with the capacity.
    assert "0 place prise sur 3" in page
    page = coordinator_client.get("/events/new/").content.decode()
    assert "Date de début" in page and "Toute la journée" in page


@pytest.mark.parametrize("count", [1, 20])
@pytest.mark.usefixtures("uncached_pages")
def test_event_page_query_count(client, django_assert_num_queries, count):
    event = EventFactory(registration_mode=RegistrationMode.BUILT_IN)
    for number in range(count):
        Material.objects.create(
            event=event, kind=MaterialKind.LINK, title=f"Part {number}", url="https://a.example/"
        )
    # The event with its seat counts, then its materials.
    with django_assert_num_queries(2):
        page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert page.count('href="https://a.example/"') == count


@pytest.mark.parametrize("count", [1, 20])
def test_atom_feed_query_count(client, django_assert_num_queries, count):
    EventFactory.create_batch(count)
    with django_assert_num_queries(1):
        body = client.get("/events/feed.atom").content.decode()
    assert body.count("<entry>") == count


def test_coordinator_deletes_a_draft_but_not_a_published_event(coordinator_client, member):
    draft = EventFactory(state=EventState.DRAFT)
    published = EventFactory()
    page = coordinator_client.get(f"/en/events/{draft.slug}/").content.decode()
    assert "Delete the draft" in page
    response = coordinator_client.post(f"/en/events/{draft.slug}/delete/")
    assert response["Location"] == "/en/events/"
    assert coordinator_client.post(f"/en/events/{published.slug}/delete/").status_code == 404
    assert list(Event.objects.all()) == [published]


def test_preview_renders_each_language_and_stores_nothing(coordinator_client):
    data = form_data(preview="")
    data["description_fr"] = "**Programme** en français"
    response = coordinator_client.post("/en/events/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="prose" lang="fr"><p><strong>Programme</strong> en français</p></div>' in page
    )
    assert '<div class="prose" lang="en"><h2 id="programme">Programme</h2>' in page
    assert not Event.objects.exists()


def test_draft_event_says_registration_is_not_open_yet(coordinator_client):
    draft = EventFactory(
        state=EventState.DRAFT, registration_mode=RegistrationMode.BUILT_IN, capacity=8
    )
    page = coordinator_client.get(f"/en/events/{draft.slug}/").content.decode()
    assert "Registration is not open yet." in page and "Registration is closed." not in page
    french = coordinator_client.get(f"/events/{draft.slug}/").content.decode()
    assert "Inscriptions pas encore ouvertes." in french


def test_events_list_marks_the_events_i_am_registered_for(member_client, member):
    from kb.models.events import RegistrationStatus
    from tests.factories import RegistrationFactory

    RegistrationFactory(user=member, event__title="Seminar I attend")
    RegistrationFactory(
        user=member, event__title="Seminar I wait for", status=RegistrationStatus.WAITING
    )
    RegistrationFactory(event__title="Seminar of someone else")
    page = member_client.get("/en/events/").content.decode()
    assert page.count("You are registered</span>") == 1
    assert page.count("You are on the waiting list</span>") == 1
