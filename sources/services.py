"""Every write to outlets, sources, series and observations."""

import datetime
import logging
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from factcheck.exceptions import ApplicationError, ConflictError

from .models import Observation, Outlet, ReferenceSeries, Source

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
