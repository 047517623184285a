"""Live comment feeds: conditional fetches, and history that accumulates."""

from __future__ import annotations

import logging

import pytest
import replay_server
from pelican.plugins.community.archive.live import sync_live_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.fetcher import Fetcher
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


def _with_a_stray_control_character(tail: bytes = b"") -> Reply:
    """The feed with a form feed typed into Karen's comment: not XML, but
    feedparser's lenient parser reads every entry."""
    reply = _first_feed()
    reply.body = reply.body.replace(b"Page 140 and", b"Page 140\x0c and") + tail
    return reply


@pytest.mark.parametrize(
    "tail", [b"", b"<!-- Dynamic page generated in 0.231 seconds. -->\n"]
)
def test_a_feed_feedparser_could_read_despite_a_stray_byte_is_kept(
    tmp_path, replay, caplog, tail
):
    caplog.set_level(logging.INFO)
    replay.route(FEED, _with_a_stray_control_character(tail))
    archive, report = _sync(tmp_path, replay.url + FEED)
    assert (report.failure, report.new) == (None, 2)
    names = sorted(i.author_name for i in archive.load_source(NAME).values())
    assert names == ["Jane Author", "Karen Bell"]
    assert live_warnings(caplog) == []
    [note] = [
        r.getMessage() for r in caplog.records if "not well-formed" in r.getMessage()
    ]
    assert note.startswith(f"community: {NAME}: {replay.url}{FEED}: ")
    assert note.endswith("read the 2 entries found")
    assert archive.read_state()[NAME]["etag"] == '"c0ffee"'


@pytest.mark.parametrize("keep", [0.7, 0.95])
def test_a_feed_cut_off_is_still_refused_though_it_has_entries(
    tmp_path, replay, caplog, keep
):
    # A cut-off comment would be archived half written, and a 304 next time
    # would keep it that way: wait for the whole feed.
    replay.route(FEED, truncated(_with_a_stray_control_character(), keep))
    archive, report = _sync(tmp_path, replay.url + FEED)
    assert report.failure and "not well-formed (cut off or garbled)" in report.failure
    assert archive.load_source(NAME) == {}


def test_validators_are_sent_only_to_the_url_they_came_from(tmp_path, replay):
    replay.route(FEED, _first_feed())
    _sync(tmp_path, replay.url + FEED)
    # The blog moved its feed. The new address happens to use the same ETag
    # scheme: sent there, the old ETag would get a 304 and hide new comments.
    moved = "/new/comments/feed/"
    newer = fixture_reply("wordpress_comments_newer.rss")
    newer.etag = '"c0ffee"'
    replay.route(moved, newer)
    _, report = _sync(tmp_path, replay.url + moved)
    assert (report.failure, report.not_modified, report.new) == (None, 0, 1)
    assert "If-None-Match" not in replay.requests_to(moved)[0].headers
    # From now on the validators belong to the new address.
    _, report = _sync(tmp_path, replay.url + moved)
    assert replay.requests_to(moved)[1].headers["If-None-Match"] == '"c0ffee"'
    assert report.not_modified == 1


def test_validators_of_an_old_url_are_not_kept_for_a_new_one(tmp_path, replay):
    replay.route(FEED, _first_feed())
    archive, _ = _sync(tmp_path, replay.url + FEED)
    moved = "/new/comments/feed/"
    replay.route(moved, fixture_reply("wordpress_comments_newer.rss"))  # none
    for _ in range(2):
        _, report = _sync(tmp_path, replay.url + moved)
        assert report.failure is None
    for seen in replay.requests_to(moved):
        assert "If-None-Match" not in seen.headers
        assert "If-Modified-Since" not in seen.headers
    assert "c0ffee" not in str(archive.read_state())


def test_the_url_kept_with_the_validators_holds_no_secret(tmp_path, replay):
    replay.route(FEED, _first_feed())
    private = replay.url.replace("://", "://jane:pa55word@") + FEED + "?key=k3y"
    archive, _ = _sync(tmp_path, private)
    state = archive_snapshot(archive.path)["state.json"]
    assert "pa55word" not in state and "k3y" not in state
    assert archive.read_state()[NAME]["url"] == (
        replay.url.replace("://", "://jane:***@") + FEED + "?key=***"
    )
    _, report = _sync(tmp_path, private)
    assert report.not_modified == 1
