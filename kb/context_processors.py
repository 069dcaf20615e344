"""Values every page's layout needs; no database query here (error pages use them)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from kb.language_offer import offers_english
from kb.navigation import MAIN_NAVIGATION


def same_site_path(path):
    """A path that stays on this site: ``//host/x`` would be read as another host."""
    return "/" + path.lstrip("/\\")


def language_links(current_path):
    """Languages live in the URL (/ and /en/): each language's address of the same page.

    The header's switch goes there through ``choose_language``, which remembers the choice.
    """
    current = get_language()
    current_path = same_site_path(current_path)
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": same_site_path(translate_url(current_path, code)),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def site(request):
    return {
        "main_navigation": MAIN_NAVIGATION,
        "group_contact_email": settings.ESPRI_CONTACT_EMAIL,
        "mesocentre_url": settings.ESPRI_MESOCENTRE_URL,
        # The configured host, never the request's: cached pages are shared by every reader.
        "site_host": urlsplit(settings.ESPRI_SITE_URL).netloc,
        "language_links": language_links(request.get_full_path() if request else "/"),
        "offer_english": offers_english(request),
    }
