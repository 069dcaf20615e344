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
    monkeypatch.setattr("kb.page_cache.reader_cache_key", lambda request: None)
