"""Live Mastodon source: replies, favourites and boosts of an article's status."""

from __future__ import annotations

import pytest
import replay_server
from pelican.plugins.community.archive.live import sync_live_sources
from pelican.plugins.community.archive.store import Archive
from pelican.plugins.community.fetcher import Fetcher
from pelican.plugins.community.model import PostRef
from pelican.plugins.community.sources.mastodon import (
    account_handle,
    parse_status_url,
)
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
)

replay = replay_server.replay
STATUS_ID = "111500000000000001"
API = f"/api/v1/statuses/{STATUS_ID}"
#: All a withheld record holds.
STUB_FIELDS = {"source", "id", "kind", "target_url", "url", "extra"}


def _post(server_url: str) -> PostRef:
    return PostRef(
        slug="lighthouse",
        url="https://jane.example/lighthouse/",
        title="The Lighthouse Keeper's Daughter",
        date="2024-03-04T09:00:00+00:00",
        social={"mastodon": f"{server_url}/@jane/{STATUS_ID}"},
    )


def _serve_status(server, next_url: str = "") -> None:
    next_url = next_url or f"{server.url}{API}/favourited_by?limit=80&max_id=4242"
    server.route(f"{API}/context", fixture_reply("mastodon_context.json"))
    server.route(
        f"{API}/favourited_by",
        fixture_reply(
            "mastodon_favourited_by_1.json", Link=f'<{next_url}>; rel="next"'
        ),
    )
    server.route(
        f"{API}/favourited_by",
        fixture_reply("mastodon_favourited_by_2.json"),
        when={"max_id": "4242"},
    )
    server.route(f"{API}/reblogged_by", fixture_reply("mastodon_reblogged_by.json"))


def _sync(tmp_path, post):
    settings = live_settings(tmp_path, {"type": "mastodon"})
    archive = Archive(settings.archive_path)
    with Fetcher(FAST_POLICY) as fetcher:
        reports = sync_live_sources(
            archive, settings, [post], fetcher=fetcher, now=lambda: NOW
        )
    return archive, reports


def test_replies_favourites_and_boosts_reach_the_archive(tmp_path, replay):
    _serve_status(replay)
    archive, [report] = _sync(tmp_path, _post(replay.url))
    assert report.failure is None
    assert (report.new, report.requests, report.checked) == (7, 4, 1)
    items = archive.load_source("mastodon")
    karen = items["https://mastodon.social/users/karen/statuses/111499990000000001"]
    assert karen.kind == "comment"
    assert karen.url == "https://mastodon.social/@karen/111499990000000001"
    assert karen.author_handle == "@karen@mastodon.social"
    assert karen.author_url == "https://mastodon.social/@karen"
    assert karen.extra["verified_url"] == "https://karenbellwrites.example"
    assert karen.target_url == "https://jane.example/lighthouse/"
    assert karen.published == "2024-03-05T10:14:03+00:00"
    assert karen.parent == ""
    jane = items["https://writing.exchange/users/jane/statuses/111500000000000102"]
    # A local account's acct has no domain: the handle gets the instance's.
    assert jane.author_handle == "@jane@writing.exchange"
    assert jane.parent == karen.id  # threaded by in_reply_to_id
    priya = items["https://mastodon.social/users/priyan/statuses/111500010000000003"]
    assert priya.extra["content_warning"] == "spoilers for chapter 3"
    assert priya.extra["sensitive"] == "true"
    # Private and unlisted: archived only as what names the status, so
    # Bridgy's copy can be recognised; nothing of who wrote it or what.
    quiet = [i for key, i in items.items() if "quietly" in key]
    assert [i.url for i in quiet] == [
        "https://mastodon.social/@quietly/111500020000000004",
        "https://mastodon.social/@quietly/111500020000000005",
    ]
    assert all(set(i.to_dict()) == STUB_FIELDS for i in quiet)
    assert all(i.extra == {"platform": "mastodon", "withheld": "true"} for i in quiet)
    archived = (archive.path / "mastodon.jsonl").read_text()
    for never in ("Quiet Reader", "quiet.png", "loved it", "unlisted aside"):
        assert never not in archived
    likes = sorted(i.author_handle for i in items.values() if i.kind == "like")
    assert likes == [
        "@ana@hachyderm.io",
        "@karen@mastodon.social",
        "@tomas@writing.exchange",
    ]
    like = next(
        i for i in items.values() if i.author_handle == "@tomas@writing.exchange"
    )
    assert (
        like.url
        == f"{_post(replay.url).social['mastodon']}#favorited-by-109200000000000077"
    )
    [boost] = [i for i in items.values() if i.kind == "repost"]
    assert boost.author_name == "Priya N."
    assert report.withheld == 2  # the private and the unlisted reply


def test_the_authors_own_reply_is_marked_as_hers(tmp_path, replay):
    _serve_status(replay)
    archive, _ = _sync(tmp_path, _post(replay.url))
    mine = [i.id for i in archive.load_source("mastodon").values() if i.author_is_me]
    assert mine == ["https://writing.exchange/users/jane/statuses/111500000000000102"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [
        (Reply(500, b"Internal Server Error"), "HTTP 500"),
        (Reply(429, b"", {"Retry-After": "3600"}), "HTTP 429"),
        (html_error_page(), "HTML page instead of JSON"),
        (truncated(fixture_reply("mastodon_context.json")), "not valid JSON"),
        (Reply(200, b"{}", delay=2.0), "timed out"),
        (Reply(404, b'{"error":"Record not found"}'), "HTTP 404"),
    ],
)
def test_a_failing_instance_loses_nothing_and_warns_once(
    tmp_path, replay, caplog, fault, reason
):
    _serve_status(replay)
    archive, _ = _sync(tmp_path, _post(replay.url))
    before = archive_snapshot(archive.path)
    replay.route(f"{API}/context", fault)
    caplog.clear()
    _, [report] = _sync(tmp_path, _post(replay.url))
    after = archive_snapshot(archive.path)
    assert after["mastodon.jsonl"] == before["mastodon.jsonl"]
    [warning] = live_warnings(caplog)
    assert warning.startswith("community: mastodon: 1 of 1 post could not be fetched")
    assert reason in warning and "the archive keeps what it had" in warning
    assert report.failure and reason in report.failure
    assert report.new == report.updated == report.removed == 0


def test_pagination_may_not_lead_to_another_local_address(tmp_path, replay, caplog):
    other = replay_server.unused_port_url()
    _serve_status(replay, next_url=f"{other}/api/v1/statuses/1/favourited_by?max_id=1")
    archive, [report] = _sync(tmp_path, _post(replay.url))
    assert archive.load_source("mastodon") == {}
    [warning] = live_warnings(caplog)
    assert "not an address on the public internet" in warning
    assert report.failure


def test_a_status_url_that_is_not_one_is_reported(tmp_path, caplog):
    post = PostRef(
        "p", "/p/", date="2024-03-05T00:00:00+00:00", social={"mastodon": "not a url"}
    )
    _, [report] = _sync(tmp_path, post)
    assert "'not a url' is not a Mastodon status URL" in report.failure
    assert len(live_warnings(caplog)) == 1


def test_status_urls_and_handles():
    ref = parse_status_url("https://writing.exchange/@jane/111500000000000001")
    assert (ref.host, ref.status_id, ref.username) == (
        "writing.exchange",
        STATUS_ID,
        "jane",
    )
    assert ref.api("context").endswith(f"/api/v1/statuses/{STATUS_ID}/context")
    assert parse_status_url("https://x.example/users/ann/statuses/42").status_id == "42"
    assert parse_status_url("https://x.example/about") is None
    assert parse_status_url("javascript:alert(1)") is None
    local = {"acct": "tomas", "url": "https://writing.exchange/@tomas"}
    assert account_handle(local, "writing.exchange") == "@tomas@writing.exchange"
    assert account_handle({"acct": "ana@hachyderm.io"}, "x") == "@ana@hachyderm.io"
