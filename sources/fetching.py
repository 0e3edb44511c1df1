"""Fetch a URL that came from an editor or an imported file without letting it reach into the network.

Standard library only (socket, ssl, http.client, ipaddress). Django is touched only to read the FETCH_*
settings, and a `FetchPolicy` passed in replaces them, so the module works without Django.

What a fetch guarantees:

- http and https only, on the ports of FETCH_ALLOWED_PORTS (80 and 443 in production);
- the host, in any spelling (2130706433, 0177.0.0.1, 0x7f.1, 127.1, full-width digits, [::ffff:127.0.0.1]), is
  reduced to the address it denotes; a name is resolved once, every address it resolves to is checked, and one
  forbidden address refuses the URL;
- the TCP connection goes to an address that was checked, never to the name, so a second DNS answer cannot
  rebind it; the Host header, SNI and certificate verification use the name;
- every redirect hop is checked the same way, and at most FETCH_MAX_REDIRECTS are followed;
- one monotonic deadline covers DNS, connect, TLS, the request, the headers, the body and every hop: each
  socket operation gets only what is left of it, so a server dripping a byte a second is cut off;
- the body cap is enforced while reading, whether or not the server sends Content-Length;
- proxies from the environment are never used (urllib is not involved).

A refusal (policy) is a `FetchError` that is not transient; network trouble is transient. 4xx and 5xx answers
are results, not errors: the caller decides what a 404 means.
"""

from __future__ import annotations

import enum
import http.client
import io
import ipaddress
import re
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchErrorCode(enum.StrEnum):
    # Refusals: the URL or the answer breaks the policy. Never transient, never retried.
    INVALID_URL = "invalid_url"
    SCHEME_NOT_ALLOWED = "scheme_not_allowed"
    PORT_NOT_ALLOWED = "port_not_allowed"
    ADDRESS_NOT_ALLOWED = "address_not_allowed"
    TOO_MANY_REDIRECTS = "too_many_redirects"
    BODY_TOO_LARGE = "body_too_large"
    # Failures: the network or the server. Transient unless stated.
    DNS_FAILED = "dns_failed"  # transient for a resolver failure, not for a name that does not exist
    DEADLINE_EXCEEDED = "deadline_exceeded"
    CONNECTION_FAILED = "connection_failed"
    TLS_ERROR = "tls_error"  # not transient: a bad certificate stays bad
    INVALID_RESPONSE = "invalid_response"  # not transient: the server does not speak HTTP


REFUSAL_CODES = frozenset(
    {
        FetchErrorCode.INVALID_URL,
        FetchErrorCode.SCHEME_NOT_ALLOWED,
        FetchErrorCode.PORT_NOT_ALLOWED,
        FetchErrorCode.ADDRESS_NOT_ALLOWED,
        FetchErrorCode.TOO_MANY_REDIRECTS,
        FetchErrorCode.BODY_TOO_LARGE,
    }
)


class FetchError(Exception):
    """A fetch that was refused or failed. `code` is stable and fits SourceCheck.error_code.

    `url` is the URL being fetched when it happened (a redirect hop's, for a refused hop), `redirects` the URLs
    that answered with a redirect before it, and `address_class` the class of a refused address (loopback,
    private, link_local, multicast, reserved, cgnat, ipv4_mapped, unspecified).
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        transient: bool = False,
        url: str = "",
        address_class: str = "",
        redirects: list[str] | None = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = FetchErrorCode(code)
        self.message = message
        self.transient = transient
        self.url = url
        self.address_class = address_class
        self.redirects = list(redirects or [])

    @property
    def refused(self) -> bool:
        return self.code in REFUSAL_CODES


@dataclass(frozen=True)
class FetchResult:
    url: str  # as requested
    final_url: str  # after redirects
    status_code: int
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes
    content_type: str  # the media type, lower case, without parameters ("" when absent)
    duration_ms: int
    redirects: list[str] = field(default_factory=list)  # the URLs that answered with a redirect, in order

    @property
    def charset(self) -> str | None:
        match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", self.headers.get("content-type", ""), re.IGNORECASE)
        return match.group(1).lower() if match else None


DEFAULT_ALLOWED_PORTS = frozenset({80, 443})


@dataclass(frozen=True)
class FetchPolicy:
    allow_loopback: bool = False  # tests' local servers only; production never sets it
    allowed_ports: frozenset[int] | None = DEFAULT_ALLOWED_PORTS  # None: any port (tests only)
    max_bytes: int = 10 * 1024 * 1024
    deadline_seconds: float = 20.0
    max_redirects: int = 5
    user_agent: str = "factcheck-tracker/1.0 (link checker)"

    @classmethod
    def from_settings(cls) -> FetchPolicy:
        """The FETCH_* settings when Django is configured; the production defaults otherwise."""
        try:
            from django.conf import settings
            from django.core.exceptions import ImproperlyConfigured
        except ImportError:  # pragma: no cover - Django is installed in this project
            return cls()
        default = cls()
        try:
            ports = getattr(settings, "FETCH_ALLOWED_PORTS", default.allowed_ports)
        except ImproperlyConfigured:  # Django is there but unconfigured: the production defaults
            return default
        return cls(
            allow_loopback=bool(getattr(settings, "FETCH_ALLOW_LOOPBACK", default.allow_loopback)),
            # Empty or None allows any port; settings.py never reads an empty list from the environment.
            allowed_ports=frozenset(int(port) for port in ports) if ports else None,
            max_bytes=int(getattr(settings, "FETCH_MAX_BYTES", default.max_bytes)),
            deadline_seconds=float(getattr(settings, "FETCH_DEADLINE_SECONDS", default.deadline_seconds)),
            max_redirects=int(getattr(settings, "FETCH_MAX_REDIRECTS", default.max_redirects)),
            user_agent=str(getattr(settings, "FETCH_USER_AGENT", default.user_agent)),
        )


# --- Addresses ---------------------------------------------------------------------------------------------

_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[str, ipaddress.IPv4Address] | None:
    """The IPv4 address that an IPv6 address routes to by construction (6to4, NAT64, IPv4-compatible)."""
    if ip.sixtofour is not None:
        return "6to4", ip.sixtofour
    if ip in _NAT64:
        return "NAT64", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _IPV4_COMPATIBLE and int(ip) > 1:
        return "IPv4-compatible", ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_address(ip: IPAddress, *, allow_loopback: bool = False) -> tuple[str, str] | None:
    """Why this address may not be fetched, as (class, description); None when it may.

    With allow_loopback (tests only) 127.0.0.0/8 and ::1 pass; an IPv4-mapped or embedded loopback never does,
    because the connection would not go to the loopback interface by that address.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return "link_local", f"{ip} has a zone"
        if ip.ipv4_mapped is not None:
            return "ipv4_mapped", f"{ip} is an IPv4-mapped address (of {ip.ipv4_mapped})"
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            kind, inner = embedded
            reason = check_address(inner, allow_loopback=False)
            if reason is not None:
                return reason[0], f"{ip} is {kind} for {inner}: {reason[1]}"
        if ip in _NAT64_LOCAL:
            return "private", f"{ip} is a local-use NAT64 address"
    if ip.is_unspecified or ip in _THIS_NETWORK:
        return "unspecified", f"{ip} is unspecified (this host)"
    if ip.is_loopback:
        return None if allow_loopback else ("loopback", f"{ip} is a loopback address")
    if ip.is_link_local:
        return "link_local", f"{ip} is link-local (cloud metadata lives at 169.254.169.254)"
    if ip.is_multicast:
        return "multicast", f"{ip} is a multicast address"
    if ip in _CGNAT:
        return "cgnat", f"{ip} is in the carrier-grade NAT range 100.64.0.0/10"
    if ip.is_reserved:  # 240.0.0.0/4 with the broadcast address, most of ::/3's neighbours
        return "reserved", f"{ip} is a reserved address"
    if ip.is_private or (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local):
        return "private", f"{ip} is a private address"
    if not ip.is_global:  # documentation, benchmarking and other special-purpose ranges
        return "reserved", f"{ip} is a special-purpose address"
    return None


# --- URLs --------------------------------------------------------------------------------------------------

_MAX_URL_LENGTH = 8192
_HOSTNAME_RE = re.compile(r"^[a-z0-9_-]+(\.[a-z0-9_-]+)*\.?$")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Printable ASCII that may stand in a request target as it is; the rest is percent-encoded.
_TARGET_SAFE = "".join(chr(c) for c in range(0x21, 0x7F) if chr(c) not in '"<>`#')


@dataclass(frozen=True)
class _Target:
    url: str
    scheme: str
    host: str  # ASCII; an IP literal in its canonical form
    ip: IPAddress | None  # the address the host denotes when it is a literal
    port: int
    request_target: str
    host_header: str

    @property
    def tls_hostname(self) -> str:
        return self.host.rstrip(".")


def _invalid(url: str, why: str) -> FetchError:
    return FetchError(FetchErrorCode.INVALID_URL, why, url=url)


def _ipv4_number(text: str) -> int | None:
    """One part of an IPv4 host as the WHATWG URL standard (and inet_aton) reads it: 0x hex, 0 octal, decimal."""
    if not text:
        return None
    digits, radix = text, 10
    if text[:2] in ("0x", "0X"):
        digits, radix = text[2:], 16
    elif len(text) > 1 and text[0] == "0":
        digits, radix = text[1:], 8
    if not digits:
        return 0
    allowed = {10: "0123456789", 8: "01234567", 16: "0123456789abcdefABCDEF"}[radix]
    if any(c not in allowed for c in digits):
        return None
    return int(digits, radix)


def _parse_ipv4_host(url: str, host: str) -> ipaddress.IPv4Address | None:
    """The address a host denotes when it ends in a number (127.1, 2130706433, 0177.0.0.1, 0x7f.1); else None.

    A host ending in a number that is no valid address is refused rather than handed to a resolver that might
    read it another way.
    """
    parts = host.split(".")
    if len(parts) > 1 and parts[-1] == "":
        parts.pop()
    last = parts[-1]
    if not (re.fullmatch(r"[0-9]+", last) or _ipv4_number(last) is not None):
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if len(parts) > 4 or any(n is None for n in numbers):
        raise _invalid(url, f"{host!r} is not a valid IPv4 address")
    *leading, final = numbers
    if any(n > 255 for n in leading) or final >= 256 ** (5 - len(numbers)):
        raise _invalid(url, f"{host!r} is not a valid IPv4 address")
    value = final + sum(n << (8 * (3 - i)) for i, n in enumerate(leading))
    return ipaddress.IPv4Address(value)


def _request_target(path: str, query: str) -> str:
    target = (path or "/") + (f"?{query}" if query else "")
    return quote(target, safe=_TARGET_SAFE, encoding="utf-8", errors="strict")


def _parse_url(url: str, policy: FetchPolicy) -> _Target:
    if not isinstance(url, str) or not url.strip():
        raise _invalid(str(url), "empty URL")
    url = url.strip()
    if len(url) > _MAX_URL_LENGTH:
        raise _invalid(url[:200], "URL too long")
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise _invalid(url, f"unparseable URL: {exc}") from None
    scheme = parts.scheme.lower()
    if not scheme or (scheme in _DEFAULT_PORTS and not parts.netloc):
        raise _invalid(url, "not an absolute http(s) URL")
    if scheme not in _DEFAULT_PORTS:
        raise FetchError(FetchErrorCode.SCHEME_NOT_ALLOWED, f"scheme {scheme!r} is not http or https", url=url)
    try:
        port = parts.port
    except ValueError:
        raise _invalid(url, "invalid port") from None
    hostport = parts.netloc.rpartition("@")[2]  # user information is accepted and never sent
    hostname = parts.hostname or ""
    if not hostname:
        raise _invalid(url, "no host")
    ip: IPAddress | None
    if hostport.startswith("["):
        if "%" in hostname:
            raise _invalid(url, "IPv6 zone identifiers are not allowed")
        try:
            ip = ipaddress.IPv6Address(hostname)
        except ValueError:
            raise _invalid(url, f"{hostname!r} is not an IPv6 address") from None
        host, host_for_header = ip.compressed, f"[{ip.compressed}]"
    else:
        try:
            # IDNA maps internationalised names and full-width digits and dots to ASCII before any check.
            host = hostname.encode("idna").decode("ascii").lower()
        except UnicodeError:
            raise _invalid(url, f"{hostname!r} is not a valid host name") from None
        if len(host.rstrip(".")) > 253 or not _HOSTNAME_RE.match(host):
            raise _invalid(url, f"{hostname!r} is not a valid host name")
        ip = _parse_ipv4_host(url, host)
        if ip is not None:
            host = str(ip)
        host_for_header = host
    default_port = _DEFAULT_PORTS[scheme]
    if port is None:
        port = default_port
    if port == 0:
        raise _invalid(url, "port 0")
    if policy.allowed_ports is not None and port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise FetchError(FetchErrorCode.PORT_NOT_ALLOWED, f"port {port} is not one of {allowed}", url=url)
    try:
        request_target = _request_target(parts.path, parts.query)
    except UnicodeError:
        raise _invalid(url, "the path cannot be encoded") from None
    return _Target(
        url=url,
        scheme=scheme,
        host=host,
        ip=ip,
        port=port,
        request_target=request_target,
        host_header=host_for_header if port == default_port else f"{host_for_header}:{port}",
    )


def check_url(url: str, *, policy: FetchPolicy | None = None) -> None:
    """Refuse what can be refused without the network: scheme, port, syntax and address literals.

    Useful where a URL is entered; `fetch` checks all of it again, and the addresses a name resolves to.
    """
    policy = policy or FetchPolicy.from_settings()
    target = _parse_url(url, policy)
    if target.ip is not None:
        _refuse_address(target, target.ip, policy)


def _refuse_address(target: _Target, ip: IPAddress, policy: FetchPolicy) -> None:
    reason = check_address(ip, allow_loopback=policy.allow_loopback)
    if reason is not None:
        address_class, description = reason
        where = "" if target.ip is not None else f"{target.host} resolves to "
        raise FetchError(
            FetchErrorCode.ADDRESS_NOT_ALLOWED,
            f"{where}{description} [{address_class}]",
            url=target.url,
            address_class=address_class,
        )


# --- The deadline ------------------------------------------------------------------------------------------


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self, doing: str) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise self.exceeded(doing)
        return left

    def exceeded(self, doing: str) -> FetchError:
        return FetchError(
            FetchErrorCode.DEADLINE_EXCEEDED, f"the {self.seconds:g} s deadline passed while {doing}", transient=True
        )


# --- Resolving and connecting ------------------------------------------------------------------------------

_PERMANENT_DNS_ERRORS = {
    code
    for code in (
        getattr(socket, "EAI_NONAME", None),
        getattr(socket, "EAI_NODATA", None),
        getattr(socket, "EAI_ADDRFAMILY", None),
    )
    if code is not None
}


def _getaddrinfo(target: _Target, deadline: _Deadline) -> list[tuple]:
    """socket.getaddrinfo (looked up at call time, so tests can replace it) bounded by the deadline.

    The resolver has no timeout of its own, so it runs in a daemon thread and is abandoned at the deadline.
    """
    outcome: dict[str, object] = {}
    done = threading.Event()

    def resolve() -> None:
        try:
            outcome["value"] = socket.getaddrinfo(
                target.host, target.port, socket.AF_UNSPEC, socket.SOCK_STREAM, socket.IPPROTO_TCP
            )
        except BaseException as exc:  # handed to the caller's thread, which decides
            outcome["error"] = exc
        finally:
            done.set()

    threading.Thread(target=resolve, name="fetch-dns", daemon=True).start()
    if not done.wait(deadline.remaining(f"resolving {target.host}")):
        raise deadline.exceeded(f"resolving {target.host}")
    error = outcome.get("error")
    if isinstance(error, socket.gaierror):
        permanent = error.errno in _PERMANENT_DNS_ERRORS
        raise FetchError(
            FetchErrorCode.DNS_FAILED,
            f"{target.host} does not resolve" if permanent else f"resolving {target.host} failed: {error}",
            transient=not permanent,
            url=target.url,
        )
    if isinstance(error, (OSError, UnicodeError)):
        raise FetchError(FetchErrorCode.DNS_FAILED, f"resolving {target.host} failed: {error}", transient=True)
    if error is not None:
        raise error  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def _checked_addresses(target: _Target, policy: FetchPolicy, deadline: _Deadline) -> list[tuple[int, tuple]]:
    """(family, sockaddr) for every address of the host, after checking all of them; one bad one refuses."""
    if target.ip is not None:
        _refuse_address(target, target.ip, policy)
        if target.ip.version == 4:
            return [(socket.AF_INET, (str(target.ip), target.port))]
        return [(socket.AF_INET6, (str(target.ip), target.port, 0, 0))]
    addresses: list[tuple[int, tuple]] = []
    for family, _type, _proto, _name, sockaddr in _getaddrinfo(target, deadline):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            ip = ipaddress.ip_address(sockaddr[0])
        except ValueError:
            raise FetchError(
                FetchErrorCode.ADDRESS_NOT_ALLOWED,
                f"{target.host} resolves to an unreadable address {sockaddr[0]!r} [reserved]",
                url=target.url,
                address_class="reserved",
            ) from None
        _refuse_address(target, ip, policy)
        entry = (family, (str(ip), target.port) if family == socket.AF_INET else (str(ip), target.port, 0, 0))
        if entry not in addresses:
            addresses.append(entry)
    if not addresses:
        raise FetchError(FetchErrorCode.DNS_FAILED, f"{target.host} has no IP address", url=target.url)
    return addresses


def _connect(target: _Target, addresses: list[tuple[int, tuple]], deadline: _Deadline) -> socket.socket:
    """A TCP connection to one of the checked addresses, tried in the resolver's order."""
    last_error: OSError | None = None
    for family, sockaddr in addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(deadline.remaining(f"connecting to {sockaddr[0]}"))
            sock.connect(sockaddr)
            return sock
        except TimeoutError:
            sock.close()
            raise deadline.exceeded(f"connecting to {sockaddr[0]}") from None
        except OSError as exc:
            sock.close()
            last_error = exc
        except BaseException:
            sock.close()
            raise
    raise FetchError(
        FetchErrorCode.CONNECTION_FAILED,
        f"could not connect to {target.host}:{target.port}: {last_error}",
        transient=True,
    )


def _ssl_context() -> ssl.SSLContext:
    """The TLS context: system CAs, hostname checking, TLS 1.2+. Tests replace it to trust their own CA."""
    return ssl.create_default_context()


# --- One request -------------------------------------------------------------------------------------------


class _DeadlineReader(io.RawIOBase):
    """A socket's read side where every read may take only what is left of the deadline.

    http.client reads through it, so a drip (one byte a second) in the status line, the headers or the body
    ends at the deadline instead of restarting a timeout with each byte.
    """

    def __init__(self, sock: socket.socket, deadline: _Deadline):
        super().__init__()
        self._sock = sock
        self._deadline = deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        self._sock.settimeout(self._deadline.remaining("reading the response"))
        try:
            return self._sock.recv_into(buffer)
        except TimeoutError:
            raise self._deadline.exceeded("reading the response") from None


class _ResponseSocket:
    """What http.client.HTTPResponse needs of a socket: makefile()."""

    def __init__(self, reader: _DeadlineReader):
        self._reader = reader

    def makefile(self, mode: str = "rb", *args, **kwargs):
        return io.BufferedReader(self._reader, buffer_size=64 * 1024)


@dataclass
class _Answer:
    status: int
    headers: dict[str, str]
    body: bytes


_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_READ_SIZE = 64 * 1024


def _header_text(value: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f]", "", value)  # no CR/LF: a value can never start a header of its own


def _request_bytes(
    target: _Target, policy: FetchPolicy, method: str = "GET", body: bytes = b"", headers: dict | None = None
) -> bytes:
    lines = [
        f"{method} {target.request_target} HTTP/1.1",
        f"Host: {target.host_header}",
        f"User-Agent: {_header_text(policy.user_agent)}",
        "Accept: */*",
        # No compression: the size cap then applies to the bytes that are read, and nothing inflates after it.
        "Accept-Encoding: identity",
        "Connection: close",
    ]
    for name, value in (headers or {}).items():
        lines.append(f"{_header_text(name).replace(':', '')}: {_header_text(str(value))}")
    if method != "GET" or body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", errors="replace") + body


def _fetch_once(
    target: _Target,
    policy: FetchPolicy,
    deadline: _Deadline,
    max_bytes: int,
    method: str = "GET",
    body: bytes = b"",
    headers: dict | None = None,
) -> _Answer:
    addresses = _checked_addresses(target, policy, deadline)
    sock = _connect(target, addresses, deadline)
    response: http.client.HTTPResponse | None = None
    try:
        if target.scheme == "https":
            sock.settimeout(deadline.remaining("negotiating TLS"))
            # The TCP connection stays on the checked address; SNI and the certificate check use the name.
            sock = _ssl_context().wrap_socket(sock, server_hostname=target.tls_hostname)
        sock.settimeout(deadline.remaining("sending the request"))
        sock.sendall(_request_bytes(target, policy, method, body, headers))
        response = http.client.HTTPResponse(_ResponseSocket(_DeadlineReader(sock, deadline)), method=method)
        response.begin()
        headers: dict[str, str] = {}
        for name, value in response.getheaders():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        if response.status in _REDIRECT_STATUSES and "location" in headers and method == "GET":
            return _Answer(response.status, headers, b"")
        if response.length is not None and response.length > max_bytes:
            raise FetchError(
                FetchErrorCode.BODY_TOO_LARGE,
                f"Content-Length {response.length} is over the {max_bytes}-byte cap",
                url=target.url,
            )
        expected = response.length  # http.client does not complain when a body ends short of it
        chunks: list[bytes] = []
        total = 0
        while True:
            # One byte past the cap is enough to know it is over; nothing more is read.
            data = response.read(min(_READ_SIZE, max_bytes + 1 - total))
            if not data:
                break
            total += len(data)
            if total > max_bytes:
                raise FetchError(
                    FetchErrorCode.BODY_TOO_LARGE, f"the body is over the {max_bytes}-byte cap", url=target.url
                )
            chunks.append(data)
        if expected is not None and total < expected:
            raise http.client.IncompleteRead(b"", expected - total)
        return _Answer(response.status, headers, b"".join(chunks))
    except FetchError:
        raise
    except TimeoutError:
        raise deadline.exceeded("talking to the server") from None
    except ssl.SSLCertVerificationError as exc:
        raise FetchError(FetchErrorCode.TLS_ERROR, f"certificate not accepted: {exc.verify_message}") from None
    except ssl.SSLError as exc:
        raise FetchError(FetchErrorCode.TLS_ERROR, f"TLS failed: {exc}") from None
    except (http.client.RemoteDisconnected, http.client.IncompleteRead) as exc:
        raise FetchError(
            FetchErrorCode.CONNECTION_FAILED, f"the server closed the connection early: {exc!r}", transient=True
        ) from None
    except (http.client.HTTPException, ValueError) as exc:
        raise FetchError(FetchErrorCode.INVALID_RESPONSE, f"not a valid HTTP response: {exc!r}") from None
    except OSError as exc:
        raise FetchError(FetchErrorCode.CONNECTION_FAILED, f"connection failed: {exc}", transient=True) from None
    finally:
        if response is not None:
            response.close()
        sock.close()


# --- The fetch ---------------------------------------------------------------------------------------------


def fetch(
    url: str,
    *,
    max_bytes: int | None = None,
    deadline: float | None = None,
    policy: FetchPolicy | None = None,
    method: str = "GET",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
) -> FetchResult:
    """GET (or POST `body` with `headers`) a URL under the fetch policy (the FETCH_* settings unless `policy`).

    `max_bytes` and `deadline` (seconds, for the whole fetch including redirects) override the policy's.
    A GET follows redirects (301, 302, 303, 307, 308), each hop checked like the first URL; any other method
    returns the redirect as its result, so a body is never re-sent somewhere else. Any HTTP status is a
    result; a refusal or a failure raises FetchError.
    """
    if method not in ("GET", "POST"):
        raise ValueError(f"unsupported method {method!r}")
    policy = policy or FetchPolicy.from_settings()
    cap = policy.max_bytes if max_bytes is None else max_bytes
    clock = _Deadline(policy.deadline_seconds if deadline is None else deadline)
    started = time.monotonic()
    current = url
    redirects: list[str] = []
    while True:
        try:
            target = _parse_url(current, policy)
            answer = _fetch_once(target, policy, clock, cap, method, body, headers)
            if method == "GET" and answer.status in _REDIRECT_STATUSES and "location" in answer.headers:
                if len(redirects) >= policy.max_redirects:
                    raise FetchError(FetchErrorCode.TOO_MANY_REDIRECTS, f"more than {policy.max_redirects} redirects")
                redirects.append(target.url)
                current = urljoin(target.url, answer.headers["location"].strip())
                continue
        except FetchError as exc:
            exc.url = exc.url or current
            exc.redirects = list(redirects)
            if redirects and exc.code != FetchErrorCode.TOO_MANY_REDIRECTS:
                exc.message = f"redirect {len(redirects)} to {current}: {exc.message}"
                exc.args = (f"{exc.code}: {exc.message}",)
            raise
        content_type = answer.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return FetchResult(
            url=url,
            final_url=target.url,
            status_code=answer.status,
            headers=answer.headers,
            body=answer.body,
            content_type=content_type,
            duration_ms=int((time.monotonic() - started) * 1000),
            redirects=redirects,
        )
