"""The one HTTP layer: timeouts, caps, retries, conditional requests, safety."""

from __future__ import annotations

import logging
import threading
import time

import httpcore
import httpx
import pytest
import replay_server
from pelican.plugins.community.fetcher import (
    BudgetSpent,
    Fetcher,
    FetchError,
    FetchPolicy,
    is_public_address,
    parse_retry_after,
    user_agent,
)
from replay_server import (
    Reply,
    html_error_page,
    json_reply,
    truncated,
    unused_port_url,
)

replay = replay_server.replay

FAST = FetchPolicy(
    connect_timeout=0.5,
    read_timeout=0.3,
    deadline=3.0,
    max_bytes=64 * 1024,
    retries=2,
    backoff=0.01,
    max_backoff=0.05,
    max_retry_after=2.0,
    workers=4,
)
TOKEN = "s3cr3t-T0KEN-value"


@pytest.fixture
def fetcher():
    with Fetcher(FAST) as client:
        yield client


def test_user_agent_names_the_plugin_and_its_version(replay, fetcher):
    replay.route("/ok", json_reply({"ok": True}))
    response = fetcher.get(replay.url + "/ok")
    assert response.json() == {"ok": True}
    agent = replay.requests_to("/ok")[0].headers["User-Agent"]
    assert agent == user_agent()
    assert agent.startswith("pelican-community/")
    assert "(+https://" in agent


def test_conditional_request_gets_not_modified(replay, fetcher):
    replay.route(
        "/feed",
        Reply(200, b"<rss/>", {"Last-Modified": "Tue, 05 Mar 2013"}, etag='"v1"'),
    )
    first = fetcher.get(replay.url + "/feed")
    assert (first.status, first.etag, first.last_modified) == (
        200,
        '"v1"',
        "Tue, 05 Mar 2013",
    )
    second = fetcher.get(
        replay.url + "/feed", etag=first.etag, last_modified=first.last_modified
    )
    assert second.not_modified and second.body == b""
    sent = replay.requests_to("/feed")[1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Tue, 05 Mar 2013"


def test_server_error_then_success_is_retried(replay, fetcher):
    replay.route("/flaky", Reply(500, b"oops"), Reply(503, b"busy"), json_reply([1]))
    response = fetcher.get(replay.url + "/flaky")
    assert response.json() == [1]
    assert response.attempts == 3


def test_rate_limit_honours_retry_after(replay):
    waits: list[float] = []
    replay.route("/limited", Reply(429, b"", {"Retry-After": "1"}), json_reply({}))
    with Fetcher(FAST, sleep=waits.append) as client:
        assert client.get(replay.url + "/limited").attempts == 2
    assert waits == [1.0]


def test_a_long_retry_after_gives_up_at_once(replay, fetcher):
    replay.route("/limited", Reply(429, b"", {"Retry-After": "3600"}))
    with pytest.raises(FetchError) as caught:
        fetcher.get(replay.url + "/limited")
    assert "HTTP 429" in str(caught.value)
    assert "Retry-After 3600 s" in str(caught.value)
    assert caught.value.attempts == 1


def test_retry_after_as_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0) == 10.0
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("soon") is None


def test_a_server_that_is_down_fails_after_retries(fetcher):
    with pytest.raises(FetchError) as caught:
        fetcher.get(unused_port_url() + "/api")
    assert "cannot connect" in str(caught.value)
    assert caught.value.attempts == FAST.retries + 1


def test_a_slow_server_times_out_quickly(replay, fetcher):
    replay.route("/slow", Reply(200, b"{}", delay=2.0))
    # The server would answer 200 after 2 s: only the timeout makes this fail.
    with pytest.raises(FetchError, match="timed out"):
        fetcher.get(replay.url + "/slow")


def test_a_server_that_drips_its_headers_is_cut_off_at_the_deadline(replay):
    # One header line every 0.2 s for 12 s: no single read ever waits long
    # enough for the read timeout, so only the total deadline can stop it.
    replay.route("/drip", Reply(200, b"{}", drip_headers=(0.2, 60)))
    policy = FetchPolicy(connect_timeout=0.5, read_timeout=1.0, deadline=2.0)
    with Fetcher(policy) as client, pytest.raises(FetchError) as caught:
        client.get(replay.url + "/drip")
    assert str(caught.value) == f"{replay.url}/drip: timed out after 2 s"
    assert len(replay.requests_to("/drip")) == 1  # no time left for a retry


def test_an_oversize_body_is_refused(replay, fetcher):
    replay.route("/big", Reply(200, b"x" * (FAST.max_bytes + 1)))
    with pytest.raises(FetchError, match="too large"):
        fetcher.get(replay.url + "/big")


def test_an_oversize_body_without_length_is_cut_off(replay, fetcher):
    replay.route(
        "/big",
        Reply(200, b"x" * (FAST.max_bytes * 2), {"Content-Encoding": "identity"}),
    )
    with pytest.raises(FetchError, match="too large"):
        fetcher.get(replay.url + "/big")


def test_a_connection_dropped_mid_body_fails(replay, fetcher):
    replay.route("/cut", Reply(200, b'{"children": []}' * 100, drop_after=10))
    with pytest.raises(FetchError):
        fetcher.get(replay.url + "/cut")


def test_html_error_page_and_truncated_json_are_not_json(replay, fetcher):
    replay.route("/html", html_error_page())
    replay.route("/cut", truncated(json_reply({"children": [{"wm-id": 1}]})))
    with pytest.raises(FetchError, match="HTML page instead of JSON"):
        fetcher.get(replay.url + "/html").json()
    with pytest.raises(FetchError, match="not valid JSON"):
        fetcher.get(replay.url + "/cut").json()


def test_json_nested_deeper_than_python_recurses_is_a_fetch_error(replay, fetcher):
    deep = b"[" * 20_000 + b"]" * 20_000
    replay.route("/deep", Reply(200, deep, {"Content-Type": "application/json"}))
    with pytest.raises(FetchError, match="/deep: the JSON is nested too deeply"):
        fetcher.get(replay.url + "/deep").json()


def test_a_body_that_does_not_decode_is_a_fetch_error(replay, fetcher):
    replay.route("/gz", Reply(200, b"not gzip at all", {"Content-Encoding": "gzip"}))
    with pytest.raises(FetchError) as caught:
        fetcher.get(replay.url + "/gz", params={"token": TOKEN})
    message = str(caught.value)
    assert message.startswith(f"{replay.url}/gz?token=***: ")
    assert "could not be decoded" in message and TOKEN not in message


def test_a_redirect_to_an_invalid_port_is_a_fetch_error(replay, fetcher):
    location = "http://127.0.0.1:99999/x"
    replay.route("/bad", Reply(302, b"", {"Location": location}))
    with pytest.raises(FetchError) as caught:
        fetcher.get(replay.url + "/bad")
    assert (
        str(caught.value)
        == f"{location}: cannot be requested (Port out of range 0-65535)"
    )


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:99999/?token=" + TOKEN, "http://\u2603.example/"]
)
def test_an_invalid_url_is_a_fetch_error(fetcher, url):
    with pytest.raises(FetchError) as caught:
        fetcher.get(url, params={"page": 1})
    assert "cannot be requested" in str(caught.value)
    assert TOKEN not in str(caught.value)


def test_same_origin_redirect_is_followed(replay, fetcher):
    replay.route("/old", Reply(301, b"", {"Location": "/new"}))
    replay.route("/new", json_reply({"moved": True}))
    response = fetcher.get(replay.url + "/old")
    assert response.json() == {"moved": True}
    assert response.url == replay.url + "/new"


def test_redirect_to_loopback_elsewhere_is_refused(replay, fetcher):
    port = replay.url.rsplit(":", 1)[1]
    replay.route(
        "/evil", Reply(302, b"", {"Location": f"http://localhost:{port}/admin"})
    )
    with pytest.raises(FetchError, match="not an address on the public internet"):
        fetcher.get(replay.url + "/evil")
    assert not replay.requests_to("/admin")


def test_redirect_to_other_schemes_is_refused(replay, fetcher):
    replay.route("/file", Reply(302, b"", {"Location": "file:///etc/passwd"}))
    with pytest.raises(FetchError, match="only http"):
        fetcher.get(replay.url + "/file")


def test_untrusted_url_to_a_private_address_is_never_requested(replay):
    replay.route("/next", json_reply([]))
    other = unused_port_url()
    with Fetcher(FAST) as client:
        with pytest.raises(FetchError, match="public internet"):
            client.get(other + "/next", untrusted=True, trusted_origin=replay.url)
        # Same origin as the configured endpoint: pagination on the instance.
        assert client.get(
            replay.url + "/next", untrusted=True, trusted_origin=replay.url
        )
    # Every address a name resolves to is checked, not just the first.
    mixed = Fetcher(FAST, resolver=lambda host, port: ["93.184.216.34", "10.0.0.7"])
    with mixed, pytest.raises(FetchError, match="public internet"):
        mixed.get("https://mixed.example/x", untrusted=True)


def test_untrusted_url_to_a_shared_address_is_never_requested():
    # 100.64.0.0/10 is carrier-grade NAT: not private, not public either.
    requested: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requested.append(str(request.url))
        return httpx.Response(200, json=[])

    client = Fetcher(
        FAST,
        transport=httpx.MockTransport(answer),
        resolver=lambda host, port: ["100.64.12.34"],
    )
    with client, pytest.raises(FetchError) as caught:
        client.get("https://cgnat.example/next", untrusted=True)
    assert str(caught.value) == (
        "https://cgnat.example/next: refused: not an address on the public internet"
    )
    assert requested == []


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.216.34", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("fe80::1", False),
        ("::ffff:127.0.0.1", False),
        ("0.0.0.0", False),
        ("240.0.0.1", False),
        ("100.64.0.1", False),  # shared address space (carrier-grade NAT)
        ("100.127.255.254", False),
        ("198.18.0.1", False),  # benchmarking
        ("192.0.2.1", False),  # documentation
        ("224.0.0.1", False),  # multicast
        ("2001:db8::1", False),  # documentation
        ("fc00::1", False),  # unique local
        ("2002:7f00:1::", False),  # 6to4 of 127.0.0.1
        ("2002:5db8:d822::", True),  # 6to4 of 93.184.216.34
    ],
)
def test_public_addresses(address, public):
    assert is_public_address(address) is public


def test_token_never_appears_in_errors_or_logs(replay, caplog):
    caplog.set_level(logging.DEBUG)
    replay.route("/api/mentions.jf2", Reply(500, b"token " + TOKEN.encode()))
    with Fetcher(FAST) as client:
        client.add_secret(TOKEN)
        with pytest.raises(FetchError) as caught:
            client.get(
                replay.url + "/api/mentions.jf2", params={"token": TOKEN, "domain": "x"}
            )
        with pytest.raises(FetchError) as refused:
            client.get(unused_port_url() + f"/a?token={TOKEN}")
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with pytest.raises(FetchError) as by_header:
            client.get(unused_port_url() + "/b", headers=headers)
    for message in (
        str(caught.value),
        str(refused.value),
        str(by_header.value),
        caplog.text,
    ):
        assert TOKEN not in message
    assert "token=***" in str(caught.value)
    assert "HTTP 500" in str(caught.value)


def test_redact_hides_registered_secrets_and_token_params():
    with Fetcher(FAST) as client:
        client.add_secret("p@ss word")
        text = client.redact(
            "https://x.example/?a=1&token=abc123&key=zz p@ss word p%40ss%20word "
            "https://jane:hunter2@feeds.example/comments"
        )
    assert "abc123" not in text and "zz" not in text and "p@ss" not in text
    assert "hunter2" not in text and "https://jane:***@feeds.example/" in text
    assert "p%40ss" not in text


def test_run_all_bounds_concurrency_and_keeps_failures(capsys):
    active = 0
    peak = 0
    lock = threading.Lock()

    def task(n: int):
        def run():
            nonlocal active, peak
            with lock:
                active += 1
                peak = max(peak, active)
            time.sleep(0.02)
            with lock:
                active -= 1
            if n == 3:
                raise ValueError("boom")
            return n

        return run

    with Fetcher(FAST) as client:
        results = client.run_all([task(n) for n in range(12)], progress=True)
    assert peak <= FAST.workers
    assert results[:3] == [0, 1, 2]
    assert isinstance(results[3], ValueError)
    # Not a terminal: no progress bar, no output at all.
    assert capsys.readouterr() == ("", "")


def test_a_progress_bar_shows_on_the_console_pelican_logs_to_when_a_terminal():
    """During `pelican content` the bar uses Pelican's own console, so log
    lines print above it; on a terminal it counts the jobs, elsewhere nothing."""
    import io

    from rich.console import Console

    def job():
        time.sleep(0.01)
        return 1

    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=80)
    with Fetcher(FAST) as client:
        assert (
            client.run_all(
                [job] * 5, progress=terminal, description="Fetching comments"
            )
            == [1] * 5
        )
    assert "Fetching comments" in screen.getvalue()
    assert "5/5" in screen.getvalue()

    piped = io.StringIO()
    with Fetcher(FAST) as client:
        client.run_all([job] * 5, progress=Console(file=piped, force_terminal=False))
    assert piped.getvalue() == ""


# -- the build's budget ------------------------------------------------------------


def test_the_budget_cuts_a_request_in_flight_and_refuses_the_next(replay):
    replay.route("/slow", Reply(200, b"{}", delay=10.0))
    patient = FetchPolicy(connect_timeout=5.0, read_timeout=20.0, deadline=60.0)
    with Fetcher(patient) as client:
        client.limit_to(1.0)
        # The server would answer 200 after 10 s: only the budget stops it.
        with pytest.raises(BudgetSpent) as caught:
            client.get(replay.url + "/slow")
        assert str(caught.value) == (
            f"{replay.url}/slow: cut short: the fetch budget (1 s) ran out"
        )
        with pytest.raises(BudgetSpent):
            client.get(replay.url + "/slow")
    assert len(replay.requests_to("/slow")) == 1  # the second never left


def test_a_retry_wait_longer_than_the_budget_left_is_not_slept(replay):
    waits: list[float] = []
    replay.route("/limited", Reply(429, b"", {"Retry-After": "1"}), json_reply({}))
    with Fetcher(FAST, sleep=waits.append) as client:
        client.limit_to(0.5)
        with pytest.raises(FetchError, match="no time left to retry"):
            client.get(replay.url + "/limited")
    assert waits == []


# -- one lookup per request, and the connection goes where it pointed -------------


class _Lookups:
    """A resolver answering from a script, one answer per call."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[str, int]] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append((host, port))
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def test_a_name_is_resolved_once_and_connected_to_as_resolved(replay):
    replay.route("/hello", json_reply({"hello": 1}))
    port = int(replay.url.rsplit(":", 1)[1])
    # A name the system cannot resolve: only our lookup can take it to the
    # server, and a second lookup would send it nowhere.
    lookups = _Lookups(["127.0.0.1"], ["192.0.2.1"])
    with Fetcher(FAST, resolver=lookups) as client:
        response = client.get(f"http://blog.invalid:{port}/hello")
    assert response.json() == {"hello": 1}
    assert lookups.calls == [("blog.invalid", port)]
    [seen] = replay.requests_to("/hello")
    assert seen.headers["Host"] == f"blog.invalid:{port}"  # the name, kept


def test_a_name_that_rebinds_is_never_connected_to_its_second_answer(
    replay, monkeypatch
):
    """Checked as public, then answering loopback: every connection goes to
    the address that was checked, never to a fresh lookup."""
    connected: list[str] = []

    def connect(self, host, port, *args, **kwargs):
        connected.append(host)
        raise httpcore.ConnectError("no route (test)")

    monkeypatch.setattr(httpcore.SyncBackend, "connect_tcp", connect)
    port = int(replay.url.rsplit(":", 1)[1])
    lookups = _Lookups(["93.184.216.34"], ["127.0.0.1"])
    with (
        Fetcher(FAST, resolver=lookups) as client,
        pytest.raises(FetchError, match="public internet"),
    ):
        client.get(f"http://rebind.invalid:{port}/admin", untrusted=True)
    # One lookup per attempt: the first connected to the checked address;
    # the retry looked up again, got loopback, and was refused before connecting.
    assert connected == ["93.184.216.34"]
    assert len(lookups.calls) == 2
    assert not replay.requests_to("/admin")


def test_a_resolver_that_never_answers_is_cut_at_the_deadline():
    answered = threading.Event()

    def hangs(host: str, port: int) -> list[str]:
        answered.wait(30)
        return ["93.184.216.34"]

    policy = FetchPolicy(connect_timeout=0.5, read_timeout=0.5, deadline=1.0)
    with Fetcher(policy, resolver=hangs) as client, pytest.raises(FetchError) as caught:
        client.get("https://slow-dns.invalid/feed")
    answered.set()
    assert str(caught.value) == (
        "https://slow-dns.invalid/feed: cannot resolve host: no answer within 1 s"
    )
