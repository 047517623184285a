"""A loopback HTTP server that replays recorded API responses and injects faults."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from pelican.plugins.community.fetcher import FetchPolicy
from pelican.plugins.community.settings import CommunitySettings, load_settings

LIVE_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "live"


@dataclass
class Reply:
    """One canned response."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  #: seconds to wait before answering (a slow server)
    etag: str = ""  #: answer 304 when the request's If-None-Match equals it
    drop_after: int = -1  #: promise the whole body, send this many bytes, hang up
    #: (seconds, lines): send the status line, then one header line every
    #: ``seconds`` for ``lines`` lines before the rest (a server that drips)
    drip_headers: tuple[float, int] | None = None


@dataclass
class Seen:
    """One request the server received."""

    path: str
    query: dict[str, str]
    headers: dict[str, str]


Matcher = Callable[[dict[str, str]], bool]


def json_reply(data: object, status: int = 200, **headers: str) -> Reply:
    body = json.dumps(data).encode()
    return Reply(
        status, body, {"Content-Type": "application/json; charset=utf-8", **headers}
    )


def fixture_reply(
    name: str,
    status: int = 200,
    *,
    replace: dict[str, str] | None = None,
    **headers: str,
) -> Reply:
    """A recorded response from ``tests/fixtures/live`` (``replace``: text swaps,
    e.g. a real instance's address by the loopback server's)."""
    body = (LIVE_FIXTURES / name).read_bytes()
    for old, new in (replace or {}).items():
        body = body.replace(old.encode(), new.encode())
    kind = (
        "application/json; charset=utf-8"
        if name.endswith(".json")
        else "application/rss+xml"
    )
    return Reply(status, body, {"Content-Type": kind, **headers})


def html_error_page() -> Reply:
    """A proxy's or CDN's error page served with status 200."""
    body = (
        b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>Bad Gateway</h1><p>cloudflare</p></body></html>"
    )
    return Reply(200, body, {"Content-Type": "text/html; charset=utf-8"})


def truncated(reply: Reply, keep: float = 0.5) -> Reply:
    """``reply`` with its body cut off part-way (a dropped connection)."""
    return Reply(
        reply.status, reply.body[: int(len(reply.body) * keep)], dict(reply.headers)
    )


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a fault we injected on purpose (a dropped connection)


class ReplayServer:
    """Serves ``Reply`` sequences by path on 127.0.0.1 (an ephemeral port).

    Each route holds a list of replies used in turn; the last one repeats.
    A route may require query parameters (``when={"page": "1"}``).
    """

    def __init__(self) -> None:
        self.routes: list[tuple[str, Matcher, list[Reply]]] = []
        self.seen: list[Seen] = []
        self._lock = threading.Lock()
        # Slow answers wait on this: stopping the server ends them at once.
        self._stopping = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},
            daemon=True,
        )
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def route(
        self, path: str, *replies: Reply, when: dict[str, str] | None = None
    ) -> None:
        """Answer GET ``path`` (with the ``when`` query values) with ``replies``."""
        wanted = dict(when or {})

        def matches(query: dict[str, str]) -> bool:
            return all(query.get(k) == v for k, v in wanted.items())

        with self._lock:
            # Newer routes win, so a test can replace a recorded answer by a fault.
            self.routes.insert(0, (path, matches, list(replies)))

    def requests_to(self, path: str) -> list[Seen]:
        return [seen for seen in self.seen if seen.path == path]

    def stop(self) -> None:
        self._stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        with self._lock:
            self.seen.append(Seen(parts.path, query, dict(handler.headers.items())))
            reply = self._pick(parts.path, query)
        if reply is None:
            reply = json_reply({"error": "Record not found"}, status=404)
        if reply.delay:
            self._stopping.wait(reply.delay)
        if reply.etag and handler.headers.get("If-None-Match") == reply.etag:
            reply = Reply(304, b"", {"ETag": reply.etag})
        try:
            if reply.drip_headers:
                _drip(handler, reply)
                return
            handler.send_response(reply.status)
            headers = dict(reply.headers)
            if reply.etag:
                headers.setdefault("ETag", reply.etag)
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.send_header("Content-Length", str(len(reply.body)))
            handler.end_headers()
            if reply.drop_after >= 0:
                handler.wfile.write(reply.body[: reply.drop_after])
                handler.wfile.flush()
                handler.close_connection = True
                handler.connection.shutdown(socket.SHUT_RDWR)
                return
            handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _pick(self, path: str, query: dict[str, str]) -> Reply | None:
        for route_path, matches, replies in self.routes:
            if route_path == path and matches(query):
                return replies.pop(0) if len(replies) > 1 else replies[0]
        return None


def _drip(handler: BaseHTTPRequestHandler, reply: Reply) -> None:
    """Answer ``reply`` with its headers sent one line at a time, slowly: every
    read of the client gets a little, so only a total deadline stops it."""
    every, lines = reply.drip_headers
    handler.wfile.write(b"HTTP/1.1 %d OK\r\n" % reply.status)
    handler.wfile.flush()
    for number in range(lines):
        time.sleep(every)
        handler.wfile.write(b"X-Drip-%d: x\r\n" % number)
        handler.wfile.flush()
    headers = {**reply.headers, "Content-Length": str(len(reply.body))}
    for name, value in headers.items():
        handler.wfile.write(f"{name}: {value}\r\n".encode("latin-1"))
    handler.wfile.write(b"\r\n" + reply.body)


def unused_port_url() -> str:
    """A loopback URL where nothing listens: connection refused (a server down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def replay() -> ReplayServer:
    server = ReplayServer()
    yield server
    server.stop()


# -- helpers for the live-source tests ----------------------------------------

#: Timeouts and backoffs in milliseconds, so fault tests stay fast.
FAST_POLICY = FetchPolicy(
    connect_timeout=0.5,
    read_timeout=0.3,
    deadline=3.0,
    max_bytes=64 * 1024,
    retries=1,
    backoff=0.01,
    max_backoff=0.02,
    max_retry_after=1.0,
    workers=4,
)
NOW = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)


def live_settings(root: Path, *sources: dict, **extra: object) -> CommunitySettings:
    """Validated settings for a site in ``root`` with ``sources``."""
    values = {"COMMUNITY_SOURCES": list(sources), **extra}
    return load_settings(values, root=root)


def archive_snapshot(path: Path) -> dict[str, str]:
    """Every file of the archive folder and its text (state.json included)."""
    if not path.is_dir():
        return {}
    return {
        p.name: p.read_text(encoding="utf-8")
        for p in sorted(path.iterdir())
        if p.is_file()
    }


def live_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings the live sync logged, as the user reads them."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith(
            (
                "pelican.plugins.community.archive.live",
                "pelican.plugins.community.sources",
            )
        )
        and r.levelno >= logging.WARNING
    ]
