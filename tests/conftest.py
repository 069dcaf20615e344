import pytest
from django.conf import settings as django_settings

from tests.factories import CoordinatorFactory, UserFactory


def pytest_report_header(config):
    return f"database: {django_settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}"


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # Templates need no collectstatic manifest, and hashing passwords need not be slow.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Whitenoise serves from the finders, as in development: no STATIC_ROOT needed.
    settings.WHITENOISE_AUTOREFRESH = settings.WHITENOISE_USE_FINDERS = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tasks run at once, so a test sees the email its action sent; tests of the
    # queue itself switch to the database backend (the `task_queue` fixture).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def task_queue(settings):
    """The production queue: tasks wait in the database until `run_queue` runs them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def run_queue(monkeypatch):
    """Run every task that is due, as the worker does; each call returns how many ran."""
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    # The worker closes old connections between tasks; in a test that would close
    # the connection holding the test's own transaction.
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None
    )

    def run():
        before = DBTaskResult.objects.exclude(status="READY").count()
        call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
        return DBTaskResult.objects.exclude(status="READY").count() - before

    return run


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory()


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    # SQLite tests run on a file, as the site does: threads sharing an in-memory
    # database lock whole tables and fail at once instead of queueing for the
    # writer lock, so concurrency tests would test nothing real.
    database = django_settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "tests.sqlite3")
        # Kept open across requests, as pytest-django keeps an in-memory one.
        database["CONN_MAX_AGE"] = None


@pytest.fixture
def uncached_pages(monkeypatch):
    """Readers get a fresh render: for tests of the render path itself (query counts)."""
    monkeypatch.setattr(
        "kb.page_cache.reader_cache_key", lambda request, params=(), members=False: None
    )
