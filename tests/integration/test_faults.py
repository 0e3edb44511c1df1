"""Faults, each on a throwaway Redis the test starts on a free loopback port (never the machine's shared one):
a worker SIGKILLed in the middle of a check, and a broker that is down while an editor saves.

No test hook in the application: the kill test holds the claim's row lock from a separate database connection, so
the worker's check (which locks the row) blocks in the middle, and is killed there.
"""

import datetime
import logging
import time
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from claims import services
from claims.models import CheckOutcome, CheckRun, CheckState, Claim, Rating
from claims.tasks import check_claim, sweep_due_claims
from sources.models import Unit
from tests import factories
from tests.integration.conftest import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

VISIBILITY_TIMEOUT = 5  # seconds; production keeps an hour (longer than the hard time limit)
KILL_LOG = Path("/tmp/kill-test-worker.log")


@pytest.fixture
def claim(integration_ready):
    series = factories.ReferenceSeriesFactory(slug="ice-beds", unit=Unit.COUNT)
    factories.ObservationFactory(series=series, value=Decimal("38000"))
    return factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))


def other_connection() -> psycopg.Connection:
    """A connection of the test's own to the test database, outside Django's."""
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"] or "postgres", password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    )


def backends_waiting_for_a_lock() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return [pid for (pid,) in cursor.fetchall()]


def backend_alive(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone() is not None


def test_a_worker_killed_in_the_middle_of_a_check_leaves_it_done_exactly_once(
    claim, redis_server, app_broker, start_celery
):
    timeline = []

    def note(event: str):
        stamp = datetime.datetime.now().strftime("%Y-%m-%d %H:%M:%S,%f")[:-3]  # as the worker's log writes it
        timeline.append(f"[{stamp}: test] {event}")

    first = start_celery("worker", redis_server.url, ["--concurrency=1"], CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    first.wait_for("ready.")
    second = None
    lock = other_connection()
    try:
        with lock.cursor() as cursor:  # psycopg opens a transaction: the lock is held until rollback
            cursor.execute("SELECT id FROM claims_claim WHERE id = %s FOR UPDATE", [claim.pk])
        note(f"holding the row lock of claim {claim.pk} in a separate connection")
        task_id = check_claim.apply_async(args=[claim.pk]).id
        note(f"sent claims.tasks.check_claim[{task_id}]")

        first.wait_for(f"Task claims.tasks.check_claim[{task_id}] received")
        (blocked,) = wait_until(backends_waiting_for_a_lock, 30, what="the worker's check to wait for the claim's lock")
        note(f"the worker's check is blocked on the lock (database backend {blocked}); SIGKILL to its process group")
        first.kill()
        assert first.process.returncode == -9
    finally:
        lock.rollback()
        lock.close()
        note("lock released (ROLLBACK)")

    # The killed worker's database session ends (its transaction rolls back); nothing of the check was written.
    wait_until(lambda: not backend_alive(blocked), 30, what="the killed worker's database session to end")
    assert not CheckRun.objects.filter(claim=claim).exists()
    # Its message was taken and never acknowledged: it waits in Redis for the visibility timeout.
    redis = redis_server.client()
    unacked = redis.zrange("unacked_index", 0, -1, withscores=True)
    assert len(unacked) == 1 and redis.llen("celery") == 0
    delivered_at = unacked[0][1]
    # Kombu restores messages older than the visibility timeout when a worker starts polling (and then only every
    # unacked_restore_interval x unacked_restore_throttle, 100 s by default): start the new worker after it.
    since = time.strftime("%X", time.localtime(delivered_at))
    note(f"no CheckRun; the message is unacknowledged in Redis since {since}")
    time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.time()))
    note(f"visibility timeout ({VISIBILITY_TIMEOUT} s) passed; starting a new worker")

    second = start_celery("worker", redis_server.url, ["--concurrency=1"], CELERY_VISIBILITY_TIMEOUT=VISIBILITY_TIMEOUT)
    try:
        second.wait_for(f"Task claims.tasks.check_claim[{task_id}] succeeded", timeout=60)
        time.sleep(3)  # anything that would check it a second time has had its chance

        runs = list(CheckRun.objects.filter(claim=claim))
        assert len(runs) == 1
        assert (runs[0].state, runs[0].outcome, runs[0].attempts) == (CheckState.DONE, CheckOutcome.CHANGED, 1)
        checked = Claim.objects.select_related("computed_verdict").get(pk=claim.pk)
        assert checked.computed_verdict.rating == Rating.ACCURATE
        assert checked.verdicts.count() == 1
        assert checked.check_lease_until is None
        assert redis.zcard("unacked_index") == 0 and redis.llen("celery") == 0  # acknowledged, nothing left over
        assert "succeeded" not in first.output()
        assert second.output().count(f"Task claims.tasks.check_claim[{task_id}] received") == 1
        run = runs[0]
        note(f"3 s later: {len(runs)} CheckRun of claim {claim.pk}: {run.state}, {run.outcome}, {run.attempts} attempt")
    finally:
        logs = (
            f"=== first worker (pid {first.pid}, SIGKILLed mid-check) ===\n{first.output()}\n"
            f"=== second worker ===\n{second.output() if second else '(not started)'}\n"
            f"=== the test ===\n" + "\n".join(timeline) + "\n"
        )
        KILL_LOG.write_text(logs)
        print(logs)


def test_with_the_broker_down_an_editor_saves_a_claim_and_the_next_sweep_checks_it(
    redis_server, app_broker, start_celery, caplog
):
    series = factories.ReferenceSeriesFactory(slug="ice-beds", unit=Unit.COUNT)
    factories.ObservationFactory(series=series, value=Decimal("38000"))
    redis_server.stop()

    started = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="claims.services"):
        claim = services.claim_create(
            text="ICE holds 38,000 beds",
            stated_on=datetime.date(2024, 2, 14),
            series=series,
            quantity={"value": Decimal("38000"), "unit": Unit.COUNT, "counted_noun": "beds"},
        )
    saving = time.monotonic() - started

    # Saved and committed: the enqueue after commit failed, was logged, and released the claim's lease.
    saved = Claim.objects.get(pk=claim.pk)
    assert saved.check_lease_until is None
    assert saved.last_checked_at is None
    assert "claim.check.not_enqueued" in [record.msg for record in caplog.records]
    assert saving < 10, f"a save waited {saving:.1f} s for an unreachable broker"
    assert not CheckRun.objects.filter(claim=claim).exists()

    redis_server.start()  # the broker is back, on the same port
    worker = start_celery("worker", redis_server.url, ["--concurrency=1"])
    sweep_id = sweep_due_claims.delay().id  # the next beat tick

    run = wait_until(
        lambda: CheckRun.objects.filter(claim=claim, state=CheckState.DONE).first(), 60, what="the claim's check"
    )
    assert run.outcome == CheckOutcome.CHANGED
    claim = Claim.objects.select_related("computed_verdict").get(pk=claim.pk)
    assert claim.computed_verdict.rating == Rating.ACCURATE
    assert claim.check_lease_until is None
    assert f"Task claims.tasks.sweep_due_claims[{sweep_id}] succeeded in" in worker.wait_for(f"[{sweep_id}] succeeded")
