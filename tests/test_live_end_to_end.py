"""End to end: `pelican-community fetch`, then `pelican content`.

One loopback server plays webmention.io, a Mastodon instance, the Bluesky
AppView and an old WordPress blog's comment feed at once. A tiny site fetches
from it with the real command (a subprocess), builds, and shows every
conversation. Then the same server goes down, turns slow, rate-limits, serves
garbage and answers 304: each time the archive stays byte for byte what it
was, `fetch` exits 0 naming each failed source, and the site builds the same
pages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import Site
from html_checks import executable_markup
from pelican.plugins.community import fetcher as fetcher_module
from pelican.plugins.community.fetcher import Fetcher
from replay_server import (
    FAST_POLICY,
    ReplayServer,
    Reply,
    fixture_reply,
    html_error_page,
    json_reply,
    live_warnings,
    truncated,
    unused_port_url,
)

TOKEN = "e2e-Secret-t0ken"
STATUS = "111500000000000001"
BSKY_POST = "https://bsky.app/profile/jane.example/post/3kmroot2abc22"
LEE = "did:plc:leew00dsxxxxxxxxxxxxxxxx"
KAREN = "did:plc:k4renbellxxxxxxxxxxxxxxx"

FEED = "/comments/feed/"
MENTIONS = "/api/mentions.jf2"
STATUS_API = f"/api/v1/statuses/{STATUS}"
XRPC = "/xrpc/"
# The other APIs answer with the responses the per-source tests replay.
RECORDED = {
    f"{STATUS_API}/context": "mastodon_context.json",
    f"{STATUS_API}/favourited_by": "mastodon_favourited_by_1.json",
    f"{STATUS_API}/reblogged_by": "mastodon_reblogged_by.json",
    XRPC + "com.atproto.identity.resolveHandle": "bsky_resolveHandle.json",
    XRPC + "app.bsky.feed.getPostThread": "bsky_getPostThread.json",
    XRPC + "app.bsky.feed.getLikes": "bsky_getLikes_1.json",
    XRPC + "app.bsky.feed.getRepostedBy": "bsky_getRepostedBy.json",
}
SOURCES = ("feed-127.0.0.1", "webmention.io-jane.example", "mastodon", "bluesky")
PEOPLE_FILE = """\
me:
  names: [Jane Author]
  urls: [https://jane.example]
  handles: ["@jane@writing.exchange"]
friends:
  - name: Karen Bell
    handles: ["@karen@mastodon.social", "karen.bsky.social"]
    note: Critique partner
"""
PAGES = ("lighthouse/index.html", "the-long-middle/index.html", "community/index.html")
# In the fetch subprocess, the same millisecond timeouts as the other live
# tests (`fetcher.Fetcher` is what `sync_live_sources` opens when given none).
FAST_FETCH = f"""
import sys
from pelican.plugins.community import cli, fetcher
from pelican.plugins.community.fetcher import Fetcher, FetchPolicy
fetcher.Fetcher = lambda: Fetcher({FAST_POLICY!r})
sys.exit(cli.main(sys.argv[1:]))
"""


def _bridgy_entry(wm_id: int, prop: str, url: str, author: dict, **extra) -> dict:
    """One webmention.io JF2 entry about the lighthouse post."""
    return {
        "type": "entry",
        "author": {"type": "card", "photo": "", **author},
        "url": url,
        "published": extra.pop("published", None),
        "wm-received": "2024-03-05T11:00:00Z",
        "wm-id": wm_id,
        "wm-source": f"https://brid.gy/{prop}/{wm_id}",
        "wm-target": "https://jane.example/lighthouse/",
        "wm-protocol": "webmention",
        prop: "https://jane.example/lighthouse/",
        "wm-property": prop,
        "wm-private": extra.pop("private", False),
        **extra,
    }


def _webmentions() -> dict:
    """webmention.io's JF2: Bridgy copies of what the direct sources also
    bring (a Mastodon reply; a Bluesky reply, like and repost), a mention from
    a blog, and a private reply. (Bridgy's copy of a Mastodon favourite would
    name the status URL, here a loopback address, which no archived link may
    carry: tests/test_sample_site.py shows those counted once.)"""
    entry = _bridgy_entry
    karen_masto = {"name": "Karen Bell", "url": "https://mastodon.social/@karen"}
    karen_bsky = {
        "name": "Karen Bell",
        "url": "https://bsky.app/profile/karen.bsky.social",
    }
    lee = {"name": "Lee Woods", "url": "https://bsky.app/profile/leewoods.bsky.social"}
    return {
        "type": "feed",
        "name": "Webmentions",
        "children": [
            entry(
                1702006,
                "in-reply-to",
                "https://private.example/reply/1",
                {"name": "Private Person", "url": "https://private.example/"},
                published="2024-03-05T12:00:00+00:00",
                private=True,
                content={"html": "<p>between us</p>", "text": "between us"},
            ),
            entry(
                1702005,
                "mention-of",
                "https://marisol.example/notes/2024/03/lighthouse/",
                {"name": "Marisol Ortega", "url": "https://marisol.example/"},
                published="2024-03-05T11:40:00+00:00",
                content={
                    "html": "<p>Read this one slowly.</p>",
                    "text": "Read this one slowly.",
                },
            ),
            entry(
                1702004,
                "like-of",
                f"{BSKY_POST}#liked_by_{LEE}",
                lee,
            ),
            entry(
                1702003,
                "in-reply-to",
                "https://bsky.app/profile/karen.bsky.social/post/3kmkaren1xy22",
                karen_bsky,
                published="2024-03-04T10:00:00+00:00",
                content={"html": "<p>Chapter three!!</p>", "text": "Chapter three!!"},
            ),
            entry(
                1702002,
                "in-reply-to",
                "https://mastodon.social/@karen/111499990000000001",
                karen_masto,
                published="2024-03-05T10:14:03+00:00",
                content={
                    "html": "<p>@jane The lighthouse chapter made me cry on the train. Again.</p>",
                    "text": "@jane The lighthouse chapter made me cry on the train. Again.",
                },
            ),
            entry(
                1702001,
                "repost-of",
                f"{BSKY_POST}#reposted_by_{KAREN}",
                karen_bsky,
            ),
        ],
    }


def _replies() -> dict[str, Reply]:
    """The healthy answer of every path (for faults derived from them)."""
    answers = {FEED: fixture_reply("wordpress_comments.rss")}
    answers[MENTIONS] = json_reply(_webmentions())
    answers.update({path: fixture_reply(name) for path, name in RECORDED.items()})
    return answers


def _serve(server: ReplayServer) -> None:
    """The healthy server: every API at once, on one port."""
    for path, reply in _replies().items():
        server.route(path, replace(reply, etag='"feed-v1"') if path == FEED else reply)
    # webmention.io lists pages up to an empty one: all of it is on page 0.
    server.route(MENTIONS, json_reply({"type": "feed", "children": []}))
    server.route(MENTIONS, _replies()[MENTIONS], when={"page": "0"})
    server.route(
        XRPC + "app.bsky.feed.getLikes",
        fixture_reply("bsky_getLikes_2.json"),
        when={"cursor": "1709545201000::bafyreilikecursor"},
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


#: The articles' date: recent, so every live source finds them due, and the
#: same for every site of this module (two sites made a minute apart must
#: build the same pages).
_YESTERDAY = (_now() - timedelta(days=1)).strftime("%Y-%m-%d %H:%M")


def _make_site(root: Path, server_url: str) -> Site:
    site = Site(root)
    site.settings.update(
        SITEURL="https://jane.example",
        COMMUNITY_THANKS_IN_CONTENT=True,
        COMMUNITY_JSON_SAVE_AS="community/community.json",
        COMMUNITY_SOURCES=[
            {"type": "feed", "url": server_url + FEED},
            {"type": "webmention.io", "domain": "jane.example", "endpoint": server_url},
            {"type": "mastodon"},
            {"type": "bluesky", "appview": server_url},
        ],
    )
    yesterday = _YESTERDAY
    site.article(
        "lighthouse",
        "The Lighthouse Keeper's Daughter",
        yesterday,
        mastodon=f"{server_url}/@jane/{STATUS}",
        bluesky=BSKY_POST,
    )
    site.article("the-long-middle", "The long middle", "2013-03-01 09:00")
    site.write("community.yaml", PEOPLE_FILE)
    site.conf()
    return site


def _fetch(site: Site, *, fast: bool = False) -> subprocess.CompletedProcess:
    """`pelican-community fetch -s pelicanconf.py`, run from the site's folder."""
    script = Path(sys.executable).with_name("pelican-community")
    if fast:
        command = [sys.executable, "-c", FAST_FETCH]
    elif script.exists():
        command = [str(script)]
    else:
        command = [sys.executable, "-m", "pelican.plugins.community.cli"]
    env = {k: v for k, v in os.environ.items() if k != "PELICAN_COMMUNITY_OFFLINE"}
    return subprocess.run(
        [*command, "fetch", "-s", "pelicanconf.py"],
        capture_output=True,
        text=True,
        cwd=site.root,
        env=env,
        timeout=60,
    )


def _archive_bytes(site: Site) -> dict[str, bytes]:
    folder = site.root / "community-archive"
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _pages(site: Site) -> dict[str, str]:
    return {page: site.page(page) for page in PAGES}


def _build(site: Site, monkeypatch: pytest.MonkeyPatch, *, offline: bool) -> None:
    """`pelican content`; online builds fetch with millisecond timeouts."""
    with monkeypatch.context() as m:
        if offline:
            m.setenv("PELICAN_COMMUNITY_OFFLINE", "1")
        else:
            m.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)
            m.setattr(fetcher_module, "Fetcher", lambda: Fetcher(FAST_POLICY))
        site.build()


@pytest.fixture(scope="module")
def server():
    server = ReplayServer()
    _serve(server)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def fetched(server, tmp_path_factory):
    """A site after `pelican-community fetch` and an offline build."""
    with pytest.MonkeyPatch.context() as m:
        m.setenv("WEBMENTION_IO_TOKEN", TOKEN)
        site = _make_site(tmp_path_factory.mktemp("e2e") / "site", server.url)
        result = _fetch(site)
        _build(site, m, offline=True)
    return site, result


# -- everything works ---------------------------------------------------------


def test_fetch_says_what_each_source_brought(fetched):
    site, result = fetched
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [line.split(":")[0] for line in lines[:-1]] == list(SOURCES)
    counts = {
        line.split(":")[0]: line.split(": ")[1].split(",")[0] for line in lines[:-1]
    }
    # The feed: 2 comments; webmention.io: 6 entries, the private one never
    # archived; Mastodon: 3 public replies, 2 favourites, 1 boost; Bluesky:
    # 3 replies (not the hidden account's), 2 likes on two pages, 1 repost.
    assert counts == {
        "feed-127.0.0.1": "2 new",
        "webmention.io-jane.example": "5 new",
        "mastodon": "6 new",
        "bluesky": "6 new",
    }
    assert "FAILED" not in result.stdout
    assert lines[-1] == "19 new interactions from 4 sources"
    archive = b"".join(_archive_bytes(site).values()).decode()
    assert TOKEN not in result.stdout + result.stderr + archive
    assert "Hidden Reader" not in archive and "Private Person" not in archive


def test_every_conversation_shows_on_the_article_and_community_pages(fetched):
    site, _ = fetched
    article = site.page("lighthouse/index.html")
    for text in (
        "The lighthouse chapter made me cry on the train",  # Mastodon
        "Thank you, truly.",  # the author's answer on Mastodon
        "Chapter three!!",  # Bluesky
        "Take all the minutes you need",  # the author's answer on Bluesky
        "Bookmarked for the weekend.",  # Bluesky, Lee Woods
        "Marisol Ortega",  # a mention from a blog, via webmention.io
    ):
        assert text in article, text
    assert "This is exactly where I am with my draft" in site.page(
        "the-long-middle/index.html"
    )  # the old blog's comment feed
    community = site.page("community/index.html")
    for name in ("Karen Bell", "Priya N.", "Lee Woods", "Marisol Ortega", "Tomás"):
        assert name in community, name
    for page in _pages(site).values():
        assert executable_markup(page) == []


def test_a_reply_that_arrived_twice_is_shown_once(fetched):
    site, _ = fetched
    article = site.page("lighthouse/index.html")
    # Via Bridgy/webmention.io and via Mastodon (and Bluesky) directly.
    assert article.count("made me cry on the train") == 1
    assert article.count("Chapter three!!") == 1
    report = json.loads(site.page("community/community.json"))
    karen = next(p for p in report["people"] if p["name"] == "Karen Bell")
    # Mastodon, Bluesky and the old blog: one comment each, Bridgy's copies
    # not counted again; her Mastodon favourite and Bluesky like and repost.
    assert karen["counts"] == {
        "comment": 3,
        "mention": 0,
        "like": 2,
        "repost": 1,
        "share": 0,
        "bookmark": 0,
    }
    [post] = [p for p in report["posts"] if p["slug"] == "lighthouse"]
    # Favourites: Karen, Tomás (ana is on the next page, not served here);
    # Bluesky likes: Karen, Lee; boosts and reposts: Priya, Karen. Lee's like
    # and Karen's repost also came through Bridgy: each counted once.
    assert post["reactions"] == {"like": 4, "repost": 2, "share": 0, "bookmark": 0}


def test_content_warnings_are_collapsed_and_hidden_accounts_never_show(fetched):
    site, _ = fetched
    article = site.page("lighthouse/index.html")
    warning = re.search(
        r'<details class="community-content-warning"><summary>(.*?)</summary>(.*?)</details>',
        article,
        re.S,
    )
    assert warning is not None
    assert re.sub(r"<[^>]+>", "", warning.group(1)) == (
        "Content warning: spoilers for chapter 3"
    )
    assert "Is the ending of chapter 3 what I think it is?" in warning.group(2)
    for page in site.output.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for never in (
            "Hidden Reader",
            "don&#39;t show me",
            "Private Person",
            "Quiet Reader",
        ):
            assert never not in html, (never, page)


def test_a_build_that_fetches_by_itself_shows_the_same(
    fetched, server, tmp_path, monkeypatch
):
    site, _ = fetched
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", TOKEN)
    fresh = _make_site(tmp_path / "site", server.url)
    # The same site (same address), never fetched: `pelican content` alone.
    shutil.copytree(site.content, fresh.content, dirs_exist_ok=True)
    _build(fresh, monkeypatch, offline=False)
    assert _pages(fresh) == _pages(site)
    archive = _archive_bytes(fresh)
    assert {k: v for k, v in archive.items() if k != "state.json"} == {
        k: v for k, v in _archive_bytes(site).items() if k != "state.json"
    }


# -- withheld by the platform, brought by Bridgy -------------------------------

HIDDEN = "did:plc:h1ddenreaderxxxxxxxxxxx"
#: What the platforms say must not be shown: the followers-only and unlisted
#: replies, and the account labelled !no-unauthenticated (its name, handle,
#: photo and words).
WITHHELD_TEXT = (
    "Quiet Reader",
    "quietly",
    "(followers only) loved it",
    "unlisted aside",
    "Hidden Reader",
    "hidden.bsky.social",
    "logged-out people",
    HIDDEN,
)


def _bridgy_copies_of_withheld() -> list[dict]:
    """What Bridgy may backfeed though the platform says not to show it."""
    quiet = {"name": "Quiet Reader", "url": "https://mastodon.social/@quietly"}
    hidden = {
        "name": "Hidden Reader",
        "url": "https://bsky.app/profile/hidden.bsky.social",
        "photo": f"https://cdn.bsky.app/img/avatar/plain/{HIDDEN}/bafkreiavatar@jpeg",
    }
    return [
        _bridgy_entry(
            1702011,
            "in-reply-to",
            "https://mastodon.social/@quietly/111500020000000004",
            quiet,
            published="2024-03-05T13:00:00+00:00",
            content={"html": "<p>(followers only) loved it</p>", "text": "loved it"},
        ),
        _bridgy_entry(
            1702012,
            "in-reply-to",
            "https://mastodon.social/@quietly/111500020000000005",
            quiet,
            published="2024-03-05T13:05:00+00:00",
            content={"html": "<p>unlisted aside</p>", "text": "unlisted aside"},
        ),
        _bridgy_entry(
            1702013,
            "in-reply-to",
            "https://bsky.app/profile/hidden.bsky.social/post/3kmhidden0022",
            hidden,
            published="2024-03-04T12:00:00+00:00",
            content={
                "html": "<p>please don't show me to logged-out people</p>",
                "text": "please don't show me to logged-out people",
            },
        ),
        _bridgy_entry(1702014, "like-of", f"{BSKY_POST}#liked_by_{HIDDEN}", hidden),
    ]


def test_what_the_platform_withholds_never_shows_though_bridgy_brought_it(
    fetched, faulty, tmp_path, monkeypatch
):
    site, _ = fetched
    mentions = _webmentions()
    mentions["children"] += _bridgy_copies_of_withheld()
    faulty.route(MENTIONS, json_reply(mentions), when={"page": "0"})
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", TOKEN)
    bridged = _make_site(tmp_path / "site", faulty.url)
    result = _fetch(bridged)
    assert result.returncode == 0, result.stderr
    _build(bridged, monkeypatch, offline=True)

    # Not on any page, not in the JSON report: the pages are those of the
    # site that never received these copies, public replies deduplicated
    # and counted as before.
    report = bridged.page("community/community.json")
    for page in [*bridged.output.rglob("*.html"), *bridged.output.rglob("*.json")]:
        text = page.read_text(encoding="utf-8")
        for never in WITHHELD_TEXT:
            assert never not in text, (never, page)
    assert report == site.page("community/community.json")
    assert json.loads(report)["unmatched"] == 0
    assert _pages(bridged) == _pages(site)

    # The direct sources archive only what names each status or post.
    for source in ("mastodon", "bluesky"):
        lines = (bridged.root / "community-archive" / f"{source}.jsonl").read_text()
        withheld = [
            record
            for record in map(json.loads, lines.splitlines())
            if record.get("extra", {}).get("withheld") == "true"
        ]
        assert len(withheld) == 2, source
        for record in withheld:
            assert set(record) == {"extra", "id", "kind", "source", "target_url", "url"}
        for never in ("Quiet Reader", "Hidden Reader", "loved it", "unlisted aside"):
            assert never not in lines, (never, source)
    # `fetch` says so, and shown interactions are counted as before.
    assert "webmention.io-jane.example: 9 new" in result.stdout
    for source in ("mastodon", "bluesky"):
        assert f"{source}: 6 new, 0 updated, 0 removed, 2 withheld (" in result.stdout


# -- everything fails ---------------------------------------------------------


FAULTS = {
    # name: (a fault for a path's healthy answer, what each source says)
    "slow": (
        lambda path, ok: Reply(200, ok.body, dict(ok.headers), delay=1.0),
        {s: "timed out" for s in SOURCES},
    ),
    "rate-limited": (
        lambda path, ok: Reply(429, b"Slow down", {"Retry-After": "3600"}),
        {s: "HTTP 429 (Retry-After 3600 s: giving up for now)" for s in SOURCES},
    ),
    "html-error-page": (
        lambda path, ok: html_error_page(),
        {s: "got an HTML page instead of" for s in SOURCES},
    ),
    "truncated": (
        lambda path, ok: truncated(ok, 0.6),
        {
            "feed-127.0.0.1": "not well-formed (cut off or garbled)",
            **{s: "not valid JSON" for s in SOURCES[1:]},
        },
    ),
    "not-modified": (
        # The feed answers the conditional request with 304 (the healthy
        # route knows its ETag); a confused cache answers the JSON APIs with
        # 304 and no body, unasked.
        lambda path, ok: None if path == FEED else Reply(304, b""),
        {"feed-127.0.0.1": None, **{s: "not valid JSON" for s in SOURCES[1:]}},
    ),
    "down": (None, {s: "cannot connect" for s in SOURCES}),
}


def _copy_of(site: Site, root: Path) -> Site:
    """The fetched site, archive included, in another folder."""
    copy = Site(root)
    shutil.copytree(
        site.root,
        copy.root,
        dirs_exist_ok=True,
        ignore=shutil.ignore_patterns("output"),
    )
    copy.settings = json.loads(json.dumps(site.settings))
    return copy


@pytest.fixture
def faulty(server):
    """Lets a test break every route; the healthy routes come back after."""
    routes = list(server.routes)
    yield server
    server.routes[:] = routes


@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_failing_server_loses_nothing_and_the_site_still_builds(
    fault, fetched, faulty, tmp_path, monkeypatch, caplog
):
    site, _ = fetched
    break_reply, reasons = FAULTS[fault]
    copy = _copy_of(site, tmp_path / "site")
    if break_reply is None:  # connection refused: nothing listens there
        dead = unused_port_url()
        for path in [copy.root / "pelicanconf.py", *copy.content.glob("*.md")]:
            path.write_text(path.read_text().replace(faulty.url, dead))
        copy.settings = json.loads(json.dumps(site.settings).replace(faulty.url, dead))
    else:
        for path, ok in _replies().items():
            broken = break_reply(path, ok)
            if broken is not None:
                faulty.route(path, broken)
    before = _archive_bytes(copy)
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", TOKEN)

    result = _fetch(copy, fast=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    for source, reason in reasons.items():
        [line] = [x for x in lines if x.startswith(f"{source}: ")]
        assert line.startswith(f"{source}: 0 new, 0 updated, 0 removed"), line
        if reason is None:
            assert "FAILED" not in line and "1 not modified" in line, line
        else:
            assert "; FAILED: " in line and reason in line, line
    failed = [s for s, r in reasons.items() if r]
    assert lines[-1] == (
        f"0 new interactions from 4 sources; {len(failed)} failed "
        f"({', '.join(failed)}), the archive kept all it had"
    )
    assert TOKEN not in result.stdout + result.stderr
    assert _archive_bytes(copy) == before

    caplog.clear()
    _build(copy, monkeypatch, offline=False)  # fetches again, fails again
    assert len(live_warnings(caplog)) == len(failed)
    assert TOKEN not in caplog.text
    assert _archive_bytes(copy) == before
    # The same pages; where the copy's server moved, its address in them too
    # (the posts' announcement links, the webmention form's endpoint).
    moved = dead if break_reply is None else faulty.url
    shown = {
        page: text.replace(moved, faulty.url) for page, text in _pages(copy).items()
    }
    assert shown == _pages(site)


# -- a build's fetch budget ------------------------------------------------------


def test_a_build_keeps_to_its_fetch_budget_when_every_source_is_slow(
    fetched, faulty, tmp_path, monkeypatch, caplog
):
    """Every API answers after 30 s; the build's budget is 2 s, with the
    usual per-request deadline (60 s): the build ends from the archive,
    naming the sources cut short; nothing is lost,
    and the next fetch asks for all of it again."""
    site, _ = fetched
    copy = _copy_of(site, tmp_path / "site")
    copy.settings["COMMUNITY_FETCH_BUDGET"] = 2
    healthy = list(faulty.routes)
    for path, ok in _replies().items():
        faulty.route(path, Reply(200, ok.body, dict(ok.headers), delay=30.0))
    before = _archive_bytes(copy)
    monkeypatch.setenv("WEBMENTION_IO_TOKEN", TOKEN)
    monkeypatch.delenv("PELICAN_COMMUNITY_OFFLINE", raising=False)

    # Every API would answer after 30 s: only the budget makes the build
    # warn that the sources were cut short.
    copy.build()

    [warning] = live_warnings(caplog)
    assert "the fetch budget (2 s, COMMUNITY_FETCH_BUDGET) ran out" in warning
    assert f"{', '.join(SOURCES)} cut short" in warning, warning
    assert _pages(copy) == _pages(site)
    after = _archive_bytes(copy)
    assert {k: v for k, v in after.items() if k != "state.json"} == {
        k: v for k, v in before.items() if k != "state.json"
    }

    # What was cut short stays due: the next fetch (no budget) asks again.
    faulty.routes[:] = healthy
    asked = len(faulty.seen)
    result = _fetch(copy)
    assert result.returncode == 0 and "FAILED" not in result.stdout, result.stdout
    paths = {seen.path for seen in faulty.seen[asked:]}
    assert {FEED, MENTIONS, f"{STATUS_API}/context"} <= paths, paths
    assert XRPC + "app.bsky.feed.getPostThread" in paths, paths
