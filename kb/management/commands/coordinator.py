from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from kb.roles import COORDINATORS_GROUP


class Command(BaseCommand):
    help = "Add a member to the coordinators, remove one, or list them."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        for action in ("add", "remove"):
            sub = actions.add_parser(action, help=f"{action} a coordinator by email")
            sub.add_argument("email")
        actions.add_parser("list", help="list the coordinators")

    def handle(self, *args, action, email=None, **options):
        group = Group.objects.get(name=COORDINATORS_GROUP)
        if action == "list":
            for user in group.user_set.order_by("email"):
                self.stdout.write(user.email)
            return
        try:
            user = get_user_model().objects.get(email__iexact=email.strip())
        except get_user_model().DoesNotExist:
            raise CommandError(
                f"No account uses {email}. The person must sign up on the site first."
            ) from None
        if action == "add":
            group.user_set.add(user)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is now a coordinator."))
        else:
            group.user_set.remove(user)
            self.stdout.write(self.style.SUCCESS(f"{user.email} is no longer a coordinator."))
