"""The sources tasks (check_source, refresh_series, sweep_source_links, sweep_due_series) run in the test process
against a local HTTP server on 127.0.0.1, as a worker would run them.

`task.apply()` runs a task eagerly with Celery's own retry machinery (an eager retry runs again at once); the
`retries` fixture replaces `Task.retry` by a recorder where a test wants to see the retry a worker would schedule.
The fetch policy is opened to the loopback and any port, as only tests do; an autouse guard fails a test whose
fetch connects anywhere off the loopback.
"""

import datetime
import http.server
import ipaddress
import json
import logging
import socket
import socketserver
import threading
from collections import Counter
from decimal import Decimal
from types import SimpleNamespace

import pytest
from celery.app.task import Task
from celery.exceptions import Retry
from django.db import OperationalError
from django.utils import timezone

from sources import services, tasks
from sources.fetching import FetchError
from sources.models import LinkStatus, Observation, ReferenceSeries, Source, SourceCheck
from sources.signals import series_data_changed
from tests import factories

pytestmark = pytest.mark.django_db

METADATA = "http://169.254.169.254/latest/meta-data/"  # link-local: refused by policy, never connected to


# --- a local HTTP server -------------------------------------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.partition("?")[0]
        self.server.hits[path] += 1
        script = self.server.routes.get(path)
        if not script:
            return self.send(404, b"no such page", "text/plain")
        answer = script.pop(0) if len(script) > 1 else script[0]  # the last answer repeats
        if answer == "hang":  # never answers within the fetch deadline
            self.server.stopping.wait(10)
            return
        if answer == "drop":  # closes the connection without a response
            self.close_connection = True
            return
        self.send(*answer)

    def send(self, status, body, content_type):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        self.routes: dict[str, list] = {}
        self.hits = Counter()
        self.stopping = threading.Event()
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def server_bind(self):
        socketserver.TCPServer.server_bind(self)  # no FQDN lookup
        self.server_name, self.server_port = self.server_address[:2]

    def serve(self, path: str, *answers) -> str:
        """Answer `path` with each of `answers` in turn, the last one from then on; returns its URL."""
        self.routes[path] = list(answers)
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/feed.csv"  # nothing listens there: connection refused


@pytest.fixture
def server():
    local = LocalServer()
    yield local
    local.close()


@pytest.fixture(autouse=True)
def loopback(settings, monkeypatch):
    """Tests' local servers are fetchable; nothing else off the loopback is ever connected to."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    settings.FETCH_DEADLINE_SECONDS = 1.0
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if isinstance(address, tuple) and not ipaddress.ip_address(address[0]).is_loopback:
            pytest.fail(f"a fetch connected to {address!r}, off the loopback")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)


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
def eager():
    """What a sweep enqueues runs at once in this process, as if a worker took it straight away."""
    from factcheck.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def data_changed():
    """The series_data_changed signals sent (after commit), as (slug, added)."""
    sent = []

    def receiver(sender, series, added, **kwargs):
        sent.append((series.slug, added))

    series_data_changed.connect(receiver, dispatch_uid="test-sources-tasks")
    yield sent
    series_data_changed.disconnect(dispatch_uid="test-sources-tasks")


PAGE = (200, b"<html><body><p>ICE detention reached 38,000 beds.</p></body></html>", "text/html; charset=utf-8")
CSV = "text/csv"
FEED_V1 = (
    200,
    b"period_start,period_end,value,vintage\n2024-01-01,2024-01-31,38000,2024-02-10\n,2024-02-29,37500,2024-03-10\n",
    CSV,
)
FEED_V2 = (  # the January figure revised in a newer release
    200,
    b"period_start,period_end,value,vintage\n2024-01-01,2024-01-31,30000,2024-03-15\n,2024-02-29,37500,2024-03-10\n",
    CSV,
)


def observations(series):
    return sorted(
        (o.period_start.isoformat(), o.period_end.isoformat(), o.value, o.vintage.isoformat())
        for o in Observation.objects.filter(series=series)
    )


# --- check_source ----------------------------------------------------------------------------------------------------


def test_check_source_records_a_check(server):
    source = factories.SourceFactory(url=server.serve("/article", PAGE))

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "SUCCESS"
    check = SourceCheck.objects.get(source=source)
    assert (check.status_code, check.error_code, check.changed) == (200, "", False)
    assert len(check.content_hash) == 64
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK
    assert "38,000 beds" in source.text_snapshot


def test_check_source_twice_appends_a_second_check_that_found_nothing_changed(server):
    source = factories.SourceFactory(url=server.serve("/article", PAGE))

    tasks.check_source.apply(args=[source.pk])
    tasks.check_source.apply(args=[source.pk])

    first, second = SourceCheck.objects.filter(source=source).order_by("id")
    assert second.content_hash == first.content_hash
    assert second.changed is False
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


def test_check_source_of_a_deleted_source_returns_quietly(server, caplog):
    source = factories.SourceFactory(url=server.serve("/article", PAGE))
    source_id = source.pk
    source.delete()

    with caplog.at_level(logging.INFO, logger="sources.tasks"):
        result = tasks.check_source.apply(args=[source_id])

    assert result.state == "SUCCESS"
    assert server.hits["/article"] == 0
    assert "source.check.skipped_missing" in [r.msg for r in caplog.records]
    assert not SourceCheck.objects.exists()


@pytest.mark.parametrize(
    ("answer", "code"),
    [pytest.param("hang", "deadline_exceeded", id="deadline"), pytest.param("drop", "connection_failed", id="dropped")],
)
def test_check_source_records_a_transient_failure_and_retries_it(server, retries, answer, code):
    source = factories.SourceFactory(url=server.serve("/article", answer))

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "RETRY"
    assert len(retries) == 1
    assert isinstance(retries[0].exc, FetchError) and retries[0].exc.code == code
    assert 0 <= retries[0].countdown <= 30
    check = SourceCheck.objects.get(source=source)
    assert check.error_code == code
    source.refresh_from_db()
    assert source.last_status == LinkStatus.ERROR


def test_check_source_on_a_closed_port_is_retried(retries):
    source = factories.SourceFactory(url=closed_port_url())

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "RETRY"
    assert SourceCheck.objects.get(source=source).error_code == "connection_failed"


def test_check_source_retry_after_a_dropped_connection_records_the_page(server):
    source = factories.SourceFactory(url=server.serve("/article", "drop", PAGE))

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "SUCCESS"
    assert [c.error_code or c.status_code for c in SourceCheck.objects.filter(source=source).order_by("id")] == [
        "connection_failed",
        200,
    ]
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


def test_check_source_stops_retrying_after_its_bound():
    source = factories.SourceFactory(url=closed_port_url())

    result = tasks.check_source.apply(args=[source.pk], throw=False)

    assert result.state == "FAILURE"
    assert "connection_failed" in str(result.result)
    assert SourceCheck.objects.filter(source=source).count() == 1 + tasks.RETRY["max_retries"]


def test_check_source_records_a_refused_address_and_does_not_retry(retries):
    source = factories.SourceFactory(url=METADATA)

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "SUCCESS"
    assert retries == []
    check = SourceCheck.objects.get(source=source)
    assert (check.error_code, check.status_code) == ("address_not_allowed", None)
    source.refresh_from_db()
    assert source.last_status == LinkStatus.ERROR


def test_check_source_records_a_missing_page_and_does_not_retry(server, retries):
    source = factories.SourceFactory(url=server.serve("/gone", (404, b"not found", "text/plain")))

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "SUCCESS"
    assert retries == []
    assert SourceCheck.objects.get(source=source).status_code == 404
    source.refresh_from_db()
    assert source.last_status == LinkStatus.MISSING


def test_check_source_retries_a_database_error_with_backoff(server, retries, monkeypatch):
    source = factories.SourceFactory(url=server.serve("/article", PAGE))

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "source_check", database_gone)

    result = tasks.check_source.apply(args=[source.pk])

    assert result.state == "RETRY"
    assert isinstance(retries[0].exc, OperationalError)
    assert 0 <= retries[0].countdown <= 30


# --- refresh_series -------------------------------------------------------------------------------------------------


def feed_series(url: str, **fields) -> ReferenceSeries:
    return factories.ReferenceSeriesFactory(slug="ice-beds", feed_url=url, **fields)


@pytest.mark.parametrize(
    "feed",
    [
        pytest.param(FEED_V1, id="csv"),
        pytest.param(
            (
                200,
                json.dumps(
                    [
                        {
                            "period_start": "2024-01-01",
                            "period_end": "2024-01-31",
                            "value": "38000",
                            "vintage": "2024-02-10",
                        },
                        {"period_end": "2024-02-29", "value": 37500, "vintage": "2024-03-10"},
                    ]
                ).encode(),
                "application/json",
            ),
            id="json",
        ),
    ],
)
def test_refresh_series_twice_records_each_release_once(server, feed, data_changed, django_capture_on_commit_callbacks):
    series = feed_series(server.serve("/feed", feed))

    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.refresh_series.apply(args=[series.slug])
    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.refresh_series.apply(args=[series.slug])

    assert (first.state, second.state) == ("SUCCESS", "SUCCESS")
    assert observations(series) == [
        ("2024-01-01", "2024-01-31", Decimal("38000"), "2024-02-10"),
        ("2024-02-29", "2024-02-29", Decimal("37500"), "2024-03-10"),
    ]
    assert data_changed == [("ice-beds", 2)]  # only the refresh that added data announces it
    series.refresh_from_db()
    assert series.last_refreshed_at is not None


def test_refresh_series_adds_a_revision_as_a_new_release_and_keeps_the_old(server):
    series = feed_series(server.serve("/feed", FEED_V1, FEED_V2))

    tasks.refresh_series.apply(args=[series.slug])
    tasks.refresh_series.apply(args=[series.slug])

    assert observations(series) == [
        ("2024-01-01", "2024-01-31", Decimal("30000"), "2024-03-15"),
        ("2024-01-01", "2024-01-31", Decimal("38000"), "2024-02-10"),
        ("2024-02-29", "2024-02-29", Decimal("37500"), "2024-03-10"),
    ]


def test_refresh_series_when_another_refresh_recorded_the_release_first_adds_nothing(
    server, monkeypatch, data_changed, django_capture_on_commit_callbacks
):
    series = feed_series(server.serve("/feed", FEED_V1))
    original = services.observation_add

    def another_worker_was_first(**kwargs):
        # Another refresh of the same feed committed this release between our read and our insert.
        Observation.objects.get_or_create(
            series=kwargs["series"], period_start=kwargs["period_start"], period_end=kwargs["period_end"],
            vintage=kwargs["vintage"], defaults={"value": kwargs["value"]},
        )
        return original(**kwargs)

    monkeypatch.setattr(services, "observation_add", another_worker_was_first)

    with django_capture_on_commit_callbacks(execute=True):
        result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "SUCCESS"
    assert len(observations(series)) == 2
    assert data_changed == []  # the other refresh announced it


def test_refresh_series_of_a_deleted_series_or_one_without_a_feed_returns_quietly(server, caplog):
    no_feed = factories.ReferenceSeriesFactory(slug="no-feed", feed_url="")

    with caplog.at_level(logging.INFO, logger="sources.tasks"):
        gone = tasks.refresh_series.apply(args=["no-such-series"])
        without = tasks.refresh_series.apply(args=[no_feed.slug])

    assert (gone.state, without.state) == ("SUCCESS", "SUCCESS")
    assert [r.msg for r in caplog.records if r.name == "sources.tasks"] == ["series.refresh.skipped"] * 2
    assert not Observation.objects.exists()


@pytest.mark.parametrize(
    ("answers", "code"),
    [
        pytest.param([(503, b"try later", "text/plain")], "invalid_response", id="503"),
        pytest.param(["hang"], "deadline_exceeded", id="deadline"),
        pytest.param(["drop"], "connection_failed", id="dropped"),
    ],
)
def test_refresh_series_retries_a_transient_failure(server, retries, answers, code):
    series = feed_series(server.serve("/feed", *answers))

    result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "RETRY"
    assert len(retries) == 1
    assert retries[0].exc.code == code and retries[0].exc.transient
    assert 0 <= retries[0].countdown <= 30
    assert not Observation.objects.exists()
    series.refresh_from_db()
    assert series.last_refreshed_at is None  # still due for the next sweep


def test_refresh_series_after_a_503_records_the_feed_on_retry(server):
    series = feed_series(server.serve("/feed", (503, b"try later", "text/plain"), FEED_V1))

    result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "SUCCESS"
    assert server.hits["/feed"] == 2
    assert len(observations(series)) == 2


@pytest.mark.parametrize(
    ("url_of", "event"),
    [
        pytest.param(lambda server: METADATA, "series.refresh.refused", id="refused address"),
        pytest.param(
            lambda server: server.serve("/feed", (404, b"no", "text/plain")), "series.refresh.refused", id="404"
        ),
        pytest.param(lambda server: server.serve("/feed", PAGE), "series.refresh.unreadable", id="html page"),
        pytest.param(
            lambda server: server.serve("/feed", (200, b"\xff\xfe\x00binary", "application/octet-stream")),
            "series.refresh.unreadable",
            id="not utf-8",
        ),
        pytest.param(
            lambda server: server.serve("/feed", (200, b'{"value": 1}', "application/json")),
            "series.refresh.unreadable",
            id="json not a list",
        ),
    ],
)
def test_refresh_series_logs_a_permanent_failure_and_does_not_retry(server, retries, caplog, url_of, event):
    series = feed_series(url_of(server))

    with caplog.at_level(logging.WARNING, logger="sources.tasks"):
        result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "SUCCESS"
    assert retries == []
    assert [r.msg for r in caplog.records if r.name == "sources.tasks"] == [event]
    assert not Observation.objects.exists()


def test_refresh_series_refuses_a_bad_row_alone(server, retries):
    feed = (200, b"period_end,value,vintage\n2024-01-31,38000,2024-02-10\n2024-02-29,lots,2024-03-10\n", CSV)
    series = feed_series(server.serve("/feed", feed))

    result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "SUCCESS"
    assert retries == []
    assert observations(series) == [("2024-01-31", "2024-01-31", Decimal("38000"), "2024-02-10")]


def test_refresh_series_retries_a_database_error_with_backoff(server, retries, monkeypatch):
    series = feed_series(server.serve("/feed", FEED_V1))

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "series_refresh", database_gone)

    result = tasks.refresh_series.apply(args=[series.slug])

    assert result.state == "RETRY"
    assert isinstance(retries[0].exc, OperationalError)
    assert 0 <= retries[0].countdown <= 30


# --- sweep_source_links -------------------------------------------------------------------------------------------


def test_sweep_source_links_checks_every_source_once_per_run(server, eager):
    ok = factories.SourceFactory(url=server.serve("/a", PAGE))
    gone = factories.SourceFactory(url=server.serve("/b", (404, b"gone", "text/plain")))

    assert tasks.sweep_source_links.apply().get() == 2
    assert tasks.sweep_source_links.apply().get() == 2

    assert (server.hits["/a"], server.hits["/b"]) == (2, 2)
    assert SourceCheck.objects.filter(source=ok).count() == SourceCheck.objects.filter(source=gone).count() == 2
    assert {s.pk: s.last_status for s in Source.objects.all()} == {ok.pk: LinkStatus.OK, gone.pk: LinkStatus.MISSING}


def test_sweep_source_links_checks_the_others_when_one_was_deleted_or_is_refused(server, retries, monkeypatch):
    ok = factories.SourceFactory(url=server.serve("/a", PAGE))
    deleted = factories.SourceFactory(url=server.serve("/b", PAGE))
    refused = factories.SourceFactory(url=METADATA)
    queued = []
    monkeypatch.setattr(tasks.check_source, "delay", queued.append)

    assert tasks.sweep_source_links.apply().get() == 3
    deleted.delete()  # after the sweep handed it out, before a worker took it
    results = [tasks.check_source.apply(args=[source_id]) for source_id in queued]

    assert [r.state for r in results] == ["SUCCESS"] * 3
    assert retries == []
    checks = {c.source_id: c.error_code for c in SourceCheck.objects.all()}
    assert checks == {ok.pk: "", refused.pk: "address_not_allowed"}
    assert server.hits["/b"] == 0


def test_sweep_source_links_retries_a_database_error_with_backoff(retries, monkeypatch):
    class Unreachable:
        def order_by(self, *fields):
            raise OperationalError("could not connect to server")

    monkeypatch.setattr(tasks, "Source", SimpleNamespace(objects=Unreachable()))

    result = tasks.sweep_source_links.apply()

    assert result.state == "RETRY"
    assert [r.task for r in retries] == ["sources.tasks.sweep_source_links"]
    assert 0 <= retries[0].countdown <= 30


# --- sweep_due_series ---------------------------------------------------------------------------------------------


def test_sweep_due_series_refreshes_exactly_the_due_series(server, eager):
    now = timezone.now()
    day = datetime.timedelta(days=1)

    def series(slug, **fields):
        fields.setdefault("feed_url", server.serve(f"/{slug}", FEED_V1))
        fields.setdefault("refresh_every", day)
        return factories.ReferenceSeriesFactory(slug=slug, **fields)

    due = {
        series("never-refreshed"),
        series("cadence-elapsed", last_refreshed_at=now - 2 * day),
    }
    not_due = {
        series("refreshed-lately", last_refreshed_at=now - datetime.timedelta(hours=1)),
        series("no-feed", feed_url=""),
        series("no-cadence", refresh_every=None),
    }

    assert tasks.sweep_due_series.apply().get() == len(due)

    refreshed = ReferenceSeries.objects.filter(observations__isnull=False).distinct()
    assert {s.slug for s in refreshed} == {s.slug for s in due}
    for s in not_due:
        assert server.hits[f"/{s.slug}"] == 0, s.slug
    # runs twice: the refreshed series are no longer due
    assert tasks.sweep_due_series.apply().get() == 0
    assert Observation.objects.count() == 2 * len(due)


def test_sweep_due_series_refreshes_the_others_when_one_was_deleted_or_its_feed_is_broken(server, monkeypatch):
    every = {"refresh_every": datetime.timedelta(days=1)}
    good = factories.ReferenceSeriesFactory(slug="good", feed_url=server.serve("/good", FEED_V1), **every)
    broken = factories.ReferenceSeriesFactory(slug="broken", feed_url=server.serve("/broken", PAGE), **every)
    deleted = factories.ReferenceSeriesFactory(slug="deleted", feed_url=server.serve("/deleted", FEED_V1), **every)
    queued = []
    monkeypatch.setattr(tasks.refresh_series, "delay", queued.append)

    assert tasks.sweep_due_series.apply().get() == 3
    deleted.delete()
    results = [tasks.refresh_series.apply(args=[slug]) for slug in queued]

    assert [r.state for r in results] == ["SUCCESS"] * 3
    assert len(observations(good)) == 2 and observations(broken) == []
    assert server.hits["/deleted"] == 0
    # The broken feed was not marked refreshed: the next sweep tries it again, and only it.
    queued.clear()
    assert tasks.sweep_due_series.apply().get() == 1
    assert queued == ["broken"]


def test_sweep_due_series_retries_a_database_error_with_backoff(retries, monkeypatch):
    def database_gone(**kwargs):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services, "series_due_for_refresh", database_gone)

    result = tasks.sweep_due_series.apply()

    assert result.state == "RETRY"
    assert [r.task for r in retries] == ["sources.tasks.sweep_due_series"]
