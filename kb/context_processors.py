"""Values every page's layout needs; no database query here (error pages use them)."""

from django.conf import settings

from kb.navigation import MAIN_NAVIGATION


def site(request):
    return {
        "main_navigation": MAIN_NAVIGATION,
        "group_contact_email": settings.ESPRI_CONTACT_EMAIL,
        "mesocentre_url": settings.ESPRI_MESOCENTRE_URL,
    }
