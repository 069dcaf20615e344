"""Remembering a visitor's language choice: the header's switch and the offer of English
(kb.language_offer) both go through here."""

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from kb.accounts import remember_language

LANGUAGE_COOKIE_MAX_AGE = 365 * 24 * 3600


@never_cache
def choose_language(request, language):
    """Set the language cookie and go on to ``next`` (a page of this site) in that language.

    A signed-in member's choice is also kept on their account: emails sent to them later
    are written in it.
    """
    if language not in dict(settings.LANGUAGES):
        raise Http404
    if request.user.is_authenticated:
        remember_language(request.user, language)
    target = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/en/" if language == "en" else "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=LANGUAGE_COOKIE_MAX_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response
