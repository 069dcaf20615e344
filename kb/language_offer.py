"""Offering English to a visitor of the French pages whose browser prefers it.

French lives at ``/`` and English at ``/en/``: the address decides the language,
never the browser. A visitor whose Accept-Language prefers English, and who has
not chosen yet (no language cookie), gets a one-line offer on French pages
instead of a redirect, so a French address shared by a colleague still opens in
French. Choosing from the offer sets the language cookie, which ends it.
"""

from django.conf import settings
from django.utils.translation import get_language, get_language_from_request


def offers_english(request):
    return (
        request is not None
        and get_language() == "fr"
        and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        # Without a cookie this is the best language of Accept-Language, or French.
        and get_language_from_request(request) == "en"
    )
