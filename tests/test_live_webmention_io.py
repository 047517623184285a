"""Live webmention.io: JF2 pages, since_id, weekly reconcile, the token kept secret."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
import replay_server
from pelican.log import LimitFilter
from pelican.plugins.community.archive.live import sync_live_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.sources import webmention_io
from replay_server import (
    FAST_POLICY,
    LIVE_FIXTURES,
    NOW,
    Reply,
    archive_snapshot,
    fixture_reply,
    html_error_page,
    json_reply,
    live_settings,
    live_warnings,
    truncated,
    unused_port_url,
)

replay = replay_server.replay
TOKEN = "wmio-T0KEN-8f3a9c"
API = "/api/mentions.jf2"
NAME = "webmention.io-jane.example"


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(webmention_io, "WEBMENTION_PER_PAGE", 2)


def _serve_pages(server, *pages: str) -> None:
    for number, name in enumerate(pages):
        server.route(API, fixture_reply(name), when={"page": str(number)})
    server.route(
        API, fixture_reply("webmention_io_empty.json"), when={"page": str(len(pages))}
    )


def _jf2_page(*ids: int) -> Reply:
    """A JF2 page of the recorded mentions with these ``wm-id``s (an id not
    recorded is a copy of Karen's recorded reply under that id)."""
    recorded = {
        entry["wm-id"]: entry
        for name in ("webmention_io_page0.json", "webmention_io_page1.json")
        for entry in json.loads((LIVE_FIXTURES / name).read_text())["children"]
    }
    children = []
    for wm_id in ids:
        entry = dict(recorded.get(wm_id, recorded[1702002]), **{"wm-id": wm_id})
        if wm_id not in recorded:
            entry["url"] = f"https://mastodon.social/@karen/{wm_id}"
        children.append(entry)
    return json_reply({"type": "feed", "name": "Webmentions", "children": children})


def _sync(tmp_path, endpoint, *, now=NOW, token=TOKEN):
    source = {"type": "webmention.io", "domain": "jane.example", "endpoint": endpoint}
    settings = live_settings(tmp_path, source)
    archive = Archive(settings.archive_path)
    environ = {"WEBMENTION_IO_TOKEN": token} if token else {}
    with Fetcher(FAST_POLICY) as fetcher:
        [report] = sync_live_sources(
            archive, settings, [], fetcher=fetcher, now=lambda: now, environ=environ
        )
    return archive, report


def test_all_pages_are_read_and_private_mentions_never_kept(tmp_path, replay):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, report = _sync(tmp_path, replay.url)
    assert report.failure is None
    assert (report.new, report.requests) == (3, 3)
    items = archive.load_source(NAME)
    assert sorted(items) == ["1701500", "1702002", "1702003"]  # 1701499 is wm-private
    assert items["1702003"].kind == "like"
    assert items["1701500"].author_name == "Marisol Ortega"
    first = replay.requests_to(API)[0].query
    assert first == {
        "domain": "jane.example",
        "token": TOKEN,
        "per-page": "2",
        "page": "0",
    }


def test_later_fetches_ask_only_for_mentions_after_the_newest_archived(
    tmp_path, replay
):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    _sync(tmp_path, replay.url)
    replay.seen.clear()
    nothing_new = fixture_reply("webmention_io_empty.json")
    replay.route(API, nothing_new, when={"since_id": "1702003"})
    _, report = _sync(tmp_path, replay.url, now=NOW + timedelta(days=1))
    [request] = replay.requests_to(API)
    assert request.query["since_id"] == "1702003"  # from the archive, not a clock
    assert report.requests == 1 and report.failure is None


def test_weekly_reconcile_drops_what_webmention_io_deleted(tmp_path, replay):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    # A week later the mention 1701500 was deleted at its source.
    replay.route(API, fixture_reply("webmention_io_empty.json"), when={"page": "1"})
    _, report = _sync(tmp_path, replay.url, now=NOW + timedelta(days=8))
    assert "since_id" not in replay.requests_to(API)[-1].query
    assert report.removed == 1
    assert sorted(archive.load_source(NAME)) == ["1702002", "1702003"]
    state = archive.read_state()[NAME]
    assert state["last_full"] == "2024-03-14T12:00:00+00:00"


def test_only_an_empty_page_ends_the_listing(tmp_path, replay):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    # A week later page 0 comes back short, yet more pages follow: the
    # reconcile reads on to the empty page and removes nothing it did not see.
    replay.route(API, _jf2_page(1702003), when={"page": "0"})
    replay.route(API, _jf2_page(1702002, 1701500), when={"page": "1"})
    replay.route(API, _jf2_page(), when={"page": "2"})
    replay.seen.clear()
    _, report = _sync(tmp_path, replay.url, now=NOW + timedelta(days=8))
    assert (report.failure, report.removed, report.requests) == (None, 0, 3)
    assert sorted(archive.load_source(NAME)) == ["1701500", "1702002", "1702003"]
    assert [seen.query["page"] for seen in replay.requests_to(API)] == ["0", "1", "2"]


def test_a_listing_cut_short_keeps_what_it_read_and_removes_nothing(
    tmp_path, replay, caplog, monkeypatch
):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    # A week later the listing never ends (every page is full): it stops
    # after MAX_PAGES, keeps the new mention and removes none unseen.
    monkeypatch.setattr(webmention_io, "MAX_PAGES", 3)
    replay.route(API, _jf2_page(1702010, 1702003))
    caplog.clear()
    later = NOW + timedelta(days=8)
    _, report = _sync(tmp_path, replay.url, now=later)
    assert (report.failure, report.new, report.removed) == (None, 1, 0)
    assert report.requests == 3
    assert sorted(archive.load_source(NAME)) == [
        "1701500",
        "1702002",
        "1702003",
        "1702010",
    ]
    assert live_warnings(caplog) == [
        f"community: {NAME}: webmention.io listed more than 3 pages; kept the "
        "2 mentions read and removed none (the listing is not complete)"
    ]
    # As full as it gets: the next full listing is due in a week.
    assert archive.read_state()[NAME]["last_full"] == "2024-03-14T12:00:00+00:00"


def test_an_incremental_listing_cut_short_is_followed_by_a_full_one(
    tmp_path, replay, monkeypatch
):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    _sync(tmp_path, replay.url)
    monkeypatch.setattr(webmention_io, "MAX_PAGES", 2)
    replay.route(API, _jf2_page(1702020, 1702021), when={"since_id": "1702003"})
    _, report = _sync(tmp_path, replay.url, now=NOW + timedelta(hours=1))
    assert (report.failure, report.new) == (None, 2)
    # Mentions below the cut would be skipped for good by the next since_id.
    replay.seen.clear()
    _sync(tmp_path, replay.url, now=NOW + timedelta(hours=2))
    assert "since_id" not in replay.requests_to(API)[0].query


def test_a_reconcile_that_fails_part_way_removes_nothing(tmp_path, replay, caplog):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    before = archive_snapshot(archive.path)
    replay.route(API, Reply(500, b"oops"), when={"page": "1"})
    _, report = _sync(tmp_path, replay.url, now=NOW + timedelta(days=8))
    assert archive_snapshot(archive.path) == before  # state too: reconcile is retried
    assert report.removed == 0 and "HTTP 500" in report.failure
    assert len(live_warnings(caplog)) == 1


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("down", "cannot connect"),
        (Reply(200, b"{}", delay=2.0), "timed out"),
        (Reply(429, b"", {"Retry-After": "3600"}), "HTTP 429"),
        (Reply(503, b"Service Unavailable"), "HTTP 503"),
        (html_error_page(), "HTML page instead of JSON"),
        (truncated(fixture_reply("webmention_io_page0.json")), "not valid JSON"),
        (json_reply({"error": "forbidden"}), "no 'children' list"),
        (Reply(200, b"[" + b"0," * 40000 + b"0]"), "too large"),
        (Reply(401, b'{"error":"forbidden"}'), "HTTP 401"),
    ],
)
def test_any_fault_keeps_the_archive_warns_once_and_hides_the_token(
    tmp_path, replay, caplog, fault, reason
):
    caplog.set_level(logging.DEBUG)
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    before = archive_snapshot(archive.path)
    caplog.clear()
    if fault == "down":
        endpoint = unused_port_url()
    else:
        endpoint = replay.url
        replay.route(API, fault)
    _, report = _sync(tmp_path, endpoint, now=NOW + timedelta(hours=1))
    assert archive_snapshot(archive.path)[f"{NAME}.jsonl"] == before[f"{NAME}.jsonl"]
    [warning] = live_warnings(caplog)
    assert warning.startswith(f"community: {NAME}: ")
    assert reason in warning and warning.endswith("the archive keeps what it had")
    assert report.failure and report.new == 0
    everything = (
        caplog.text + json.dumps(archive_snapshot(archive.path)) + report.failure
    )
    assert TOKEN not in everything


def test_a_missing_token_warns_once_and_fetches_nothing(tmp_path, replay, caplog):
    _, report = _sync(tmp_path, replay.url, token="")
    assert replay.seen == [] and report.requests == 0
    assert live_warnings(caplog) == [
        f"community: {NAME}: no webmention.io token: set the WEBMENTION_IO_TOKEN "
        "environment variable; the archive keeps what it had"
    ]


# -- a removal needs a listing the plugin fully understood ---------------------


def _fetch_command(tmp_path, endpoint, monkeypatch, capsys) -> tuple[int, str]:
    """`pelican-community fetch` on a site in ``tmp_path`` (real clock: the
    archive's last full listing, NOW, is weeks old, so this one is full)."""
    from pelican.plugins.community import cli
    from pelican.plugins.community import fetcher as fetcher_module

    (tmp_path / "content").mkdir(exist_ok=True)
    source = {"type": "webmention.io", "domain": "jane.example", "endpoint": endpoint}
    conf = tmp_path / "pelicanconf.py"
    conf.write_text(
        "PATH = 'content'\nSITEURL = 'https://jane.example'\nTIMEZONE = 'UTC'\n"
        f"COMMUNITY_SOURCES = [{source!r}]\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", TOKEN)
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
    monkeypatch.setattr(fetcher_module, "Fetcher", lambda: Fetcher(FAST_POLICY))
    capsys.readouterr()
    code = cli.main(["fetch", "-s", str(conf)])
    return code, capsys.readouterr().out


NOT_ENTRIES = "held {} that are not entries with an id"
TOO_SHORT = "lacks 3 of the 3 archived mentions, more than 50%"


@pytest.mark.parametrize(
    ("pages", "doubt"),
    [
        ([{"children": [{"type": "entry"}]}], NOT_ENTRIES.format("1 item")),
        ([{"children": [1, "x"]}], NOT_ENTRIES.format("2 items")),
        ([{"children": [None, [], "entry", {}]}], NOT_ENTRIES.format("4 items")),
        (
            [{"children": [{"type": "entry", "wm-id": True}]}],
            NOT_ENTRIES.format("1 item"),
        ),
        (
            [{"children": [{"type": "card", "wm-id": 1702003}]}],
            NOT_ENTRIES.format("1 item"),
        ),
        ([], TOO_SHORT),
        ([{"children": [{"type": "entry", "wm-id": 9}]}], TOO_SHORT),
    ],
    ids=[
        "entry-without-id",
        "scalars",
        "non-objects",
        "boolean-id",
        "not-an-entry",
        "empty",
        "much-shorter",
    ],
)
def test_a_listing_not_fully_understood_removes_nothing(
    tmp_path, replay, caplog, monkeypatch, capsys, pages, doubt
):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    before = archive.load_source(NAME)
    # A week later: the garbled pages, then an empty page.
    for number, page in enumerate(pages):
        replay.route(API, json_reply(page), when={"page": str(number)})
    replay.route(API, json_reply({"children": []}), when={"page": str(len(pages))})
    # Pelican shows a message once per process; each case here is a new run.
    monkeypatch.setattr(LimitFilter, "_raised_messages", set())
    caplog.clear()
    code, out = _fetch_command(tmp_path, replay.url, monkeypatch, capsys)
    assert code == 0
    assert out.splitlines()[0].startswith(f"{NAME}: 0 new, 0 updated, 0 removed")
    assert archive.load_source(NAME) == before
    assert live_warnings(caplog) == [
        f"community: {NAME}: webmention.io's full listing {doubt}; kept all 3 "
        "archived mentions and removed none"
    ]
    # Not trusted, not recorded: the next fetch lists everything again.
    assert archive.read_state()[NAME]["last_full"] == "2024-03-06T12:00:00+00:00"


def test_a_top_level_array_fails_the_fetch_and_removes_nothing(
    tmp_path, replay, caplog, monkeypatch, capsys
):
    _serve_pages(replay, "webmention_io_page0.json", "webmention_io_page1.json")
    archive, _ = _sync(tmp_path, replay.url)
    before = archive_snapshot(archive.path)[f"{NAME}.jsonl"]
    replay.route(API, json_reply([1, "x"]), when={"page": "0"})
    replay.route(API, json_reply({"children": []}), when={"page": "1"})
    code, out = _fetch_command(tmp_path, replay.url, monkeypatch, capsys)
    assert code == 0
    assert "0 removed" in out and "FAILED: " in out and "no 'children' list" in out
    assert archive_snapshot(archive.path)[f"{NAME}.jsonl"] == before
