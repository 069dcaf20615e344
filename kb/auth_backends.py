"""Django's and allauth's sign-in backends, loading a signed-in user with their role.

Every request of a signed-in user loads them from the session; asking in the
same query whether they are a coordinator and whether their address is verified
saves the queries ``kb.roles`` would make next on nearly every page (the shared
page cache asks the role before anything else; every survey page, the address).
"""

from allauth.account import auth_backends as allauth_backends
from allauth.account.models import EmailAddress
from django.contrib.auth import backends as django_backends
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Exists, OuterRef

from kb.roles import COORDINATORS_GROUP


class _LoadsRole:
    def get_user(self, user_id):
        coordinators = Group.objects.filter(name=COORDINATORS_GROUP, user=OuterRef("pk"))
        verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
        user = (
            get_user_model()
            ._default_manager.annotate(
                in_coordinators=Exists(coordinators), verified_address=Exists(verified)
            )
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        user._is_coordinator = user.is_superuser or user.in_coordinators
        user._is_verified = user.verified_address
        return user


class ModelBackend(_LoadsRole, django_backends.ModelBackend):
    """Django's backend (the admin's sign-in, ``force_login``)."""


class AuthenticationBackend(_LoadsRole, allauth_backends.AuthenticationBackend):
    """allauth's backend (sign-in by e-mail)."""
