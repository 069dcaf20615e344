"""Whole-page cache for readers and, where a page says so, for signed-in members.

The pages readers read (docs, catalogue, events) are the same for every
anonymous reader in a language. Their HTML is kept in the shared cache with the
generation token of its section; any change to the section's content renews the
token (``renew_generation``, called by ``kb.signals``), so a page is never served
stale. Pages that show a member nothing of their own (``members=True``: the docs,
the home page, the project list, search, the survey results) are also kept once
for all members who are not coordinators; their forms' CSRF tokens are stored as
a placeholder and filled in for each request. Coordinators, anyone with a message
waiting, and a response marked ``Cache-Control: private`` are never shared.

Nothing a request sends besides its path and the query parameters a view names
shapes a cached page (pages take the host from ``ESPRI_SITE_URL``); a query
with any other parameter is rendered and not kept, and each path keeps at most
``MAX_VARIANTS`` filtered versions per generation, so made-up query strings
cannot fill the cache.

A page with no CSRF token holds nothing secret, so it is kept gzipped, once: served
as is to the browsers that accept it (nearly all), unzipped for the others. Fresh
and members' pages are compressed per response by GZipMiddleware, with its padding.
"""

import gzip
import hashlib
import re
import uuid
from functools import cache as once
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.middleware.gzip import re_accepts_gzip
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string
from django.utils.translation import get_language

from kb.language_offer import offers_english
from kb.roles import is_coordinator

TIMEOUT = 24 * 3600
MAX_VARIANTS = 200
# A form's CSRF token is its reader's own: kept as this placeholder, filled in when served.
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf\x00"
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


def generation(section):
    """The section's current generation token."""
    key = generation_key(section)
    return cache.get(key) or _new_generation(key)


def _new_generation(key):
    """A token for a section the cache holds none for (another process may make it first)."""
    cache.add(key, uuid.uuid4().hex, timeout=None)
    return cache.get(key)


def renew_generation(section):
    """After the current transaction commits, every cached page of the section is stale."""
    key = generation_key(section)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, timeout=None))


def audience(request, *, members=False):
    """Who may share this request's page: "reader", "member", or None (render it afresh)."""
    # Waiting messages travel in a cookie (and in the session only when that cookie says so).
    if request.method != "GET" or "messages" in request.COOKIES:
        return None
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return "reader"
    if not members:
        return None
    user = request.user
    if not user.is_authenticated:
        return "reader"
    return None if is_coordinator(user) else "member"


def reader_cache_key(request, params=(), *, members=False):
    """The page's key for a reader (or member) who may share it; None when they may not."""
    if any(name not in params for name in request.GET):
        return None
    shared_with = audience(request, members=members)
    if shared_with is None:
        return None
    key = f"page:{release()}:{get_language()}:{shared_with}:{request.path}"
    if offers_english(request):
        key += ":offer-en"  # the French page with the one-line offer of English
    if request.GET:
        # Filters live in the query string: in a fixed order, hashed so any key stays short.
        query = urlencode(sorted((name, request.GET.getlist(name)) for name in request.GET), True)
        key = f"{key}?{hashlib.sha256(query.encode()).hexdigest()[:32]}"
    return key


def _room_for_variant(key, generation):
    """True while the path has kept fewer than MAX_VARIANTS filtered pages this generation."""
    if "?" not in key:
        return True
    counter = f"variants:{key.split('?')[0]}:{generation}"
    cache.add(counter, 0, timeout=TIMEOUT)
    try:
        return cache.incr(counter) <= MAX_VARIANTS
    except ValueError:  # evicted between add and incr
        return False


def _kept(generation, response):
    """What the cache keeps of a rendered page: its HTML with no reader's secret in it."""
    shared = CSRF_FIELD.sub(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    zipped = CSRF_PLACEHOLDER not in shared
    content = compress_string(shared) if zipped else shared
    return (generation, content, response["Content-Type"], zipped)


def _served(request, kept):
    """The response for a page the cache kept, with this reader's CSRF token if it has one."""
    _generation, content, content_type, zipped = kept
    if not zipped:
        if CSRF_PLACEHOLDER in content:
            content = content.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        return HttpResponse(content, content_type=content_type)
    if re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(content, content_type=content_type)
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(content), content_type=content_type)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


def serve_cached_for_readers(
    request, *, section, render, timeout=TIMEOUT, params=(), members=False, variant=""
):
    """The cached page for this reader if it is current, else ``render()`` (and keep it).

    ``variant``: what else, known before rendering, shapes the page (e.g. a state that
    moves with the clock).
    """
    key = reader_cache_key(request, params, members=members)
    if key is None:
        return render()
    key += variant and f":{variant}"
    section_key = generation_key(section)
    found = cache.get_many([section_key, key])  # one round trip to the cache
    current = found.get(section_key) or _new_generation(section_key)
    cached = found.get(key)
    if cached and cached[0] == current:
        return _served(request, cached)
    response = render()
    # A response that sets a cookie (session) or says it is private is someone's own.
    shareable = not response.cookies and "private" not in response.get("Cache-Control", "")
    if response.status_code == 200 and shareable and _room_for_variant(key, current):
        if hasattr(response, "render"):
            response.render()
        cache.set(key, _kept(current, response), timeout)
    return response


def cached_for_readers(section, *, timeout=TIMEOUT, params=(), members=False):
    """Decorate a reader's view: see ``serve_cached_for_readers``.

    ``params``: the query parameters the view reads; a request with another is not cached.
    ``members``: the page shows a signed-in member (not a coordinator) nothing of their
    own, so members share one cached copy.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return serve_cached_for_readers(
                request,
                section=section,
                render=lambda: view(request, *args, **kwargs),
                timeout=timeout,
                params=params,
                members=members,
            )

        return wrapper

    return decorator
