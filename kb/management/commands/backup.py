from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from espri_ia.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and the uploaded files to a dated archive "
        "(espri-ia-YYYYMMDD-HHMMSS.tar.gz). The site may keep running meanwhile."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=settings.ESPRI_BACKUP_DIR,
            help="folder of the archives (default: ESPRI_BACKUP_DIR, %(default)s)",
        )

    def handle(self, *args, output, **options):
        try:
            path = backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(path))
