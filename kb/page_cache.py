"""Whole-page cache for readers without a session.

Pages that readers read (docs, catalogue, events) are the same for every anonymous
reader in a language. Their HTML is kept in the shared cache with the generation
token of the content it shows; a change of content changes the token, so a page is
never served stale. Anyone with a session (members, coordinators, flash messages)
gets a fresh render.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.translation import get_language

TIMEOUT = 24 * 3600


def reader_cache_key(request):
    if request.method != "GET" or request.GET:
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES:
        return None
    return f"page:{get_language()}:{request.path}"


def serve_cached_for_readers(request, *, generation, render):
    """The cached page for this reader if it is current, else ``render()``.

    ``generation()`` returns the token of the content's current state.
    """
    key = reader_cache_key(request)
    if key is None:
        return render()
    generation = generation()
    cached = cache.get(key)
    if cached and cached[0] == generation:
        return HttpResponse(cached[1], content_type=cached[2])
    response = render()
    # A response that sets a cookie (CSRF, session) is someone's own: never share it.
    if response.status_code == 200 and not response.cookies:
        if hasattr(response, "render"):
            response.render()
        cache.set(key, (generation, response.content, response["Content-Type"]), TIMEOUT)
    return response
