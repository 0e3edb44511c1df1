"""The safe fetcher (sources.fetching) against local test servers on 127.0.0.1.

No test lets a packet leave the loopback: an autouse guard replaces socket.getaddrinfo with a table of fake names
(an unknown name does not resolve) and fails the test on any connect to an address other than 127.0.0.1 or
::1. Tests of refusals under production settings go further and fail on any connect at all, so a refusal is
proved to happen at the address check. No database is needed.
"""

import http.server
import ipaddress
import json
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest

from sources import fetching
from sources.fetching import FetchError, FetchErrorCode, FetchPolicy, check_address, check_url, fetch

# --- The network guard -----------------------------------------------------------------------------------------


class FakeNetwork:
    def __init__(self):
        self.names: dict[str, object] = {}  # name -> list of addresses, a callable returning one, or an exception
        self.lookups: list[str] = []
        self.connects: list[tuple] = []
        self.strict = False  # no connect at all, not even to the loopback

    def getaddrinfo(self, host, port, family=0, type=0, proto=0, flags=0):
        self.lookups.append(host)
        answer = self.names.get(host)
        if answer is None:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            answer = answer()
        results = []
        for address in answer:
            if ipaddress.ip_address(address).version == 4:
                results.append((socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port)))
            else:
                results.append((socket.AF_INET6, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", (address, port, 0, 0)))
        return results


@pytest.fixture(autouse=True)
def network(monkeypatch):
    net = FakeNetwork()
    real_connect = socket.socket.connect

    def guarded_connect(sock, address):
        if isinstance(address, tuple):
            net.connects.append(address[:2])
            if net.strict:
                pytest.fail(f"a refused URL led to a connect to {address!r}")
            if not ipaddress.ip_address(address[0]).is_loopback:
                pytest.fail(f"a test connected to {address!r}, off the loopback")
        return real_connect(sock, address)

    def forbidden(*args, **kwargs):
        pytest.fail(f"the fetcher must connect to a checked address itself, not through {args!r}")

    monkeypatch.setattr(socket, "getaddrinfo", net.getaddrinfo)
    monkeypatch.setattr(socket.socket, "connect", guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", forbidden)
    monkeypatch.setattr(socket, "create_connection", forbidden)
    return net


@pytest.fixture
def production(settings, network):
    """The production policy: loopback refused, ports 80 and 443; and no connect may happen at all."""
    settings.FETCH_ALLOW_LOOPBACK = False
    settings.FETCH_ALLOWED_PORTS = [80, 443]
    network.strict = True
    return settings


@pytest.fixture
def loopback(settings):
    """What tests may allow and production never does: the loopback address, on any port."""
    settings.FETCH_ALLOW_LOOPBACK = True
    settings.FETCH_ALLOWED_PORTS = None
    settings.FETCH_DEADLINE_SECONDS = 5
    settings.FETCH_MAX_BYTES = 1_000_000
    settings.FETCH_MAX_REDIRECTS = 5
    settings.FETCH_USER_AGENT = "factcheck-test/1"
    return settings


def refusal(url, **kwargs) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetch(url, **kwargs)
    return info.value


# --- Local test servers ----------------------------------------------------------------------------------------

BIG = 50 * 1024 * 1024  # what the oversized answers would send if nobody stopped reading
CAP = 100_000


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):
        path, _, query = self.path.partition("?")
        self.server.hits[path] += 1
        params = {key: values[0] for key, values in parse_qs(query).items()}
        if path.startswith("/chain/"):
            return self.chain(int(path.rsplit("/", 1)[1]))
        route = getattr(self, "route_" + path.strip("/").replace("-", "_").replace("/", "_"), None)
        if route is None:
            return self.send(404, b"no such route")
        try:
            route(params)
        except OSError:  # the fetcher hung up, as it should on the drips and the oversized bodies
            pass

    def do_POST(self):
        path = self.path.partition("?")[0]
        self.server.hits[path] += 1
        received = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if path == "/redirect-post":
            return self.send(307, b"", headers=[("Location", "/echo-post")])
        answer = {"method": "POST", "body": received.decode(), "headers": {k.lower(): v for k, v in self.headers.items()}}
        self.send(202, json.dumps(answer).encode(), content_type="application/json")

    # helpers
    def send(self, status, body, content_type="text/plain", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def redirect(self, location, status=302):
        self.send(status, b"", headers=[("Location", location)])

    def hold(self, seconds):
        self.server.stopping.wait(seconds)

    def chain(self, n):
        if n > 0:
            return self.redirect(f"../chain/{n - 1}")  # relative, resolved against the current URL
        return self.send(200, b"end of chain")

    # routes
    def route_ok(self, params):
        self.send(200, b"hello, world", "text/html; charset=utf-8", headers=[("X-Test", "a"), ("X-Test", "b")])

    def route_echo(self, params):
        body = json.dumps({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}})
        self.send(200, body.encode(), "application/json")

    def route_status_404(self, params):
        self.send(404, b"not here")

    def route_status_500(self, params):
        self.send(500, b"broken")

    def route_redirect(self, params):
        self.redirect(params["to"], int(params.get("code", 302)))

    def route_loop(self, params):
        self.redirect("/loop")

    def route_slow_loop(self, params):
        self.hold(0.3)
        self.redirect("/slow-loop")

    def route_drip_body(self, params):
        self.send_response(200)
        self.send_header("Content-Length", "10")
        self.end_headers()
        for _ in range(10):
            self.wfile.write(b"x")
            self.hold(1)

    def route_drip_headers(self, params):
        for byte in b"HTTP/1.1 200 OK\r\nX-Drip: 0123456789\r\n\r\n":
            self.wfile.write(bytes([byte]))
            self.hold(1)

    def route_silent(self, params):
        self.hold(10)

    def route_huge_length(self, params):
        self.send_response(200)
        self.send_header("Content-Length", str(10**9))
        self.end_headers()
        self.wfile.write(b"x" * 1024)
        self.hold(10)  # the fetcher must refuse on the header, not wait for the body

    def stream(self, total, chunked):
        block = b"x" * 65536
        sent = 0
        while sent < total:
            piece = block[: min(len(block), total - sent)]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
            sent += len(piece)
        if chunked:
            self.wfile.write(b"0\r\n\r\n")

    def route_huge_close(self, params):
        self.send_response(200)
        self.send_header("Connection", "close")  # no Content-Length: the body ends when the connection does
        self.end_headers()
        self.close_connection = True
        self.stream(int(params.get("n", BIG)), chunked=False)

    def route_huge_chunked(self, params):
        self.send_response(200)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.stream(int(params.get("n", BIG)), chunked=True)

    def route_truncated(self, params):
        self.send_response(200)
        self.send_header("Content-Length", "100")
        self.end_headers()
        self.wfile.write(b"only ten b")
        self.close_connection = True

    def route_garbage(self, params):
        self.wfile.write(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        self.close_connection = True


class LocalServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, tls_context=None):
        self.hits = Counter()
        self.stopping = threading.Event()
        self.tls_context = tls_context
        self.server_names = []
        super().__init__(("127.0.0.1", 0), Handler)
        self.port = self.server_address[1]
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN; a test server needs no DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]

    def finish_request(self, request, client_address):
        if self.tls_context is None:
            return super().finish_request(request, client_address)
        try:
            request = self.tls_context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            super().finish_request(request, client_address)
        finally:
            request.close()

    def url(self, path, host="127.0.0.1", scheme="http"):
        return f"{scheme}://{host}:{self.port}{path}"

    def stop(self):
        self.stopping.set()
        self.shutdown()
        self.server_close()


@pytest.fixture(scope="module")
def _server():
    server = LocalServer()
    yield server
    server.stop()


@pytest.fixture
def server(_server, loopback):
    _server.hits.clear()
    return _server


@pytest.fixture
def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- Refusals under production settings: every spelling, refused at the address check ---------------------------

ADDRESS_REFUSALS = [
    ("http://127.0.0.1/", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://2130706433/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0x7f.1/", "loopback"),
    ("http://127.1/", "loopback"),
    ("http://127.0.0.1./", "loopback"),
    ("http://127.255.255.254/", "loopback"),
    ("http://\uff11\uff12\uff17\uff0e\uff10\uff0e\uff10\uff0e\uff11/", "loopback"),  # full-width digits and dots
    ("http://user:secret@127.0.0.1/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "ipv4_mapped"),
    ("http://[::ffff:7f00:1]/", "ipv4_mapped"),
    ("http://[::ffff:a9fe:a9fe]/", "ipv4_mapped"),
    ("http://[::127.0.0.1]/", "loopback"),  # IPv4-compatible
    ("http://[2002:7f00:1::]/", "loopback"),  # 6to4 of 127.0.0.1
    ("http://[64:ff9b::a9fe:a9fe]/", "link_local"),  # NAT64 of 169.254.169.254
    ("http://169.254.169.254/latest/meta-data/", "link_local"),
    ("http://0251.0376.0251.0376/", "link_local"),
    ("http://2852039166/", "link_local"),
    ("http://[fe80::1]/", "link_local"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.0.1/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://[fd12:3456::1]/", "private"),
    ("http://[fec0::1]/", "private"),  # site-local
    ("http://100.64.0.1/", "cgnat"),
    ("http://100.127.255.254/", "cgnat"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://255.255.255.255/", "reserved"),  # broadcast
    ("https://192.0.2.10/", "private"),  # documentation range: not global
]


@pytest.mark.parametrize(("url", "address_class"), ADDRESS_REFUSALS, ids=[url for url, _ in ADDRESS_REFUSALS])
def test_forbidden_address_literals_are_refused_without_connecting(production, network, url, address_class):
    error = refusal(url)

    assert error.code == FetchErrorCode.ADDRESS_NOT_ALLOWED
    assert error.address_class == address_class
    assert f"[{address_class}]" in error.message
    assert error.refused and not error.transient
    assert network.lookups == []  # a literal is never handed to a resolver
    assert network.connects == []


NAME_REFUSALS = [
    ("internal.example", ["10.1.2.3"], "private"),
    ("metadata.example", ["169.254.169.254"], "link_local"),
    ("localhost", ["127.0.0.1", "::1"], "loopback"),
    ("mixed.example", ["93.184.216.34", "10.0.0.1"], "private"),  # one bad address refuses the name
    ("mixed6.example", ["2606:4700::1", "fd00::5"], "private"),
    ("cgnat.example", ["100.100.100.100"], "cgnat"),
    ("mapped.example", ["::ffff:10.0.0.1"], "ipv4_mapped"),
    ("zero.example", ["0.0.0.0"], "unspecified"),
    ("scoped.example", ["fe80::1%eth0"], "link_local"),
]


@pytest.mark.parametrize(("name", "addresses", "address_class"), NAME_REFUSALS, ids=[n for n, _, _ in NAME_REFUSALS])
def test_a_name_resolving_to_a_forbidden_address_is_refused_without_connecting(
    production, network, name, addresses, address_class
):
    network.names[name] = addresses

    error = refusal(f"https://{name}/page")

    assert error.code == FetchErrorCode.ADDRESS_NOT_ALLOWED
    assert error.address_class == address_class
    assert name in error.message
    assert not error.transient
    assert network.lookups == [name]
    assert network.connects == []


SCHEME_PORT_AND_SYNTAX_REFUSALS = [
    ("ftp://example.com/file.csv", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("file:///etc/passwd", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("gopher://example.com/", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("javascript:alert(1)", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("data:text/html,hi", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("ws://example.com/", FetchErrorCode.SCHEME_NOT_ALLOWED),
    ("http://example.com:8080/", FetchErrorCode.PORT_NOT_ALLOWED),
    ("https://example.com:22/", FetchErrorCode.PORT_NOT_ALLOWED),
    ("http://93.184.216.34:6379/", FetchErrorCode.PORT_NOT_ALLOWED),
    ("", FetchErrorCode.INVALID_URL),
    ("example.com/page", FetchErrorCode.INVALID_URL),
    ("//example.com/page", FetchErrorCode.INVALID_URL),
    ("http://", FetchErrorCode.INVALID_URL),
    ("http:///etc/passwd", FetchErrorCode.INVALID_URL),
    ("http://exa mple.com/", FetchErrorCode.INVALID_URL),
    ("http://a..b/", FetchErrorCode.INVALID_URL),
    ("http://exa%6Dple.com/", FetchErrorCode.INVALID_URL),
    ("http://example.com:99999/", FetchErrorCode.INVALID_URL),
    ("http://example.com:port/", FetchErrorCode.INVALID_URL),
    ("http://[::1/", FetchErrorCode.INVALID_URL),
    ("http://[127.0.0.1]/", FetchErrorCode.INVALID_URL),
    ("http://[fe80::1%25eth0]/", FetchErrorCode.INVALID_URL),
    ("http://256.0.0.1/", FetchErrorCode.INVALID_URL),
    ("http://1.2.3.4.5/", FetchErrorCode.INVALID_URL),
    ("http://0x100000000/", FetchErrorCode.INVALID_URL),
    ("http://08.0.0.1/", FetchErrorCode.INVALID_URL),
    ("http://example.0x10/", FetchErrorCode.INVALID_URL),
]


@pytest.mark.parametrize(
    ("url", "code"), SCHEME_PORT_AND_SYNTAX_REFUSALS, ids=[u or "empty" for u, _ in SCHEME_PORT_AND_SYNTAX_REFUSALS]
)
def test_schemes_ports_and_malformed_urls_are_refused_before_any_lookup(production, network, url, code):
    error = refusal(url)

    assert error.code == code
    assert error.refused and not error.transient
    assert network.lookups == [] and network.connects == []


def test_check_url_refuses_without_the_network_and_lets_public_urls_pass(production, network):
    check_url("https://example.com/report.pdf")
    check_url("http://93.184.216.34/")
    check_url("http://[2606:4700::1111]/")
    with pytest.raises(FetchError) as info:
        check_url("http://0x7f.1/")
    assert info.value.code == FetchErrorCode.ADDRESS_NOT_ALLOWED
    assert network.lookups == [] and network.connects == []


@pytest.mark.parametrize(
    "address", ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "2a00:1450:4001::200e", "2002:5db8:d822::"]
)
def test_public_addresses_pass_the_address_check(address):
    assert check_address(ipaddress.ip_address(address)) is None


def test_loopback_allowed_for_tests_never_extends_to_mapped_or_embedded_loopback():
    assert check_address(ipaddress.ip_address("127.0.0.1"), allow_loopback=True) is None
    assert check_address(ipaddress.ip_address("::1"), allow_loopback=True) is None
    for spelling in ["::ffff:127.0.0.1", "2002:7f00:1::", "::127.0.0.1", "0.0.0.0", "10.0.0.1"]:
        assert check_address(ipaddress.ip_address(spelling), allow_loopback=True) is not None, spelling


def test_a_name_that_does_not_exist_is_not_transient_and_a_resolver_failure_is(production, network):
    error = refusal("https://no-such-host.example/")
    assert (error.code, error.transient) == (FetchErrorCode.DNS_FAILED, False)

    network.names["flaky.example"] = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    error = refusal("https://flaky.example/")
    assert (error.code, error.transient) == (FetchErrorCode.DNS_FAILED, True)
    assert network.connects == []


# --- Fetching from a local server ------------------------------------------------------------------------------


def test_a_fetch_returns_status_body_headers_and_final_url(server):
    result = fetch(server.url("/ok"))

    assert result.status_code == 200
    assert result.body == b"hello, world"
    assert result.url == result.final_url == server.url("/ok")
    assert result.redirects == []
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.headers["x-test"] == "a, b"
    assert result.headers["content-length"] == "12"
    assert 0 <= result.duration_ms < 5000


@pytest.mark.parametrize("status", [404, 500])
def test_an_error_status_is_a_result_not_an_error(server, status):
    result = fetch(server.url(f"/status/{status}"))

    assert result.status_code == status
    assert result.body in (b"not here", b"broken")


def test_the_request_names_the_host_asks_for_no_compression_and_never_sends_user_information(server):
    result = fetch(server.url("/echo?q=a b&city=Z\u00fcrich#fragment", host="user:secret@127.0.0.1"))
    sent = json.loads(result.body)

    assert sent["headers"]["host"] == f"127.0.0.1:{server.port}"
    assert sent["headers"]["accept-encoding"] == "identity"
    assert sent["headers"]["user-agent"] == "factcheck-test/1"
    assert "authorization" not in sent["headers"]
    assert "secret" not in result.body.decode()
    assert sent["path"] == "/echo?q=a%20b&city=Z%C3%BCrich"  # the fragment stays with the client


@pytest.mark.parametrize("spelling", ["2130706433", "0177.0.0.1", "0x7f000001", "0x7f.1", "127.1", "127.0.0.1."])
def test_other_spellings_of_the_loopback_address_connect_to_127_0_0_1(server, network, spelling):
    result = fetch(server.url("/ok", host=spelling))

    assert result.status_code == 200
    assert network.connects == [("127.0.0.1", server.port)]
    assert network.lookups == []


def test_dns_rebinding_the_name_is_resolved_once_and_the_checked_address_is_the_one_connected(server, network):
    answers = iter([["127.0.0.1"], ["10.0.0.1"], ["10.0.0.1"]])
    network.names["rebind.example"] = lambda: next(answers)

    result = fetch(server.url("/echo", host="rebind.example"))

    assert result.status_code == 200
    assert network.lookups == ["rebind.example"]
    assert network.connects == [("127.0.0.1", server.port)]
    assert json.loads(result.body)["headers"]["host"] == f"rebind.example:{server.port}"


def test_a_name_with_a_loopback_and_a_private_address_is_refused_even_with_loopback_allowed(server, network):
    network.names["half.example"] = ["127.0.0.1", "10.0.0.1"]

    error = refusal(server.url("/ok", host="half.example"))

    assert (error.code, error.address_class) == (FetchErrorCode.ADDRESS_NOT_ALLOWED, "private")
    assert network.connects == []


def test_a_closed_port_is_a_transient_connection_failure(server, closed_port):
    error = refusal(f"http://127.0.0.1:{closed_port}/")

    assert (error.code, error.transient) == (FetchErrorCode.CONNECTION_FAILED, True)


def test_a_body_cut_short_is_a_transient_connection_failure(server):
    error = refusal(server.url("/truncated"))

    assert (error.code, error.transient) == (FetchErrorCode.CONNECTION_FAILED, True)


def test_a_server_that_does_not_speak_http_is_an_invalid_response(server):
    error = refusal(server.url("/garbage"))

    assert (error.code, error.transient) == (FetchErrorCode.INVALID_RESPONSE, False)


# --- Redirects -------------------------------------------------------------------------------------------------


def test_redirects_are_followed_and_relative_locations_resolved(server):
    result = fetch(server.url("/chain/3"))

    assert result.status_code == 200 and result.body == b"end of chain"
    assert result.final_url == server.url("/chain/0")
    assert result.redirects == [server.url("/chain/3"), server.url("/chain/2"), server.url("/chain/1")]


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
def test_every_redirect_status_is_followed(server, code):
    target = server.url("/ok")
    result = fetch(server.url(f"/redirect?to={target}&code={code}"))

    assert result.final_url == target and result.body == b"hello, world"


def test_five_redirects_are_followed_and_a_sixth_is_refused(server):
    assert fetch(server.url("/chain/5")).status_code == 200

    error = refusal(server.url("/loop"))

    assert error.code == FetchErrorCode.TOO_MANY_REDIRECTS
    assert error.refused and not error.transient
    assert server.hits["/loop"] == 6  # the first request and five redirects; the sixth is not followed
    assert len(error.redirects) == 5


REFUSED_HOPS = [
    ("http://169.254.169.254/latest/meta-data/iam/", FetchErrorCode.ADDRESS_NOT_ALLOWED, "link_local"),
    ("http://10.0.0.1/admin", FetchErrorCode.ADDRESS_NOT_ALLOWED, "private"),
    ("http://internal.example/", FetchErrorCode.ADDRESS_NOT_ALLOWED, "private"),
    ("http://[::ffff:127.0.0.1]:{port}/ok", FetchErrorCode.ADDRESS_NOT_ALLOWED, "ipv4_mapped"),
    ("http://0.0.0.0:{port}/ok", FetchErrorCode.ADDRESS_NOT_ALLOWED, "unspecified"),
    ("file:///etc/passwd", FetchErrorCode.SCHEME_NOT_ALLOWED, ""),
    ("gopher://127.0.0.1:{port}/", FetchErrorCode.SCHEME_NOT_ALLOWED, ""),
]


@pytest.mark.parametrize(("location", "code", "address_class"), REFUSED_HOPS, ids=[h for h, _, _ in REFUSED_HOPS])
def test_a_redirect_to_a_refused_url_is_refused_without_connecting_to_it(
    server, network, location, code, address_class
):
    network.names["internal.example"] = ["10.9.8.7"]
    hop = location.format(port=server.port)
    start = server.url(f"/redirect?to={hop}")

    error = refusal(start)

    assert error.code == code
    assert error.address_class == address_class
    assert error.url == hop
    assert error.redirects == [start]
    assert "redirect 1 to" in error.message
    assert not error.transient
    assert network.connects == [("127.0.0.1", server.port)]  # only the server that redirected


def test_a_redirect_to_a_refused_port_is_refused(server, settings, network, closed_port):
    settings.FETCH_ALLOWED_PORTS = [server.port]
    hop = f"http://127.0.0.1:{closed_port}/"

    error = refusal(server.url(f"/redirect?to={hop}"))

    assert (error.code, error.url) == (FetchErrorCode.PORT_NOT_ALLOWED, hop)
    assert network.connects == [("127.0.0.1", server.port)]


# --- The deadline: one for the whole fetch, not per read --------------------------------------------------------


@pytest.mark.parametrize("path", ["/drip-body", "/drip-headers", "/silent"])
def test_a_dripping_or_silent_server_is_cut_off_at_the_deadline(server, path):
    started = time.monotonic()

    error = refusal(server.url(path), deadline=1.0)

    elapsed = time.monotonic() - started
    assert error.code == FetchErrorCode.DEADLINE_EXCEEDED
    assert error.transient and not error.refused
    assert 0.9 <= elapsed < 3.0


def test_the_deadline_spans_every_redirect_hop(server):
    started = time.monotonic()

    error = refusal(server.url("/slow-loop"), deadline=1.0)

    assert error.code == FetchErrorCode.DEADLINE_EXCEEDED  # before the sixth redirect could be reached
    assert 2 <= server.hits["/slow-loop"] <= 4
    assert time.monotonic() - started < 3.0


def test_the_deadline_comes_from_settings(server, settings):
    settings.FETCH_DEADLINE_SECONDS = 0.5
    started = time.monotonic()

    assert refusal(server.url("/silent")).code == FetchErrorCode.DEADLINE_EXCEEDED
    assert time.monotonic() - started < 2.0


# --- The body cap: enforced while reading, with or without Content-Length ---------------------------------------


def test_an_oversized_content_length_is_refused_before_the_body_is_read(server):
    started = time.monotonic()

    error = refusal(server.url("/huge-length"), max_bytes=CAP)

    assert error.code == FetchErrorCode.BODY_TOO_LARGE
    assert error.refused and not error.transient
    assert time.monotonic() - started < 1.0  # the server holds the connection open: nothing waited for the body


@pytest.mark.parametrize("path", ["/huge-close", "/huge-chunked"], ids=["no-content-length", "chunked"])
def test_an_oversized_body_without_content_length_is_cut_off_while_streaming(server, path):
    started = time.monotonic()

    error = refusal(server.url(path), max_bytes=CAP)

    assert error.code == FetchErrorCode.BODY_TOO_LARGE
    assert time.monotonic() - started < 2.0  # 50 MB would be on its way otherwise


@pytest.mark.parametrize("path", ["/huge-close", "/huge-chunked"], ids=["no-content-length", "chunked"])
def test_a_body_of_exactly_the_cap_is_accepted_and_one_byte_more_is_not(server, path):
    assert len(fetch(server.url(f"{path}?n={CAP}"), max_bytes=CAP).body) == CAP

    assert refusal(server.url(f"{path}?n={CAP + 1}"), max_bytes=CAP).code == FetchErrorCode.BODY_TOO_LARGE


def test_the_body_cap_comes_from_settings(server, settings):
    settings.FETCH_MAX_BYTES = 5

    assert refusal(server.url("/ok")).code == FetchErrorCode.BODY_TOO_LARGE


# --- TLS: the connection goes to the checked address, SNI and the certificate use the name ----------------------

TLS_NAME = "fetch-test.example"


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={TLS_NAME}"]
        + ["-addext", f"subjectAltName=DNS:{TLS_NAME}"],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture(scope="module")
def _tls_server(tls_files):
    cert, key = tls_files
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = LocalServer(tls_context=context)
    context.sni_callback = lambda _sslobj, name, _ctx: server.server_names.append(name)
    yield server
    server.stop()


@pytest.fixture
def tls_server(_tls_server, loopback, network):
    _tls_server.server_names.clear()
    network.names[TLS_NAME] = ["127.0.0.1"]
    return _tls_server


@pytest.fixture
def trust_test_certificate(monkeypatch, tls_files):
    monkeypatch.setattr(fetching, "_ssl_context", lambda: ssl.create_default_context(cafile=str(tls_files[0])))


def test_https_connects_to_the_checked_address_with_the_name_for_sni_and_the_certificate(
    tls_server, network, trust_test_certificate
):
    result = fetch(tls_server.url("/echo", host=TLS_NAME, scheme="https"))

    assert result.status_code == 200
    assert network.connects == [("127.0.0.1", tls_server.port)]
    assert tls_server.server_names == [TLS_NAME]
    assert json.loads(result.body)["headers"]["host"] == f"{TLS_NAME}:{tls_server.port}"


def test_an_untrusted_certificate_is_a_tls_error(tls_server):
    error = refusal(tls_server.url("/ok", host=TLS_NAME, scheme="https"))

    assert (error.code, error.transient) == (FetchErrorCode.TLS_ERROR, False)


def test_a_certificate_for_another_name_is_a_tls_error(tls_server, trust_test_certificate):
    error = refusal(tls_server.url("/ok", scheme="https"))  # by address: the certificate names only TLS_NAME

    assert (error.code, error.transient) == (FetchErrorCode.TLS_ERROR, False)


# --- Without Django's settings ---------------------------------------------------------------------------------


def test_an_explicit_policy_replaces_the_settings(server):
    strict = FetchPolicy()  # the production defaults

    with pytest.raises(FetchError) as info:
        fetch(server.url("/ok"), policy=strict)
    assert info.value.code == FetchErrorCode.PORT_NOT_ALLOWED

    lenient = FetchPolicy(allow_loopback=True, allowed_ports=None, max_bytes=100, deadline_seconds=2)
    assert fetch(server.url("/ok"), policy=lenient).body == b"hello, world"
    assert urlsplit(fetch(server.url("/chain/1"), policy=lenient).final_url).path == "/chain/0"


def test_a_post_sends_its_body_and_headers_and_returns_the_answer(server):
    result = fetch(
        server.url("/hook"),
        method="POST",
        body=b'{"event": "verdict.published"}',
        headers={"Content-Type": "application/json", "X-Signature": "sha256=abc\r\nInjected: yes"},
    )
    sent = json.loads(result.body)

    assert result.status_code == 202
    assert sent["body"] == '{"event": "verdict.published"}'
    assert sent["headers"]["content-type"] == "application/json"
    assert sent["headers"]["x-signature"] == "sha256=abcInjected: yes"  # CR/LF stripped: no header injection
    assert "injected" not in sent["headers"]


def test_a_post_is_never_redirected_so_its_body_goes_nowhere_else(server):
    result = fetch(server.url("/redirect-post"), method="POST", body=b"secret payload")

    assert result.status_code == 307
    assert server.hits["/echo-post"] == 0


def test_a_post_to_a_forbidden_address_is_refused_without_connecting(production, network):
    with pytest.raises(FetchError) as refused:
        fetch("http://169.254.169.254/hook", method="POST", body=b"{}")
    assert refused.value.code == "address_not_allowed"
