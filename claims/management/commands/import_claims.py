"""Import claims from a file: `import_claims FILE [--format auto|csv|jsonl|claimreview] [--json] [--user NAME]`.

CSV and JSON Lines in the export's columns, or ClaimReview JSON-LD (a ClaimReview, a list, a DataFeed, or an HTML
page with JSON-LD). Import the series first (`import_series`). Each row is upserted on its natural key in its own
transaction; a summary and every refused row (with its reason) are printed, or with --json one JSON object per
row. Exits 1 when every row was refused.
"""

import json
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from claims import imports


class ImportCommand(BaseCommand):
    kind = "claims"
    formats = imports.CLAIM_FORMATS

    def add_arguments(self, parser):
        parser.add_argument("file", help="The file to import ('-' reads standard input).")
        parser.add_argument(
            "--format",
            dest="fmt",
            default="auto",
            choices=["auto", *self.formats],
            help="The file's format (default: by extension, else by content).",
        )
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print one JSON line per row.")
        parser.add_argument("--user", help="Username recorded as the importing editor (created_by, published_by).")

    def run_import(self, content: bytes, **kwargs) -> imports.ImportReport:
        return imports.import_claims(content, **kwargs)

    def handle(self, *args, file, fmt, as_json, user, **options):
        editor = None
        if user:
            editor = get_user_model().objects.filter(username=user).first()
            if editor is None:
                raise CommandError(f"No user {user!r}.")
        try:
            if file == "-":
                content = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    content = handle.read()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror or exc}") from exc

        def progress(rows, total):
            # On stderr, so that --json output on stdout stays one object per line.
            return tqdm(rows, total=total, unit="row", disable=None, file=self.stderr._out)

        try:
            report = self.run_import(content, fmt=fmt, filename=file, user=editor, progress=progress)
        except imports.ImportFileError as exc:
            raise CommandError(str(exc)) from exc

        if as_json:
            for row in report.rows:
                self.stdout.write(json.dumps(row.as_dict(), ensure_ascii=False, default=str))
            self.stderr.write(f"{file}: {report.summary()}")
        else:
            self.stdout.write(f"{file}: {report.summary()}")
            for row in report.refused:
                self.stdout.write(f"  row {row.row} refused{': ' + row.key if row.key else ''}: {row.reason}")
        if report.imported == 0:
            raise CommandError(f"Nothing imported: every row of {file} was refused.", returncode=1)


class Command(ImportCommand):
    help = "Import claims (CSV, JSON Lines or ClaimReview JSON-LD); upserts on natural keys, safe to run again."
