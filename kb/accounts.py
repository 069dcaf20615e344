"""How sign-up and sign-in behave (the django-allauth adapter)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
