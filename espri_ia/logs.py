"""Logs on standard error, one JSON object per line: one line per request, one per task.

Every line has ``time``, ``level``, ``logger`` and ``message``; request lines add
``method``, ``path``, ``status``, ``duration_ms`` and ``user`` (an id, or
``anonymous``); task lines add ``task``, ``task_id``, ``status``, ``attempts``,
``duration_ms`` and, when it failed, ``error``.
"""

import json
import logging
import time
from datetime import UTC, datetime

from django.utils.functional import empty

request_logger = logging.getLogger("espri.requests")
task_logger = logging.getLogger("espri.tasks")

# What every LogRecord has; anything else was passed as ``extra`` and is logged as a field.
STANDARD_ATTRIBUTES = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonLinesFormatter(logging.Formatter):
    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update(
            (key, value) for key, value in vars(record).items() if key not in STANDARD_ATTRIBUTES
        )
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


def _user_of(request):
    """The user's id or "anonymous", without a database query of its own."""
    user = getattr(request, "user", None)
    wrapped = getattr(user, "_wrapped", empty)
    if wrapped is not empty:
        return wrapped.pk if wrapped.is_authenticated else "anonymous"
    session = getattr(request, "session", None)
    cached = getattr(session, "_session_cache", None)
    if cached is not None:
        return int(cached["_auth_user_id"]) if "_auth_user_id" in cached else "anonymous"
    return "anonymous" if session is None or session.session_key is None else "unknown"


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        request_logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "user": _user_of(request),
            },
        )
        return response


def log_finished_task(sender, task_result, **kwargs):
    """Connected to django-tasks' ``task_finished``: one line per task run."""
    fields = {
        "task": task_result.task.module_path,
        "task_id": str(task_result.id),
        "status": str(task_result.status),
        "attempts": task_result.attempts,
    }
    if task_result.started_at and task_result.finished_at:
        duration = task_result.finished_at - task_result.started_at
        fields["duration_ms"] = round(duration.total_seconds() * 1000, 1)
    if task_result.errors:
        fields["error"] = task_result.errors[-1].exception_class_path
        task_logger.error("task", extra=fields)
    else:
        task_logger.info("task", extra=fields)
