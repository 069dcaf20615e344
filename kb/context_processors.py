"""Values every page's layout needs; no database query here (error pages use them)."""

from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from kb.language_offer import offers_english
from kb.navigation import MAIN_NAVIGATION


def language_links(current_path):
    """Languages live in the URL (/ and /en/): switching is a plain link to the same page."""
    current = get_language()
    return [
        {
            "code": code,
            "name": get_language_info(code)["name_local"],
            "url": translate_url(current_path, code),
            "current": code == current,
        }
        for code, _name in settings.LANGUAGES
    ]


def site(request):
    return {
        "main_navigation": MAIN_NAVIGATION,
        "group_contact_email": settings.ESPRI_CONTACT_EMAIL,
        "mesocentre_url": settings.ESPRI_MESOCENTRE_URL,
        "language_links": language_links(request.get_full_path() if request else "/"),
        "offer_english": offers_english(request),
    }
