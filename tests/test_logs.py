"""One parseable line per request and per task, on standard error."""

import json
import logging

import pytest
from django.core import mail

from espri_ia.logs import JsonLinesFormatter
from kb.mail import queue_email

pytestmark = pytest.mark.django_db


def lines(caplog, logger):
    return [record for record in caplog.records if record.name == logger]


def test_each_request_logs_method_path_status_duration_and_user(client, member, caplog):
    caplog.set_level(logging.INFO, logger="espri.requests")
    client.get("/en/docs/")
    client.post("/en/projects/?q=%00")
    client.force_login(member)
    client.get("/en/projects/mine/")
    anonymous, refused, signed_in = lines(caplog, "espri.requests")
    assert (anonymous.method, anonymous.path, anonymous.status) == ("GET", "/en/docs/", 200)
    assert anonymous.user == "anonymous" and anonymous.duration_ms >= 0
    assert (refused.method, refused.status) == ("POST", 400)
    assert (signed_in.path, signed_in.user) == ("/en/projects/mine/", member.pk)


def test_health_probes_are_not_logged(client, caplog):
    caplog.set_level(logging.INFO, logger="espri.requests")
    client.get("/healthz")
    assert lines(caplog, "espri.requests") == []


def test_each_task_logs_its_name_status_and_duration(caplog):
    caplog.set_level(logging.INFO, logger="espri.tasks")
    queue_email(subject="Hi", body="Body", to=["a@b.example"])
    assert len(mail.outbox) == 1
    (line,) = lines(caplog, "espri.tasks")
    assert line.task == "kb.tasks.deliver_email" and line.status == "SUCCESSFUL"
    assert line.attempts == 1 and line.duration_ms >= 0


def test_a_line_is_one_json_object_with_the_extra_fields():
    record = logging.makeLogRecord(
        {"name": "espri.requests", "levelname": "INFO", "msg": "request", "status": 200}
    )
    line = json.loads(JsonLinesFormatter().format(record))
    assert line["logger"] == "espri.requests" and line["message"] == "request"
    assert line["status"] == 200 and line["level"] == "INFO" and "time" in line
