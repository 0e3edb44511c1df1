"""Refreshing a reference series from its feed (sources.services.series_refresh), the series_data_changed signal
and the claims it sends for a re-check, and series_due_for_refresh.

Feeds are served by the local server of test_link_checks.py (127.0.0.1 only, with its network guard).
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from claims import tasks as claim_tasks
from claims.models import Claim
from claims.services import CHECK_LEASE
from factcheck.exceptions import ApplicationError
from sources import services
from sources.fetching import FetchError
from sources.models import Observation, ReferenceSeries
from sources.signals import series_data_changed
from tests import factories
from tests.sources.test_link_checks import (  # noqa: F401  (fixtures are used by name)
    METADATA_URL,
    _site,
    closed_port,
    fetch_settings,
    network_guard,
    site,
)

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = D(2024, 6, 1)


def feed_series(site, path, body=None, content_type="text/csv; charset=utf-8", **kwargs) -> ReferenceSeries:
    if body is not None:
        site.serve(path, body, content_type=content_type)
    return factories.ReferenceSeriesFactory(feed_url=site.url(path), **kwargs)


def refresh(series, today=TODAY):
    return services.series_refresh(series=ReferenceSeries.objects.get(pk=series.pk), today=today)


def rows(series):
    return list(
        Observation.objects.filter(series=series)
        .order_by("period_end", "vintage")
        .values_list("period_start", "period_end", "value", "vintage")
    )


def snapshot(series):
    return {o["id"]: o for o in Observation.objects.filter(series=series).values()}


def csv(*lines: str) -> bytes:
    return ("\n".join(("period_start,period_end,value,vintage", *lines)) + "\n").encode()


# --- adding observations -------------------------------------------------------------------------------------------


def test_a_csv_feed_adds_its_observations(site):
    series = feed_series(site, "/feed.csv")
    before = timezone.now()

    report = refresh(series)

    assert (report.added, report.unchanged, report.refused) == (2, 0, [])
    assert rows(series) == [
        (D(2024, 1, 1), D(2024, 1, 31), Decimal("38000"), D(2024, 2, 10)),
        (D(2024, 2, 1), D(2024, 2, 29), Decimal("39000"), D(2024, 3, 10)),
    ]
    series.refresh_from_db()
    assert series.last_refreshed_at is not None and before <= series.last_refreshed_at <= timezone.now()


def test_a_json_feed_adds_its_observations_with_optional_start_and_vintage(site):
    series = feed_series(site, "/feed.json")

    report = refresh(series)

    assert (report.added, report.unchanged, report.refused) == (2, 0, [])
    assert rows(series) == [
        # No period_start: a single date. No vintage: the day of the refresh.
        (D(2024, 3, 31), D(2024, 3, 31), Decimal("41000"), TODAY),
        (D(2024, 4, 1), D(2024, 4, 30), Decimal("42000"), D(2024, 5, 10)),
    ]
    series.refresh_from_db()
    assert series.last_refreshed_at is not None


def test_a_missing_vintage_defaults_to_the_local_date_of_the_refresh(site):
    series = feed_series(site, "/today.json", b'[{"period_end": "2024-03-31", "value": 41000}]', "application/json")

    services.series_refresh(series=series)

    assert Observation.objects.get(series=series).vintage == timezone.localdate()


def test_a_csv_feed_without_optional_columns(site):
    body = b"period_end,value\n2024-01-31,38000\n2024-02-29,\"39,500.5\"\n"
    series = feed_series(site, "/short.csv", body)

    report = refresh(series)

    assert (report.added, report.refused) == (2, [])
    assert rows(series) == [
        (D(2024, 1, 31), D(2024, 1, 31), Decimal("38000"), TODAY),
        (D(2024, 2, 29), D(2024, 2, 29), Decimal("39500.5"), TODAY),
    ]


def test_a_csv_feed_with_a_byte_order_mark_and_crlf(site):
    body = "\ufeffperiod_start,period_end,value,vintage\r\n2024-01-01,2024-01-31,38000,2024-02-10\r\n".encode()
    series = feed_series(site, "/bom.csv", body)

    report = refresh(series)

    assert (report.added, report.refused) == (1, [])


# --- repeats and revisions: nothing is ever overwritten ----------------------------------------------------------


def test_a_second_refresh_of_the_same_feed_adds_nothing(site):
    series = feed_series(site, "/feed.csv")
    refresh(series)
    before = snapshot(series)

    report = refresh(series, today=TODAY + datetime.timedelta(days=7))

    assert (report.added, report.unchanged, report.refused) == (0, 2, [])
    assert snapshot(series) == before


def test_a_second_refresh_of_a_feed_without_vintages_on_a_later_day_adds_nothing(site):
    series = feed_series(site, "/feed.json")
    refresh(series)
    before = snapshot(series)

    report = refresh(series, today=TODAY + datetime.timedelta(days=30))

    assert (report.added, report.unchanged, report.refused) == (0, 2, [])
    assert snapshot(series) == before


def test_a_revised_value_is_a_new_observation_and_the_old_one_stays(site):
    series = feed_series(site, "/revised.csv", csv("2024-01-01,2024-01-31,38000,2024-02-10"))
    refresh(series)
    original = snapshot(series)

    site.serve("/revised.csv", csv("2024-01-01,2024-01-31,38500,2024-03-10"), content_type="text/csv")
    report = refresh(series)

    assert (report.added, report.unchanged, report.refused) == (1, 0, [])
    assert rows(series) == [
        (D(2024, 1, 1), D(2024, 1, 31), Decimal("38000"), D(2024, 2, 10)),
        (D(2024, 1, 1), D(2024, 1, 31), Decimal("38500"), D(2024, 3, 10)),
    ]
    (old_id,) = original
    assert Observation.objects.filter(pk=old_id).values().get() == original[old_id]


def test_a_revised_value_without_a_vintage_gets_the_day_of_the_refresh(site):
    series = feed_series(site, "/rev.json", b'[{"period_end": "2024-03-31", "value": 41000}]', "application/json")
    refresh(series, today=D(2024, 4, 15))
    original = snapshot(series)

    site.serve("/rev.json", b'[{"period_end": "2024-03-31", "value": 40750}]', content_type="application/json")
    report = refresh(series, today=D(2024, 5, 15))

    assert report.added == 1
    assert rows(series) == [
        (D(2024, 3, 31), D(2024, 3, 31), Decimal("41000"), D(2024, 4, 15)),
        (D(2024, 3, 31), D(2024, 3, 31), Decimal("40750"), D(2024, 5, 15)),
    ]
    (old_id,) = original
    assert Observation.objects.filter(pk=old_id).values().get() == original[old_id]
    # A third refresh of the revised feed compares with the newest release: unchanged.
    assert refresh(series, today=D(2024, 6, 15)).added == 0


def test_a_value_that_goes_back_to_an_older_release_is_a_new_release(site):
    series = feed_series(
        site, "/back.csv", csv("2024-01-01,2024-01-31,38000,2024-02-10", "2024-01-01,2024-01-31,38500,2024-03-10")
    )
    refresh(series)

    site.serve("/back.csv", csv("2024-01-01,2024-01-31,38000,2024-04-10"), content_type="text/csv")
    report = refresh(series)

    assert report.added == 1
    assert [r[2:] for r in rows(series)] == [
        (Decimal("38000"), D(2024, 2, 10)),
        (Decimal("38500"), D(2024, 3, 10)),
        (Decimal("38000"), D(2024, 4, 10)),
    ]


def test_a_different_value_for_the_same_period_and_vintage_is_refused_not_overwritten(site):
    series = feed_series(site, "/conflict.csv", csv("2024-01-01,2024-01-31,38000,2024-02-10"))
    refresh(series)
    original = snapshot(series)

    site.serve(
        "/conflict.csv",
        csv("2024-01-01,2024-01-31,39999,2024-02-10", "2024-02-01,2024-02-29,39000,2024-03-10"),
        content_type="text/csv",
    )
    report = refresh(series)

    assert report.added == 1  # the good row of the same feed
    assert len(report.refused) == 1
    assert report.refused[0].startswith("row 1: ")
    assert "2024-02-10" in report.refused[0] and "38000" in report.refused[0]
    (old_id,) = original
    assert Observation.objects.filter(pk=old_id).values().get() == original[old_id]
    assert rows(series)[-1] == (D(2024, 2, 1), D(2024, 2, 29), Decimal("39000"), D(2024, 3, 10))


def test_a_feed_giving_two_values_for_one_release_keeps_the_first_and_refuses_the_second(site):
    series = feed_series(
        site, "/twice.csv", csv("2024-01-01,2024-01-31,38000,2024-02-10", "2024-01-01,2024-01-31,38100,2024-02-10")
    )

    report = refresh(series)

    assert report.added == 1
    assert [reason.split(":")[0] for reason in report.refused] == ["row 2"]
    assert rows(series) == [(D(2024, 1, 1), D(2024, 1, 31), Decimal("38000"), D(2024, 2, 10))]


# --- bad rows and bad feeds -----------------------------------------------------------------------------------------


def test_bad_rows_are_refused_one_by_one_and_good_rows_are_added(site):
    series = feed_series(site, "/feed-bad-rows.csv")

    report = refresh(series)

    assert report.added == 2
    assert report.unchanged == 0
    assert [reason.split(":")[0] for reason in report.refused] == ["row 2", "row 3", "row 4", "row 5"]
    assert "period_end is missing" in report.refused[0]
    assert "'lots'" in report.refused[1] and "not a number" in report.refused[1]
    assert "'NaN'" in report.refused[2] and "not finite" in report.refused[2]
    assert "'2024-13-45'" in report.refused[3] and "not a date" in report.refused[3]
    assert rows(series) == [
        (D(2024, 1, 1), D(2024, 1, 31), Decimal("38000"), D(2024, 2, 10)),
        (D(2024, 6, 1), D(2024, 6, 30), Decimal("41000"), D(2024, 7, 10)),
    ]
    series.refresh_from_db()
    assert series.last_refreshed_at is not None


def test_bad_rows_of_a_json_feed_are_refused_one_by_one(site):
    body = (
        "["
        '{"period_end": "2024-01-31", "value": 38000},'  # 1 good
        '{"period_end": "2024-02-29", "value": NaN},'  # 2 NaN (Python's json reads it)
        '{"period_end": "2024-03-31", "value": Infinity},'  # 3
        '{"period_end": "2024-04-30", "value": null},'  # 4
        '{"period_end": "2024-05-31", "value": "-"},'  # 5
        '{"value": 1},'  # 6 no period_end
        '{"period_end": "31/05/2024", "value": 1},'  # 7 not ISO
        '{"period_start": "2024-07-31", "period_end": "2024-07-01", "value": 1},'  # 8 start after end
        '{"period_end": "2024-08-31", "value": 1, "vintage": "soon"},'  # 9 bad vintage
        '{"period_end": "2024-09-30", "value": "1e3"}'  # 10 good
        "]"
    ).encode()
    series = feed_series(site, "/bad.json", body, "application/json")

    report = refresh(series)

    assert report.added == 2
    assert [reason.split(":")[0] for reason in report.refused] == [f"row {n}" for n in range(2, 10)]
    assert "period_start is after period_end" in report.refused[6]
    assert [r[2] for r in rows(series)] == [Decimal("38000"), Decimal("1000")]


def test_a_csv_row_with_more_fields_than_the_header_is_refused_alone(site):
    body = csv(
        "2024-01-01,2024-01-31,38000,2024-02-10",
        "2024-02-01,2024-02-29,39,000,2024-03-10",  # an unquoted thousands separator
        "2024-03-01,2024-03-31,40000,2024-04-10",
    )
    series = feed_series(site, "/extra.csv", body)

    report = refresh(series)

    assert report.added == 2
    assert [reason.split(":")[0] for reason in report.refused] == ["row 2"]


def test_an_over_precise_value_is_not_added_again_on_every_refresh(site):
    series = feed_series(site, "/precise.json", b'[{"period_end": "2024-03-31", "value": "1.12345678"}]', "application/json")
    first = refresh(series, today=D(2024, 4, 1))

    second = refresh(series, today=D(2024, 4, 2))

    # Either refused at once (as the API would) or stored once and unchanged afterwards: never a new release.
    assert Observation.objects.filter(series=series).count() == first.added
    assert second.added == 0


@pytest.mark.parametrize(
    ("path", "body", "content_type"),
    [
        ("/feed.html", None, None),
        ("/object.json", b'{"period_end": "2024-01-31", "value": 1}', "application/json"),
        ("/list-of-lists.json", b'[["2024-01-31", 1]]', "application/json"),
        ("/broken.json", b'[{"period_end": "2024-01-31", ', "application/json"),
        ("/wrong-columns.csv", b"date,count\n2024-01-31,1\n", "text/csv"),
        ("/latin1.csv", "period_end,value\n2024-01-31,1\n# \xe9\n".encode("latin-1"), "text/csv"),
        ("/empty.csv", b"", "text/csv"),
    ],
    ids=["html", "json-object", "json-list-of-lists", "truncated-json", "wrong-columns", "not-utf8", "empty"],
)
def test_an_unreadable_feed_raises_value_error_and_writes_nothing(site, path, body, content_type):
    series = feed_series(site, path, body, content_type) if body is not None else feed_series(site, path)

    with pytest.raises(ValueError):
        refresh(series)

    assert not Observation.objects.filter(series=series).exists()
    series.refresh_from_db()
    assert series.last_refreshed_at is None


@pytest.mark.parametrize(("status", "transient"), [(404, False), (410, False), (500, True)])
def test_a_feed_answering_an_http_error_raises_fetch_error(site, status, transient):
    site.serve("/gone.csv", b"nope", status=status, content_type="text/plain")
    series = feed_series(site, "/gone.csv")

    with pytest.raises(FetchError) as info:
        refresh(series)

    assert info.value.code == "invalid_response"
    assert info.value.transient is transient
    assert str(status) in info.value.message
    assert not Observation.objects.filter(series=series).exists()
    series.refresh_from_db()
    assert series.last_refreshed_at is None


def test_a_feed_on_a_refused_address_raises_fetch_error_without_connecting(site, network_guard):
    site.routes["/feed-redirect.csv"] = (302, "text/plain", b"", (("Location", METADATA_URL),))
    for url in (METADATA_URL, site.url("/feed-redirect.csv")):
        series = factories.ReferenceSeriesFactory(feed_url=url)

        with pytest.raises(FetchError) as info:
            refresh(series)

        assert info.value.code == "address_not_allowed"
        assert info.value.transient is False
    assert not Observation.objects.exists()
    assert network_guard.addresses() <= {"127.0.0.1"}


def test_a_feed_on_a_closed_port_raises_a_transient_fetch_error(site, closed_port):
    series = factories.ReferenceSeriesFactory(feed_url=f"http://127.0.0.1:{closed_port}/feed.csv")

    with pytest.raises(FetchError) as info:
        refresh(series)

    assert info.value.transient is True


def test_a_series_without_a_feed_cannot_be_refreshed(site):
    series = factories.ReferenceSeriesFactory(feed_url="")

    with pytest.raises(ApplicationError) as info:
        refresh(series)

    assert info.value.code == "no_feed"


# --- series_data_changed and the claims it re-checks ----------------------------------------------------------------


@pytest.fixture
def data_signals():
    received = []

    def record(sender, series, added, **kwargs):
        received.append((sender, series.pk, added))

    series_data_changed.connect(record, weak=False, dispatch_uid="test_series_refresh.record")
    yield received
    series_data_changed.disconnect(dispatch_uid="test_series_refresh.record")


@pytest.fixture
def queued(monkeypatch):
    """Stands in for the broker: the claim ids handed to check_claim.delay."""
    calls = []
    monkeypatch.setattr(claim_tasks.check_claim, "delay", lambda claim_id: calls.append(claim_id))
    return calls


def test_series_data_changed_is_sent_after_commit_when_observations_were_added(
    site, data_signals, queued, django_capture_on_commit_callbacks
):
    series = feed_series(site, "/feed.csv")

    with django_capture_on_commit_callbacks(execute=True):
        refresh(series)
        assert data_signals == [], "sent before the commit"

    assert data_signals == [(ReferenceSeries, series.pk, 2)]


def test_series_data_changed_is_not_sent_when_nothing_was_added(
    site, data_signals, queued, django_capture_on_commit_callbacks
):
    series = feed_series(site, "/feed.csv")
    refresh(series)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = refresh(series)

    assert report.added == 0
    assert callbacks == []
    assert data_signals == []


def test_series_data_changed_is_not_sent_when_every_row_was_refused(
    site, data_signals, queued, django_capture_on_commit_callbacks
):
    series = feed_series(site, "/refused.csv", csv("2024-01-01,,1,2024-02-10", "2024-01-01,2024-01-31,x,2024-02-10"))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = refresh(series)

    assert (report.added, len(report.refused)) == (0, 2)
    assert callbacks == [] and data_signals == []


def test_new_data_leases_and_enqueues_the_series_numeric_claims(site, queued, django_capture_on_commit_callbacks):
    series = feed_series(site, "/feed.csv")
    other_series = factories.ReferenceSeriesFactory()
    now = timezone.now()
    free = factories.ClaimFactory(series=series)
    lease_expired = factories.ClaimFactory(series=series)
    Claim.objects.filter(pk=lease_expired.pk).update(check_lease_until=now - datetime.timedelta(minutes=1))
    already_leased = factories.ClaimFactory(series=series)
    held_until = now + datetime.timedelta(minutes=10)
    Claim.objects.filter(pk=already_leased.pk).update(check_lease_until=held_until)
    no_figure = factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, as_of=None)
    elsewhere = factories.ClaimFactory(series=other_series)
    no_series = factories.ClaimFactory()

    with django_capture_on_commit_callbacks(execute=True):
        refresh(series)
        assert queued == [], "enqueued before the commit"
    after = timezone.now()

    assert sorted(queued) == sorted([free.pk, lease_expired.pk])
    leases = dict(Claim.objects.values_list("pk", "check_lease_until"))
    for pk in (free.pk, lease_expired.pk):
        assert leases[pk] is not None
        assert now + CHECK_LEASE <= leases[pk] <= after + CHECK_LEASE
    assert leases[already_leased.pk] == held_until  # a claim handed out already is left alone
    assert leases[no_figure.pk] is None
    assert leases[elsewhere.pk] is None
    assert leases[no_series.pk] is None


def test_no_new_data_enqueues_nothing(site, queued, django_capture_on_commit_callbacks):
    series = feed_series(site, "/feed.csv")
    refresh(series)
    claim = factories.ClaimFactory(series=series)

    with django_capture_on_commit_callbacks(execute=True):
        refresh(series)

    assert queued == []
    claim.refresh_from_db()
    assert claim.check_lease_until is None


def test_with_the_broker_down_the_lease_is_released_for_the_sweep(site, monkeypatch, django_capture_on_commit_callbacks):
    series = feed_series(site, "/feed.csv")
    claim = factories.ClaimFactory(series=series)

    def unreachable(claim_id):
        raise ConnectionError("broker down")

    monkeypatch.setattr(claim_tasks.check_claim, "delay", unreachable)

    with django_capture_on_commit_callbacks(execute=True):
        report = refresh(series)

    assert report.added == 2  # the observations stay
    assert Observation.objects.filter(series=series).count() == 2
    claim.refresh_from_db()
    assert claim.check_lease_until is None


# --- series_due_for_refresh -----------------------------------------------------------------------------------------


def test_series_due_for_refresh():
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def make(slug, feed="https://stats.example/feed.csv", every=day, last=None):
        return factories.ReferenceSeriesFactory(slug=slug, feed_url=feed, refresh_every=every, last_refreshed_at=last)

    make("never-refreshed")
    make("cadence-elapsed", last=now - 2 * day)
    make("cadence-just-elapsed", last=now - day)
    make("fresh", last=now - datetime.timedelta(hours=1))
    make("no-feed", feed="")
    make("no-feed-elapsed", feed="", last=now - 30 * day)
    make("no-cadence", every=None)
    make("no-cadence-old", every=None, last=now - 365 * day)

    due = services.series_due_for_refresh(now=now)

    assert sorted(due) == ["cadence-elapsed", "cadence-just-elapsed", "never-refreshed"]


def test_a_refresh_makes_a_due_series_fresh(site):
    series = feed_series(site, "/feed.csv", refresh_every=datetime.timedelta(hours=6))
    assert services.series_due_for_refresh(now=timezone.now()) == [series.slug]

    refresh(series)

    assert services.series_due_for_refresh(now=timezone.now()) == []
    assert services.series_due_for_refresh(now=timezone.now() + datetime.timedelta(hours=6, seconds=1)) == [series.slug]

