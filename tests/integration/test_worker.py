"""A real Celery worker and beat (separate processes) against a real Redis of the test's own and the test's
PostgreSQL database. The test only writes data as an editor or a publisher would and then watches the database:
no task is called from the test.

Skips on a laptop without redis-server or PostgreSQL; fails in CI (CI set), where a skip would hide that the
background work never ran for real.
"""

import datetime
import hashlib
import hmac
import http.server
import json
import socketserver
import threading
from decimal import Decimal

import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from claims import services
from claims.models import CheckRun, CheckState, Claim, Rating, WebhookDelivery, WebhookSubscription
from sources.models import Observation, Unit
from tests import factories
from tests.integration.conftest import replay_data_migration, wait_until

pytestmark = [pytest.mark.redis, pytest.mark.postgres]

SECRET = "integration-secret"
LOOPBACK_FETCHES = {"FACTCHECK_TEST_FETCH_LOOPBACK": "1"}  # settings_test lets the worker fetch the local server


class FeedAndReceiver(http.server.ThreadingHTTPServer):
    """GET /feed.csv serves `feed`; POST /hook records webhook requests. On 127.0.0.1, a free port."""

    daemon_threads = True

    def __init__(self, feed: str):
        self.feed = feed
        self.feed_hits = 0
        self.hooks = []
        super().__init__(("127.0.0.1", 0), _Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no FQDN lookup
        self.server_name, self.server_port = self.server_address[:2]

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def hook_events(self):
        return [json.loads(body)["event"] for _headers, body in self.hooks]


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _answer(self, status, body: bytes, content_type: str):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path != "/feed.csv":
            return self._answer(404, b"", "text/plain")
        self.server.feed_hits += 1
        self._answer(200, self.server.feed.encode(), "text/csv")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.server.hooks.append(({k.lower(): v for k, v in self.headers.items()}, body))
        self._answer(200, b"ok", "text/plain")


@pytest.fixture
def local():
    server = FeedAndReceiver(feed="")
    yield server
    server.shutdown()
    server.server_close()


def feed(value: int, vintage: str) -> str:
    return f"period_start,period_end,value,vintage\n2024-01-31,2024-01-31,{value},{vintage}\n"


def run_every_second(*tasks: str) -> None:
    """The beat schedule rows (migration claims/0007) for these tasks, due every second instead of every 15 minutes."""
    replay_data_migration("claims", "0007_beat_schedule", "create_schedule")
    every_second, _ = IntervalSchedule.objects.get_or_create(every=1, period=IntervalSchedule.SECONDS)
    jobs = list(PeriodicTask.objects.filter(task__in=tasks))
    assert sorted(job.task for job in jobs) == sorted(tasks), "the beat schedule from migration 0007 is missing"
    for job in jobs:
        job.interval = every_second
        job.save()  # through save(), so django-celery-beat records that the schedule changed


def test_beat_refreshes_a_series_and_the_worker_rechecks_its_claim(local, redis_server, app_broker, start_celery):
    # An official series with a feed, a claim linked to it, checked and published: accurate (38,000 beds).
    local.feed = feed(38000, "2024-02-10")
    series = factories.ReferenceSeriesFactory(
        slug="ice-beds", unit=Unit.COUNT, feed_url=local.url("/feed.csv"), refresh_every=datetime.timedelta(seconds=1)
    )
    first = factories.ObservationFactory(series=series, value=Decimal("38000"), vintage=datetime.date(2024, 2, 10))
    claim = factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))
    WebhookSubscription.objects.create(name="newsroom", url=local.url("/hook"), secret=SECRET)
    services.claim_check(claim=claim)
    published = services.verdict_publish(claim=claim)  # its webhook goes through Redis to the worker
    run_every_second("claims.tasks.sweep_due_claims", "sources.tasks.sweep_due_series")

    worker = start_celery("worker", redis_server.url, ["--concurrency=2"], **LOOPBACK_FETCHES)
    beat = start_celery("beat", redis_server.url, **LOOPBACK_FETCHES)

    # Beat -> sweep_due_series -> refresh_series in the worker: the feed is read, nothing in it is new.
    wait_until(
        lambda: Observation.objects.filter(series=series).count() == 1
        and type(series).objects.get(pk=series.pk).last_refreshed_at is not None,
        60,
        what="the first scheduled refresh of the series",
    )
    wait_until(lambda: local.hook_events() == ["verdict.published"], 30, what="the verdict.published webhook")

    # The agency revises the figure in a new release.
    local.feed = feed(30000, "2024-03-01")

    revision = wait_until(
        lambda: Observation.objects.filter(series=series, value=Decimal("30000")).first(),
        60,
        what="the worker to record the revised release",
    )
    run = wait_until(
        lambda: CheckRun.objects.filter(claim=claim, data_version=revision.pk, state=CheckState.DONE).first(),
        60,
        what="the worker to re-check the claim against the new data",
    )
    wait_until(lambda: "claim.drift" in local.hook_events(), 30, what="the claim.drift webhook")

    # The new release is a new row; the old one stays.
    assert sorted((o.value, o.vintage.isoformat()) for o in Observation.objects.filter(series=series)) == [
        (Decimal("30000"), "2024-03-01"),
        (Decimal("38000"), "2024-02-10"),
    ]
    assert first.pk < revision.pk
    # Re-checked once for the new data (the refresh's signal and the sweep both saw it; the lease and the key held).
    assert CheckRun.objects.filter(claim=claim, data_version=revision.pk).count() == 1
    claim = Claim.objects.select_related("computed_verdict", "published_verdict").get(pk=claim.pk)
    assert claim.computed_verdict.check_run_id == run.pk
    assert claim.computed_verdict.rating == Rating.MOSTLY_INACCURATE
    assert claim.computed_verdict.observation_id == revision.pk
    assert claim.published_verdict_id == published.pk  # drift is flagged, never published by itself
    assert claim.drift is True
    assert claim.check_lease_until is None

    drift_headers, drift_body = next((h, b) for h, b in local.hooks if json.loads(b)["event"] == "claim.drift")
    signature = hmac.new(SECRET.encode(), drift_body, hashlib.sha256).hexdigest()
    assert drift_headers["x-factcheck-signature"] == f"sha256={signature}"
    assert drift_headers["x-factcheck-event-id"] == json.loads(drift_body)["id"]
    assert json.loads(drift_body)["verdict"]["rating"] == Rating.MOSTLY_INACCURATE
    assert WebhookDelivery.objects.filter(event="claim.drift", state="delivered").count() == 1

    succeeded = [line for line in worker.output().splitlines() if "] succeeded in " in line]
    for task in ("sources.tasks.refresh_series", "claims.tasks.check_claim", "claims.tasks.deliver_webhook"):
        assert any(f"Task {task}[" in line for line in succeeded), task
    assert "Sending due task" in beat.output()


def test_a_claim_an_editor_saves_is_checked_by_the_worker_after_commit(redis_server, app_broker, start_celery):
    series = factories.ReferenceSeriesFactory(slug="eoir-pending", unit=Unit.COUNT, counted_noun="cases")
    factories.ObservationFactory(series=series, value=Decimal("1650000"), period_end=datetime.date(2024, 3, 31))
    worker = start_celery("worker", redis_server.url, ["--concurrency=1"])

    claim = services.claim_create(
        text="Immigration courts have 2 million pending cases",
        stated_on=datetime.date(2024, 4, 20),
        series=series,
        quantity={"value": Decimal("2000000"), "unit": Unit.COUNT, "counted_noun": "cases"},
    )

    run = wait_until(
        lambda: CheckRun.objects.filter(claim=claim, state=CheckState.DONE).first(), 60, what="the worker's check"
    )
    claim.refresh_from_db()
    assert claim.computed_verdict.rating == Rating.HALF_ACCURATE  # 21% too high
    assert claim.check_lease_until is None  # taken at the save, released by the worker
    assert claim.last_checked_at == run.started_at
    assert "Task claims.tasks.check_claim[" in worker.wait_for("] succeeded in ")
