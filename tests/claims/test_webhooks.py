"""Webhooks to a local receiver on 127.0.0.1: verdict.published, verdict.corrected and claim.drift, signed with
HMAC-SHA256 of the raw body, one delivery log row per subscriber, retried with backoff on transient failures only.

Events are emitted by the services and delivered after commit (`django_capture_on_commit_callbacks(execute=True)`)
by `deliver_webhook`, run in this process (`eager`): no broker, no worker. The `retries` fixture replaces
`Task.retry` by a recorder where a test wants to see the retry a worker would schedule instead of running it.
"""

import datetime
import hashlib
import hmac
import http.server
import json
import logging
import socket
import socketserver
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from celery.app.task import Task
from celery.exceptions import Retry
from django.db import OperationalError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from kombu.exceptions import OperationalError as BrokerUnreachable

from claims import services, tasks
from claims.models import DeliveryState, Rating, WebhookDelivery, WebhookEvent, WebhookSubscription
from factcheck.celery import app
from sources.models import Unit
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "receiver-shared-secret"


# --- a local receiver -----------------------------------------------------------------------------------------------


class ReceiverHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        path = self.path.partition("?")[0]
        self.server.received.append(
            SimpleNamespace(path=path, headers={k.lower(): v for k, v in self.headers.items()}, body=body)
        )
        script = self.server.answers.setdefault(path, [200])
        status = script.pop(0) if len(script) > 1 else script[0]
        reply = b"ok" if status < 300 else b"no"
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


class Receiver(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.received = []
        self.answers: dict[str, list[int]] = {}
        super().__init__(("127.0.0.1", 0), ReceiverHandler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no FQDN lookup
        self.server_name, self.server_port = self.server_address[:2]

    def url(self, path: str, *statuses: int) -> str:
        """The URL of `path`, which answers each of `statuses` in turn and the last one from then on (default 200)."""
        if statuses:
            self.answers[path] = list(statuses)
        return f"http://127.0.0.1:{self.port}{path}"

    def events(self, path: str) -> list[str]:
        return [r.headers["x-factcheck-event"] for r in self.received if r.path == path]


@pytest.fixture
def receiver(settings):
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    settings.FETCH_DEADLINE_SECONDS = 2.0
    server = Receiver()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def eager():
    """What is enqueued runs at once in this process, as if a worker took it straight away."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


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
def claim(series):
    factories.ObservationFactory(series=series, value=Decimal("38000"))
    claim = factories.ClaimFactory(series=series, value=Decimal("38000"), as_of=datetime.date(2024, 2, 14))
    services.claim_check(claim=claim)
    return claim


def subscribe(url: str, events=(), name="Newsroom CMS", **fields) -> WebhookSubscription:
    return WebhookSubscription.objects.create(name=name, url=url, secret=SECRET, events=list(events), **fields)


def assert_signed_event(request, event: str, secret: str = SECRET) -> dict:
    """The request is a well-formed event: signature over the raw body, event id header = payload id."""
    expected = "sha256=" + hmac.new(secret.encode(), request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(request.headers["x-factcheck-signature"], expected)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-factcheck-event"] == event
    payload = json.loads(request.body)
    assert payload["event"] == event
    assert request.headers["x-factcheck-event-id"] == payload["id"]
    return payload


def pending_delivery(url: str, event=WebhookEvent.VERDICT_PUBLISHED) -> WebhookDelivery:
    """A delivery as webhook_emit leaves it, without a claim or a verdict behind it."""
    import uuid

    event_id = uuid.uuid4()
    return WebhookDelivery.objects.create(
        subscription=subscribe(url), event_id=event_id, event=event, payload={"id": str(event_id), "event": event}
    )


# --- the three events ---------------------------------------------------------------------------------------------


def test_a_published_verdict_is_posted_signed(claim, receiver, eager, django_capture_on_commit_callbacks):
    subscribe(receiver.url("/hook"))

    with django_capture_on_commit_callbacks(execute=True):
        verdict = services.verdict_publish(claim=claim)

    (request,) = receiver.received
    payload = assert_signed_event(request, "verdict.published")
    assert payload["claim"]["id"] == claim.pk
    assert payload["claim"]["status"] == "published"
    assert payload["verdict"]["id"] == verdict.pk
    assert payload["verdict"]["rating"] == Rating.ACCURATE
    assert Decimal(payload["verdict"]["claimed_value"]) == Decimal(payload["verdict"]["reference_value"]) == 38000
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 1, 200)
    assert str(delivery.event_id) == payload["id"]


def test_a_published_verdict_carries_its_numbers_as_the_api_writes_them(
    claim, receiver, eager, django_capture_on_commit_callbacks
):
    subscribe(receiver.url("/hook"))

    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(claim=claim)

    payload = json.loads(receiver.received[0].body)
    assert (payload["verdict"]["claimed_value"], payload["verdict"]["reference_value"]) == ("38000", "38000")


def test_a_correction_is_posted_signed(claim, receiver, eager, editor, django_capture_on_commit_callbacks):
    subscribe(receiver.url("/hook"))
    with django_capture_on_commit_callbacks(execute=True):
        published = services.verdict_publish(claim=claim)
        correction = services.verdict_correct(
            claim=claim,
            rating=Rating.MOSTLY_ACCURATE,
            explanation="Funded, not occupied.",
            note="We misread the table.",
            user=editor,
        )

    assert receiver.events("/hook") == ["verdict.published", "verdict.corrected"]
    payload = assert_signed_event(receiver.received[1], "verdict.corrected")
    assert payload["verdict"]["id"] == correction.pk
    assert payload["verdict"]["supersedes"] == published.pk
    assert payload["verdict"]["note"] == "We misread the table."


def test_drift_is_posted_signed(claim, series, receiver, eager, django_capture_on_commit_callbacks):
    subscribe(receiver.url("/hook"), events=[WebhookEvent.CLAIM_DRIFT])
    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(claim=claim)
    factories.ObservationFactory(series=series, value=Decimal("30000"), vintage=datetime.date(2024, 3, 1))  # a revision

    with django_capture_on_commit_callbacks(execute=True):
        result = services.claim_check(claim=claim)

    (request,) = receiver.received
    payload = assert_signed_event(request, "claim.drift")
    assert payload["claim"]["id"] == claim.pk
    assert payload["verdict"]["id"] == result.computed_verdict.pk
    assert payload["verdict"]["rating"] == Rating.MOSTLY_INACCURATE
    assert payload["verdict"]["published_at"] is None  # drift is flagged, never published by itself


def test_each_subscriber_gets_its_own_delivery_of_the_events_it_asked_for(
    claim, receiver, eager, editor, django_capture_on_commit_callbacks
):
    published_only = subscribe(receiver.url("/a"), events=[WebhookEvent.VERDICT_PUBLISHED], name="A")
    everything = subscribe(receiver.url("/b"), name="B")
    inactive = subscribe(receiver.url("/c"), name="C", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        services.verdict_publish(claim=claim)
        services.verdict_correct(
            claim=claim, rating=Rating.ACCURATE, explanation="Checked again.", note="Typo.", user=editor
        )

    assert receiver.events("/a") == ["verdict.published"]
    assert receiver.events("/b") == ["verdict.published", "verdict.corrected"]
    assert receiver.events("/c") == []
    log = {
        (d.subscription.name, d.event): d.state for d in WebhookDelivery.objects.select_related("subscription")
    }
    assert log == {
        ("A", "verdict.published"): DeliveryState.DELIVERED,
        ("B", "verdict.published"): DeliveryState.DELIVERED,
        ("B", "verdict.corrected"): DeliveryState.DELIVERED,
    }
    assert not inactive.deliveries.exists()
    # One event, one id, whoever receives it.
    ids = {(d.event, d.subscription_id): d.event_id for d in WebhookDelivery.objects.all()}
    assert ids[("verdict.published", published_only.pk)] == ids[("verdict.published", everything.pk)]


def test_an_event_rolled_back_with_its_transaction_is_not_posted(
    claim, receiver, eager, django_capture_on_commit_callbacks
):
    from django.db import transaction

    subscribe(receiver.url("/hook"))
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.verdict_publish(claim=claim)
            raise RuntimeError("the request failed after publishing")

    assert receiver.received == []
    assert not WebhookDelivery.objects.exists()


# --- deliver_webhook: twice, in progress, deleted ---------------------------------------------------------------------


def test_deliver_webhook_twice_posts_once(receiver):
    delivery = pending_delivery(receiver.url("/hook"))

    first = tasks.deliver_webhook.apply(args=[delivery.pk])
    second = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert (first.state, second.state) == ("SUCCESS", "SUCCESS")
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)


def test_deliver_webhook_leaves_a_delivery_another_worker_is_sending_alone(receiver):
    delivery = pending_delivery(receiver.url("/hook"))
    lease = timezone.now() + datetime.timedelta(minutes=4)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(lease_until=lease, attempts=1)

    result = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert result.state == "SUCCESS"
    assert receiver.received == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.lease_until) == (DeliveryState.PENDING, 1, lease)


def test_deliver_webhook_takes_over_a_delivery_whose_lease_ran_out(receiver):
    delivery = pending_delivery(receiver.url("/hook"))
    ran_out = timezone.now() - datetime.timedelta(seconds=1)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(lease_until=ran_out, attempts=1)

    tasks.deliver_webhook.apply(args=[delivery.pk])

    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 2)


def test_deliver_webhook_of_a_deleted_delivery_returns_quietly(receiver, caplog):
    delivery = pending_delivery(receiver.url("/hook"))
    delivery_id = delivery.pk
    delivery.delete()

    with caplog.at_level(logging.INFO, logger="claims.tasks"):
        result = tasks.deliver_webhook.apply(args=[delivery_id])

    assert result.state == "SUCCESS"
    assert receiver.received == []
    assert [r.msg for r in caplog.records if r.name == "claims.tasks"] == ["webhook.delivery.skipped_missing"]


# --- transient failures are retried with the same event id; permanent ones are not -------------------------------


@pytest.mark.parametrize("status", [503, 500, 429, 408])
def test_a_transient_answer_is_retried_later_with_the_same_event_id(receiver, retries, status):
    delivery = pending_delivery(receiver.url("/hook", status, 200))

    first = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert first.state == "RETRY"
    assert len(retries) == 1
    assert 0 <= retries[0].countdown <= 30  # backoff with full jitter: 30 s * 2**0 at most
    assert retries[0].max_retries == services.WEBHOOK_MAX_ATTEMPTS - 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code, delivery.last_error) == (
        DeliveryState.PENDING, 1, status, f"http_{status}"
    )
    assert delivery.lease_until is None  # the retry may take it

    second = tasks.deliver_webhook.apply(args=[delivery.pk], retries=1)  # what the worker runs after the countdown

    assert second.state == "SUCCESS"
    assert len(receiver.received) == 2
    one, two = receiver.received
    assert two.headers["x-factcheck-event-id"] == one.headers["x-factcheck-event-id"] == str(delivery.event_id)
    assert two.body == one.body
    assert two.headers["x-factcheck-signature"] == one.headers["x-factcheck-signature"]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (DeliveryState.DELIVERED, 2, 200)


def test_backoff_grows_with_each_attempt(receiver, retries, monkeypatch):
    monkeypatch.setattr(services.random, "randint", lambda low, high: high)  # the jitter's upper bound
    delivery = pending_delivery(receiver.url("/hook", 503))

    for attempt in range(4):
        tasks.deliver_webhook.apply(args=[delivery.pk], retries=attempt)

    assert [r.countdown for r in retries] == [30, 60, 120, 240]


def test_a_receiver_that_is_down_is_retried(receiver, retries):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    delivery = pending_delivery(f"http://127.0.0.1:{closed}/hook")

    result = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert result.state == "RETRY"
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error) == (DeliveryState.PENDING, "connection_failed")


def test_a_receiver_that_keeps_failing_is_given_up_after_the_last_attempt(receiver):
    delivery = pending_delivery(receiver.url("/hook", 503))

    result = tasks.deliver_webhook.apply(args=[delivery.pk])  # eager: each retry runs at once

    assert result.state == "SUCCESS"
    assert len(receiver.received) == services.WEBHOOK_MAX_ATTEMPTS
    assert {r.headers["x-factcheck-event-id"] for r in receiver.received} == {str(delivery.event_id)}
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, services.WEBHOOK_MAX_ATTEMPTS)


@pytest.mark.parametrize("status", [400, 401, 404, 410, 302])
def test_a_refusing_receiver_is_not_retried(receiver, retries, status):
    delivery = pending_delivery(receiver.url("/hook", status))

    result = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert result.state == "SUCCESS"
    assert retries == []
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_error) == (DeliveryState.FAILED, 1, f"http_{status}")


def test_a_refused_address_is_not_posted_to_nor_retried(receiver, retries):
    delivery = pending_delivery("http://169.254.169.254/latest/meta-data/hook")

    result = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert result.state == "SUCCESS"
    assert retries == []
    delivery.refresh_from_db()
    assert (delivery.state, delivery.last_error, delivery.last_status_code) == (
        DeliveryState.FAILED, "address_not_allowed", None
    )


def test_a_database_error_is_retried_with_backoff(receiver, retries, monkeypatch):
    delivery = pending_delivery(receiver.url("/hook"))

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "webhook_deliver", database_gone)

    result = tasks.deliver_webhook.apply(args=[delivery.pk])

    assert result.state == "RETRY"
    assert isinstance(retries[0].exc, OperationalError)
    assert 0 <= retries[0].countdown <= 15


def test_a_delivery_stranded_by_a_database_error_is_sent_by_the_resend_job_once_its_lease_ran_out(
    receiver, eager, monkeypatch
):
    delivery = pending_delivery(receiver.url("/hook"))
    real_refresh = WebhookDelivery.refresh_from_db
    failures = []

    def refresh_failing_once(self, *args, **kwargs):
        if not failures:
            failures.append(1)
            raise OperationalError("server closed the connection unexpectedly")
        return real_refresh(self, *args, **kwargs)

    monkeypatch.setattr(WebhookDelivery, "refresh_from_db", refresh_failing_once)

    # The database failed after the delivery's lease was taken; the task's retry finds it leased and stops.
    assert tasks.deliver_webhook.apply(args=[delivery.pk]).state == "SUCCESS"
    assert failures and receiver.received == []
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.PENDING

    # The lease runs out and the periodic job sends it.
    later = timezone.now() + services.WEBHOOK_LEASE + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert tasks.resend_pending_webhooks.apply().get() == 1

    (request,) = receiver.received
    assert request.headers["x-factcheck-event-id"] == str(delivery.event_id)
    delivery.refresh_from_db()
    assert delivery.state == DeliveryState.DELIVERED


def test_the_resend_job_leaves_young_leased_and_finished_deliveries_alone(receiver, monkeypatch):
    now = timezone.now()
    old = now - datetime.timedelta(minutes=30)

    def delivery(**fields):
        made = pending_delivery(receiver.url("/hook"))
        WebhookDelivery.objects.filter(pk=made.pk).update(created_at=fields.pop("created_at", old), **fields)
        return made.pk

    stranded = delivery()
    expired_lease = delivery(lease_until=now - datetime.timedelta(seconds=1))
    delivery(created_at=now - datetime.timedelta(seconds=10))  # its first attempt is on its way
    delivery(lease_until=now + datetime.timedelta(minutes=3))  # a worker is sending it
    delivery(state=DeliveryState.DELIVERED)
    delivery(state=DeliveryState.FAILED)
    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)

    assert tasks.resend_pending_webhooks.apply().get() == 2
    assert sorted(queued) == sorted([stranded, expired_lease])


def test_the_resend_job_twice_before_a_worker_ran_still_posts_once(receiver, monkeypatch):
    delivery = pending_delivery(receiver.url("/hook"))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)

    tasks.resend_pending_webhooks.apply()
    tasks.resend_pending_webhooks.apply()
    results = [tasks.deliver_webhook.apply(args=[delivery_id]) for delivery_id in queued]

    assert queued == [delivery.pk, delivery.pk] and [r.state for r in results] == ["SUCCESS", "SUCCESS"]
    assert len(receiver.received) == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.DELIVERED, 1)


def test_the_resend_job_retries_a_database_error_with_backoff(retries, monkeypatch):
    def database_gone(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "webhooks_pending_due", database_gone)

    result = tasks.resend_pending_webhooks.apply()

    assert result.state == "RETRY"
    assert [r.task for r in retries] == ["claims.tasks.resend_pending_webhooks"]
    assert 0 <= retries[0].countdown <= 15


def test_the_resend_job_leaves_a_delivery_waiting_for_its_backoff_retry_alone(receiver, retries, monkeypatch):
    monkeypatch.setattr(services.random, "randint", lambda low, high: high)  # the jitter's upper bound
    delivery = pending_delivery(receiver.url("/hook", 503))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - datetime.timedelta(minutes=30))
    for attempt in range(4):
        tasks.deliver_webhook.apply(args=[delivery.pk], retries=attempt)
    assert retries[-1].countdown == 240  # the worker will try again in 4 minutes
    queued = []
    monkeypatch.setattr(tasks.deliver_webhook, "delay", queued.append)

    later = timezone.now() + datetime.timedelta(minutes=1)  # the periodic job runs meanwhile
    monkeypatch.setattr(timezone, "now", lambda: later)
    tasks.resend_pending_webhooks.apply()

    assert queued == []


def test_an_event_emitted_while_the_broker_was_down_is_sent_by_the_scheduled_jobs(
    claim, receiver, eager, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    subscribe(receiver.url("/hook"))

    def unreachable(*args, **kwargs):
        raise BrokerUnreachable("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as broker_down:
        broker_down.setattr(tasks.deliver_webhook, "delay", unreachable)
        with caplog.at_level(logging.WARNING, logger="claims.services"):
            with django_capture_on_commit_callbacks(execute=True):
                services.verdict_publish(claim=claim)  # the editor's publish succeeds
    assert "webhook.delivery.not_enqueued" in [r.msg for r in caplog.records]
    assert WebhookDelivery.objects.get().state == DeliveryState.PENDING

    # The broker is back, and a while later beat runs every scheduled job once.
    later = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    app.loader.import_default_modules()  # every app's tasks, as a worker has them
    for job in PeriodicTask.objects.filter(enabled=True).exclude(task="celery.backend_cleanup"):
        app.tasks[job.task].apply(kwargs=json.loads(job.kwargs or "{}"))

    assert receiver.events("/hook") == ["verdict.published"]
    assert WebhookDelivery.objects.get().state == DeliveryState.DELIVERED
