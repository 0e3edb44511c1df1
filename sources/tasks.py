"""Background work on sources and series. Tasks take ids, return quietly when the row is gone, call a service.

Transient failures (network, a locked database) are retried with exponential backoff and jitter; refusals and
other permanent errors are recorded (on the SourceCheck, in the log) and not retried.
"""

import logging

from celery import shared_task
from django.utils import timezone

from factcheck.celery import backoff_with_jitter, transient_retry

from . import services
from .fetching import FetchError
from .models import ReferenceSeries, Source

logger = logging.getLogger(__name__)

RETRY = transient_retry(base=30, cap=1800)


@shared_task(bind=True, acks_late=True, **RETRY)
def check_source(self, source_id: int) -> None:
    source = Source.objects.filter(pk=source_id).first()
    if source is None:
        logger.info("source.check.skipped_missing", extra={"source_id": source_id})
        return
    try:
        services.source_check(source=source)
    except FetchError as exc:  # only transient failures get here; the check is already recorded
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))


@shared_task(bind=True, acks_late=True, **RETRY)
def refresh_series(self, slug: str) -> None:
    series = ReferenceSeries.objects.filter(slug=slug).first()
    if series is None or not series.feed_url:
        logger.info("series.refresh.skipped", extra={"series": slug})
        return
    try:
        services.series_refresh(series=series)
    except FetchError as exc:
        if not exc.transient:
            logger.warning("series.refresh.refused", extra={"series": slug, "error": exc.code})
            return
        raise self.retry(exc=exc, countdown=_backoff(self.request.retries))
    except ValueError as exc:  # a feed that cannot be read stays unreadable until its publisher fixes it
        logger.warning("series.refresh.unreadable", extra={"series": slug, "error": str(exc)})


@shared_task(acks_late=True, **RETRY)
def sweep_source_links() -> int:
    ids = list(Source.objects.order_by("last_checked_at", "pk").values_list("pk", flat=True))
    for source_id in ids:
        check_source.delay(source_id)
    return len(ids)


@shared_task(acks_late=True, **RETRY)
def sweep_due_series() -> int:
    slugs = services.series_due_for_refresh(now=timezone.now())
    for slug in slugs:
        refresh_series.delay(slug)
    return len(slugs)



def _backoff(retries: int) -> int:
    return backoff_with_jitter(retries, base=30, cap=1800)
