"""Demo accounts for a newcomer's first look at the site (never with debug off)."""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from kb.roles import COORDINATORS_GROUP

# Published on purpose: the seed command refuses --demo unless DEBUG is on.
DEMO_ACCOUNTS = [
    ("coordinator@demo.espri-ia.example", "demo-coordinator", "Claire", "Démo", True),
    ("member@demo.espri-ia.example", "demo-member", "Marc", "Démo", False),
]


def create_demo_accounts():
    """Create (or reset) the demo coordinator and member; return [(email, password, role)]."""
    User = get_user_model()
    coordinators = Group.objects.get(name=COORDINATORS_GROUP)
    created = []
    for email, password, first_name, last_name, coordinator in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(
            email=email, defaults={"first_name": first_name, "last_name": last_name}
        )
        if not user.check_password(password):
            user.set_password(password)
            user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if coordinator:
            coordinators.user_set.add(user)
        created.append((email, password, "coordinator" if coordinator else "member"))
    return created
