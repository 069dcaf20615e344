"""Tasks the queue runs (``manage.py db_worker``): side effects kept out of requests."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kb.mail import data_to_message

logger = logging.getLogger("espri.tasks")

# About ten hours of tries in all: 1, 2, 4 … minutes, then hourly.
EMAIL_MAX_ATTEMPTS = 15
EMAIL_MAX_DELAY = timedelta(hours=1)


def retry_delay(attempt):
    return min(timedelta(minutes=2 ** (attempt - 1)), EMAIL_MAX_DELAY)


@task()
def deliver_email(message, attempt=1):
    """Send one queued message; while the mail server fails, queue the next try."""
    try:
        sent = data_to_message(message).send()
    except (OSError, smtplib.SMTPException) as error:
        can_wait = deliver_email.get_backend().supports_defer
        if attempt >= EMAIL_MAX_ATTEMPTS or not can_wait:
            logger.error(
                "email not sent, giving up",
                extra={"attempt": attempt, "recipients": len(message["to"]), "error": repr(error)},
            )
            raise
        delay = retry_delay(attempt)
        deliver_email.using(run_after=timezone.now() + delay).enqueue(message, attempt + 1)
        logger.warning(
            "email not sent, retrying",
            extra={
                "attempt": attempt,
                "retry_in_s": delay.total_seconds(),
                "recipients": len(message["to"]),
                "error": repr(error),
            },
        )
        return 0
    return sent
