"""The one HTTP layer: the only module of the plugin that touches the network."""

from __future__ import annotations

import ipaddress
import json
import logging
import random
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from importlib import metadata
from typing import Any, TypedDict, TypeVar
from urllib.parse import quote, quote_plus, urljoin, urlsplit
from urllib.request import getproxies, proxy_bypass

import httpcore
import httpx

from .progress import ProgressWanted, progress_bar

__all__ = [
    "PROJECT_URL",
    "REDIRECT_STATUSES",
    "BudgetSpent",
    "FetchError",
    "FetchPolicy",
    "Fetcher",
    "RequestOptions",
    "Resolver",
    "Response",
    "is_public_address",
    "parse_retry_after",
    "plugin_version",
    "redact_secrets",
    "resolve_host",
    "user_agent",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

PROJECT_URL = "https://github.com/pelican-community"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Query parameters whose values are secrets wherever they appear in a URL.
_SECRET_PARAM = re.compile(
    r"(?i)((?:^|[?&;\s])(?:token|access_token|api_key|apikey|key|secret)=)[^&;#\s\"']+"
)


# The password of a URL's user info: https://user:password@host/
_URL_PASSWORD = re.compile(r"(?i)(\bhttps?://[^/?#@\s:]*:)[^/?#@\s]*@")


def redact_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with each secret (plain or URL-encoded), every ``token=``
    style query value and every URL password replaced by ``***``."""
    text = _SECRET_PARAM.sub(r"\1***", str(text))
    text = _URL_PASSWORD.sub(r"\1***@", text)
    for secret in sorted(secrets, key=len, reverse=True):
        for form in (secret, quote(secret, safe=""), quote_plus(secret)):
            text = text.replace(form, "***")
    return text


class _RedactingFilter(logging.Filter):
    """Redacts secrets in log records of the HTTP libraries below us: httpx
    logs every request URL (query string included) at INFO."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add_secret(self, secret: str) -> None:
        with self._lock:
            self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        with self._lock:
            secrets = set(self._secrets)
        message = record.getMessage()
        clean = redact_secrets(message, secrets)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_LOG_FILTER = _RedactingFilter()
# Filters do not reach child loggers: name each one that logs requests.
for _name in ("httpx", "httpcore", "httpcore.connection", "httpcore.http11"):
    logging.getLogger(_name).addFilter(_LOG_FILTER)


def plugin_version() -> str:
    """The installed version of pelican-community, or "dev" from a checkout."""
    try:
        return metadata.version("pelican-community")
    except metadata.PackageNotFoundError:
        return "dev"


def user_agent() -> str:
    """What the plugin calls itself on the network."""
    return f"pelican-community/{plugin_version()} (+{PROJECT_URL})"


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for every request. Tests shrink the times to milliseconds."""

    connect_timeout: float = 10.0  #: seconds to open a connection
    read_timeout: float = 20.0  #: seconds of silence tolerated while reading
    deadline: float = 60.0  #: seconds for one request, retries and waits included
    max_bytes: int = 10 * 1024 * 1024  #: a larger body is refused
    retries: int = 3  #: further attempts after a connection error, 429 or 5xx
    backoff: float = 1.0  #: first wait between attempts (doubles, with jitter)
    max_backoff: float = 30.0
    max_retry_after: float = 120.0  #: a longer Retry-After gives up at once
    max_redirects: int = 5
    workers: int = 6  #: requests in flight at once


class FetchError(Exception):
    """A request failed. The message is already free of secrets."""

    def __init__(self, message: str, *, attempts: int = 0, status: int = 0) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.status = status


class BudgetSpent(FetchError):
    """The time a build gives fetching ran out before this request ended."""


class RequestOptions(TypedDict, total=False):
    """The keyword arguments of :meth:`Fetcher.get`, for a caller that hands
    them on."""

    params: Mapping[str, str | int] | None
    headers: Mapping[str, str] | None
    etag: str
    last_modified: str
    untrusted: bool
    trusted_origin: str


@dataclass(frozen=True)
class Response:
    """A complete, size-checked response."""

    url: str  #: the final URL (after redirects)
    status: int
    headers: httpx.Headers
    body: bytes
    attempts: int = 1
    safe_url: str = ""  #: ``url`` with secrets redacted, for messages

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str:
        etag: str = self.headers.get("etag", "")
        return etag

    @property
    def last_modified(self) -> str:
        last_modified: str = self.headers.get("last-modified", "")
        return last_modified

    @property
    def content_type(self) -> str:
        content_type: str = self.headers.get("content-type", "")
        return content_type.split(";")[0].strip().lower()

    def json(self) -> object:
        """The body as JSON; :class:`FetchError` when it is an HTML page,
        truncated or otherwise not JSON."""
        if self.content_type in ("text/html", "application/xhtml+xml"):
            raise FetchError(f"{self.safe_url}: got an HTML page instead of JSON")
        try:
            return json.loads(self.body.decode("utf-8-sig"))
        except ValueError as exc:
            raise FetchError(
                f"{self.safe_url}: response is not valid JSON ({exc})"
            ) from None
        except RecursionError:
            raise FetchError(
                f"{self.safe_url}: the JSON is nested too deeply"
            ) from None

    def link(self, rel: str) -> str:
        """The absolute URL of the ``Link`` header entry with ``rel``, or ""."""
        for entry in httpx.Response(200, headers=self.headers).links.values():
            if rel in (entry.get("rel") or "").split():
                return urljoin(self.url, entry.get("url", ""))
        return ""


def is_public_address(address: str) -> bool:
    """Whether an IP address is on the public internet: globally routable
    (not loopback, private, shared/CGNAT, link-local, documentation...), and
    not reserved, multicast or unspecified. An IPv6 address that carries an
    IPv4 one (IPv4-mapped, 6to4) is judged by that IPv4 address."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        ip = ip.ipv4_mapped or ip.sixtofour or ip
    # ``is_global`` alone lets multicast through; the rest are belt and braces
    # across Python versions, whose tables of special ranges differ.
    return ip.is_global and not (
        ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
    )


# -- the total deadline -------------------------------------------------------
#
# httpx's timeouts apply to each socket operation on its own: a server that
# sends one header line (or one body byte) every second never trips them and
# can hold a request for ever. So the request running on a thread keeps its
# deadline here, and every connect, TLS handshake, read and write of the
# connection pool gets at most the time left (and fails once none is left).

_deadline = threading.local()


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what is left before this thread's request deadline;
    raises ``expired`` (an httpcore timeout) when the deadline has passed."""
    at: float | None = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation ends by the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _time_left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        stream = self._stream.start_tls(ssl_context, server_hostname, timeout)
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens connections through ``backend`` as :class:`_DeadlineStream`."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        # The addresses this request resolved (and checked) for ``host``:
        # connect to those, never to what a second lookup would answer. TLS
        # still names ``host`` (httpcore takes SNI from the URL, not from here).
        addresses = getattr(_deadline, "pins", {}).get(host) or [host]
        failure: Exception | None = None
        for address in addresses:
            try:
                return _DeadlineStream(
                    self._backend.connect_tcp(
                        address,
                        port,
                        _time_left(timeout, httpcore.ConnectTimeout),
                        local_address,
                        socket_options,
                    )
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        assert failure is not None
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _time_left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            self._backend.connect_unix_socket(path, timeout, socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


@contextmanager
def _pinned(host: str, addresses: list[str] | None) -> Iterator[None]:
    """Connections this thread opens to ``host`` inside the block go to
    ``addresses`` (None: resolved by the connection itself)."""
    if addresses is None:
        yield
        return
    previous = getattr(_deadline, "pins", {})
    _deadline.pins = {**previous, host: addresses}
    try:
        yield
    finally:
        _deadline.pins = previous


@contextmanager
def _deadline_at(at: float) -> Iterator[None]:
    """Requests made on this thread inside the block end by ``at``."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = previous


def _enforce_deadlines(client: httpx.Client) -> None:
    """Give the httpcore pool behind each of ``client``'s transports (the
    direct one, and any proxy from the environment) the deadline backend.

    httpx (0.27, 0.28) has no argument for a network backend, so this sets
    the pool's own; a transport without a pool (a test's) is left as it is.
    """
    for transport in (client._transport, *client._mounts.values()):
        pool = getattr(transport, "_pool", None)
        if isinstance(pool, httpcore.ConnectionPool):
            pool._network_backend = _DeadlineBackend(pool._network_backend)


Resolver = Callable[[str, int], Iterable[str]]


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return sorted({str(info[4][0]) for info in infos})


def _ascii_host(url: str) -> str:
    """``url``'s host as the connection names it (lower case, IDNA)."""
    return httpx.URL(url).raw_host.decode("ascii").lower()


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


def _through_proxy(url: str, host: str) -> bool:
    """Whether a proxy from the environment carries requests to ``url`` (the
    proxy then resolves its host, not us)."""
    proxies = getproxies()
    scheme = urlsplit(url).scheme.lower()
    return bool(proxies.get(scheme) or proxies.get("all")) and not (proxy_bypass(host))


@dataclass(frozen=True)
class _Window:
    """When one request must end, and whether the build's budget sets it."""

    ends: float
    by_budget: bool
    deadline: float  #: the request's own limit, in seconds

    def left(self) -> float:
        return self.ends - time.monotonic()


def _origin(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # not a port: no origin to match (the request fails)
        port = -1
    return (parts.scheme.lower(), (parts.hostname or "").lower(), port)


class Fetcher:
    """Makes GET requests within a :class:`FetchPolicy`.

    Everything that leaves this class (exceptions, log lines) has the
    registered secrets and any ``token=`` style query value redacted.
    """

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        resolver: Resolver = resolve_host,
        sleep: Callable[[float], None] = time.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolver = resolver
        #: Resolve every host here and connect to what was resolved: only
        #: through the network (a test's transport has no connections).
        self._pin_addresses = transport is None
        self._cutoff: float | None = None
        self._budget = 0.0
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        self._client = httpx.Client(
            headers={"User-Agent": user_agent()},
            follow_redirects=False,
            transport=transport,
            limits=httpx.Limits(max_connections=max(2, self.policy.workers * 2)),
        )
        _enforce_deadlines(self._client)

    # -- lifecycle ------------------------------------------------------------

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- secrets --------------------------------------------------------------

    def add_secret(self, secret: str) -> None:
        """Never let ``secret`` appear in a message (ours or httpx's logs)."""
        if secret:
            with self._lock:
                self._secrets.add(secret)
            _LOG_FILTER.add_secret(secret)

    def redact(self, text: str) -> str:
        """``text`` with every registered secret and ``token=`` value hidden."""
        with self._lock:
            secrets = set(self._secrets)
        return redact_secrets(text, secrets)

    # -- the build's budget ---------------------------------------------------

    def limit_to(self, seconds: float | None) -> None:
        """From now, every request ends within ``seconds`` (None: no limit
        beyond each request's deadline): one in flight is cut off, one not
        started fails at once with :class:`BudgetSpent`."""
        self._budget = seconds or 0.0
        self._cutoff = None if seconds is None else time.monotonic() + seconds

    def _window(self, started: float) -> _Window:
        ends = started + self.policy.deadline
        if self._cutoff is not None and self._cutoff < ends:
            return _Window(self._cutoff, True, self.policy.deadline)
        return _Window(ends, False, self.policy.deadline)

    def _out_of_time(self, safe: str, window: _Window) -> FetchError:
        if window.by_budget:
            return BudgetSpent(
                f"{safe}: cut short: the fetch budget ({self._budget:g} s) ran out"
            )
        return FetchError(f"{safe}: timed out after {window.deadline:g} s")

    # -- requests -------------------------------------------------------------

    def get(
        self,
        url: str,
        *,
        params: Mapping[str, str | int] | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str = "",
        last_modified: str = "",
        untrusted: bool = False,
        trusted_origin: str = "",
    ) -> Response:
        """GET ``url`` and return the whole response (2xx or 304).

        ``etag``/``last_modified`` make the request conditional (a 304 comes
        back as a response whose ``not_modified`` is true). ``untrusted``
        marks a URL that came from fetched content: unless it is on the same
        origin as ``trusted_origin``, it may not lead to a non-public address.
        Raises :class:`FetchError` with a redacted message on any failure.
        """
        try:
            request_url = (
                str(httpx.URL(url).copy_merge_params(params)) if params else url
            )
        except _NOT_NETWORK_ERRORS as exc:
            raise self._failed(url, exc) from None
        send_headers = dict(headers or {})
        if etag:
            send_headers["If-None-Match"] = etag
        if last_modified:
            send_headers["If-Modified-Since"] = last_modified
        window = self._window(time.monotonic())
        if window.left() <= 0:
            raise self._out_of_time(self.redact(url), window)
        attempts = 0
        with _deadline_at(window.ends):
            while True:
                attempts += 1
                try:
                    response = self._follow(
                        request_url, send_headers, untrusted, trusted_origin, window
                    )
                except _Retryable as exc:
                    wait = self._wait_before_retry(exc, attempts, window)
                    if wait is None and window.by_budget and window.left() <= 0.01:
                        raise BudgetSpent(
                            self._out_of_time(exc.message, window).args[0],
                            attempts=attempts,
                            status=exc.status,
                        ) from None
                    if wait is None:
                        raise FetchError(
                            exc.message, attempts=attempts, status=exc.status
                        ) from None
                    logger.debug("%s; retrying in %.2f s", exc.message, wait)
                    self._sleep(wait)
                    continue
                except FetchError as exc:
                    exc.attempts = attempts
                    raise
                return Response(
                    url=response[0],
                    status=response[1],
                    headers=response[2],
                    body=response[3],
                    attempts=attempts,
                    safe_url=self.redact(response[0]),
                )

    def _wait_before_retry(
        self, exc: _Retryable, attempts: int, window: _Window
    ) -> float | None:
        policy = self.policy
        if attempts > policy.retries:
            return None
        if exc.retry_after is not None:
            if exc.retry_after > policy.max_retry_after:
                exc.message += (
                    f" (Retry-After {exc.retry_after:.0f} s: giving up for now)"
                )
                return None
            wait = exc.retry_after
        else:
            wait = min(policy.max_backoff, policy.backoff * 2 ** (attempts - 1))
            wait *= 0.5 + self._rng.random()
        if wait >= window.left():
            exc.message += " (no time left to retry)"
            return None
        return wait

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        untrusted: bool,
        trusted_origin: str,
        window: _Window,
    ) -> tuple[str, int, httpx.Headers, bytes]:
        """One attempt: follow redirects by hand, checking each hop."""
        if trusted_origin:
            trusted: tuple[str, str, int] | None = _origin(trusted_origin)
        else:
            trusted = None if untrusted else _origin(url)
        hop_untrusted = untrusted
        for _hop in range(self.policy.max_redirects + 1):
            try:
                host, addresses = self._check_url(url, hop_untrusted, trusted, window)
                with _pinned(host, addresses):
                    status, response_headers, body = self._send(url, headers, window)
            except _NOT_NETWORK_ERRORS as exc:
                raise self._failed(url, exc) from None
            location = response_headers.get("location")
            if status in REDIRECT_STATUSES and location:
                try:
                    url = urljoin(url, location)
                except ValueError as exc:
                    raise self._failed(url, exc) from None
                # A redirect target comes from the server: hold it to the
                # untrusted rules unless it stays on the trusted origin.
                hop_untrusted = True
                continue
            return url, status, response_headers, body
        raise FetchError(f"{self.redact(url)}: too many redirects")

    def _failed(self, url: str, exc: Exception) -> FetchError:
        """A :class:`FetchError` naming ``url`` for a failure that is not the
        network's: a URL httpx cannot request, a body that does not decode."""
        if isinstance(exc, httpx.DecodingError):
            reason = f"the response could not be decoded ({exc})"
        elif isinstance(exc, httpx.InvalidURL | ValueError):
            reason = f"cannot be requested ({exc})"
        else:
            reason = f"{type(exc).__name__}: {exc}"
        return FetchError(f"{self.redact(url)}: {self.redact(reason)}")

    def _check_url(
        self,
        url: str,
        untrusted: bool,
        trusted: tuple[str, str, int] | None,
        window: _Window,
    ) -> tuple[str, list[str] | None]:
        """Refuse what may not be fetched; resolve the host once, within the
        request's time, and return it with the addresses to connect to (None:
        the connection resolves it, as through a proxy)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{self.redact(url)}: only http(s) URLs are fetched")
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
        host = _ascii_host(url)
        # Fetched content may lead back to where the configured URL pointed
        # (pagination, http -> https on the same host), nowhere private.
        checked = untrusted and not (trusted is not None and _origin(url) == trusted)
        pinned = (
            self._pin_addresses
            and not _is_ip_literal(host)
            and not _through_proxy(url, host)
        )
        if not checked and not pinned:
            return host, None
        addresses = self._resolve(url, host, port, window)
        if checked and (
            not addresses or not all(is_public_address(a) for a in addresses)
        ):
            raise FetchError(
                f"{self.redact(url)}: refused: not an address on the public internet"
            )
        return host, addresses if pinned else None

    def _resolve(self, url: str, host: str, port: int, window: _Window) -> list[str]:
        """``host``'s addresses, looked up once; a resolver that does not
        answer in the time left fails the request instead of holding it."""
        addresses: list[str] = []
        errors: list[OSError | UnicodeError] = []

        def look_up() -> None:
            try:
                addresses.extend(self._resolver(host, port))
            except (OSError, UnicodeError) as exc:
                errors.append(exc)

        # A thread of its own: getaddrinfo takes no timeout. A daemon, so a
        # resolver that never answers cannot hold the process at exit.
        lookup = threading.Thread(target=look_up, name="resolve", daemon=True)
        lookup.start()
        lookup.join(max(0.0, window.left()))
        if lookup.is_alive():
            failure = self._out_of_time(self.redact(url), window)
            if not window.by_budget:
                failure = FetchError(
                    f"{self.redact(url)}: cannot resolve host: no answer within "
                    f"{window.deadline:g} s"
                )
            raise failure
        if errors:
            raise _Retryable(f"{self.redact(url)}: cannot resolve host ({errors[0]})")
        return addresses

    def _send(
        self, url: str, headers: dict[str, str], window: _Window
    ) -> tuple[int, httpx.Headers, bytes]:
        policy = self.policy
        remaining = window.left()
        if remaining <= 0:
            raise self._out_of_time(self.redact(url), window)
        timeout = httpx.Timeout(
            connect=min(policy.connect_timeout, remaining),
            read=min(policy.read_timeout, remaining),
            write=min(policy.read_timeout, remaining),
            pool=min(policy.connect_timeout, remaining),
        )
        safe = self.redact(url)
        try:
            with self._client.stream(
                "GET", url, headers=headers, timeout=timeout
            ) as resp:
                status = resp.status_code
                if status in REDIRECT_STATUSES or status == 304:
                    return status, resp.headers, b""
                if status == 429 or status >= 500:
                    raise _Retryable(
                        f"{safe}: HTTP {status}",
                        status=status,
                        retry_after=parse_retry_after(resp.headers.get("retry-after")),
                    )
                if not 200 <= status < 300:
                    raise FetchError(f"{safe}: HTTP {status}", status=status)
                body = self._read_capped(resp, safe, window)
                return status, resp.headers, body
        except httpx.TimeoutException:
            # The deadline cut this request short (a timer may wake a hair
            # early): say so, and leave no retry to start.
            if window.left() < 0.01:
                raise self._out_of_time(safe, window) from None
            raise _Retryable(f"{safe}: timed out") from None
        except httpx.TransportError as exc:
            raise _Retryable(f"{safe}: {self.redact(_describe(exc))}") from None

    def _read_capped(self, resp: httpx.Response, safe: str, window: _Window) -> bytes:
        policy = self.policy
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_bytes:
            raise FetchError(f"{safe}: response too large ({declared} bytes)")
        chunks: list[bytes] = []
        size = 0
        for chunk in resp.iter_bytes():
            size += len(chunk)
            if size > policy.max_bytes:
                raise FetchError(
                    f"{safe}: response too large (over {policy.max_bytes} bytes)"
                )
            if window.left() < 0:
                raise self._out_of_time(safe, window)
            chunks.append(chunk)
        return b"".join(chunks)

    # -- many requests --------------------------------------------------------

    def run_all(
        self,
        tasks: Sequence[Callable[[], T]],
        *,
        description: str = "Fetching",
        progress: ProgressWanted = False,
    ) -> list[T | BaseException]:
        """Run ``tasks`` on a bounded thread pool, in order of results.

        A task that raises gives its exception in its slot. With ``progress``
        (True, or a rich console) on a terminal, a progress bar is shown;
        otherwise silence.
        """
        results: list[T | BaseException] = [RuntimeError("not run")] * len(tasks)
        if not tasks:
            return results
        bar = progress_bar(progress, description, len(tasks))
        try:
            with ThreadPoolExecutor(max_workers=max(1, self.policy.workers)) as pool:
                futures = {pool.submit(task): index for index, task in enumerate(tasks)}
                for future in as_completed(futures):
                    index = futures[future]
                    try:
                        results[index] = future.result()
                    except Exception as exc:
                        results[index] = exc
                    if bar is not None:
                        bar.advance()
        finally:
            if bar is not None:
                bar.stop()
        return results


#: Raised by httpx or the URL parser for a bad URL or body (the network's own
#: errors are handled where they happen); ``get`` turns them into FetchError.
_NOT_NETWORK_ERRORS = (httpx.HTTPError, httpx.InvalidURL, ValueError)


class _Retryable(Exception):
    """An attempt failed in a way that may pass: connection error, 429, 5xx."""

    def __init__(
        self, message: str, *, status: int = 0, retry_after: float | None = None
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({exc})" if str(exc) else "cannot connect"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the connection broke off"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
