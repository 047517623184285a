"""Live comment feeds: conditional fetches, and history that accumulates."""

from __future__ import annotations

import pytest
import replay_server
from pelican.plugins.community.archive import Archive
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.live import sync_live_sources
from replay_server import (
    FAST_POLICY,
    NOW,
    Reply,
    archive_snapshot,
    fixture_reply,
    html_error_page,
    live_settings,
    live_warnings,
    truncated,
    unused_port_url,
)

replay = replay_server.replay
FEED = "/comments/feed/"
NAME = "old-blog"


def _sync(tmp_path, url):
    settings = live_settings(tmp_path, {"type": "feed", "url": url, "name": NAME})
    archive = Archive(settings.archive_path)
    with Fetcher(FAST_POLICY) as fetcher:
        [report] = sync_live_sources(
            archive, settings, [], fetcher=fetcher, now=lambda: NOW
        )
    return archive, report


def _first_feed() -> Reply:
    reply = fixture_reply("wordpress_comments.rss")
    reply.etag = '"c0ffee"'
    reply.headers["Last-Modified"] = "Tue, 05 Mar 2013 09:12:00 GMT"
    return reply


def test_a_feed_that_shows_only_its_latest_comments_accumulates(tmp_path, replay):
    replay.route(FEED, _first_feed())
    archive, report = _sync(tmp_path, replay.url + FEED)
    assert (report.new, report.requests, report.failure) == (2, 1, None)
    state = archive.read_state()[NAME]
    assert state["etag"] == '"c0ffee"'
    assert state["last_modified"] == "Tue, 05 Mar 2013 09:12:00 GMT"

    # Unchanged: the server answers 304 and nothing is rewritten.
    before = archive_snapshot(archive.path)
    _, report = _sync(tmp_path, replay.url + FEED)
    assert replay.requests_to(FEED)[-1].headers["If-None-Match"] == '"c0ffee"'
    assert (report.not_modified, report.new, report.failure) == (1, 0, None)
    assert archive_snapshot(archive.path) == before

    # The feed moved on and no longer shows the first two comments.
    newer = fixture_reply("wordpress_comments_newer.rss")
    newer.etag = '"beef"'
    replay.route(FEED, newer)
    _, report = _sync(tmp_path, replay.url + FEED)
    assert report.new == 1 and report.removed == 0
    names = sorted(i.author_name for i in archive.load_source(NAME).values())
    assert names == ["Jane Author", "Karen Bell", "Owen Price"]
    assert archive.read_state()[NAME]["etag"] == '"beef"'


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        ("down", "cannot connect"),
        (
            truncated(fixture_reply("wordpress_comments_newer.rss"), 0.7),
            "not well-formed",
        ),
        (Reply(200, b"<rss><channel><item><title>x</ti", {}), "not"),
        (html_error_page(), "HTML page instead of a feed"),
        (Reply(500, b"Internal Server Error"), "HTTP 500"),
        (Reply(200, b"<?xml version='1.0'?><rss/>", delay=2.0), "timed out"),
    ],
)
def test_a_broken_feed_keeps_the_archive_and_warns_once(
    tmp_path, replay, caplog, fault, reason
):
    replay.route(FEED, _first_feed())
    archive, _ = _sync(tmp_path, replay.url + FEED)
    before = archive_snapshot(archive.path)
    caplog.clear()
    if fault == "down":
        url = unused_port_url() + FEED
    else:
        url = replay.url + FEED
        replay.route(FEED, fault)
    _, report = _sync(tmp_path, url)
    assert archive_snapshot(archive.path)[f"{NAME}.jsonl"] == before[f"{NAME}.jsonl"]
    if fault != "down":  # validators of the good fetch are kept for next time
        assert archive.read_state()[NAME]["etag"] == '"c0ffee"'
    [warning] = live_warnings(caplog)
    assert warning.startswith(f"community: {NAME}: ") and reason in warning
    assert report.failure and report.new == 0
