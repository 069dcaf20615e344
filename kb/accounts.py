"""How sign-up and sign-in behave (the django-allauth adapter)."""

from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email):
        email = super().clean_email(email)
        allowed = settings.ESPRI_SIGNUP_EMAIL_DOMAINS
        if not email_domain_allowed(email, allowed):
            raise ValidationError(
                _("Accounts are for institutional addresses only: %(domains)s.")
                % {"domains": ", ".join(f"@{d}" for d in allowed)}
            )
        return email

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
