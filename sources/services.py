"""Every write to outlets, sources, series and observations."""

import csv
import datetime
import io
import json
import logging
import time
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.exceptions import ApplicationError, ConflictError
from factcheck.fields import MAX_SIGNIFICANT_DIGITS

from .fetching import FetchError, fetch
from .models import VALUE_DECIMAL_PLACES, LinkStatus, Observation, Outlet, ReferenceSeries, Source, SourceCheck
from .signals import series_data_changed, source_link_changed
from .text import content_hash, document_text

logger = logging.getLogger(__name__)


def outlet_create(*, name: str, domain: str = "", kind: str = Outlet.Kind.NEWS) -> Outlet:
    if Outlet.objects.filter(name__iexact=name).exists():
        raise ConflictError(f"An outlet named {name!r} exists already.", code="outlet_exists", fields={"name": ["exists"]})
    return Outlet.objects.create(name=name, domain=domain, kind=kind)


def source_create(
    *,
    url: str,
    title: str = "",
    outlet: Outlet | None = None,
    published_on: datetime.date | None = None,
    kind: str = Source.Kind.ARTICLE,
) -> Source:
    if Source.objects.filter(url=url).exists():
        raise ConflictError("A source with this URL exists already.", code="source_exists", fields={"url": ["exists"]})
    return Source.objects.create(url=url, title=title, outlet=outlet, published_on=published_on, kind=kind)


def series_create(
    *, slug: str, name: str, unit: str, counted_noun: str = "", publisher: Outlet | None = None, description: str = ""
) -> ReferenceSeries:
    if ReferenceSeries.objects.filter(slug=slug).exists():
        raise ConflictError(f"A series with slug {slug!r} exists already.", code="series_exists", fields={"slug": ["exists"]})
    return ReferenceSeries.objects.create(
        slug=slug, name=name, unit=unit, counted_noun=counted_noun, publisher=publisher, description=description
    )


def observation_add(
    *,
    series: ReferenceSeries,
    period_end: datetime.date,
    value: Decimal,
    period_start: datetime.date | None = None,
    vintage: datetime.date | None = None,
    source: Source | None = None,
    note: str = "",
) -> tuple[Observation, bool]:
    """Record one released value. Returns (observation, created).

    The same release of the same period with the same value is a harmless repeat and returns the existing row;
    with another value it is a conflict: a revision must come as a newer vintage, never as an overwrite.
    """
    period_start = period_start or period_end
    vintage = vintage or timezone.localdate()
    if period_start > period_end:
        raise ApplicationError(
            "period_start is after period_end.", code="invalid_period", fields={"period_start": ["after period_end"]}
        )
    key = {"series": series, "period_start": period_start, "period_end": period_end, "vintage": vintage}
    existing = Observation.objects.filter(**key).first()
    if existing is None:
        try:
            with transaction.atomic():
                return Observation.objects.create(**key, value=value, source=source, note=note), True
        except IntegrityError:
            # Another writer recorded the same release between our read and our insert.
            existing = Observation.objects.get(**key)
    if existing.value != value:
        raise ConflictError(
            f"This release ({vintage}) already gives {existing.value} for the period; a revision needs a newer vintage.",
            code="observation_conflict",
            fields={"value": [f"the recorded value is {existing.value}"]},
        )
    return existing, False


# --- link checks --------------------------------------------------------------------------------------------

SNAPSHOT_MAX_CHARS = 200_000
GONE_STATUSES = {404, 410}


def source_check(*, source: Source, now=None) -> SourceCheck:
    """Fetch a source's URL with the safe fetcher and record what was found. Append-only: one row per check.

    A refusal or a failure is recorded with its error code too. Raises FetchError after recording when the
    failure is transient (so a task can retry), never for a refusal.
    """
    now = now or timezone.now()
    started = time.monotonic()
    # From the row, not the instance: a caller holding an old instance must still see a change.
    previous_hash = Source.objects.filter(pk=source.pk).values_list("content_hash", flat=True).first() or ""
    error = None
    try:
        result = fetch(source.url)
    except FetchError as exc:
        error, result = exc, None

    check = SourceCheck(source=source, checked_at=now, duration_ms=int((time.monotonic() - started) * 1000))
    if error is not None:
        check.error_code = error.code
        status = LinkStatus.ERROR
    else:
        check.status_code, check.final_url = result.status_code, result.final_url[:2000]
        if result.status_code in GONE_STATUSES:
            status = LinkStatus.MISSING
        elif result.status_code >= 400:
            check.error_code = f"http_{result.status_code}"
            status = LinkStatus.ERROR
        else:
            text = document_text(result.body, result.content_type, result.charset)
            check.content_hash = content_hash(text)
            check.changed = bool(previous_hash) and check.content_hash != previous_hash
            status = LinkStatus.CHANGED if check.changed else LinkStatus.OK

    with transaction.atomic():
        check.save()
        updates = {"last_status": status, "last_checked_at": now}
        if check.content_hash:
            updates["content_hash"] = check.content_hash
            updates["text_snapshot"] = text[:SNAPSHOT_MAX_CHARS]
        Source.objects.filter(pk=source.pk).update(**updates)
        for name, value in updates.items():
            setattr(source, name, value)
        if status in (LinkStatus.MISSING, LinkStatus.CHANGED):
            transaction.on_commit(lambda: source_link_changed.send(sender=Source, source=source, check=check))
    logger.info("source.check.finished", extra={"source_id": source.pk, "status": status, "error": check.error_code})
    if error is not None and error.transient:
        raise error
    return check


# --- reference-data refresh ---------------------------------------------------------------------------------


@dataclass
class RefreshReport:
    added: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def _feed_rows(body: bytes, content_type: str) -> list[dict]:
    """Rows of a series feed: CSV `period_start,period_end,value[,vintage]` or a JSON list of such objects."""
    text = body.decode("utf-8-sig", errors="strict")
    if content_type == "application/json" or text.lstrip().startswith("["):
        rows = json.loads(text)
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ValueError("a JSON feed is a list of objects")
        return rows
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"period_end", "value"} <= {name.strip() for name in reader.fieldnames}:
        raise ValueError("a CSV feed needs the columns period_end and value (period_start and vintage optional)")
    rows = []
    for row in reader:
        extra = row.pop(None, None)  # more fields than the header: an unquoted "39,000", say
        clean = {(key or "").strip(): (value or "").strip() for key, value in row.items()}
        if extra:
            clean["_error"] = f"{len(extra)} more fields than the header (quote numbers with thousands separators)"
        rows.append(clean)
    return rows


def _feed_value(raw) -> Decimal:
    try:
        value = Decimal(str(raw).replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(f"value {raw!r} is not a number") from None
    if not value.is_finite():
        raise ValueError(f"value {raw!r} is not finite")
    # What the API refuses is refused here too: a value the column would round would look revised every time.
    digits = value.normalize().as_tuple()
    if digits.exponent < -VALUE_DECIMAL_PLACES:
        raise ValueError(f"value {raw!r} has more than {VALUE_DECIMAL_PLACES} decimal places")
    if len(digits.digits) > MAX_SIGNIFICANT_DIGITS:
        raise ValueError(f"value {raw!r} has more than {MAX_SIGNIFICANT_DIGITS} significant digits")
    return value


def _feed_date(raw, name: str) -> datetime.date | None:
    if raw in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise ValueError(f"{name} {raw!r} is not a date (YYYY-MM-DD)") from None


def series_refresh(*, series: ReferenceSeries, today: datetime.date | None = None) -> RefreshReport:
    """Download a series' feed and add what changed as new observations; nothing is ever overwritten.

    A value equal to the newest release of its period is unchanged; a different one becomes a new observation
    with the feed's vintage (or today's). Raises FetchError (transient ones may be retried) or ValueError for a
    feed that cannot be read at all; a bad row is refused alone.
    """
    if not series.feed_url:
        raise ApplicationError("The series has no feed URL.", code="no_feed")
    today = today or timezone.localdate()
    result = fetch(series.feed_url)
    if result.status_code != 200:
        raise FetchError("invalid_response", f"the feed answered HTTP {result.status_code}", transient=result.status_code >= 500)
    report = RefreshReport()
    with transaction.atomic():
        for number, row in enumerate(_feed_rows(result.body, result.content_type), start=1):
            try:
                if row.get("_error"):
                    raise ValueError(row["_error"])
                period_end = _feed_date(row.get("period_end"), "period_end")
                if period_end is None:
                    raise ValueError("period_end is missing")
                period_start = _feed_date(row.get("period_start"), "period_start") or period_end
                vintage = _feed_date(row.get("vintage"), "vintage") or today
                value = _feed_value(row.get("value"))
                newest = (
                    series.observations.filter(period_start=period_start, period_end=period_end)
                    .order_by("-vintage", "-id")
                    .first()
                )
                if newest is not None and newest.value == value:
                    report.unchanged += 1
                    continue
                with transaction.atomic():
                    _observation, created = observation_add(
                        series=series, period_start=period_start, period_end=period_end, value=value, vintage=vintage
                    )
                report.added += created
                report.unchanged += not created
            except (ValueError, ApplicationError) as exc:
                report.refused.append(f"row {number}: {getattr(exc, 'message', exc)}")
        ReferenceSeries.objects.filter(pk=series.pk).update(last_refreshed_at=timezone.now())
        if report.added:
            added = report.added
            transaction.on_commit(lambda: series_data_changed.send(sender=ReferenceSeries, series=series, added=added))
    logger.info(
        "series.refresh.finished",
        extra={"series": series.slug, "added": report.added, "refused": len(report.refused)},
    )
    return report


def series_due_for_refresh(*, now) -> list[str]:
    """Series with a feed whose refresh cadence has elapsed (or that were never refreshed)."""
    due = []
    for series in ReferenceSeries.objects.exclude(feed_url="").filter(refresh_every__isnull=False):
        if series.last_refreshed_at is None or series.last_refreshed_at + series.refresh_every <= now:
            due.append(series.slug)
    return due
