"""Live Bluesky source: replies, likes and reposts through the public AppView."""

from __future__ import annotations

import json

import pytest
import replay_server
from pelican.plugins.community.archive.live import describe_report, sync_live_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.sources.bluesky import parse_post_ref
from replay_server import (
    FAST_POLICY,
    NOW,
    Reply,
    archive_snapshot,
    fixture_reply,
    html_error_page,
    json_reply,
    live_settings,
    live_warnings,
    truncated,
)

replay = replay_server.replay
JANE = "did:plc:j4neauth0rxxxxxxxxxxxxxx"
KAREN = "did:plc:k4renbellxxxxxxxxxxxxxxx"
LEE = "did:plc:leew00dsxxxxxxxxxxxxxxxx"
HIDDEN = "did:plc:h1ddenreaderxxxxxxxxxxx"
ROOT = f"at://{JANE}/app.bsky.feed.post/3kmroot2abc22"
#: All a withheld record holds.
STUB_FIELDS = {"source", "id", "kind", "target_url", "url", "extra"}
XRPC = "/xrpc/"


def _post(address: str = "https://bsky.app/profile/jane.example/post/3kmroot2abc22"):
    return PostRef(
        slug="lighthouse",
        url="https://jane.example/lighthouse/",
        date="2024-03-04T09:00:00+00:00",
        social={"bluesky": address},
    )


def _serve_appview(server) -> None:
    server.route(
        XRPC + "com.atproto.identity.resolveHandle",
        fixture_reply("bsky_resolveHandle.json"),
    )
    server.route(
        XRPC + "app.bsky.feed.getPostThread", fixture_reply("bsky_getPostThread.json")
    )
    server.route(XRPC + "app.bsky.feed.getLikes", fixture_reply("bsky_getLikes_1.json"))
    server.route(
        XRPC + "app.bsky.feed.getLikes",
        fixture_reply("bsky_getLikes_2.json"),
        when={"cursor": "1709545201000::bafyreilikecursor"},
    )
    server.route(
        XRPC + "app.bsky.feed.getRepostedBy", fixture_reply("bsky_getRepostedBy.json")
    )


def _sync(tmp_path, server, post):
    settings = live_settings(tmp_path, {"type": "bluesky", "appview": server.url})
    archive = Archive(settings.archive_path)
    with Fetcher(FAST_POLICY) as fetcher:
        reports = sync_live_sources(
            archive, settings, [post], fetcher=fetcher, now=lambda: NOW
        )
    return archive, reports


def test_replies_likes_and_reposts_reach_the_archive(tmp_path, replay):
    _serve_appview(replay)
    archive, [report] = _sync(tmp_path, replay, _post())
    assert report.failure is None
    # resolveHandle, getPostThread, getLikes x2, getRepostedBy
    assert (report.new, report.requests) == (6, 5)
    thread_query = replay.requests_to(XRPC + "app.bsky.feed.getPostThread")[0].query
    assert thread_query["uri"] == ROOT
    items = archive.load_source("bluesky")
    karen = items[f"at://{KAREN}/app.bsky.feed.post/3kmkaren1xy22"]
    assert karen.kind == "comment"
    assert karen.author_handle == KAREN  # identity by DID, not handle
    assert karen.extra["handle"] == "karen.bsky.social"
    assert karen.author_name == "Karen Bell"
    assert karen.url == f"https://bsky.app/profile/{KAREN}/post/3kmkaren1xy22"
    assert karen.content == "<p>Chapter three!!</p><p>I need a minute.</p>"
    assert karen.parent == ""
    jane = items[f"at://{JANE}/app.bsky.feed.post/3kmjane01xy22"]
    assert jane.parent == karen.id and jane.author_is_me
    assert jane.content == "<p>Take all the minutes you need &lt;3</p>"
    assert not any("hidden" in i.author_name.lower() for i in items.values())
    assert not any("3kmdeleted" in key or "3kmblocked" in key for key in items)
    likes = sorted(
        i.author_handle
        for i in items.values()
        if i.kind == "like" and not i.extra.get("withheld")
    )
    assert likes == [KAREN, LEE]
    like = next(
        i for i in items.values() if i.kind == "like" and i.author_handle == LEE
    )
    assert (
        like.url == f"https://bsky.app/profile/{JANE}/post/3kmroot2abc22#liked_by_{LEE}"
    )
    assert like.published == "2024-03-04T12:30:00+00:00"
    [repost] = [i for i in items.values() if i.kind == "repost"]
    assert repost.author_handle == KAREN
    assert report.withheld == 2  # the hidden account's reply and like


def test_an_account_that_asks_to_be_hidden_later_leaves_no_name_or_words(
    tmp_path, replay
):
    """Archived while the account was public; once it is labelled
    ``!no-unauthenticated``, its reply and like are replaced by records
    that only name the post (the archive is often public)."""
    _serve_appview(replay)
    unlabelled = {}
    for name in ("bsky_getPostThread.json", "bsky_getLikes_1.json"):
        text = (replay_server.LIVE_FIXTURES / name).read_text()
        unlabelled[name] = json.loads(text.replace("!no-unauthenticated", "other"))
    replay.route(
        XRPC + "app.bsky.feed.getPostThread",
        json_reply(unlabelled["bsky_getPostThread.json"]),
    )
    replay.route(
        XRPC + "app.bsky.feed.getLikes", json_reply(unlabelled["bsky_getLikes_1.json"])
    )
    replay.route(
        XRPC + "app.bsky.feed.getLikes",
        fixture_reply("bsky_getLikes_2.json"),
        when={"cursor": "1709545201000::bafyreilikecursor"},
    )
    archive, [first] = _sync(tmp_path, replay, _post())
    assert first.new == 8
    assert "Hidden Reader" in (archive.path / "bluesky.jsonl").read_text()

    _serve_appview(replay)  # the recorded answers, labels and all
    _, [report] = _sync(tmp_path, replay, _post())
    archived = (archive.path / "bluesky.jsonl").read_text()
    for never in (
        "Hidden Reader",
        "hidden.bsky.social",
        "logged-out",
        f"plain/{HIDDEN}",
    ):
        assert never not in archived, never
    items = archive.load_source("bluesky")
    hidden = [i for i in items.values() if i.extra.get("withheld") == "true"]
    assert sorted(i.url for i in hidden) == [
        f"https://bsky.app/profile/{HIDDEN}/post/3kmhidden0022",
        f"https://bsky.app/profile/{JANE}/post/3kmroot2abc22#liked_by_{HIDDEN}",
    ]
    assert all(set(i.to_dict()) == STUB_FIELDS for i in hidden)
    assert (report.new, report.updated, report.removed) == (0, 0, 0)
    assert describe_report(report).startswith(
        "bluesky: 0 new, 0 updated, 0 removed, 2 withheld ("
    )


def test_an_at_uri_with_a_did_needs_no_resolving(tmp_path, replay):
    _serve_appview(replay)
    _, [report] = _sync(tmp_path, replay, _post(ROOT))
    assert report.failure is None
    assert not replay.requests_to(XRPC + "com.atproto.identity.resolveHandle")


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (truncated(fixture_reply("bsky_getPostThread.json")), "not valid JSON"),
        (html_error_page(), "HTML page instead of JSON"),
        (Reply(502, b"Bad Gateway"), "HTTP 502"),
        (
            json_reply({"thread": {"$type": "app.bsky.feed.defs#notFoundPost"}}),
            "unavailable",
        ),
        (
            json_reply({"error": "InvalidRequest", "message": "bad uri"}, 400),
            "HTTP 400",
        ),
    ],
)
def test_a_failing_appview_loses_nothing_and_warns_once(
    tmp_path, replay, caplog, fault, reason
):
    _serve_appview(replay)
    archive, _ = _sync(tmp_path, replay, _post())
    before = archive_snapshot(archive.path)["bluesky.jsonl"]
    replay.route(XRPC + "app.bsky.feed.getPostThread", fault)
    caplog.clear()
    _, [report] = _sync(tmp_path, replay, _post())
    assert archive_snapshot(archive.path)["bluesky.jsonl"] == before
    [warning] = live_warnings(caplog)
    assert "community: bluesky: 1 of 1 post could not be fetched" in warning
    assert reason in warning
    assert report.new == 0 and report.failure


def test_post_addresses():
    ref = parse_post_ref("https://bsky.app/profile/jane.example/post/3kmroot2abc22")
    assert (ref.actor, ref.rkey, ref.needs_resolving) == (
        "jane.example",
        "3kmroot2abc22",
        True,
    )
    assert parse_post_ref(ROOT).at_uri() == ROOT
    assert parse_post_ref("https://bsky.app/profile/jane.example") is None
    assert parse_post_ref(f"at://{JANE}/app.bsky.feed.like/3kx") is None
