"""The sources invariants are database constraints: each invalid row is refused by the database itself.

Every bad row is written with `Model.objects.create(...)` or a queryset `.update(...)`, which skip form and
model validation, so only the database stands between the row and the table. The same tests run on SQLite
and PostgreSQL.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from sources.models import (
    LinkStatus,
    Observation,
    Outlet,
    OutletKind,
    ReferenceSeries,
    Source,
    SourceKind,
    Unit,
)
from tests import factories

pytestmark = pytest.mark.django_db

JAN = datetime.date(2024, 1, 31)
FEB = datetime.date(2024, 2, 29)


def assert_refused(model, write, match=None):
    """`write` must be refused by the database (IntegrityError), leaving the table as it was."""
    before = model.objects.count()
    with pytest.raises(IntegrityError, match=match):
        with transaction.atomic():
            write()
    assert model.objects.count() == before


def check(name):
    """The message both SQLite and PostgreSQL give for a failed CHECK names the constraint."""
    return rf"\b{name}\b"


NOT_NULL = r"(?i)not.null|null value"
UNIQUE = r"(?i)unique"


# --- Outlet -------------------------------------------------------------------------------------------------


def test_outlet_valid_kinds_save():
    for kind in OutletKind.values:
        Outlet.objects.create(name=f"Outlet {kind}", kind=kind)
    assert Outlet.objects.count() == len(OutletKind.values)


@pytest.mark.parametrize("bad", ["blog", "", "NEWS"])
def test_outlet_unknown_kind_refused_on_create(bad):
    assert_refused(Outlet, lambda: Outlet.objects.create(name="The Daily", kind=bad), check("outlet_kind_valid"))


def test_outlet_unknown_kind_refused_on_update():
    outlet = factories.OutletFactory()
    assert_refused(Outlet, lambda: Outlet.objects.filter(pk=outlet.pk).update(kind="blog"), check("outlet_kind_valid"))
    outlet.refresh_from_db()
    assert outlet.kind == OutletKind.NEWS


# --- Source -------------------------------------------------------------------------------------------------


def source_kwargs(**overrides):
    return {"url": "https://news.example/a", "title": "A", "kind": SourceKind.ARTICLE, **overrides}


def test_source_valid_row_saves():
    source = Source.objects.create(**source_kwargs())
    assert source.last_status == LinkStatus.UNCHECKED
    assert Source.objects.count() == 1


@pytest.mark.parametrize(
    "field, bad, constraint",
    [
        ("kind", "podcast", "source_kind_valid"),
        ("kind", "", "source_kind_valid"),
        ("last_status", "teapot", "source_last_status_valid"),
        ("last_status", "", "source_last_status_valid"),
    ],
)
def test_source_unknown_vocabulary_refused(field, bad, constraint):
    assert_refused(Source, lambda: Source.objects.create(**source_kwargs(**{field: bad})), check(constraint))
    existing = factories.SourceFactory()
    assert_refused(Source, lambda: Source.objects.filter(pk=existing.pk).update(**{field: bad}), check(constraint))


def test_source_every_known_vocabulary_value_saves():
    for i, kind in enumerate(SourceKind.values):
        Source.objects.create(**source_kwargs(url=f"https://news.example/k{i}", kind=kind))
    for i, status in enumerate(LinkStatus.values):
        Source.objects.create(**source_kwargs(url=f"https://news.example/s{i}", last_status=status))
    assert Source.objects.count() == len(SourceKind.values) + len(LinkStatus.values)


def test_source_url_unique():
    Source.objects.create(**source_kwargs(url="https://news.example/same"))
    assert_refused(Source, lambda: Source.objects.create(**source_kwargs(url="https://news.example/same")), UNIQUE)
    other = Source.objects.create(**source_kwargs(url="https://news.example/other"))
    assert_refused(Source, lambda: Source.objects.filter(pk=other.pk).update(url="https://news.example/same"), UNIQUE)


def test_source_empty_url_refused():
    assert_refused(Source, lambda: Source.objects.create(**source_kwargs(url="")), check("source_url_not_empty"))


# --- ReferenceSeries ----------------------------------------------------------------------------------------


def test_series_every_unit_saves():
    for unit in Unit.values:
        ReferenceSeries.objects.create(slug=f"s-{unit.lower()}", name=f"Series in {unit}", unit=unit)
    assert ReferenceSeries.objects.count() == len(Unit.values)


@pytest.mark.parametrize("bad", ["furlongs", "", "usd", "points"])
def test_series_unknown_unit_refused(bad):
    assert_refused(
        ReferenceSeries,
        lambda: ReferenceSeries.objects.create(slug="beds", name="Beds", unit=bad),
        check("series_unit_valid"),
    )
    series = factories.ReferenceSeriesFactory()
    assert_refused(
        ReferenceSeries,
        lambda: ReferenceSeries.objects.filter(pk=series.pk).update(unit=bad),
        check("series_unit_valid"),
    )


def test_series_slug_unique_and_not_empty():
    ReferenceSeries.objects.create(slug="beds", name="Beds", unit=Unit.COUNT)
    assert_refused(
        ReferenceSeries, lambda: ReferenceSeries.objects.create(slug="beds", name="Beds again", unit=Unit.COUNT), UNIQUE
    )
    assert_refused(
        ReferenceSeries,
        lambda: ReferenceSeries.objects.create(slug="", name="No slug", unit=Unit.COUNT),
        check("series_slug_not_empty"),
    )


# --- data_version -------------------------------------------------------------------------------------------


def test_data_version_is_zero_without_observations():
    assert factories.ReferenceSeriesFactory().data_version() == 0


def test_data_version_is_the_newest_observation_id_and_grows_with_a_back_fill():
    series = factories.ReferenceSeriesFactory()
    feb = factories.ObservationFactory(series=series, period_end=FEB)
    assert series.data_version() == feb.id

    # Another series' data is not this series' data.
    factories.ObservationFactory(period_end=FEB)
    assert series.data_version() == feb.id

    # A back-filled observation describes an older period but is a newer row: the version still moves.
    jan = factories.ObservationFactory(series=series, period_end=JAN)
    assert jan.period_end < feb.period_end
    assert series.data_version() == jan.id > feb.id

    # So does a revision (same period, newer vintage).
    revision = factories.ObservationFactory(series=series, period_end=FEB, vintage=datetime.date(2024, 4, 1))
    assert series.data_version() == revision.id > jan.id


# --- Observation --------------------------------------------------------------------------------------------


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory()


def observation_kwargs(series, /, **overrides):
    return {
        "series": series,
        "period_start": JAN,
        "period_end": JAN,
        "value": Decimal("38000"),
        "vintage": datetime.date(2024, 2, 10),
        **overrides,
    }


def test_observation_single_date_has_start_equal_to_end(series):
    obs = Observation.objects.create(**observation_kwargs(series))
    assert obs.period_start == obs.period_end == JAN
    assert factories.ObservationFactory(series=series, period_end=FEB).period_start == FEB


def test_observation_vintage_defaults_to_the_day_recorded(series):
    kwargs = observation_kwargs(series)
    del kwargs["vintage"]
    obs = Observation.objects.create(**kwargs)
    obs.refresh_from_db()
    assert obs.vintage is not None


def test_observation_duplicate_release_refused(series):
    Observation.objects.create(**observation_kwargs(series))
    assert_refused(Observation, lambda: Observation.objects.create(**observation_kwargs(series)), UNIQUE)
    # Same key with another value is still a duplicate: revisions are new vintages, never overwrites.
    assert_refused(
        Observation, lambda: Observation.objects.create(**observation_kwargs(series, value=Decimal("39000"))), UNIQUE
    )


def test_observation_revision_with_newer_vintage_allowed(series):
    Observation.objects.create(**observation_kwargs(series))
    Observation.objects.create(**observation_kwargs(series, value=Decimal("38500"), vintage=datetime.date(2024, 3, 10)))
    assert Observation.objects.filter(series=series, period_start=JAN, period_end=JAN).count() == 2


def test_observation_same_period_in_another_series_or_another_period_allowed(series):
    Observation.objects.create(**observation_kwargs(series))
    Observation.objects.create(**observation_kwargs(factories.ReferenceSeriesFactory()))
    Observation.objects.create(**observation_kwargs(series, period_start=datetime.date(2024, 1, 1)))  # a month
    assert Observation.objects.count() == 3


def test_observation_duplicate_made_by_update_refused(series):
    Observation.objects.create(**observation_kwargs(series))
    newer = Observation.objects.create(**observation_kwargs(series, vintage=datetime.date(2024, 3, 10)))
    assert_refused(
        Observation, lambda: Observation.objects.filter(pk=newer.pk).update(vintage=datetime.date(2024, 2, 10)), UNIQUE
    )


@pytest.mark.parametrize("column", ["series", "period_start", "period_end", "vintage", "value"])
def test_observation_null_key_or_value_refused(series, column):
    # With a NULL in the key the unique constraint would never fire (NULL is distinct from NULL).
    assert_refused(
        Observation, lambda: Observation.objects.create(**observation_kwargs(series, **{column: None})), NOT_NULL
    )
    obs = Observation.objects.create(**observation_kwargs(series, period_end=FEB, period_start=FEB))
    assert_refused(Observation, lambda: Observation.objects.filter(pk=obs.pk).update(**{column: None}), NOT_NULL)
    obs.refresh_from_db()
    assert obs.period_start == FEB and obs.vintage == datetime.date(2024, 2, 10)


def test_observation_period_start_after_end_refused(series):
    assert_refused(
        Observation,
        lambda: Observation.objects.create(**observation_kwargs(series, period_start=FEB, period_end=JAN)),
        check("observation_period_ordered"),
    )
    obs = Observation.objects.create(**observation_kwargs(series))
    assert_refused(
        Observation,
        lambda: Observation.objects.filter(pk=obs.pk).update(period_start=FEB),
        check("observation_period_ordered"),
    )


@pytest.mark.parametrize("value", [Decimal("700000000"), Decimal("62.5"), Decimal("-3.25"), Decimal("0.000001")])
def test_observation_value_round_trips_as_an_exact_decimal(series, value):
    obs = Observation.objects.create(**observation_kwargs(series, value=value))
    stored = Observation.objects.get(pk=obs.pk).value
    assert isinstance(stored, Decimal) and not isinstance(stored, float)
    assert stored == value
    from_values = Observation.objects.filter(pk=obs.pk).values_list("value", flat=True).get()
    assert isinstance(from_values, Decimal) and from_values == value


def test_observation_value_keeps_fifteen_significant_digits_on_every_database(series):
    # SQLite keeps a decimal column as a double (15 significant digits), so the API refuses more
    # (factcheck/fields.py); up to that, a value comes back digit for digit on SQLite and PostgreSQL alike.
    value = Decimal("123456789.123456")
    obs = Observation.objects.create(**observation_kwargs(series, value=value))
    assert Observation.objects.get(pk=obs.pk).value == value
