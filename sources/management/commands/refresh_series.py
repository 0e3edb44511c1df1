"""Refresh reference series from their feeds now: `refresh_series [SLUGS...] [--all] [--enqueue]`."""

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from factcheck.exceptions import ApplicationError
from sources import services
from sources.fetching import FetchError
from sources.models import ReferenceSeries


class Command(BaseCommand):
    help = "Download series feeds and add changed values as new observations (never overwriting)."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", help="Series slugs to refresh.")
        parser.add_argument("--all", dest="refresh_all", action="store_true", help="Every series with a feed.")
        parser.add_argument("--enqueue", action="store_true", help="Queue the refreshes for the Celery workers.")

    def handle(self, *args, slugs, refresh_all, enqueue, **options):
        if bool(slugs) == refresh_all:
            raise CommandError("Give series slugs or --all (not both).")
        series = ReferenceSeries.objects.exclude(feed_url="").order_by("slug")
        if slugs:
            series = ReferenceSeries.objects.filter(slug__in=slugs).order_by("slug")
            missing = sorted(set(slugs) - set(series.values_list("slug", flat=True)))
            if missing:
                raise CommandError(f"No series {', '.join(missing)}.")
        failed = 0
        for one in tqdm(list(series), unit="series", disable=None, file=self.stderr._out):
            if enqueue:
                from sources.tasks import refresh_series

                refresh_series.delay(one.slug)
                continue
            try:
                report = services.series_refresh(series=one)
            except (FetchError, ApplicationError, ValueError) as exc:
                failed += 1
                self.stderr.write(f"{one.slug}: not refreshed: {getattr(exc, 'message', exc)}")
                continue
            self.stdout.write(f"{one.slug}: {report.added} added, {report.unchanged} unchanged, {len(report.refused)} refused")
            for reason in report.refused:
                self.stdout.write(f"  {reason}")
        if enqueue:
            self.stdout.write(f"Queued {series.count()} refreshes.")
        elif failed and failed == series.count():
            raise CommandError("No series could be refreshed.")
