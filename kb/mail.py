"""Outgoing email: every message goes through the task queue.

A message is turned into plain data (the queue stores JSON) and handed to
``kb.tasks.deliver_email``, which sends it with the configured email backend and
retries with a growing delay while the mail server fails. Headers are cleaned
here, so no user text (a title with a line break) can break a message.
"""

import base64

from django.core.mail import EmailMessage, EmailMultiAlternatives


def one_line(text, max_length=200):
    """A header value: every control character and line break becomes a space."""
    printable = "".join(ch if ch.isprintable() else " " for ch in str(text))
    line = " ".join(printable.split())
    return line if len(line) <= max_length else line[: max_length - 1] + "…"


def message_to_data(message):
    """The parts of an ``EmailMessage`` the queue stores, headers cleaned."""
    attachments = []
    for attachment in message.attachments:
        filename, content, mimetype = attachment
        if isinstance(content, str):
            content = content.encode()
        attachments.append([filename, base64.b64encode(content).decode("ascii"), mimetype])
    return {
        "subject": one_line(message.subject),
        "body": message.body,
        "content_subtype": message.content_subtype,
        "from_email": one_line(message.from_email) if message.from_email else None,
        "to": [one_line(address) for address in message.to],
        "cc": [one_line(address) for address in message.cc],
        "bcc": [one_line(address) for address in message.bcc],
        "reply_to": [one_line(address) for address in message.reply_to],
        "headers": {one_line(k): one_line(v) for k, v in message.extra_headers.items()},
        "alternatives": [
            [content, mimetype] for content, mimetype in getattr(message, "alternatives", [])
        ],
        "attachments": attachments,
    }


def data_to_message(data, connection=None):
    message = EmailMultiAlternatives(
        subject=data["subject"],
        body=data["body"],
        from_email=data["from_email"],
        to=data["to"],
        cc=data["cc"],
        bcc=data["bcc"],
        reply_to=data["reply_to"],
        headers=data["headers"],
        connection=connection,
    )
    message.content_subtype = data["content_subtype"]
    for content, mimetype in data["alternatives"]:
        message.attach_alternative(content, mimetype)
    for filename, content, mimetype in data["attachments"]:
        message.attach(filename, base64.b64decode(content), mimetype)
    return message


def queue_message(message):
    """Queue an ``EmailMessage``.

    With the database queue the task row commits, or rolls back, with the action
    that sent it, so no one is told of a change that did not happen.
    """
    from kb.tasks import deliver_email

    deliver_email.enqueue(message_to_data(message))


def queue_email(*, subject, body, to):
    """Queue a plain-text email from the site's address."""
    queue_message(EmailMessage(subject=subject, body=body, to=to))
