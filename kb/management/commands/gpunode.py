from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kb.models import GpuNode
from kb.models.gpus import NODE_NAME_VALIDATOR
from kb.services.gpus import register_node, revoke_token, rotate_token


class Command(BaseCommand):
    help = (
        "Register a GPU node and print its token, rotate or revoke a token, list the nodes. "
        "A token is printed once; the site keeps only its hash."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        add = actions.add_parser("add", help="register a node and print its token")
        add.add_argument("name", help="the node's host name, e.g. hal3")
        add.add_argument("--description", default="", help="a short description, in French")
        add.add_argument("--description-en", default="", help="the same in English")
        for action, text in (
            ("rotate", "give the node a new token (printed) and stop the old one"),
            ("revoke", "stop the node's token; the node stays on the board"),
        ):
            actions.add_parser(action, help=text).add_argument("name")
        actions.add_parser("list", help="list the nodes, their token state and last report")

    def handle(self, *args, action, name=None, description="", description_en="", **options):
        if action == "list":
            self._list()
            return
        name = name.strip().lower()
        if action == "add":
            try:
                NODE_NAME_VALIDATOR(name)
            except ValidationError as error:
                raise CommandError(
                    f"{name!r} is not a valid node name: {error.messages[0]}"
                ) from None
            if GpuNode.objects.filter(name=name).exists():
                raise CommandError(f"A node named {name} exists already; rotate its token instead.")
            _node, token = register_node(
                name=name, description_fr=description, description_en=description_en
            )
            self._print_token(name, token)
            return
        try:
            node = GpuNode.objects.get(name=name)
        except GpuNode.DoesNotExist:
            raise CommandError(f"No node named {name}. `gpunode list` shows them.") from None
        if action == "rotate":
            self._print_token(name, rotate_token(node=node))
        else:
            revoke_token(node=node)
            self.stdout.write(self.style.SUCCESS(f"The token of {name} is revoked."))

    def _print_token(self, name, token):
        self.stderr.write(f"Token of {name} (shown once; put it in /etc/espri-gpu-report.conf):")
        self.stdout.write(token)

    def _list(self):
        for node in GpuNode.objects.order_by("name"):
            token = "token active" if node.has_token else "token revoked"
            last = (
                timezone.localtime(node.last_report_at).strftime("%Y-%m-%d %H:%M:%S")
                if node.last_report_at
                else "never reported"
            )
            demo = " (demo)" if node.is_demo else ""
            self.stdout.write(f"{node.name}{demo}\t{token}\t{last}\t{node.description}")
