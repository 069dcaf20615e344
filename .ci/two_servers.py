"""Two app servers on one PostgreSQL and one Redis, as behind a load balancer.

Starts two gunicorn instances (A and B) and the task worker on a fresh database,
then checks what must hold across servers:

1. a login on A is valid on B;
2. the failed-login limit counts attempts made on both;
3. a docs edit on A renews the page B serves from the shared cache;
4. an email queued by B is sent by the worker (to a local SMTP server).

Usage: .venv/bin/python .ci/two_servers.py (from the project folder). Settings:
TWO_SERVERS_POSTGRES (server URL, default postgres://postgres@127.0.0.1:5432) and
TWO_SERVERS_REDIS_URL (default redis://127.0.0.1:6379/14; that Redis database is
emptied). Prints one line per check and exits non-zero at the first failure.
"""

import html
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
POSTGRES = os.environ.get("TWO_SERVERS_POSTGRES", "postgres://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/14")
PASSWORD = "two-servers-" + secrets.token_hex(8)
DOC = "cluster/acces"
GUNICORN = "espri_ia.wsgi --workers 2 --no-control-socket --bind".split()
WORKER = "db_worker --no-reload --interval 0.2 --verbosity 0".split()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope.content.decode("utf-8", "replace"))
        return "250 OK"


class FormFields(HTMLParser):
    """The inputs and textareas of the first form posting to ``action`` (or any form)."""

    def __init__(self):
        super().__init__()
        self.fields, self._textarea = {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") not in {"submit", "checkbox"}:
            self.fields.setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self.fields[self._textarea] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


class Browser:
    """A cookie jar shared by both servers: cookies do not depend on the port."""

    def __init__(self, jar=None):
        self.jar = jar or CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def request(self, url, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers={"Referer": url})
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def form(self, url):
        status, page = self.request(url)
        check(status == 200, f"GET {url} answered {status}")
        parser = FormFields()
        parser.feed(page)
        return parser.fields


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(condition, failure):
    if not condition:
        print(f"FAILED: {failure}", flush=True)
        sys.exit(1)


def manage(env, *arguments):
    subprocess.run([PYTHON, "manage.py", *arguments], cwd=ROOT, env=env, check=True)


def wait_until(predicate, what, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    check(False, f"waited {seconds} s for {what}")


def serving(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def login(browser, server, email, password):
    fields = browser.form(f"{server}/en/accounts/login/")
    return browser.request(
        f"{server}/en/accounts/login/",
        {
            "csrfmiddlewaretoken": fields["csrfmiddlewaretoken"],
            "login": email,
            "password": password,
        },
    )


USERS = """
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from kb.models import User
from kb.roles import COORDINATORS_GROUP
for email, coordinator in [("coordinator@ci.example", True), ("member@ci.example", False),
                           ("limited@ci.example", False)]:
    user = User.objects.create_user(email=email, password="{password}")
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if coordinator:
        user.groups.add(Group.objects.get(name=COORDINATORS_GROUP))
"""


def main():
    database = f"espri_two_servers_{os.getpid()}"
    smtp_port, port_a, port_b = free_port(), free_port(), free_port()
    work = Path(tempfile.mkdtemp(prefix="espri-two-servers-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"{POSTGRES}/{database}",
        "REDIS_URL": REDIS_URL,
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_STATIC_ROOT": str(work / "static"),
        "DJANGO_MEDIA_ROOT": str(work / "media"),
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp_port),
        "ESPRI_TASKS_BACKEND": "database",
        "ESPRI_SITE_URL": "https://espri-ia.example",
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    psql = ["psql", f"{POSTGRES}/postgres", "-qc"]
    subprocess.run([*psql, f"CREATE DATABASE {database}"], check=True)
    subprocess.run(
        [PYTHON, "-c", f"import redis; redis.Redis.from_url('{REDIS_URL}').flushdb()"], check=True
    )
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    processes = []
    try:
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "seed")
        manage(env, "shell", "-c", USERS.replace("{password}", PASSWORD))
        for port in (port_a, port_b):
            processes.append(
                subprocess.Popen(
                    [str(ROOT / ".venv/bin/gunicorn"), *GUNICORN, f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                )
            )
        processes.append(subprocess.Popen([PYTHON, "manage.py", *WORKER], cwd=ROOT, env=env))
        a, b = f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}"
        for server in (a, b):
            wait_until(lambda server=server: serving(f"{server}/healthz"), f"{server} to start")

        # 1. A login on A is valid on B.
        coordinator = Browser()
        status, _page = login(coordinator, a, "coordinator@ci.example", PASSWORD)
        check(status == 302, f"login on A answered {status}")
        status, page = coordinator.request(f"{b}/en/projects/mine/")
        check(
            status == 200 and "coordinator@ci.example" in page,
            f"B did not know the session ({status})",
        )
        print("ok: a login on A is valid on B", flush=True)

        # 2. Failed logins count across both servers (5 per address in 5 minutes).
        attacker = Browser()
        for attempt in range(5):
            server = (a, b)[attempt % 2]
            status, page = login(attacker, server, "limited@ci.example", "wrong-password")
            check(status == 200, f"failed login {attempt + 1} answered {status}")
            check("Too many failed attempts" not in page, f"limited after {attempt} tries")
        status, page = login(attacker, b, "limited@ci.example", PASSWORD)
        check(
            "Too many failed attempts" in page and status != 302,
            f"a sixth attempt, on B after five spread over A and B, was not limited ({status})",
        )
        print("ok: the failed-login limit counts attempts on both servers", flush=True)

        # 3. A docs edit on A renews the page B serves to readers from the shared cache.
        reader = Browser()
        _status, before = reader.request(f"{b}/en/docs/{DOC}/")
        _status, again = reader.request(f"{b}/en/docs/{DOC}/")
        check(before == again, "B did not serve the same page twice")
        fields = coordinator.form(f"{a}/en/docs/{DOC}/edit/")
        new_title = f"Access, edited on A {secrets.token_hex(3)}"
        fields.update(title=new_title, message="two-servers check")
        status, _page = coordinator.request(f"{a}/en/docs/{DOC}/edit/", fields)
        check(status == 302, f"the edit on A answered {status}")
        _status, after = reader.request(f"{b}/en/docs/{DOC}/")
        check(html.escape(new_title) in after, "B still served the page from before the edit")
        print("ok: a docs edit on A renews the cached page on B", flush=True)

        # 4. An email queued by B is sent by the worker.
        visitor = Browser()
        fields = visitor.form(f"{b}/en/accounts/password/reset/")
        status, _page = visitor.request(
            f"{b}/en/accounts/password/reset/",
            {"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "email": "member@ci.example"},
        )
        check(status == 302, f"the password reset on B answered {status}")
        wait_until(lambda: inbox.messages, "the worker to send the email")
        message = inbox.messages[0]
        check("member@ci.example" in message, "the email went to someone else")
        link = re.search(r"https://espri-ia\.example/\S+", message)
        check(link is not None, "the email's link is not on ESPRI_SITE_URL")
        print("ok: an email queued by B is sent by the worker", flush=True)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
        smtp.stop()
        subprocess.run([*psql, f"DROP DATABASE IF EXISTS {database}"], check=False)
        subprocess.run(
            [PYTHON, "-c", f"import redis; redis.Redis.from_url('{REDIS_URL}').flushdb()"],
            check=False,
        )


if __name__ == "__main__":
    main()
