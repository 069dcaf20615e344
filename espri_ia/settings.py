"""Settings of the ESPRI-IA site, read from the environment.

The README lists every variable. With DJANGO_DEBUG off (the default), a
missing secret key or host list stops start-up instead of running open.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default):
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {value!r}.")


def env_list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value, for example the "
            "output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' "
            "(or set DJANGO_DEBUG=1 on a development machine)."
        )
    SECRET_KEY = "development-only-key-never-used-with-debug-off"  # noqa: S105 - debug only

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS is not set. Set it to the comma-separated host names "
            "the site answers to, for example: espri-ia.ipsl.fr"
        )
    ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]

CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # Before staticfiles so that runserver serves static files as production does.
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "allauth",
    "allauth.account",
    "csp",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "kb",
    "survey",
]

MIDDLEWARE = [
    # First: load balancers probe by IP over plain HTTP, before host checks and redirects.
    "espri_ia.health.HealthCheckMiddleware",
    # Next, so that it times everything else; after health, so probes do not flood the log.
    "espri_ia.logs.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Right after security, so static files skip sessions, locale and CSRF work.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compresses every page (static files come precompressed from WhiteNoise above);
    # Django's own, for its BREACH mitigation (random padding). Issue 17.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (it reads the language cookie) and before common (URL prefixes).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: its 400 page gets the reader's language, menu and security headers, and it
    # runs before any view reads the input.
    "espri_ia.input_checks.RefuseControlCharactersMiddleware",
]

ROOT_URLCONF = "espri_ia.urls"
WSGI_APPLICATION = "espri_ia.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kb.context_processors.site",
            ],
            # Django's `date` filter, with "1er décembre" for the first of a month in French.
            "builtins": ["kb.templatetags.dates"],
        },
    },
]

# Database: SQLite file by default, PostgreSQL (or another engine) through DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DJANGO_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Many people write at once: WAL lets readers run beside a writer, IMMEDIATE
    # takes the write lock at BEGIN (so a waiting transaction queues on the busy
    # timeout instead of failing with "database is locked" on upgrade).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "kb.User"

# A cache shared by every worker: rate limits must hold across processes.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "espri_cache",
            # Readers' cached pages (every page, both languages, filters) live here too.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Django's and allauth's backends, each loading a user with their role in one query.
AUTHENTICATION_BACKENDS = [
    "kb.auth_backends.ModelBackend",
    "kb.auth_backends.AuthenticationBackend",
]

# Accounts (django-allauth): email is the login, and it must be verified.
ACCOUNT_ADAPTER = "kb.accounts.AccountAdapter"
# The sign-up form says in advance which email domains it takes (ESPRI_SIGNUP_EMAIL_DOMAINS).
ACCOUNT_FORMS = {"signup": "kb.accounts.SignupForm"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[ESPRI-IA] "
# "login_failed" per key: 5 failures lock an address out for up to 5 minutes, which the
# message on the login form states (kb.accounts.lockout_minutes reads it from here).
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/m/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
# A URL name, not "/": resolved in the language of the page the member logged out from.
LOGOUT_REDIRECT_URL = "home"
# Optional: only these institutional domains (and their sub-domains) may sign up.
ESPRI_SIGNUP_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("ESPRI_SIGNUP_EMAIL_DOMAINS")]

# The group's contact and the mesocentre that runs the cluster (from the founding talk).
ESPRI_CONTACT_EMAIL = os.environ.get("ESPRI_CONTACT_EMAIL", "guillaume.levavasseur@ipsl.fr")
ESPRI_MESOCENTRE_URL = "https://mesocentre.ipsl.fr/"

# Email: the console in development, SMTP otherwise.
if DEBUG and not os.environ.get("DJANGO_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("DJANGO_EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "ESPRI-IA <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Side effects (every email) go through a task queue. The default stores tasks in the
# database and `manage.py db_worker` runs them. With emails printed on the console
# (debug on, no mail server) they run at once in the request, so `make run` needs no
# worker; a real mail server gets the queue, whose retries keep a mail through an
# outage (the immediate backend cannot wait). ESPRI_TASKS_BACKEND overrides either.
EMAILS_ON_CONSOLE = EMAIL_BACKEND.endswith(".console.EmailBackend")
ESPRI_TASKS_BACKEND = os.environ.get(
    "ESPRI_TASKS_BACKEND", "immediate" if EMAILS_ON_CONSOLE else "database"
)
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if ESPRI_TASKS_BACKEND not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"ESPRI_TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {ESPRI_TASKS_BACKEND!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[ESPRI_TASKS_BACKEND]}}
ADMINS = [("Admin", email) for email in env_list("DJANGO_ADMINS")]

# Internationalisation: French first, English second.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Europe/Paris"
# English dates on a 24-hour clock (espri_ia/formats/en/formats.py).
FORMAT_MODULE_PATH = ["espri_ia.formats"]

# Static files: whitenoise, compressed, with content-hashed names cached for a year.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "espri_ia.staticfinders.PackageFileFinder",
]
# Where `manage.py backup` writes its archives unless told otherwise.
ESPRI_BACKUP_DIR = Path(os.environ.get("ESPRI_BACKUP_DIR", BASE_DIR / "backups"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
# Uploaded files go through the storage API: the local folder by default, or an
# S3-compatible object store that several app servers share (requirements-s3.txt).
if os.environ.get("ESPRI_S3_BUCKET"):
    DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["ESPRI_S3_BUCKET"],
            "endpoint_url": os.environ.get("ESPRI_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("ESPRI_S3_REGION") or None,
            "access_key": os.environ.get("ESPRI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("ESPRI_S3_SECRET_KEY") or None,
            "location": os.environ.get("ESPRI_S3_PREFIX", "media"),
            # Files are served by the site, which checks who may read them: private objects.
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
else:
    DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS: on by default in production; off for development and the test server.
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
if env_bool("DJANGO_TRUST_X_FORWARDED_PROTO", False):
    # Only behind a proxy that sets this header itself.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = True
    # __Host- cookies are refused by browsers unless secure, host-only and on "/".
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "espri_ia.errors.csrf_failure"

# Content-Security-Policy: no inline script or style anywhere. Chart pages widen
# only their own style-src (plotly injects styles) with csp_update.
SELF = "'self'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
    }
}

# One JSON object per line on standard error (see espri_ia.logs).
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "espri_ia.logs.JsonLinesFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # espri.tasks writes the one line per task; django-tasks' own would repeat it.
        "django_tasks": {"level": "WARNING"},
        # espri.requests writes the one line per request; runserver's would repeat it.
        "django.server": {"level": "WARNING"},
    },
}

# Events: how far back the calendar feeds reach, and the largest material upload.
ESPRI_EVENTS_FEED_WEEKS_BACK = int(os.environ.get("ESPRI_EVENTS_FEED_WEEKS_BACK", "8"))
ESPRI_EVENT_MATERIAL_MAX_BYTES = int(
    os.environ.get("ESPRI_EVENT_MATERIAL_MAX_BYTES", str(50 * 1024 * 1024))
)
# The site's public address, for links in emails sent outside a request (no trailing slash).
ESPRI_SITE_URL = os.environ.get("ESPRI_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How often the GPU board page fetches a fresh board (the browser tests make it short).
ESPRI_GPU_BOARD_REFRESH_SECONDS = 30
