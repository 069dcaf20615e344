"""Email through the task queue: stored with the action, sent by the worker, retried."""

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kb.mail import message_to_data, one_line
from kb.models import Project
from kb.models.events import RegistrationMode
from kb.tasks import EMAIL_MAX_ATTEMPTS, deliver_email, retry_delay
from tests.factories import EventFactory, PendingProjectFactory

pytestmark = pytest.mark.django_db


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler keeping what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode())
        return "250 OK"


@pytest.fixture
def smtp_settings(settings, task_queue):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_TIMEOUT = 5
    return settings


def make_due():
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def test_email_waits_in_the_queue_until_the_worker_runs(member_client, task_queue, run_queue):
    event = EventFactory(capacity=10, registration_mode=RegistrationMode.BUILT_IN)
    response = member_client.post(f"/en/events/{event.slug}/register/")
    assert response.status_code == 302
    assert not mail.outbox
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    assert run_queue() == 1
    (email,) = mail.outbox
    assert event.title in email.subject


def test_account_emails_go_through_the_queue(client, task_queue, run_queue):
    client.post(
        "/accounts/signup/",
        {
            "email": "new@lsce.ipsl.example",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert not mail.outbox
    run_queue()
    (email,) = mail.outbox
    assert email.to == ["new@lsce.ipsl.example"]
    assert "/accounts/confirm-email/" in email.body


def test_smtp_down_the_action_answers_and_the_mail_arrives_once_smtp_is_back(
    member_client, smtp_settings, run_queue
):
    event = EventFactory(capacity=10, registration_mode=RegistrationMode.BUILT_IN)
    response = member_client.post(f"/en/events/{event.slug}/register/")
    assert response.status_code == 302
    assert event.registrations.count() == 1

    run_queue()  # the mail server refuses the connection: a retry is queued
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][1] == 2
    assert retry.run_after > timezone.now() + timedelta(seconds=50)

    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=free_port())
    server.start()
    try:
        smtp_settings.EMAIL_PORT = server.port
        assert run_queue() == 0  # not due yet
        make_due()
        assert run_queue() == 1
    finally:
        server.stop()
    (received,) = inbox.messages
    assert event.title in received
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_the_last_attempt_gives_up_and_is_marked_failed(smtp_settings, run_queue):
    message = {**message_to_data(mail.EmailMessage("Hi", "Body", to=["a@b.example"]))}
    deliver_email.enqueue(message, EMAIL_MAX_ATTEMPTS)
    run_queue()
    assert DBTaskResult.objects.get().status == "FAILED"


def test_retry_delays_grow_then_stay_hourly():
    assert retry_delay(1) == timedelta(minutes=1)
    assert retry_delay(3) == timedelta(minutes=4)
    assert retry_delay(10) == timedelta(hours=1)


def test_header_text_keeps_to_one_line():
    assert (
        one_line("Header inj\r\nBcc: evil@evil.example\x00") == "Header inj Bcc: evil@evil.example"
    )
    assert len(one_line("x" * 500)) == 200


def test_a_title_with_a_line_break_cannot_break_the_decision_email(coordinator_client):
    # A title stored before titles were checked: its approval must still answer and mail.
    pending = PendingProjectFactory(proposed_by__language="en")  # the email is in English
    Project.objects.filter(pk=pending.pk).update(title="Header inj\r\nBcc: evil@evil.example")
    response = coordinator_client.post(
        f"/en/projects/{pending.slug}/review/", {"decision": "approve", "message": "OK"}
    )
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.recipients() == [pending.proposed_by.email]
    assert email.message()["Bcc"] is None
    assert "“Header inj Bcc: evil@evil.example”" in email.subject
