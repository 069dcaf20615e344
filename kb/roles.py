"""The site's roles: readers (no account), members (verified account), coordinators."""

from allauth.account.models import EmailAddress
from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied

COORDINATORS_GROUP = "Coordinators"


def is_coordinator(user):
    if not user.is_authenticated:
        return False
    # Cached on the user object (kb.auth_backends sets it when it loads a signed-in
    # user): templates and views ask several times per request.
    if not hasattr(user, "_is_coordinator"):
        user._is_coordinator = (
            user.is_superuser or user.groups.filter(name=COORDINATORS_GROUP).exists()
        )
    return user._is_coordinator


def is_verified_member(user):
    """Signed in with a verified email address."""
    if not user.is_authenticated:
        return False
    if not hasattr(user, "_is_verified"):  # set by kb.auth_backends when the user is loaded
        user._is_verified = EmailAddress.objects.filter(user=user, verified=True).exists()
    return user._is_verified


def _coordinator_or_forbidden(user):
    if not user.is_authenticated:
        return False  # user_passes_test sends them to the login page
    if is_coordinator(user):
        return True
    raise PermissionDenied


def coordinator_required(view):
    """Anonymous users go to the login page; members get a 403."""
    return user_passes_test(_coordinator_or_forbidden)(view)
