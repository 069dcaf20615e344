import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from survey import services
from survey.models import Edition


class Command(BaseCommand):
    help = (
        "Import a past edition's answers from a CSV file (one row per respondent), "
        "all or nothing. The mapping is a JSON object: column header -> question key, "
        'or "question_key[choice_key]" for one column per option.'
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int, help="the edition the answers belong to")
        parser.add_argument("csv_file", type=Path)
        parser.add_argument("--mapping", type=Path, required=True, help="a JSON file")

    def handle(self, *args, year, csv_file, mapping, **options):
        edition = Edition.objects.filter(year=year).first()
        if edition is None:
            raise CommandError(f"There is no {year} edition.")
        try:
            text = csv_file.read_text(encoding="utf-8-sig")
            columns = json.loads(mapping.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(str(error)) from error
        if not isinstance(columns, dict):
            raise CommandError("The mapping must be a JSON object: {column header: question key}.")
        try:
            stored, skipped = services.import_responses(
                edition=edition, text=text, mapping=columns, file_name=csv_file.name
            )
        except services.ImportRefused as refusal:
            for line, reason in refusal.errors:
                self.stderr.write(f"line {line}: {reason}")
            raise CommandError(
                f"Nothing was imported: {len(refusal.errors)} problem(s) above."
            ) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"{stored} response{'s' if stored != 1 else ''} imported "
                f"({skipped} empty row{'s' if skipped != 1 else ''} skipped)."
            )
        )
