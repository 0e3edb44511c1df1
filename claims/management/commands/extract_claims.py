"""Propose the numeric claims in article files: `extract_claims FILE... [--published DATE] [--json]`."""

import datetime
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims import extraction


class Command(BaseCommand):
    help = "Print the candidate numeric claims of each text file (one JSON object per line with --json)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="Plain-text articles (UTF-8).")
        parser.add_argument("--published", help="The articles' publication date, YYYY-MM-DD (resolves 'last year').")
        parser.add_argument("--json", dest="as_json", action="store_true", help="One JSON object per candidate.")

    def handle(self, *args, files, published, as_json, **options):
        try:
            published_on = datetime.date.fromisoformat(published) if published else None
        except ValueError:
            raise CommandError(f"--published {published!r} is not a date (YYYY-MM-DD).") from None
        for name in files:
            path = Path(name)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise CommandError(f"Cannot read {name}: {exc}") from None
            candidates = extraction.extract(text, published_on)
            for candidate in candidates:
                if as_json:
                    self.stdout.write(json.dumps({"file": name, **candidate.to_dict()}, ensure_ascii=False))
                else:
                    who = candidate.speaker or "(own voice)"
                    self.stdout.write(
                        f"{name}:{candidate.start}: {candidate.surface!r} = {candidate.value} {candidate.unit}"
                        f" {candidate.counted_noun} [{candidate.qualifier}, {candidate.kind}] — {who}"
                    )
            if not as_json:
                self.stdout.write(f"{name}: {len(candidates)} candidates")
