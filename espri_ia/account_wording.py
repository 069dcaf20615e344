"""One vocabulary for accounts: allauth's own words, said as the rest of the site says them.

The msgids are allauth's (and Django's). Listing them here puts them in the site's
catalogues, which Django reads before allauth's and its own (LOCALE_PATHS), with the site's
wording: "Log in / Sign up" in English (``ENGLISH`` below, applied by locale/fill_english.py),
"Se connecter / Créer un compte" in French (locale/fr). Nothing imports this module at run
time; tests/test_i18n.py checks that every French page and email of an account writes
"e-mail" and curly apostrophes.
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


# allauth's (and Django's) messages on the account pages and in the account emails whose
# French the site rewrites (locale/fr): "e-mail" (never "email" or "courriel"), curly
# apostrophes, no-break spaces, and plainer sentences ("Vous avez déjà un compte ? Connectez-vous.").
FRENCH = (
    gettext_noop("This email address is already associated with this account."),
    gettext_noop("Please type your current password."),
    gettext_noop("The email address is not assigned to any user account."),
    gettext_noop("The new value must be different from the current one."),
    gettext_noop("Forgot your password?"),
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for "
        "an\n"
        "account using email address:\n"
        "\n"
        "%(email)s\n"
        "\n"
        "However, an account using that email address already exists.  In case you have\n"
        "forgotten about this, please use the password forgotten procedure to recover\n"
        "your account:\n"
        "\n"
        "%(password_reset_url)s"
    ),
    gettext_noop("Hello from %(site_name)s!"),
    gettext_noop("Thank you for using %(site_name)s!\n%(site_domain)s"),
    gettext_noop(
        "You're receiving this email because user %(user_display)s has given your email"
        " address to register an account on %(site_domain)s."
    ),
    gettext_noop("To confirm this is correct, go to %(activate_url)s"),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a "
        "password reset for your user account.\n"
        "It can be safely ignored if you did not request a password reset. Click the "
        "link below to reset your password."
    ),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an "
        "account with email %(email)s. However, we do not have any record of such an "
        "account in our database."
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop("Confirm Email Address"),
    gettext_noop(
        'Please confirm that <a href="mailto:%(email)s">%(email)s</a> is an email '
        "address for user %(user_display)s."
    ),
    gettext_noop(
        "Unable to confirm %(email)s because it is already confirmed by a different account."
    ),
    gettext_noop(
        "This email confirmation link expired or is invalid. Please <a "
        'href="%(email_url)s">issue a new email confirmation request</a>.'
    ),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Are you sure you want to sign out?"),
    gettext_noop(
        "Forgotten your password? Enter your email address below, and we'll send you an"
        " email allowing you to reset it."
    ),
    gettext_noop(
        "We have sent you an email. If you have not received it please check your spam "
        "folder. Otherwise contact us if you do not receive it in a few minutes."
    ),
    gettext_noop("Bad Token"),
    gettext_noop(
        "The password reset link was invalid, possibly because it has already been "
        'used.  Please request a <a href="%(passwd_reset_url)s">new password reset</a>.'
    ),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
    gettext_noop(
        "We have sent an email to you for verification. Follow the link provided to "
        "finalize the signup process. If you do not see the verification email in your "
        "main inbox, check your spam folder. Please contact us if you do not receive "
        "the verification email within a few minutes."
    ),
    gettext_noop("Enter a valid email address."),
)
