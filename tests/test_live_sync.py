"""Syncing live sources: throttling by post age, offline builds, crash safety."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from datetime import timedelta

import pytest
import replay_server
from pelican.plugins.community.archive.live import (
    FetchReport,
    describe_report,
    sync_live_sources,
)
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.errors import SettingsError
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.pipeline import update_archive
from pelican.plugins.community.settings import load_settings
from pelican.plugins.community.sources._live import is_due
from replay_server import (
    FAST_POLICY,
    NOW,
    archive_snapshot,
    fixture_reply,
    live_settings,
)

replay = replay_server.replay
SCHEDULE = ((7, 0.0), (60, 6.0), (365, 24.0), (None, 168.0))
AGES = {"new": 2, "month": 30, "year": 200, "ancient": 1100}


def _posts(server_url: str) -> list[PostRef]:
    posts = [
        PostRef(
            slug=slug,
            url=f"https://jane.example/{slug}/",
            date=(NOW - timedelta(days=days)).isoformat(),
            social={"mastodon": f"{server_url}/@jane/{index}"},
        )
        for index, (slug, days) in enumerate(AGES.items(), 1)
    ]
    posts.append(
        PostRef(
            "undated",
            "https://jane.example/undated/",
            social={"mastodon": f"{server_url}/@jane/9"},
        )
    )
    posts.append(PostRef("quiet", "https://jane.example/quiet/", date=NOW.isoformat()))
    return posts


def _serve(server) -> None:
    for status_id in (1, 2, 3, 4, 9):
        base = f"/api/v1/statuses/{status_id}"
        server.route(f"{base}/context", fixture_reply("mastodon_context.json"))
        server.route(
            f"{base}/favourited_by", fixture_reply("mastodon_reblogged_by.json")
        )
        server.route(
            f"{base}/reblogged_by", fixture_reply("mastodon_reblogged_by.json")
        )


def _checked_statuses(server) -> list[str]:
    return sorted(
        s.path.split("/")[4] for s in server.seen if s.path.endswith("/context")
    )


def test_recent_posts_every_build_older_ones_less_often(tmp_path, replay):
    _serve(replay)
    settings = live_settings(tmp_path, {"type": "mastodon"})
    archive = Archive(settings.archive_path)
    posts = _posts(replay.url)
    expected = [
        (timedelta(0), ["1", "2", "3", "4", "9"]),  # never checked: all of them
        (timedelta(hours=1), ["1"]),  # under a week old: every build
        (timedelta(hours=7), ["1", "2"]),  # under 60 days: every 6 hours
        (timedelta(hours=25), ["1", "2", "3"]),  # under a year: daily
        (timedelta(days=8), ["1", "2", "3", "4", "9"]),  # older or undated: weekly
    ]
    with Fetcher(FAST_POLICY) as fetcher:
        for offset, statuses in expected:
            replay.seen.clear()
            [report] = sync_live_sources(
                archive, settings, posts, fetcher=fetcher, now=lambda o=offset: NOW + o
            )
            assert _checked_statuses(replay) == statuses, offset
            assert report.checked == len(statuses)
            assert report.not_due == 5 - len(statuses)
    # A post without `mastodon` metadata is never asked about.
    assert "quiet" not in str(archive.read_state())


def test_a_failed_post_is_tried_again_next_build(tmp_path, replay):
    _serve(replay)
    replay.route("/api/v1/statuses/2/context", replay_server.Reply(500, b""))
    settings = live_settings(tmp_path, {"type": "mastodon"})
    archive = Archive(settings.archive_path)
    posts = _posts(replay.url)
    with Fetcher(FAST_POLICY) as fetcher:
        sync_live_sources(archive, settings, posts, fetcher=fetcher, now=lambda: NOW)
        replay.seen.clear()
        later = NOW + timedelta(hours=1)
        sync_live_sources(archive, settings, posts, fetcher=fetcher, now=lambda: later)
    assert sorted(set(_checked_statuses(replay))) == ["1", "2"]


def test_schedule_rules():
    post = PostRef("p", "/p/", date="2024-03-01T00:00:00+00:00")
    now = NOW  # five and a half days later
    assert is_due(post, "", SCHEDULE, now)
    assert is_due(post, now.isoformat(), SCHEDULE, now)  # 0 hours: every build
    assert not is_due(post, now.isoformat(), ((3, 1.0),), now)  # too old: never


def test_the_schedule_setting_is_validated(tmp_path):
    settings = load_settings(
        {"COMMUNITY_FETCH_SCHEDULE": [[3, 0], [None, 12]]}, root=tmp_path
    )
    assert settings.fetch_schedule == ((3, 0.0), (None, 12.0))
    assert load_settings({}, root=tmp_path).fetch_schedule == SCHEDULE
    for bad in (
        [[0, 1]],
        [[7, -1]],
        [["7", 1]],
        [[60, 1], [7, 1]],
        [[None, 1], [7, 1]],
        [7],
    ):
        with pytest.raises(SettingsError, match=r"^COMMUNITY_FETCH_SCHEDULE: "):
            load_settings({"COMMUNITY_FETCH_SCHEDULE": bad}, root=tmp_path)


def test_the_fetch_budget_setting_is_validated(tmp_path):
    assert load_settings({}, root=tmp_path).fetch_budget == 15.0
    for value, budget in ((30, 30.0), (2.5, 2.5), (0, 0.0), (None, None)):
        settings = load_settings({"COMMUNITY_FETCH_BUDGET": value}, root=tmp_path)
        assert settings.fetch_budget == budget
    for bad in (-1, "15", True, float("inf"), float("nan")):
        with pytest.raises(SettingsError) as caught:
            load_settings({"COMMUNITY_FETCH_BUDGET": bad}, root=tmp_path)
        assert str(caught.value) == (
            "COMMUNITY_FETCH_BUDGET: must be a number of seconds, 0 or more (or "
            f"None for no limit), not {bad!r}"
        )


def test_a_budget_of_zero_builds_without_fetching(tmp_path, replay, caplog):
    _serve(replay)
    settings = live_settings(tmp_path, {"type": "mastodon"}, COMMUNITY_FETCH_BUDGET=0)
    archive = Archive(settings.archive_path)
    with caplog.at_level(logging.INFO):
        update_archive(archive, settings, _posts(replay.url))
    assert replay.seen == []
    assert (
        "community: COMMUNITY_FETCH_BUDGET is 0: mastodon not fetched by the build "
        "(pelican-community fetch does it)" in caplog.messages
    )


def test_offline_builds_never_touch_the_network(tmp_path, replay, monkeypatch):
    _serve(replay)
    settings = live_settings(tmp_path, {"type": "mastodon"}, COMMUNITY_OFFLINE=True)
    archive = Archive(settings.archive_path)
    assert sync_live_sources(archive, settings, _posts(replay.url)) == []
    monkeypatch.setenv("PELICAN_COMMUNITY_OFFLINE", "1")
    settings = live_settings(tmp_path, {"type": "mastodon"})
    assert sync_live_sources(archive, settings, _posts(replay.url)) == []
    assert replay.seen == []
    assert archive_snapshot(archive.path) == {}


@pytest.mark.parametrize(
    ("value", "offline"),
    [
        ("1", True),
        ("true", True),
        ("YES", True),
        (" On ", True),
        ("0", False),
        ("false", False),
        ("No", False),
        ("OFF", False),
        ("", False),
    ],
)
def test_the_offline_variable_reads_yes_and_no(
    tmp_path, monkeypatch, caplog, value, offline
):
    monkeypatch.setenv("PELICAN_COMMUNITY_OFFLINE", value)
    assert live_settings(tmp_path, {"type": "mastodon"}).offline is offline
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_an_unknown_offline_value_builds_offline_and_says_so_once(
    tmp_path, monkeypatch, caplog
):
    monkeypatch.setenv("PELICAN_COMMUNITY_OFFLINE", "maybe")
    for _ in range(3):
        assert live_settings(tmp_path, {"type": "mastodon"}).offline
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
        "community: PELICAN_COMMUNITY_OFFLINE='maybe' is neither 1, true, yes, on "
        "nor 0, false, no, off: building offline"
    ]


def test_local_sources_are_not_live(tmp_path):
    data = tmp_path / "comments.rss"
    data.write_bytes(
        (replay_server.LIVE_FIXTURES / "wordpress_comments.rss").read_bytes()
    )
    settings = live_settings(tmp_path, {"type": "feed", "path": "comments.rss"})
    assert sync_live_sources(Archive(settings.archive_path), settings, []) == []


def test_a_write_that_fails_half_way_leaves_the_old_archive(
    tmp_path, replay, monkeypatch
):
    _serve(replay)
    settings = live_settings(tmp_path, {"type": "mastodon"})
    archive = Archive(settings.archive_path)
    posts = _posts(replay.url)[:1]
    with Fetcher(FAST_POLICY) as fetcher:
        sync_live_sources(archive, settings, posts, fetcher=fetcher, now=lambda: NOW)
    before = archive_snapshot(archive.path)
    replay.route(
        "/api/v1/statuses/1/reblogged_by",
        fixture_reply("mastodon_favourited_by_2.json"),
    )

    def killed(*args):
        raise KeyboardInterrupt("killed while renaming")

    monkeypatch.setattr(os, "replace", killed)
    with Fetcher(FAST_POLICY) as fetcher, pytest.raises(KeyboardInterrupt):
        sync_live_sources(archive, settings, posts, fetcher=fetcher, now=lambda: NOW)
    monkeypatch.undo()
    assert archive_snapshot(archive.path) == before  # no temporary files either
    lines = before["mastodon.jsonl"].count("\n")
    # 5 shown, and the 2 replies that are not public, withheld
    assert len(Archive(archive.path).load_source("mastodon")) == lines == 7


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pelican.plugins.community.storage import write_atomically

    target = Path(sys.argv[1])
    versions = ["a" * 3_000_000 + "\\n", "b" * 3_000_000 + "\\n"]
    print("ready", flush=True)
    n = 0
    while True:
        write_atomically(target, versions[n % 2])
        n += 1
    """
)


def test_a_writer_killed_mid_write_leaves_a_whole_file(tmp_path):
    target = tmp_path / "archive" / "mastodon.jsonl"
    target.parent.mkdir()
    target.write_text("a" * 3_000_000 + "\n")
    for delay in (0.05, 0.15, 0.3):
        with subprocess.Popen(
            [sys.executable, "-c", WRITER, str(target)],
            stdout=subprocess.PIPE,
            text=True,
        ) as child:
            assert child.stdout.readline().strip() == "ready"
            time.sleep(delay)
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
        text = target.read_text()
        assert text in ("a" * 3_000_000 + "\n", "b" * 3_000_000 + "\n")


def _serve_everything(server) -> None:
    _serve(server)
    server.route("/comments/feed/", fixture_reply("wordpress_comments.rss"))
    for page, name in enumerate(
        ("webmention_io_page0.json", "webmention_io_page1.json")
    ):
        server.route("/api/mentions.jf2", fixture_reply(name), when={"page": str(page)})
    server.route(
        "/api/mentions.jf2",
        fixture_reply("webmention_io_empty.json"),
        when={"page": "2"},
    )
    xrpc = "/xrpc/app.bsky.feed."
    server.route(
        "/xrpc/com.atproto.identity.resolveHandle",
        fixture_reply("bsky_resolveHandle.json"),
    )
    server.route(xrpc + "getPostThread", fixture_reply("bsky_getPostThread.json"))
    server.route(xrpc + "getLikes", fixture_reply("bsky_getLikes_2.json"))
    server.route(xrpc + "getRepostedBy", fixture_reply("bsky_getRepostedBy.json"))


def _all_sources(tmp_path, url: str):
    return live_settings(
        tmp_path,
        {"type": "feed", "url": url + "/comments/feed/", "name": "old-blog"},
        {"type": "webmention.io", "domain": "jane.example", "endpoint": url},
        {"type": "mastodon"},
        {"type": "bluesky", "appview": url},
    )


def test_every_source_at_once_then_every_source_down(tmp_path, replay, caplog):
    _serve_everything(replay)
    posts = [
        PostRef(
            "lighthouse",
            "https://jane.example/lighthouse/",
            date=NOW.isoformat(),
            social={
                "mastodon": f"{replay.url}/@jane/1",
                "bluesky": "https://bsky.app/profile/jane.example/post/3kmroot2abc22",
            },
        )
    ]
    settings = _all_sources(tmp_path, replay.url)
    archive = Archive(settings.archive_path)
    env = {"WEBMENTION_IO_TOKEN": "t0ken-xyz"}
    with Fetcher(FAST_POLICY) as fetcher:
        reports = sync_live_sources(
            archive, settings, posts, fetcher=fetcher, now=lambda: NOW, environ=env
        )
    assert [(r.source, r.failure) for r in reports] == [
        ("old-blog", None),
        ("webmention.io-jane.example", None),
        ("mastodon", None),
        ("bluesky", None),
    ]
    assert all(r.new > 0 for r in reports)
    before = archive_snapshot(archive.path)

    down = replay_server.unused_port_url()
    settings = _all_sources(tmp_path, down)
    posts = [
        replace(posts[0], social={**posts[0].social, "mastodon": f"{down}/@jane/1"})
    ]
    caplog.clear()
    with Fetcher(FAST_POLICY) as fetcher:
        reports = sync_live_sources(
            archive, settings, posts, fetcher=fetcher, now=lambda: NOW, environ=env
        )
    assert all(r.failure and "cannot connect" in r.failure for r in reports)
    after = archive_snapshot(archive.path)
    assert {k: v for k, v in after.items() if k != "state.json"} == {
        k: v for k, v in before.items() if k != "state.json"
    }
    warnings = replay_server.live_warnings(caplog)
    assert len(warnings) == 4
    assert "t0ken-xyz" not in caplog.text + str(after)


def test_a_report_reads_as_one_line():
    ok = FetchReport("mastodon", new=3, requests=7, not_due=2)
    assert describe_report(ok) == (
        "mastodon: 3 new, 0 updated, 0 removed (7 requests, 2 posts not due yet)"
    )
    failed = FetchReport("old-blog", requests=2, failure="https://x/feed: HTTP 500")
    assert describe_report(failed).endswith("; FAILED: https://x/feed: HTTP 500")


def test_a_source_is_live_when_its_type_fetches_and_it_names_no_file(tmp_path):
    (tmp_path / "export.xml").write_text("<rss/>", encoding="utf-8")
    (tmp_path / "feed.xml").write_text("<rss/>", encoding="utf-8")
    sources = [
        {"type": "wordpress", "path": "export.xml"},
        {"type": "feed", "path": "feed.xml", "name": "saved-feed"},
        {"type": "feed", "url": "https://b.example/comments.xml"},
        {"type": "mastodon"},
    ]
    settings = load_settings({"COMMUNITY_SOURCES": sources}, root=tmp_path)
    assert [spec.is_live for spec in settings.sources] == [False, False, True, True]
