"""The claims tasks (check_claim, sweep_due_claims) run in the test process as a worker would run them.

No broker and no worker: `task.apply()` runs a task eagerly through Celery's own tracer, retries included (an
eager retry runs again at once, without its countdown). Where a test wants to see what a worker would be asked
to do instead, `Task.retry` is replaced by a recorder (`retries`). Enqueueing goes to a list (`queue`) that the
test drains like a worker, so a test decides when a queued check runs.

Each task: runs twice, work already in progress, row deleted, transient error retried, permanent error not.
"""

import datetime
import logging
from decimal import Decimal
from types import SimpleNamespace

import pytest
from celery.app.task import Task
from celery.exceptions import Retry
from django.db import OperationalError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerUnreachable

from claims import services, tasks
from claims.models import CheckOutcome, CheckRun, CheckState, Claim, ClaimKind, ClaimStatus, Rating
from sources.models import ReferenceSeries, Unit
from sources.signals import series_data_changed
from tests import factories

pytestmark = pytest.mark.django_db

AS_OF = datetime.date(2024, 2, 14)


# --- fixtures ----------------------------------------------------------------------------------------------------


class Queue(list):
    """The broker's queue for check_claim, as a list of claim ids."""

    def drain(self):
        results = []
        while self:
            results.append(tasks.check_claim.apply(args=[self.pop(0)]))
        return results


@pytest.fixture
def queue(monkeypatch):
    queued = Queue()
    monkeypatch.setattr(tasks.check_claim, "delay", lambda claim_id: queued.append(claim_id))
    return queued


@pytest.fixture
def broker_down(monkeypatch):
    def unreachable(*args, **kwargs):
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.check_claim, "delay", unreachable)


@pytest.fixture
def retries(monkeypatch):
    """Task.retry replaced by a recorder: what the task asked a worker to do, and the task stops there."""
    asked = []

    def retry(task, args=None, kwargs=None, exc=None, throw=True, eta=None, countdown=None, max_retries=None, **opts):
        asked.append(SimpleNamespace(task=task.name, exc=exc, countdown=countdown, max_retries=max_retries))
        raise Retry(exc=exc, when=countdown)

    monkeypatch.setattr(Task, "retry", retry)
    return asked


@pytest.fixture
def series():
    return factories.ReferenceSeriesFactory(slug="ice-beds", name="ICE funded beds", unit=Unit.COUNT)


@pytest.fixture
def reference(series):
    """38,000 beds on 2024-01-31, released 2024-02-10; recorded two hours ago, before any check in these tests."""
    observation = factories.ObservationFactory(series=series, value=Decimal("38000"))
    series.observations.update(recorded_at=timezone.now() - datetime.timedelta(hours=2))
    return observation


@pytest.fixture
def claim(series, reference):
    """ "ICE holds 38,000 beds" as of 2024-02-14: accurate against the reference; never checked."""
    return factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=AS_OF)


def failing(times: int, exc: Exception, then=None):
    """A stand-in that raises `exc` the first `times` calls, then calls `then`."""
    calls = []

    def call(*args, **kwargs):
        calls.append(1)
        if len(calls) <= times:
            raise exc
        if then is None:
            raise AssertionError(f"called {len(calls)} times; the test expected at most {times}")
        return then(*args, **kwargs)

    call.calls = calls
    return call


def fresh(claim: Claim) -> Claim:
    return Claim.objects.select_related("computed_verdict").get(pk=claim.pk)


# --- check_claim -------------------------------------------------------------------------------------------------


def test_check_claim_checks_the_claim_and_releases_the_sweeps_lease(claim):
    Claim.objects.filter(pk=claim.pk).update(check_lease_until=timezone.now() + services.CHECK_LEASE)

    result = tasks.check_claim.apply(args=[claim.pk])

    assert result.state == "SUCCESS"
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.outcome, run.attempts) == (CheckState.DONE, CheckOutcome.CHANGED, 1)
    claim = fresh(claim)
    assert claim.computed_verdict.rating == Rating.ACCURATE
    assert claim.check_lease_until is None
    assert claim.last_checked_at is not None


def test_check_claim_twice_writes_one_check_run_and_one_verdict(claim):
    tasks.check_claim.apply(args=[claim.pk])
    first_checked = fresh(claim).last_checked_at

    second = tasks.check_claim.apply(args=[claim.pk])

    assert second.state == "SUCCESS"
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.attempts) == (CheckState.DONE, 1)
    assert claim.verdicts.count() == 1
    assert fresh(claim).last_checked_at > first_checked


def test_check_claim_redoes_a_run_left_running_by_a_dead_worker_in_place(claim, reference):
    left = factories.CheckRunFactory(
        claim=claim, data_version=reference.pk, state=CheckState.RUNNING, outcome="", attempts=1
    )

    result = tasks.check_claim.apply(args=[claim.pk])

    assert result.state == "SUCCESS"
    run = CheckRun.objects.get(claim=claim)
    assert run.pk == left.pk
    assert (run.state, run.outcome, run.attempts) == (CheckState.DONE, CheckOutcome.CHANGED, 2)


def test_check_claim_of_a_deleted_claim_returns_quietly(claim, caplog):
    claim_id = claim.pk
    claim.delete()

    with caplog.at_level(logging.INFO, logger="claims.tasks"):
        result = tasks.check_claim.apply(args=[claim_id])

    assert result.state == "SUCCESS"
    assert not CheckRun.objects.filter(claim_id=claim_id).exists()
    assert [r.msg for r in caplog.records if r.name.startswith("claims")] == ["claim.check.skipped_missing"]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_check_claim_of_a_claim_deleted_while_it_waited_for_the_lock_returns_quietly(claim, monkeypatch, caplog):
    original = services.claim_check

    def deleted_meanwhile(*, claim, now=None):
        Claim.objects.filter(pk=claim.pk).delete()  # an editor deleted it while the worker waited for the lock
        return original(claim=claim, now=now)

    monkeypatch.setattr(services, "claim_check", deleted_meanwhile)

    result = tasks.check_claim.apply(args=[claim.pk], throw=False)

    assert result.state == "SUCCESS"
    assert not CheckRun.objects.exists()
    assert "claim.check.skipped_missing" in [r.msg for r in caplog.records]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_check_claim_retries_a_database_error_with_backoff_and_records_it(claim, monkeypatch, retries):
    monkeypatch.setattr(services, "policy_active", failing(1, OperationalError("server closed the connection")))

    result = tasks.check_claim.apply(args=[claim.pk])

    assert result.state == "RETRY"
    assert len(retries) == 1
    assert isinstance(retries[0].exc, OperationalError)
    assert 0 <= retries[0].countdown <= 15  # retry_backoff 15 s with full jitter on the first retry
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.outcome) == (CheckState.FAILED, CheckOutcome.ERROR)
    assert "OperationalError" in run.error
    assert fresh(claim).check_lease_until is None


def test_check_claim_after_a_database_error_finishes_the_same_run_on_retry(claim, monkeypatch):
    monkeypatch.setattr(
        services, "policy_active", failing(1, OperationalError("database is locked"), then=services.policy_active)
    )

    result = tasks.check_claim.apply(args=[claim.pk])

    assert result.state == "SUCCESS"
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.outcome, run.error, run.attempts) == (CheckState.DONE, CheckOutcome.CHANGED, "", 2)
    assert fresh(claim).computed_verdict.rating == Rating.ACCURATE


def test_check_claim_stops_retrying_a_database_error_after_its_bound(claim, monkeypatch):
    stand_in = failing(100, OperationalError("could not connect to server"))
    monkeypatch.setattr(services, "policy_active", stand_in)

    result = tasks.check_claim.apply(args=[claim.pk], throw=False)

    assert result.state == "FAILURE"
    assert len(stand_in.calls) == 1 + tasks.RETRY["max_retries"]
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.attempts) == (CheckState.FAILED, 1 + tasks.RETRY["max_retries"])


def test_check_claim_does_not_retry_a_permanent_error_and_the_sweep_finds_the_claim_again(
    claim, monkeypatch, retries
):
    monkeypatch.setattr(services.engine, "evaluate", failing(1, RuntimeError("engine exploded")))

    result = tasks.check_claim.apply(args=[claim.pk], throw=False)

    assert result.state == "FAILURE"
    assert retries == []
    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.outcome) == (CheckState.FAILED, CheckOutcome.ERROR)
    assert "engine exploded" in run.error
    assert fresh(claim).check_lease_until is None
    assert services.claims_lease_due(now=timezone.now()) == [claim.pk]  # never lost: the next sweep has it


# --- sweep_due_claims: what is due ---------------------------------------------------------------------------------


@pytest.fixture
def population(settings, series, reference):
    """One claim for each reason to be due, and one for each reason not to be."""
    settings.FACTCHECK_RECHECK_AFTER_DAYS = 7
    now = timezone.now()
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    leased_until = now + datetime.timedelta(minutes=10)  # a worker has it
    ago = lambda **kw: now - datetime.timedelta(**kw)  # noqa: E731

    def make(name, **fields):
        fields.setdefault("series", series)
        claim = factories.ClaimFactory(text=name, as_of=AS_OF, **fields)
        if claim.last_checked_at:  # as a check leaves it: a finished run of its current version
            factories.CheckRunFactory(claim=claim, data_version=reference.pk)
        return name, claim

    refreshed = factories.ReferenceSeriesFactory(slug="refreshed", unit=Unit.COUNT)
    factories.ObservationFactory(series=refreshed, value=Decimal("37000"))  # recorded now: newer than the check
    forecast = {"kind": ClaimKind.FORECAST, "value": Decimal("22000")}
    due = dict(
        [
            make("never checked"),
            make("stale", last_checked_at=ago(days=8)),
            make("forecast fell due", **forecast, due_date=today - day, last_checked_at=ago(days=2)),
            make("series has newer data", series=refreshed, last_checked_at=ago(hours=1)),
            make("lease ran out", check_lease_until=ago(minutes=1)),
            make("no series, never checked", series=None),
        ]
    )
    not_due = dict(
        [
            make("fresh", last_checked_at=ago(hours=1)),
            make("forecast not due yet", **forecast, due_date=today + 30 * day, last_checked_at=ago(hours=1)),
            make("forecast checked after due", **forecast, due_date=today - 3 * day, last_checked_at=ago(hours=1)),
            make("leased", check_lease_until=leased_until),
            make("retracted", status=ClaimStatus.RETRACTED),
            make("no figure", value=None, unit=None, qualifier=None, kind=None, counted_noun=""),
            make("stale but leased", last_checked_at=ago(days=30), check_lease_until=leased_until),
        ]
    )
    return SimpleNamespace(due=due, not_due=not_due, now=now)


def test_sweep_hands_out_exactly_the_due_claims_leased(population, queue):
    result = tasks.sweep_due_claims.apply()

    assert result.state == "SUCCESS"
    handed_out = {Claim.objects.get(pk=pk).text for pk in queue}
    assert handed_out == set(population.due)
    assert result.get() == len(population.due)
    for claim in population.due.values():
        assert fresh(claim).check_lease_until > population.now  # the sweep's lease, until a worker is done
    for name, claim in population.not_due.items():
        assert fresh(claim).check_lease_until == claim.check_lease_until, name

    queue.drain()

    for name, claim in population.due.items():
        claim = fresh(claim)
        assert claim.last_checked_at > population.now, name
        assert claim.check_lease_until is None, name
    for name, claim in population.not_due.items():
        assert fresh(claim).last_checked_at == claim.last_checked_at, name


def test_sweep_twice_before_the_workers_ran_hands_out_each_claim_once(population, queue):
    first = tasks.sweep_due_claims.apply().get()
    second = tasks.sweep_due_claims.apply().get()

    assert (first, second) == (len(population.due), 0)
    assert len(queue) == len(set(queue)) == len(population.due)
    queue.drain()
    assert Claim.objects.filter(last_checked_at__gt=population.now).count() == len(population.due)


def test_sweep_after_the_checks_ran_finds_nothing_due(population, queue):
    tasks.sweep_due_claims.apply()
    queue.drain()

    assert tasks.sweep_due_claims.apply().get() == 0
    assert queue == []


def test_sweep_hands_a_claim_out_again_when_the_worker_holding_it_died(claim, queue):
    now = timezone.now()
    assert services.claims_lease_due(now=now) == [claim.pk]  # the worker that got it died: no check, no release

    assert services.claims_lease_due(now=now + datetime.timedelta(minutes=5)) == []
    assert services.claims_lease_due(now=now + services.CHECK_LEASE + datetime.timedelta(seconds=1)) == [claim.pk]


def test_sweep_of_a_claim_deleted_before_its_check_ran_checks_the_others(population, queue):
    tasks.sweep_due_claims.apply()
    population.due["stale"].delete()

    results = queue.drain()

    assert [r.state for r in results] == ["SUCCESS"] * len(population.due)
    assert Claim.objects.filter(last_checked_at__gt=population.now).count() == len(population.due) - 1


def test_sweep_retries_a_database_error_with_backoff(claim, monkeypatch, retries, queue):
    monkeypatch.setattr(services, "claims_lease_due", failing(1, OperationalError("the database is starting up")))

    result = tasks.sweep_due_claims.apply()

    assert result.state == "RETRY"
    assert [r.task for r in retries] == ["claims.tasks.sweep_due_claims"]
    assert 0 <= retries[0].countdown <= 15
    assert queue == []


def test_sweep_does_not_retry_a_permanent_error(claim, monkeypatch, retries, queue):
    monkeypatch.setattr(services, "claims_lease_due", failing(1, ValueError("a bug")))

    result = tasks.sweep_due_claims.apply(throw=False)

    assert result.state == "FAILURE"
    assert retries == []


# --- enqueueing: after commit, and a save that survives a broker outage -------------------------------------------


def new_claim(series):
    return services.claim_create(
        text="ICE holds 38,000 beds",
        stated_on=AS_OF,
        series=series,
        quantity={"value": Decimal("38000"), "unit": Unit.COUNT, "counted_noun": "beds"},
    )


def test_a_saved_claim_is_queued_after_commit_and_left_alone_by_the_sweep(
    series, reference, queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claim = new_claim(series)
        assert queue == []  # not before the commit

    assert queue == [claim.pk]
    assert fresh(claim).check_lease_until is not None
    assert tasks.sweep_due_claims.apply().get() == 0
    queue.drain()
    assert CheckRun.objects.get(claim=claim).state == CheckState.DONE


def test_a_rolled_back_save_queues_nothing(series, queue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            new_claim(series)
            raise RuntimeError("the request failed after the save")

    assert queue == []
    assert not Claim.objects.exists()


def test_with_the_broker_down_a_save_succeeds_and_the_next_sweep_checks_it(
    series, reference, broker_down, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.WARNING, logger="claims.services"):
        with django_capture_on_commit_callbacks(execute=True):
            claim = new_claim(series)

    claim = fresh(claim)
    assert claim.pk and claim.version == 1
    assert claim.check_lease_until is None  # released, so the sweep may hand it out
    assert "claim.check.not_enqueued" in [r.msg for r in caplog.records]
    assert not CheckRun.objects.exists()

    queued = Queue()
    monkeypatch.setattr(tasks.check_claim, "delay", lambda claim_id: queued.append(claim_id))  # the broker is back
    assert tasks.sweep_due_claims.apply().get() == 1
    queued.drain()

    run = CheckRun.objects.get(claim=claim)
    assert (run.state, run.outcome) == (CheckState.DONE, CheckOutcome.CHANGED)


def test_with_the_broker_down_the_sweep_releases_what_it_could_not_queue(claim, broker_down):
    tasks.sweep_due_claims.apply()

    assert fresh(claim).check_lease_until is None
    assert services.claims_lease_due(now=timezone.now()) == [claim.pk]


def test_an_edit_saved_while_a_check_is_running_gets_checked(claim, queue, django_capture_on_commit_callbacks):
    tasks.check_claim.apply(args=[claim.pk])
    # A worker has the claim (sweep lease) and has checked version 1; before it releases the lease, an editor saves.
    Claim.objects.filter(pk=claim.pk).update(check_lease_until=timezone.now() + services.CHECK_LEASE)
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_update(
            claim_id=claim.pk, expected_version=1, quantity={"value": Decimal("50000"), "unit": Unit.COUNT}
        )
    Claim.objects.filter(pk=claim.pk).update(check_lease_until=None)  # the worker's check ends

    queue.extend(services.claims_lease_due(now=timezone.now()))  # the next sweep
    queue.drain()

    assert CheckRun.objects.filter(claim=claim, claim_version=2, state=CheckState.DONE).exists()


# --- new series data re-checks its claims at once ------------------------------------------------------------------


def test_new_series_data_queues_its_numeric_claims_once(claim, series, queue):
    no_figure = factories.ClaimFactory(series=series, value=None, unit=None, qualifier=None, kind=None, counted_noun="")
    other = factories.ClaimFactory(series=factories.ReferenceSeriesFactory(unit=Unit.COUNT))

    series_data_changed.send(sender=ReferenceSeries, series=series, added=1)
    series_data_changed.send(sender=ReferenceSeries, series=series, added=1)  # twice before a worker ran

    assert queue == [claim.pk]
    assert no_figure.pk not in queue and other.pk not in queue


def test_new_series_data_does_not_recheck_a_retracted_claim(series, reference, queue):
    retracted = factories.ClaimFactory(series=series, status=ClaimStatus.RETRACTED, as_of=AS_OF)

    series_data_changed.send(sender=ReferenceSeries, series=series, added=1)

    assert retracted.pk not in queue
