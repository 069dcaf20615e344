from django.core.management.base import BaseCommand, CommandError

from espri_ia.backups import BackupError, read_manifest, restore


class Command(BaseCommand):
    help = (
        "Put back the database and the uploaded files of an archive written by "
        "`manage.py backup`. Everything stored since is replaced: stop the site first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive",
            help="do not ask for confirmation",
        )  # fmt: skip

    def handle(self, *args, archive, interactive, **options):
        try:
            manifest = read_manifest(archive)
            if interactive:
                answer = input(
                    f"Replace the database and the uploaded files with the backup of "
                    f"{manifest['created_at']} ({len(manifest['files'])} files)? Type 'yes': "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Nothing was restored.")
            restore(archive)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored the backup of {manifest['created_at']}.")
