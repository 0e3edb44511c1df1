"""Reads of outlets, sources and series used by more than one caller.

What the public may see of these depends on claims (an outlet is public once a published claim cites it), but
`sources` never imports `claims`: the claims app registers the conditions at start-up instead.
"""

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet

from .models import Observation, Outlet, ReferenceSeries, Source, SourceCheck

_public_conditions: dict[type, Callable[[], Q]] = {}


def register_public_condition(model: type, condition: Callable[[], Q]) -> None:
    _public_conditions[model] = condition


def _public(model: type) -> Q:
    condition = _public_conditions.get(model)
    # Without a registered condition nothing is public: failing closed never leaks a draft's sources.
    return condition() if condition else Q(pk__in=[])


def outlet_list(*, editor: bool) -> QuerySet[Outlet]:
    qs = Outlet.objects.all()
    return qs if editor else qs.filter(_public(Outlet))


def source_list(*, editor: bool) -> QuerySet[Source]:
    qs = Source.objects.select_related("outlet")
    return qs if editor else qs.filter(_public(Source))


def series_list(*, editor: bool) -> QuerySet[ReferenceSeries]:
    qs = ReferenceSeries.objects.select_related("publisher").annotate(observation_count=Count("observations"))
    return qs if editor else qs.filter(_public(ReferenceSeries))


def observation_list(*, series: ReferenceSeries) -> QuerySet[Observation]:
    return series.observations.select_related("source").order_by("period_end", "period_start", "vintage", "id")


def source_check_list(*, source: Source) -> QuerySet[SourceCheck]:
    return source.checks.order_by("-checked_at", "-id")
