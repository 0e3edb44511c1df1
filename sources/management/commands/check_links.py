"""Check source links now: `check_links [IDS...] [--all] [--enqueue] [--json]`."""

import json

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from sources import services
from sources.fetching import FetchError
from sources.models import Source


class Command(BaseCommand):
    help = "Fetch sources with the safe fetcher and record a link check for each (or hand them to the workers)."

    def add_arguments(self, parser):
        parser.add_argument("ids", nargs="*", type=int, help="Source ids to check.")
        parser.add_argument("--all", dest="check_all", action="store_true", help="Check every source.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the checks for the Celery workers.")
        parser.add_argument("--json", dest="as_json", action="store_true", help="One JSON line per source.")

    def handle(self, *args, ids, check_all, enqueue, as_json, **options):
        if bool(ids) == check_all:
            raise CommandError("Give source ids or --all (not both).")
        sources = Source.objects.order_by("pk") if check_all else Source.objects.filter(pk__in=ids).order_by("pk")
        missing = sorted(set(ids) - set(sources.values_list("pk", flat=True)))
        if missing:
            raise CommandError(f"No source with id {', '.join(map(str, missing))}.")
        if enqueue:
            from sources.tasks import check_source

            count = 0
            for source_id in tqdm(sources.values_list("pk", flat=True), unit="source", disable=None, file=self.stderr._out):
                check_source.delay(source_id)
                count += 1
            self.stdout.write(f"Queued {count} link checks.")
            return
        counts: dict[str, int] = {}
        for source in tqdm(sources.iterator(), total=sources.count(), unit="source", disable=None, file=self.stderr._out):
            try:
                check = services.source_check(source=source)
            except FetchError:  # transient: recorded on the source's latest check
                check = source.checks.order_by("-checked_at", "-id").first()
            source.refresh_from_db(fields=["last_status"])
            counts[source.last_status] = counts.get(source.last_status, 0) + 1
            if as_json:
                line = {"source": source.pk, "url": source.url, "status": source.last_status,
                        "status_code": check.status_code, "error": check.error_code, "changed": check.changed}
                self.stdout.write(json.dumps(line, sort_keys=True))
        if not as_json:
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items())) or "nothing to check"
            self.stdout.write(f"Checked {sum(counts.values())} sources: {summary}.")
