"""How sign-up and sign-in behave (the django-allauth adapter)."""

import math
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import SignupForm as AllauthSignupForm
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kb.mail import queue_message


class SiteAddress:
    """Stands for the current site in account emails: the name and the configured address."""

    name = "ESPRI-IA"

    @property
    def domain(self):
        return urlsplit(settings.ESPRI_SITE_URL).netloc


def site_link(value):
    """An absolute http(s) link moved onto ``ESPRI_SITE_URL``; anything else unchanged."""
    if not isinstance(value, str):
        return value
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return value
    site = urlsplit(settings.ESPRI_SITE_URL)
    return urlunsplit((site.scheme, site.netloc, parts.path, parts.query, parts.fragment))


def email_domain_allowed(email, allowed_domains):
    """True when no list is set, or the address is at a listed domain or a sub-domain of one."""
    if not allowed_domains:
        return True
    domain = email.rsplit("@", 1)[-1].lower()
    return any(domain == allowed or domain.endswith("." + allowed) for allowed in allowed_domains)


def allowed_domains_text(allowed_domains):
    return _("Accounts are for institutional addresses only: %(domains)s.") % {
        "domains": ", ".join(f"@{d}" for d in allowed_domains)
    }


def lockout_minutes(rates):
    """How long, at most, the per-address limit of ACCOUNT_RATE_LIMITS["login_failed"]
    ("10/m/ip,5/5m/key": 5 failures in 5 minutes) keeps an address out, in whole minutes."""
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    seconds = 0
    for rate in rates.split(","):
        parts = rate.strip().split("/")
        if len(parts) == 3 and parts[2] == "key":
            duration = parts[1]
            seconds = max(seconds, float(duration[:-1] or 1) * units[duration[-1]])
    return max(1, math.ceil(seconds / 60))


class SignupForm(AllauthSignupForm):
    """allauth's sign-up form, saying before anyone types which addresses it takes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if settings.ESPRI_SIGNUP_EMAIL_DOMAINS:
            self.fields["email"].help_text = allowed_domains_text(
                settings.ESPRI_SIGNUP_EMAIL_DOMAINS
            )


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        email = super().clean_email(email)
        allowed = settings.ESPRI_SIGNUP_EMAIL_DOMAINS
        if not email_domain_allowed(email, allowed):
            raise ValidationError(allowed_domains_text(allowed))
        return email

    def validation_error(self, code, *args):
        if code == "too_many_login_attempts":
            # allauth's "Try again later" says neither how long nor the way out: a
            # successful password reset lifts the block at once.
            minutes = lockout_minutes(settings.ACCOUNT_RATE_LIMITS["login_failed"])
            message = ngettext(
                "Too many failed attempts with this address: it cannot log in for up to "
                "{minutes} minute. To get in at once, "
                '<a href="{url}">reset your password</a>.',
                "Too many failed attempts with this address: it cannot log in for up to "
                "{minutes} minutes. To get in at once, "
                '<a href="{url}">reset your password</a>.',
                minutes,
            )
            url = reverse("account_reset_password")
            return ValidationError(format_html(message, minutes=minutes, url=url), code=code)
        return super().validation_error(code, *args)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-address limit on the request's host, port included: each
        # app server (or a forged Host port) would count apart. One key for the site.
        login = credentials.get("email", credentials.get("username", "")).lower()
        return f"{SiteAddress().domain}:{login}"

    def send_mail(self, template_prefix, email, context):
        """Through the task queue, with every link on the site's own address.

        allauth builds links from the request's Host header; a forged header
        must not end up in someone's password-reset email.
        """
        context = {key: site_link(value) for key, value in context.items()}
        context.update(email=email, current_site=SiteAddress())
        queue_message(self.render_mail(template_prefix, email, context))


def remember_language(user, language):
    """Keep the language ``user`` uses the site in, for the emails sent to them later."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def remember_request_language(sender, request, user, **kwargs):
    """On sign-up and login (a request outside the site, such as a test's, says nothing)."""
    remember_language(user, getattr(request, "LANGUAGE_CODE", None))
