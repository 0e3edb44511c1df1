"""Writes to outlets, sources, series and observations through sources.services."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from factcheck.exceptions import ApplicationError, ConflictError
from sources import services
from sources.models import Observation, Outlet, ReferenceSeries, Source, Unit
from tests import factories

pytestmark = pytest.mark.django_db

END = datetime.date(2024, 1, 31)
VINTAGE = datetime.date(2024, 2, 10)


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory(unit=Unit.COUNT)


def test_observation_add_creates_then_repeats_harmlessly(series):
    first, created = services.observation_add(series=series, period_end=END, value=Decimal("38000"), vintage=VINTAGE)
    again, created_again = services.observation_add(
        series=series, period_end=END, value=Decimal("38000.000000"), vintage=VINTAGE
    )

    assert created is True and created_again is False
    assert again.pk == first.pk
    assert Observation.objects.count() == 1
    assert first.period_start == END  # a single date: start = end
    assert series.data_version() == first.pk


def test_observation_add_with_another_value_for_the_same_release_is_a_conflict(series):
    first, _ = services.observation_add(series=series, period_end=END, value=Decimal("38000"), vintage=VINTAGE)

    with pytest.raises(ConflictError) as raised:
        services.observation_add(series=series, period_end=END, value=Decimal("37000"), vintage=VINTAGE)

    assert raised.value.status_code == 409
    assert raised.value.code == "observation_conflict"
    assert Observation.objects.count() == 1
    first.refresh_from_db()
    assert first.value == Decimal("38000")


def test_a_revision_is_a_new_row_with_a_newer_vintage(series):
    first, _ = services.observation_add(series=series, period_end=END, value=Decimal("38000"), vintage=VINTAGE)

    revision, created = services.observation_add(
        series=series, period_end=END, value=Decimal("37000"), vintage=datetime.date(2024, 3, 1)
    )

    assert created is True
    assert revision.pk != first.pk
    assert sorted(Observation.objects.values_list("value", flat=True)) == [Decimal("37000"), Decimal("38000")]
    assert series.data_version() == revision.pk


def test_the_same_period_in_another_series_is_another_observation(series):
    other = factories.ReferenceSeriesFactory()
    services.observation_add(series=series, period_end=END, value=Decimal("1"), vintage=VINTAGE)

    _, created = services.observation_add(series=other, period_end=END, value=Decimal("2"), vintage=VINTAGE)

    assert created is True
    assert Observation.objects.count() == 2


def test_observation_vintage_defaults_to_today(series):
    observation, _ = services.observation_add(series=series, period_end=END, value=Decimal("38000"))

    assert observation.vintage == timezone.localdate()
    again, created = services.observation_add(series=series, period_end=END, value=Decimal("38000"))
    assert created is False and again.pk == observation.pk


def test_observation_period_must_be_in_order(series):
    with pytest.raises(ApplicationError) as raised:
        services.observation_add(
            series=series, period_start=datetime.date(2024, 2, 1), period_end=END, value=Decimal("1"), vintage=VINTAGE
        )

    assert raised.value.status_code == 400
    assert "period_start" in raised.value.fields
    assert Observation.objects.count() == 0


def test_observation_period_may_span_several_days(series):
    observation, created = services.observation_add(
        series=series, period_start=datetime.date(2024, 1, 1), period_end=END, value=Decimal("1"), vintage=VINTAGE
    )

    assert created is True
    assert (observation.period_start, observation.period_end) == (datetime.date(2024, 1, 1), END)


def test_series_slug_is_unique():
    services.series_create(slug="ice-beds", name="ICE funded beds", unit=Unit.COUNT)

    with pytest.raises(ConflictError) as raised:
        services.series_create(slug="ice-beds", name="Another", unit=Unit.USD)

    assert raised.value.status_code == 409
    assert "slug" in raised.value.fields
    assert list(ReferenceSeries.objects.values_list("name", flat=True)) == ["ICE funded beds"]


def test_outlet_name_is_unique_whatever_the_case():
    services.outlet_create(name="The Washington Post", domain="washingtonpost.com")

    with pytest.raises(ConflictError) as raised:
        services.outlet_create(name="the washington post")

    assert raised.value.status_code == 409
    assert Outlet.objects.count() == 1


def test_source_url_is_unique():
    outlet = factories.OutletFactory()
    source = services.source_create(url="https://news.example/a", title="A", outlet=outlet, kind=Source.Kind.REPORT)
    assert (source.outlet, source.kind, source.last_status) == (outlet, "report", "unchecked")

    with pytest.raises(ConflictError) as raised:
        services.source_create(url="https://news.example/a", title="Again")

    assert raised.value.status_code == 409
    assert "url" in raised.value.fields
    assert Source.objects.get().title == "A"
