"""Settings read from the environment, and what production refuses to run without."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "k3y-for-deploy-check-" + "x7Qp9Lm2Vb8Nc4Rt6Yw1Zs5Hd0Jf3Gk" * 2,
    "DJANGO_ALLOWED_HOSTS": "espri-ia.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://espri-ia.example.org",
}


def run_python(code, env):
    """Run Python in a fresh process with only the given DJANGO_* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ESPRI_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, "DJANGO_SETTINGS_MODULE": "espri_ia.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


SETUP = "import django; django.setup(); "


def test_settings_without_secret_key_refuse_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_SECRET_KEY"}
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_settings_without_allowed_hosts_refuse_to_start():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = run_python(SETUP, env)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS is not set" in result.stderr


def test_settings_with_debug_start_without_secret():
    result = run_python(
        SETUP + "from django.conf import settings; print(settings.DEBUG)", {"DJANGO_DEBUG": "1"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_emails_wait_in_the_queue_when_a_mail_server_is_set_even_with_debug():
    code = SETUP + "from django.conf import settings; print(settings.ESPRI_TASKS_BACKEND)"
    console = run_python(code, {"DJANGO_DEBUG": "1"})
    assert console.stdout.strip() == "immediate"  # make run: no worker needed
    # The immediate backend cannot retry: a mail server that is down would lose mails.
    smtp = run_python(code, {"DJANGO_DEBUG": "1", "DJANGO_EMAIL_HOST": "127.0.0.1"})
    assert smtp.stdout.strip() == "database"
    assert run_python(code, PRODUCTION_ENV).stdout.strip() == "database"


def test_settings_bad_boolean_is_a_clear_error():
    result = run_python(SETUP, {**PRODUCTION_ENV, "DJANGO_DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_settings_check_deploy_is_clean_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
            **PRODUCTION_ENV,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_production_cookies_hsts_and_csp():
    code = SETUP + (
        "from django.conf import settings as s; import json; print(json.dumps({"
        "'session': s.SESSION_COOKIE_NAME, 'csrf': s.CSRF_COOKIE_NAME,"
        "'secure': [s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE],"
        "'hsts': s.SECURE_HSTS_SECONDS, 'redirect': s.SECURE_SSL_REDIRECT,"
        "'script_src': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'],"
        "'style_src': s.CONTENT_SECURITY_POLICY['DIRECTIVES']['style-src'],"
        "'csrf_origins': s.CSRF_TRUSTED_ORIGINS}))"
    )
    result = run_python(code, PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["session"].startswith("__Host-")
    assert values["csrf"].startswith("__Host-")
    assert values["secure"] == [True, True, True]
    assert values["hsts"] >= 365 * 24 * 3600
    assert values["redirect"] is True
    assert values["script_src"] == ["'self'"]
    assert values["style_src"] == ["'self'"]
    assert values["csrf_origins"] == ["https://espri-ia.example.org"]


def test_settings_database_url_selects_postgresql():
    code = SETUP + "from django.conf import settings as s; print(s.DATABASES['default']['ENGINE'])"
    result = run_python(
        code, {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.example:5432/espri"}
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_settings_redis_url_selects_redis_cache():
    code = SETUP + "from django.conf import settings as s; print(s.CACHES['default']['BACKEND'])"
    result = run_python(code, {**PRODUCTION_ENV, "REDIS_URL": "redis://127.0.0.1:6379/1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.core.cache.backends.redis.RedisCache"


def test_sqlite_two_hundred_simultaneous_writes_all_land():
    result = subprocess.run(
        [sys.executable, "bench/sqlite_concurrent_writes.py", "--writers", "200"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "rows stored           200 (200 distinct writers)" in result.stdout
    assert "failed writes         0" in result.stdout
    assert "journal mode          wal" in result.stdout


def test_response_carries_strict_content_security_policy(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_the_site_starts_without_loading_pandas():
    # Workers and every manage.py command start it: pandas waits for the results pages.
    result = run_python(SETUP + "import sys; print('pandas' in sys.modules)", PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"
