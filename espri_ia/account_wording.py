"""One vocabulary for accounts: allauth's own words, said as the rest of the site says them.

The msgids are allauth's. Listing them here puts them in the site's catalogues, which
Django reads before allauth's (LOCALE_PATHS), with the site's wording: "Log in / Sign up"
in English (``ENGLISH`` below, applied by locale/fill_english.py), "Se connecter / Créer
un compte" in French (locale/fr). Nothing imports this module at run time.
"""


def gettext_noop(message):
    """Marks a msgid for makemessages; Django's own needs settings, which
    locale/fill_english.py runs without."""
    return message


ENGLISH = {
    gettext_noop("Sign In"): "Log in",
    gettext_noop("Sign in"): "Log in",
    gettext_noop("Signup"): "Sign up",
    gettext_noop("Sign Up"): "Sign up",
    gettext_noop("Sign Out"): "Log out",
    gettext_noop("Email Addresses"): "Email addresses",
    gettext_noop("Email Address"): "Email address",
    gettext_noop("Current email"): "Current email",
    gettext_noop("Change Email"): "Change email",
    gettext_noop("Add Email"): "Add email",
}
