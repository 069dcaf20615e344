"""Built-in registration: seats, the waiting list and its promotion, emails, the CSV."""

import csv
import io
import threading

import pytest
from django.core import mail
from django.db import connection
from django.utils import timezone, translation

from kb.models import Registration
from kb.models.events import EventState, RegistrationMode, RegistrationStatus
from kb.services import events as services
from tests.factories import EventFactory, RegistrationFactory, UserFactory, in_days, paris

pytestmark = pytest.mark.django_db


def builtin_event(**kwargs):
    kwargs.setdefault("registration_mode", RegistrationMode.BUILT_IN)
    return EventFactory(**kwargs)


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("created_at", "pk")
        .values_list("user__email", "status")
    )


def test_register_takes_a_seat_and_emails_a_confirmation(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=2, title="Slurm hands-on")
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration, created = services.register(event=event, user=member)
    assert created and registration.status == RegistrationStatus.CONFIRMED
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "Slurm hands-on" in message.subject
    assert f"/events/{event.slug}/" in message.body


def test_register_twice_changes_nothing(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=1)
    member = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first, _created = services.register(event=event, user=member)
        assert services.register(event=event, user=member) == (first, False)
    assert Registration.objects.count() == 1
    assert len(mail.outbox) == 1


def test_full_event_puts_people_on_the_waiting_list(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=1)
    services.register(event=event, user=UserFactory())
    late = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        registration, _created = services.register(event=event, user=late)
    assert registration.status == RegistrationStatus.WAITING
    assert "waiting list" in mail.outbox[-1].body.lower() or "liste d" in mail.outbox[-1].body


def test_cancelling_promotes_the_waiting_list_in_order(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=1)
    first, second, third = UserFactory(), UserFactory(), UserFactory()
    for user in (first, second, third):
        services.register(event=event, user=user)
    assert [s for _, s in statuses(event)] == ["confirmed", "waiting", "waiting"]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        promoted = services.cancel_registration(event=event, user=first)
    assert [r.user for r in promoted] == [second]
    assert statuses(event) == [(second.email, "confirmed"), (third.email, "waiting")]
    (message,) = mail.outbox
    assert message.to == [second.email]
    assert event.title in message.subject
    # The one still waiting moved up to first place.
    assert services.waiting_position(Registration.objects.get(user=third)) == 1


def test_leaving_the_waiting_list_promotes_nobody():
    event = builtin_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.register(event=event, user=first)
    services.register(event=event, user=second)
    assert services.cancel_registration(event=event, user=second) == []
    assert statuses(event) == [(first.email, "confirmed")]


def test_raising_the_capacity_promotes_the_waiting_list():
    event = builtin_event(capacity=1)
    people = [UserFactory() for _ in range(3)]
    for user in people:
        services.register(event=event, user=user)
    services.update_event(event=event, capacity=2)
    assert [s for _, s in statuses(event)] == ["confirmed", "confirmed", "waiting"]


@pytest.mark.parametrize(
    "changes",
    [
        {"state": EventState.DRAFT},
        {"state": EventState.CANCELLED},
        {"starts_at": in_days(-1), "ends_at": in_days(1)},
        {"registration_mode": RegistrationMode.NONE},
    ],
    ids=["draft", "cancelled", "started", "no-registration"],
)
def test_registration_refused_when_closed(changes):
    event = builtin_event(**changes)
    with pytest.raises(services.RegistrationError):
        services.register(event=event, user=UserFactory())
    assert not Registration.objects.exists()


def test_cancelling_the_event_emails_everyone_registered(
    coordinator, django_capture_on_commit_callbacks
):
    event = builtin_event(capacity=1)
    people = [UserFactory(), UserFactory()]
    for user in people:
        services.register(event=event, user=user)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event=event)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in people)
    event.refresh_from_db()
    assert event.state == EventState.CANCELLED and event.sequence == 1


def test_later_emails_are_in_each_persons_language(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=1, title_en="Slurm hands-on")
    holder, english, unknown = UserFactory(), UserFactory(language="en"), UserFactory()
    for user in (holder, english, unknown):
        services.register(event=event, user=user)
    mail.outbox.clear()
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.cancel_registration(event=event, user=holder)  # by a French reader
    (promoted,) = mail.outbox
    assert promoted.to == [english.email]
    assert promoted.subject.startswith("[ESPRI-IA] A seat is yours")
    assert f"/en/events/{event.slug}/" in promoted.body
    mail.outbox.clear()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.cancel_event(event=event)  # by an English-speaking coordinator
    by_recipient = {message.to[0]: message.subject for message in mail.outbox}
    assert by_recipient[english.email].startswith("[ESPRI-IA] Cancelled")
    assert by_recipient[unknown.email].startswith("[ESPRI-IA] Annulé")  # the site's default


# Through the pages


def test_member_registers_from_the_event_page(member_client, member):
    event = builtin_event(capacity=5)
    page = member_client.get(f"/en/events/{event.slug}/").content.decode()
    assert "0 of 5 seats taken" in page
    response = member_client.post(f"/en/events/{event.slug}/register/", follow=True)
    page = response.content.decode()
    assert "You are registered." in page
    assert Registration.objects.get(event=event).user == member
    member_client.post(f"/events/{event.slug}/unregister/")
    assert not Registration.objects.exists()


def test_full_event_page_offers_the_waiting_list_and_shows_the_position(member_client, member):
    event = builtin_event(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    page = member_client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Join the waiting list" in page
    member_client.post(f"/en/events/{event.slug}/register/")
    page = member_client.get(f"/en/events/{event.slug}/").content.decode()
    assert "You are on the waiting list (position 2)" in page


def test_registration_comes_right_after_when_and_where(client, member):
    """A phone shows the page in one column, in document order: the registration box
    must not wait below the whole programme."""
    event = builtin_event(
        capacity=5,
        description_html="<h2>Programme</h2><p>A long programme.</p>",
    )
    RegistrationFactory(event=event, user=member, status=RegistrationStatus.WAITING)
    for who in (None, member):
        if who:
            client.force_login(who)
        page = client.get(f"/en/events/{event.slug}/").content.decode()
        where = page.index("<dt>Where</dt>")
        registration = page.index('<h2 id="registration-title">Registration</h2>')
        programme = page.index("<h2>Programme</h2>")
        assert where < registration < programme
    assert page.index("Leave the waiting list") < programme


def test_anonymous_reader_is_asked_to_log_in(client):
    event = builtin_event()
    page = client.get(f"/en/events/{event.slug}/").content.decode()
    assert "Log in to register" in page
    response = client.post(f"/events/{event.slug}/register/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Registration.objects.exists()


def test_external_registration_shows_the_link(client):
    event = EventFactory(
        registration_mode=RegistrationMode.EXTERNAL,
        registration_url="https://www.idris.fr/formations/",
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert 'href="https://www.idris.fr/formations/"' in page


def test_participant_list_and_csv_for_coordinators_only(client, member, coordinator):
    event = builtin_event(capacity=1)
    RegistrationFactory(event=event, user=UserFactory(first_name="=HYPERLINK(1)", last_name="Z"))
    RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    url = f"/en/events/{event.slug}/participants.csv"
    assert client.get(url).status_code == 302
    client.force_login(member)
    assert client.get(url).status_code == 403
    assert client.get(f"/events/{event.slug}/participants/").status_code == 403
    client.force_login(coordinator)
    page = client.get(f"/en/events/{event.slug}/participants/").content.decode()
    assert "1 registered, 1 on the waiting list." in page
    french = client.get(f"/events/{event.slug}/participants/").content.decode()
    assert "1 inscrit, 1 sur la liste d’attente." in french
    response = client.get(url)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Email", "First name", "Last name", "Status", "Registered at"]
    assert [row[3] for row in rows[1:]] == ["Registered", "Waiting list"]
    assert rows[1][1] == "'=HYPERLINK(1)"  # no formula in a spreadsheet


# Two people, one last seat, the same instant


@pytest.mark.django_db(transaction=True)
def test_exactly_one_person_gets_the_last_seat():
    event = builtin_event(capacity=3)
    for _ in range(2):
        services.register(event=event, user=UserFactory())
    contenders = [UserFactory() for _ in range(6)]
    start = threading.Barrier(len(contenders))
    errors = []

    def take_the_seat(user):
        try:
            start.wait()
            services.register(event=event, user=user)
        except Exception as error:  # any failure is reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take_the_seat, args=(user,)) for user in contenders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    contender_rows = Registration.objects.filter(user__in=contenders)
    assert contender_rows.filter(status=RegistrationStatus.CONFIRMED).count() == 1
    assert contender_rows.filter(status=RegistrationStatus.WAITING).count() == 5
    assert Registration.objects.filter(event=event).confirmed().count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_registration_waits_for_an_edit_that_takes_seats_back(monkeypatch):
    """The edit checks the seats, then holds the event row until it is saved: a registration
    arriving in between waits, then counts the seats the edit left (none free).

    On PostgreSQL this fails if either the edit or the registration stops locking the row;
    on SQLite writers take turns anyway (IMMEDIATE transactions).
    """
    event = builtin_event(capacity=3)
    for _ in range(2):
        services.register(event=event, user=UserFactory())
    latecomer = UserFactory()
    checked, registered = threading.Event(), threading.Event()
    errors = []
    check = services.check_registrations_kept

    def check_then_give_the_latecomer_a_second(edited):
        check(edited)
        checked.set()
        registered.wait(timeout=1)  # without the lock, the registration ends meanwhile

    monkeypatch.setattr(
        services, "check_registrations_kept", check_then_give_the_latecomer_a_second
    )

    def run(work):
        try:
            work()
        except Exception as error:  # any failure is reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    def register_once_checked():
        assert checked.wait(timeout=10)
        services.register(event=event, user=latecomer)
        registered.set()

    def take_a_seat_back():
        services.update_event(event=event, capacity=2)

    threads = [
        threading.Thread(target=run, args=(work,))
        for work in (take_a_seat_back, register_once_checked)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    event.refresh_from_db()
    assert event.capacity == 2
    assert Registration.objects.get(user=latecomer).status == RegistrationStatus.WAITING
    assert event.registrations.confirmed().count() == 2


def test_email_gives_paris_time_in_the_reader_language(django_capture_on_commit_callbacks):
    year = timezone.localdate().year + 1
    event = builtin_event(starts_at=paris(year, 7, 15, 10), ends_at=paris(year, 7, 15, 12))
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, user=UserFactory())
    body = mail.outbox[0].body
    assert "Vous êtes inscrit" in body
    assert "15 juillet" in body and "10:00 – 12:00 (heure de Paris)" in body
    assert mail.outbox[0].subject.startswith("[ESPRI-IA] Inscription confirmée")
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.register(event=event, user=UserFactory())
    assert "You are registered for" in mail.outbox[1].body


def test_cancelling_asks_first_and_says_where_the_seat_goes(member_client, member):
    event = builtin_event(capacity=1)
    RegistrationFactory(event=event, user=member)
    page = member_client.get(f"/en/events/{event.slug}/").content.decode()
    assert f'href="/en/events/{event.slug}/unregister/"' in page
    confirm = member_client.get(f"/en/events/{event.slug}/unregister/").content.decode()
    assert "Your seat becomes free" in confirm
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    confirm = member_client.get(f"/en/events/{event.slug}/unregister/").content.decode()
    assert "first person on the waiting list" in confirm and "(1 person waiting)" in confirm
    assert Registration.objects.filter(event=event, user=member).exists()  # GET changed nothing
    member_client.post(f"/en/events/{event.slug}/unregister/")
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert member_client.get(f"/en/events/{event.slug}/unregister/").status_code == 404


def test_cancel_page_keep_button_agrees_with_what_is_kept(client, member, coordinator):
    event = builtin_event(capacity=1)
    registration = RegistrationFactory(event=event, user=member)
    client.force_login(member)
    french = client.get(f"/events/{event.slug}/unregister/").content.decode()
    assert "Annuler mon inscription" in french and ">La garder</a>" in french
    assert "Le garder" not in french
    assert ">Keep it</a>" in client.get(f"/en/events/{event.slug}/unregister/").content.decode()
    registration.status = RegistrationStatus.WAITING
    registration.save()
    french = client.get(f"/events/{event.slug}/unregister/").content.decode()
    assert "Quitter la liste d’attente" in french and ">Rester sur la liste</a>" in french
    # Cancelling the event itself keeps "Le garder" (for the event).
    client.force_login(coordinator)
    assert ">Le garder</a>" in client.get(f"/events/{event.slug}/cancel/").content.decode()


def test_registering_again_says_so_and_sends_nothing(
    client, member, django_capture_on_commit_callbacks
):
    event = builtin_event(capacity=5)
    client.force_login(member)
    url = f"/events/{event.slug}/register/"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, follow=True)  # shows, and so clears, the first message
        french = client.post(url, follow=True).content.decode()
    assert "Vous êtes déjà inscrit." in french
    assert "Une confirmation vous est envoyée" not in french
    assert len(mail.outbox) == 1
    english = client.post(f"/en{url}", follow=True).content.decode()
    assert "You are already registered." in english
    assert "confirmation is on its way" not in english
    assert Registration.objects.filter(event=event).count() == 1


def test_joining_the_waiting_list_again_says_so(client, member):
    event = builtin_event(capacity=1)
    RegistrationFactory(event=event)
    client.force_login(member)
    client.post(f"/en/events/{event.slug}/register/", follow=True)
    english = client.post(f"/en/events/{event.slug}/register/", follow=True).content.decode()
    assert "You are already on the waiting list." in english
    assert "The event is full" not in english
    french = client.post(f"/events/{event.slug}/register/", follow=True).content.decode()
    assert "Vous êtes déjà sur la liste d’attente." in french


def test_cancelling_without_a_registration_says_so(client, member):
    event = builtin_event(capacity=5)
    RegistrationFactory(event=event)
    client.force_login(member)
    french = client.post(f"/events/{event.slug}/unregister/", follow=True).content.decode()
    assert "Vous n’étiez pas inscrit à cet événement." in french
    assert "Votre inscription est annulée." not in french
    english = client.post(f"/en/events/{event.slug}/unregister/", follow=True).content.decode()
    assert "You were not registered for this event." in english
    assert Registration.objects.filter(event=event).count() == 1


def test_leaving_the_waiting_list_says_so(client, member):
    event = builtin_event(capacity=1)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, user=member, status=RegistrationStatus.WAITING)
    client.force_login(member)
    french = client.post(f"/events/{event.slug}/unregister/", follow=True).content.decode()
    assert "Vous avez quitté la liste d’attente." in french
    assert "Votre inscription est annulée." not in french
    assert not Registration.objects.filter(event=event, user=member).exists()


def test_registration_of_a_started_event_cannot_be_cancelled(client, member):
    event = builtin_event(capacity=1, starts_at=in_days(-3), ends_at=in_days(-3, hour=12))
    RegistrationFactory(event=event, user=member)
    waiting = RegistrationFactory(event=event, status=RegistrationStatus.WAITING)
    client.force_login(member)
    url = f"/events/{event.slug}/unregister/"
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == event.get_absolute_url()
    french = client.post(url, follow=True).content.decode()
    assert "Cet événement a commencé" in french
    assert "Votre inscription est annulée." not in french
    english = client.post(f"/en{url}", follow=True).content.decode()
    assert "This event has started: registrations can no longer be cancelled." in english
    assert Registration.objects.get(event=event, user=member).is_confirmed
    waiting.refresh_from_db()
    assert waiting.status == RegistrationStatus.WAITING


def test_leaving_a_cancelled_event_promotes_nobody(django_capture_on_commit_callbacks):
    event = builtin_event(capacity=1)
    first, second = UserFactory(), UserFactory()
    services.register(event=event, user=first)
    services.register(event=event, user=second)
    services.cancel_event(event=event)
    event.refresh_from_db()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.cancel_registration(event=event, user=first) == []
    assert statuses(event) == [(second.email, "waiting")]
    assert mail.outbox == []
