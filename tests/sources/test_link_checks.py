"""Link checks of sources (sources.services.source_check) against a local HTTP server, and the API that runs one.

The server runs on 127.0.0.1 (module scope) with FETCH_ALLOW_LOOPBACK=True and any port allowed, as in
test_fetching.py. An autouse guard makes sure nothing leaves the loopback: socket connects to any other address
fail the test (and are recorded, so a test can also assert that a refused URL was never connected to), and a
name other than a loopback one does not resolve. test_series_refresh.py and test_commands.py import the server
and the guard from here.
"""

import hashlib
import http.server
import ipaddress
import logging
import socket
import socketserver
import threading
from collections import Counter

import pytest
from django.db import transaction

from claims.services import claims_with_source_problems
from sources import services
from sources.fetching import FetchError
from sources.models import LinkStatus, Source, SourceCheck
from sources.signals import source_link_changed
from tests import factories

pytestmark = pytest.mark.django_db

# --- What the server serves ----------------------------------------------------------------------------------------

ARTICLE = b"<html><head><script>var x=1</script></head><body><p>ICE holds 38,000 beds.</p></body></html>"
ARTICLE_TEXT = "ICE holds 38,000 beds."
# The visible text changed.
ARTICLE_TEXT_CHANGED = b"<html><head><script>var x=1</script></head><body><p>ICE holds 41,500 beds.</p></body></html>"
# Only the script changed: what readers see is the same, so it is not a change.
ARTICLE_SCRIPT_CHANGED = (
    b"<html><head><script>var x=2; trackVisitor('abc123')</script></head>"
    b"<body><p>ICE holds 38,000 beds.</p></body></html>"
)

CSV_FEED = (
    b"period_start,period_end,value,vintage\n"
    b"2024-01-01,2024-01-31,38000,2024-02-10\n"
    b"2024-02-01,2024-02-29,39000,2024-03-10\n"
)
JSON_FEED = (
    b'[{"period_end": "2024-03-31", "value": "41000"},'
    b' {"period_start": "2024-04-01", "period_end": "2024-04-30", "value": 42000, "vintage": "2024-05-10"}]'
)
BAD_ROWS_FEED = (
    b"period_start,period_end,value,vintage\n"
    b"2024-01-01,2024-01-31,38000,2024-02-10\n"  # row 1: good
    b"2024-02-01,,39000,2024-03-10\n"  # row 2: no period_end
    b"2024-03-01,2024-03-31,lots,2024-04-10\n"  # row 3: not a number
    b"2024-04-01,2024-04-30,NaN,2024-05-10\n"  # row 4: not finite
    b"2024-05-01,2024-13-45,40000,2024-06-10\n"  # row 5: not a date
    b"2024-06-01,2024-06-30,41000,2024-07-10\n"  # row 6: good
)
HTML_PAGE = b"<!doctype html><html><body><h1>Detention statistics</h1><p>Download the data below.</p></body></html>"

METADATA_URL = "http://169.254.169.254/latest/meta-data/"

DEFAULT_ROUTES = {
    "/article": (200, "text/html; charset=utf-8", ARTICLE, ()),
    "/article-text-changed": (200, "text/html; charset=utf-8", ARTICLE_TEXT_CHANGED, ()),
    "/article-script-changed": (200, "text/html; charset=utf-8", ARTICLE_SCRIPT_CHANGED, ()),
    "/gone-404": (404, "text/html", b"<html><body>Not found</body></html>", ()),
    "/gone-410": (410, "text/html", b"<html><body>Gone</body></html>", ()),
    "/broken": (500, "text/html", b"<html><body>Internal Server Error</body></html>", ()),
    "/feed.csv": (200, "text/csv; charset=utf-8", CSV_FEED, ()),
    "/feed.json": (200, "application/json", JSON_FEED, ()),
    "/feed-bad-rows.csv": (200, "text/csv", BAD_ROWS_FEED, ()),
    "/feed.html": (200, "text/html; charset=utf-8", HTML_PAGE, ()),
    "/to-metadata": (302, "text/plain", b"", (("Location", METADATA_URL),)),
}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.partition("?")[0]
        self.server.hits[path] += 1
        status, content_type, body, headers = self.server.routes.get(
            path, (404, "text/plain", b"no such route", ())
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


class Site(http.server.ThreadingHTTPServer):
    """A local server whose routes a test may change (e.g. a document at a fixed URL that changes its text)."""

    daemon_threads = True

    def __init__(self):
        self.routes = dict(DEFAULT_ROUTES)
        self.hits = Counter()
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN; a test server needs no DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, status: int = 200, content_type: str = "text/html; charset=utf-8"):
        self.routes[path] = (status, content_type, body, ())

    def reset(self):
        self.routes = dict(DEFAULT_ROUTES)
        self.hits.clear()

    def stop(self):
        self.shutdown()
        self.server_close()


@pytest.fixture(scope="module")
def _site():
    server = Site()
    yield server
    server.stop()


@pytest.fixture
def site(_site, fetch_settings):
    _site.reset()
    yield _site
    _site.reset()


@pytest.fixture
def fetch_settings(settings):
    """What tests may allow and production never does: the loopback address, on any port."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    settings.FETCH_DEADLINE_SECONDS = 5
    settings.FETCH_MAX_BYTES = 1_000_000
    settings.FETCH_MAX_REDIRECTS = 5
    return settings


@pytest.fixture
def closed_port():
    """A port on the loopback that nothing listens on: connecting fails at once (a transient failure)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- The network guard ---------------------------------------------------------------------------------------------


class NetworkGuard:
    def __init__(self):
        self.connects: list[tuple] = []  # every (address, port) a socket tried to connect to
        self.off_loopback: list[tuple] = []
        self.lookups: list[str] = []

    def addresses(self) -> set[str]:
        return {address for address, _port in self.connects}


_LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@pytest.fixture(autouse=True)
def network_guard(monkeypatch):
    guard = NetworkGuard()
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def check(address):
        if isinstance(address, tuple):
            guard.connects.append(tuple(address[:2]))
            if not _is_loopback(address[0]):
                guard.off_loopback.append(tuple(address[:2]))
                pytest.fail(f"a test connected to {address!r}, off the loopback")

    def guarded_connect(sock, address):
        check(address)
        return real_connect(sock, address)

    def guarded_connect_ex(sock, address):
        check(address)
        return real_connect_ex(sock, address)

    def guarded_getaddrinfo(host, *args, **kwargs):
        guard.lookups.append(host)
        name = host.decode() if isinstance(host, bytes) else str(host)
        if name in _LOOPBACK_NAMES or _is_loopback(name):
            return real_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, f"{name} does not resolve in tests")

    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", guarded_getaddrinfo)
    yield guard
    assert guard.off_loopback == [], f"connections left the loopback: {guard.off_loopback}"


# --- Helpers -------------------------------------------------------------------------------------------------------


def make_source(url: str) -> Source:
    return factories.SourceFactory(url=url)


def check(source: Source) -> SourceCheck:
    """A link check as the task, the command and the API run it: on a freshly read Source."""
    return services.source_check(source=Source.objects.get(pk=source.pk))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- source_check: reachable documents -----------------------------------------------------------------------------


def test_first_check_is_ok_and_records_the_hash_of_the_text(site):
    source = make_source(site.url("/article"))

    result = check(source)

    assert result.pk is not None
    assert result.status_code == 200
    assert result.final_url == site.url("/article")
    assert result.changed is False
    assert result.error_code == ""
    assert isinstance(result.duration_ms, int) and 0 <= result.duration_ms < 5000
    # The hash is of the extracted text, not of the markup: the script in <head> is not in it.
    assert result.content_hash == sha256(ARTICLE_TEXT)
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK
    assert source.content_hash == result.content_hash
    assert source.text_snapshot == ARTICLE_TEXT
    assert source.last_checked_at == result.checked_at
    assert list(SourceCheck.objects.filter(source=source)) == [result]
    assert site.hits["/article"] == 1


def test_a_second_check_of_the_same_content_is_ok_unchanged_and_appends_a_row(site):
    source = make_source(site.url("/article"))
    first = check(source)
    first_state = SourceCheck.objects.filter(pk=first.pk).values().get()

    second = check(source)

    assert second.pk != first.pk
    assert (second.status_code, second.changed, second.error_code) == (200, False, "")
    assert second.content_hash == first.content_hash
    assert SourceCheck.objects.filter(source=source).count() == 2
    # Append-only: the first row is exactly as it was.
    assert SourceCheck.objects.filter(pk=first.pk).values().get() == first_state
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK
    assert source.last_checked_at == second.checked_at


def test_changed_visible_text_is_a_change(site):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    first = check(source)

    site.serve("/live", ARTICLE_TEXT_CHANGED)
    second = check(source)

    assert second.changed is True
    assert second.status_code == 200
    assert second.content_hash != first.content_hash
    assert second.content_hash == sha256("ICE holds 41,500 beds.")
    source.refresh_from_db()
    assert source.last_status == LinkStatus.CHANGED
    assert source.content_hash == second.content_hash
    assert source.text_snapshot == "ICE holds 41,500 beds."
    # The change is recorded once: the next check of the new text is ok again.
    third = check(source)
    assert third.changed is False
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK
    assert list(SourceCheck.objects.filter(source=source).order_by("id").values_list("changed", flat=True)) == [
        False,
        True,
        False,
    ]


def test_a_change_of_the_script_only_is_not_a_change(site):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    first = check(source)

    site.serve("/live", ARTICLE_SCRIPT_CHANGED)
    second = check(source)

    assert second.changed is False
    assert second.content_hash == first.content_hash
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


def test_the_first_check_is_never_a_change_even_when_a_snapshot_was_pasted(site):
    # A source entered by hand has no hash yet: its first check sets one and is not a change.
    source = factories.SourceFactory(url=site.url("/article-text-changed"), text_snapshot="pasted text")

    result = check(source)

    assert result.changed is False
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


def test_checking_the_same_instance_twice_still_sees_a_change(site):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    services.source_check(source=source)

    site.serve("/live", ARTICLE_TEXT_CHANGED)
    second = services.source_check(source=source)

    assert second.changed is True
    assert source.last_status == LinkStatus.CHANGED


# --- source_check: gone, broken, refused, failing ------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_document_is_missing_and_keeps_its_last_good_hash(site, status):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    good = check(source)

    site.serve("/live", b"<html><body>Not here</body></html>", status=status)
    result = check(source)

    assert result.status_code == status
    assert result.final_url == site.url("/live")
    assert result.changed is False
    assert result.content_hash == ""
    source.refresh_from_db()
    assert source.last_status == LinkStatus.MISSING
    assert source.content_hash == good.content_hash
    assert source.text_snapshot == ARTICLE_TEXT


@pytest.mark.parametrize(("path", "status"), [("/gone-404", 404), ("/gone-410", 410)])
def test_a_source_gone_at_its_first_check_is_missing(site, path, status):
    source = make_source(site.url(path))

    result = check(source)

    assert (result.status_code, result.error_code) == (status, "")
    source.refresh_from_db()
    assert source.last_status == LinkStatus.MISSING
    assert source.content_hash == ""


def test_a_server_error_is_an_error_with_its_http_code(site):
    source = make_source(site.url("/broken"))

    # An HTTP answer is a result, not a fetch failure: recorded, nothing raised.
    result = check(source)

    assert result.status_code == 500
    assert result.error_code == "http_500"
    assert result.changed is False
    assert result.content_hash == ""
    source.refresh_from_db()
    assert source.last_status == LinkStatus.ERROR
    assert SourceCheck.objects.filter(source=source).count() == 1


@pytest.mark.parametrize(
    "url",
    [
        METADATA_URL,
        "http://2852039166/latest/meta-data/",  # 169.254.169.254 as one number
        "http://[::ffff:169.254.169.254]/",
        "redirect",
    ],
    ids=["metadata", "metadata-as-a-number", "ipv4-mapped-metadata", "redirect-to-metadata"],
)
def test_a_refused_url_is_recorded_as_an_error_and_never_connected_to(site, network_guard, url):
    if url == "redirect":
        url = site.url("/to-metadata")
    source = make_source(url)

    result = check(source)  # a refusal is not transient: nothing is raised, so no task retries it

    assert result.pk is not None
    assert result.error_code == "address_not_allowed"
    assert result.status_code is None
    assert result.content_hash == ""
    assert result.changed is False
    source.refresh_from_db()
    assert source.last_status == LinkStatus.ERROR
    assert SourceCheck.objects.filter(source=source).count() == 1
    assert not {address for address in network_guard.addresses() if address.startswith("169.254.")}
    assert "::ffff:169.254.169.254" not in network_guard.addresses()
    assert network_guard.addresses() <= {"127.0.0.1"}
    if "to-metadata" in url:
        assert site.hits["/to-metadata"] == 1


def test_a_transient_failure_is_recorded_and_raised_so_the_task_retries(site, closed_port):
    source = make_source(f"http://127.0.0.1:{closed_port}/article")

    with pytest.raises(FetchError) as info:
        check(source)

    assert info.value.code == "connection_failed"
    assert info.value.transient is True
    recorded = SourceCheck.objects.get(source=source)
    assert recorded.error_code == "connection_failed"
    assert recorded.status_code is None
    source.refresh_from_db()
    assert source.last_status == LinkStatus.ERROR
    assert source.last_checked_at == recorded.checked_at


def test_an_error_after_a_good_check_keeps_the_hash_so_the_next_good_check_is_not_a_change(site):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    check(source)
    site.serve("/live", b"oops", status=500, content_type="text/plain")
    check(source)

    site.serve("/live", ARTICLE)
    result = check(source)

    assert result.changed is False
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


# --- claims_with_source_problems -----------------------------------------------------------------------------------


def test_claims_with_source_problems_finds_claims_citing_missing_or_changed_sources(site):
    site.serve("/changing", ARTICLE)
    ok = make_source(site.url("/article"))
    missing = make_source(site.url("/gone-404"))
    changed = make_source(site.url("/changing"))
    errored = make_source(site.url("/broken"))
    refused = make_source(METADATA_URL)
    unchecked = make_source(site.url("/never-checked"))
    for source in (ok, missing, changed, errored, refused):
        check(source)
    site.serve("/changing", ARTICLE_TEXT_CHANGED)
    check(changed)
    statuses = dict(Source.objects.values_list("pk", "last_status"))
    assert statuses[missing.pk] == "missing" and statuses[changed.pk] == "changed"
    assert (statuses[ok.pk], statuses[errored.pk], statuses[refused.pk]) == ("ok", "error", "error")

    def cites(*sources):
        claim = factories.ClaimFactory()
        for n, source in enumerate(sources):
            factories.AppearanceFactory(claim=claim, source=source, is_first=n == 0)
        return claim

    on_missing = cites(missing)
    on_changed = cites(changed)
    on_ok_and_missing = cites(ok, missing)
    on_both_problems = cites(missing, changed)
    cites(ok)
    cites(errored)
    cites(refused)
    cites(unchecked)
    factories.ClaimFactory()  # cites nothing

    found = list(claims_with_source_problems().values_list("pk", flat=True))

    assert sorted(found) == sorted([on_missing.pk, on_changed.pk, on_ok_and_missing.pk, on_both_problems.pk])
    assert len(found) == len(set(found)), "a claim citing two problem sources is listed once"

    # A source that comes back takes its claims off the list.
    site.serve("/gone-404", ARTICLE)
    check(missing)
    assert sorted(claims_with_source_problems().values_list("pk", flat=True)) == sorted(
        [on_changed.pk, on_both_problems.pk]
    )


# --- source_link_changed --------------------------------------------------------------------------------------------


@pytest.fixture
def link_signals():
    received = []

    def record(sender, source, check, **kwargs):
        received.append((sender, source.pk, check.pk, check.changed, check.status_code))

    source_link_changed.connect(record, weak=False, dispatch_uid="test_link_checks.record")
    yield received
    source_link_changed.disconnect(dispatch_uid="test_link_checks.record")


def test_source_link_changed_is_sent_after_commit_when_a_source_goes_missing(
    site, link_signals, django_capture_on_commit_callbacks, caplog
):
    source = make_source(site.url("/gone-410"))
    claim = factories.ClaimFactory()
    factories.AppearanceFactory(claim=claim, source=source)

    with caplog.at_level(logging.WARNING, logger="claims.signals"):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = check(source)
            assert link_signals == [], "sent before the commit"

    assert len(callbacks) == 1
    assert link_signals == [(Source, source.pk, result.pk, False, 410)]
    # The claims app's receiver logs the claims concerned.
    records = [r for r in caplog.records if r.getMessage() == "claims.source_problem"]
    assert len(records) == 1
    assert records[0].source_id == source.pk
    assert records[0].claims == [claim.pk]


def test_source_link_changed_is_sent_after_commit_when_the_text_changed(
    site, link_signals, django_capture_on_commit_callbacks
):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    with django_capture_on_commit_callbacks(execute=True) as first_callbacks:
        check(source)
    assert first_callbacks == [] and link_signals == []  # a first check is no change

    site.serve("/live", ARTICLE_TEXT_CHANGED)
    with django_capture_on_commit_callbacks(execute=True):
        result = check(source)
        assert link_signals == []

    assert link_signals == [(Source, source.pk, result.pk, True, 200)]


@pytest.mark.parametrize(
    "path", ["/article", "/article-script-changed", "/broken", "/to-metadata"], ids=["ok", "script", "500", "refused"]
)
def test_source_link_changed_is_not_sent_for_ok_or_error(site, link_signals, django_capture_on_commit_callbacks, path):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    check(source)
    site.routes["/live"] = DEFAULT_ROUTES[path]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        check(source)

    assert callbacks == []
    assert link_signals == []


def test_source_link_changed_is_not_sent_when_the_transaction_rolls_back(site, link_signals):
    # on_commit: a check whose transaction is rolled back announces nothing.
    source = make_source(site.url("/gone-404"))

    class Rollback(Exception):
        pass

    with pytest.raises(Rollback):
        with transaction.atomic():
            check(source)
            raise Rollback

    assert link_signals == []
    assert not SourceCheck.objects.filter(source=source).exists()


# --- POST /api/sources/{id}/check/ ----------------------------------------------------------------------------------


def check_url(source) -> str:
    return f"/api/sources/{source.pk}/check/"


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def test_api_check_as_editor_answers_with_the_check(site, editor_api_client):
    source = make_source(site.url("/article"))

    response = editor_api_client.post(check_url(source), format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert {"status_code", "final_url", "changed", "error", "checked_at"} <= set(body)
    assert body["status_code"] == 200
    assert body["final_url"] == site.url("/article")
    assert body["changed"] is False
    assert body["error"] == ""
    assert body["checked_at"]
    recorded = SourceCheck.objects.get(source=source)
    assert body["id"] == recorded.pk
    assert body["content_hash"] == sha256(ARTICLE_TEXT)
    source.refresh_from_db()
    assert source.last_status == LinkStatus.OK


def test_api_check_reports_a_change(site, editor_api_client):
    site.serve("/live", ARTICLE)
    source = make_source(site.url("/live"))
    editor_api_client.post(check_url(source), format="json")
    site.serve("/live", ARTICLE_TEXT_CHANGED)

    body = editor_api_client.post(check_url(source), format="json").json()

    assert body["changed"] is True
    assert SourceCheck.objects.filter(source=source).count() == 2


@pytest.mark.parametrize(
    ("url", "code"),
    [(METADATA_URL, "address_not_allowed"), ("redirect", "address_not_allowed"), ("closed", "connection_failed")],
    ids=["refused", "refused-redirect", "transient"],
)
def test_api_check_of_a_refused_or_failed_fetch_is_200_with_an_error_code(
    site, editor_api_client, network_guard, closed_port, url, code
):
    url = {"redirect": site.url("/to-metadata"), "closed": f"http://127.0.0.1:{closed_port}/"}.get(url, url)
    source = make_source(url)

    response = editor_api_client.post(check_url(source), format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["error"] == code
    assert body["status_code"] is None
    assert body["id"] == SourceCheck.objects.get(source=source).pk
    assert not {address for address in network_guard.addresses() if address.startswith("169.254.")}


def test_api_check_anonymous_is_401(site, api_client):
    source = make_source(site.url("/article"))

    assert_error(api_client.post(check_url(source), format="json"), 401)

    assert not SourceCheck.objects.exists()
    assert site.hits["/article"] == 0


def test_api_check_by_a_non_editor_is_403(site, non_editor_api_client):
    source = make_source(site.url("/article"))

    assert_error(non_editor_api_client.post(check_url(source), format="json"), 403)

    assert not SourceCheck.objects.exists()
    assert site.hits["/article"] == 0


def test_api_check_of_an_unknown_source_is_404(site, editor_api_client):
    assert_error(editor_api_client.post("/api/sources/999999/check/", format="json"), 404)
    assert not SourceCheck.objects.exists()


def test_api_check_of_a_non_numeric_id_is_404(site, editor_api_client):
    editor_api_client.raise_request_exception = False

    assert_error(editor_api_client.post("/api/sources/abc/check/", format="json"), 404)


def test_api_check_get_is_not_allowed(site, editor_api_client):
    source = make_source(site.url("/article"))

    assert_error(editor_api_client.get(check_url(source)), 405)
    assert not SourceCheck.objects.exists()
