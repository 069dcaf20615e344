from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kb.seed.accounts import create_demo_accounts
from kb.seed.catalogue import seed_catalogue
from kb.seed.cluster_docs import load_cluster_docs
from kb.seed.events import seed_example_events
from kb.seed.gpus import create_demo_gpu_nodes
from survey.seed import seed_survey


class Command(BaseCommand):
    help = (
        "Load the site's seed content (from the founding talk). Safe to run again: "
        "nothing is duplicated. --demo also creates demo accounts and demo GPU nodes "
        "with made-up reports (debug only)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo",
            action="store_true",
            help="also create a demo coordinator and a demo member with known passwords",
        )

    def handle(self, *args, demo, **options):
        if demo and not settings.DEBUG:
            raise CommandError(
                "--demo creates accounts whose passwords are printed: it runs only "
                "with DJANGO_DEBUG=1, never on a production site."
            )
        with transaction.atomic():
            new_pages = load_cluster_docs()
            seed_catalogue()
            accounts = create_demo_accounts() if demo else []
            if demo:
                create_demo_gpu_nodes()
                seed_example_events()
            seed_survey(demo=demo)
        self.stdout.write(f"Documentation pages created: {new_pages}")
        self.stdout.write(self.style.SUCCESS("Seed content is in place."))
        if accounts:
            self.stdout.write("Demo accounts (log in with email and password):")
            for email, password, role in accounts:
                self.stdout.write(f"  {role:<12} {email}  /  {password}")
