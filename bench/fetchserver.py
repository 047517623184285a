"""A loopback HTTP server for the fetch benchmark: per-post comment feeds, slowly."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

#: The server stops by itself after this many seconds, whatever happens.
LIFETIME = 600.0


def comment_feed(post: int, comments: int = 20) -> bytes:
    """A WordPress per-post comment feed ("Comments on: TITLE")."""
    base = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(days=post)
    link = f"https://old.example/2024/post-{post}/"
    items = "".join(
        f"<item><title>By: Reader {post}-{n}</title>"
        f"<link>{link}#comment-{post * 1000 + n}</link>"
        f"<dc:creator><![CDATA[Reader {n}]]></dc:creator>"
        f"<pubDate>{format_datetime(base + timedelta(hours=n))}</pubDate>"
        f'<guid isPermaLink="false">https://old.example/?p={post}'
        f"#comment-{post * 1000 + n}</guid>"
        f"<description><![CDATA[Comment {n} on post {post}.]]></description></item>"
        for n in range(comments)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f"<channel><title>Comments on: Post {post}</title><link>{link}</link>"
        f"{items}</channel></rss>"
    ).encode()


class _Handler(BaseHTTPRequestHandler):
    server: SlowFeedServer

    def do_GET(self) -> None:
        time.sleep(self.server.latency)
        self.server.count()
        try:
            post = int(self.path.strip("/").split("/")[1])
        except (IndexError, ValueError):
            self.send_error(404)
            return
        etag = f'"post-{post}-v1"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        body = self.server.feeds.setdefault(post, comment_feed(post))
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("ETag", etag)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the benchmark prints its own table."""


class SlowFeedServer(ThreadingHTTPServer):
    """Serves ``/feed/N/`` on 127.0.0.1 only, each answer after ``latency``
    seconds; answers 304 to a matching ``If-None-Match``. Stops by itself
    after :data:`LIFETIME` seconds."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, latency: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.latency = latency
        self.feeds: dict[int, bytes] = {}
        self.requests = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._timer = threading.Timer(LIFETIME, self.shutdown)
        self._timer.daemon = True

    def count(self) -> None:
        with self._lock:
            self.requests += 1

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> SlowFeedServer:
        self._thread.start()
        self._timer.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._timer.cancel()
        self.shutdown()
        self.server_close()
