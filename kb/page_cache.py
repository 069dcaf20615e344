"""Whole-page cache for readers without a session.

The pages readers read (docs, catalogue, events) are the same for every
anonymous reader in a language. Their HTML is kept in the shared cache with the
generation token of its section; any change to the section's content renews the
token (``renew_generation``, called by ``kb.signals``), so a page is never served
stale. Anyone with a session (members, coordinators, flash messages) gets a
fresh render.
"""

import hashlib
import uuid
from functools import cache as once
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils.translation import get_language

from kb.language_offer import offers_english

TIMEOUT = 24 * 3600
# What makes a page's HTML besides its content: a new release must not serve old pages.
RELEASE_FILES = ("espri_ia/**/*.py", "kb/**/*.py", "survey/**/*.py", "templates/**/*.html",
                 "locale/**/*.mo", "static/**/*")  # fmt: skip


@once
def release():
    """A fingerprint of the code, templates, catalogues and static files now deployed."""
    digest = hashlib.sha256()
    for pattern in RELEASE_FILES:
        for path in sorted(settings.BASE_DIR.glob(pattern)):
            if path.is_file():
                digest.update(str(path.relative_to(settings.BASE_DIR)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def generation_key(section):
    return f"{section}:generation"


def renew_generation(section):
    """After the current transaction commits, every cached page of the section is stale."""
    key = generation_key(section)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))


def reader_cache_key(request):
    if request.method != "GET":
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    key = f"page:{release()}:{get_language()}:{request.path}"
    if offers_english(request):
        key += ":offer-en"  # the French page with the one-line offer of English
    if request.META.get("QUERY_STRING"):
        # Filters live in the query string; hashed, so that any key stays short.
        query = hashlib.sha256(request.META["QUERY_STRING"].encode()).hexdigest()[:32]
        key = f"{key}?{query}"
    return key


def serve_cached_for_readers(request, *, section, render, timeout=TIMEOUT):
    """The cached page for this reader if it is current, else ``render()`` (and keep it)."""
    key = reader_cache_key(request)
    if key is None:
        return render()
    section_key = generation_key(section)
    found = cache.get_many([section_key, key])  # one round trip to the cache
    generation = found.get(section_key)
    if generation is None:
        cache.add(section_key, uuid.uuid4().hex, timeout=None)
        generation = cache.get(section_key)
    cached = found.get(key)
    if cached and cached[0] == generation:
        return HttpResponse(cached[1], content_type=cached[2])
    response = render()
    # A response that sets a cookie (CSRF, session) is someone's own: never share it.
    if response.status_code == 200 and not response.cookies:
        if hasattr(response, "render"):
            response.render()
        cache.set(key, (generation, response.content, response["Content-Type"]), timeout)
    return response


def cached_for_readers(section, *, timeout=TIMEOUT):
    """Decorate a reader's view: see ``serve_cached_for_readers``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return serve_cached_for_readers(
                request,
                section=section,
                render=lambda: view(request, *args, **kwargs),
                timeout=timeout,
            )

        return wrapper

    return decorator
