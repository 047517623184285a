"""Who a page vouches for (issue 25): Bridgy by its exact hosts, a profile by a
post of the same account on the same host, a shared host's user by their own path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pelican.plugins.community.sources.webmention_io import read_webmentions
from pelican.plugins.community.vouching import is_bridgy, vouches_for

BRIDGY = [
    ("https://brid.gy/comment/mastodon/x/1/2", True),
    ("https://fed.brid.gy/r/https://social.example/@a/1", True),
    ("https://brid-gy.appspot.com/like/twitter/x/1/2", True),
    ("https://BRID.GY/comment/x", True),  # upper case
    ("https://brid.gy./comment/x", True),  # trailing dot
    ("https://brid.gy:443/comment/x", True),  # a port
    ("https://xbrid-gy.appspot.com/comment/x", False),  # a free App Engine app
    ("https://evilbrid.gy/comment/x", False),
    ("https://brid.gy.evil.example/comment/x", False),
    ("https://brid.gy@evil.example/comment/x", False),  # userinfo, then the host
    ("https://xn--brd-gy-7ve.example/comment/x", False),  # punycode look-alike
    ("https://br\u0456d.gy/comment/x", False),  # Cyrillic i
    ("ftp://brid.gy/comment/x", False),
    ("", False),
]


@pytest.mark.parametrize(("url", "expected"), BRIDGY)
def test_bridgy_is_known_by_its_exact_hosts(url, expected):
    assert is_bridgy(url) is expected


VOUCHES = [
    # source page, identity it claims, vouched?
    ("https://jane.example/2020/post", "https://jane.example/", True),
    ("https://blog.jane.example/post", "https://jane.example/", True),
    ("https://WWW.Jane.Example./post", "https://jane.example/", True),
    ("https://jane.example:8443/post", "https://jane.example/", True),
    ("https://notjane.example/post", "https://jane.example/", False),
    ("https://jane.example.evil.example/p", "https://jane.example/", False),
    ("https://jane.example@evil.example/p", "https://jane.example/", False),
    ("https://evil.example/p", "https://jane.example@evil.example/", True),
    # a fediverse account: a post of the same account on the same host only
    ("https://social.example/@alice/123", "https://social.example/@alice", True),
    (
        "https://social.example/users/alice/statuses/1",
        "https://social.example/@alice",
        True,
    ),
    ("https://evil.example/@alice/123", "https://social.example/@alice", False),
    ("https://social.example/@mallory/1", "https://social.example/@alice", False),
    ("https://sub.social.example/@alice/1", "https://social.example/@alice", False),
    # a page of the host itself (a server's /objects/<id>): the host vouches
    ("https://social.example/objects/9f1c", "https://social.example/@alice", True),
    ("https://evil.example/objects/9f1c", "https://social.example/@alice", False),
    # hosts shared by path
    ("https://uni.example/~alice/post.html", "https://uni.example/~alice/", True),
    ("https://uni.example/~bob/post.html", "https://uni.example/~alice/", False),
    ("https://uni.example/%7Ebob/post.html", "https://uni.example/~alice/", False),
    ("https://uni.example/~ALICE/post", "https://uni.example/~alice/", True),
    ("https://uni.example/~bob/post.html", "https://uni.example/", False),
    ("https://uni.example/people/bob/p", "https://uni.example/people/alice/", False),
    ("https://uni.example/people/alice/p", "https://uni.example/people/alice", True),
    ("https://uni.example/news/1", "https://uni.example/people/alice/", True),
    ("https://uni.example/u/bob/1", "https://uni.example/u/alice", False),
    # nothing to compare
    ("", "https://jane.example/", False),
    ("https://jane.example/", "", False),
    ("javascript:alert(1)//jane.example", "https://jane.example/", False),
]


@pytest.mark.parametrize(("source", "identity", "expected"), VOUCHES)
def test_a_page_vouches_only_for_its_own_site_and_user(source, identity, expected):
    assert vouches_for(source, identity) is expected


def _author_url(tmp_path: Path, source: str, post: str, author: str) -> str:
    """The author link a webmention.io entry is recorded with."""
    entry = {
        "type": "entry",
        "author": {"name": "Friend", "url": author},
        "url": post,
        "wm-id": 1,
        "wm-source": source,
        "wm-target": "https://blog.example/post/",
        "wm-property": "in-reply-to",
        "content": {"text": "Hello"},
    }
    path = tmp_path / "wm.json"
    path.write_text(json.dumps({"children": [entry]}), encoding="utf-8")
    (item,) = read_webmentions(path, "wm").interactions
    return item.author_url


MENTIONS = [
    # source, post URL, claimed author URL, the author URL recorded
    (
        "https://brid.gy/comment/mastodon/@alice@social.example/1/2",
        "https://social.example/@alice/123",
        "https://social.example/@alice",
        "https://social.example/@alice",
    ),
    (  # a look-alike of Bridgy's App Engine host
        "https://xbrid-gy.appspot.com/comment/twitter/x/1/2",
        "https://twitter.com/friend/status/1",
        "https://friend.example/",
        "https://xbrid-gy.appspot.com/comment/twitter/x/1/2",
    ),
    (  # a look-alike of brid.gy
        "https://evilbrid.gy/comment/twitter/x/1/2",
        "https://twitter.com/friend/status/1",
        "https://friend.example/",
        "https://evilbrid.gy/comment/twitter/x/1/2",
    ),
    (  # a fediverse post on another host than the profile's: its own account
        "https://brid.gy/comment/mastodon/x/1/2",
        "https://evil.example/@alice/123",
        "https://social.example/@alice",
        "https://evil.example/@alice",
    ),
    (  # another account's post on the profile's host
        "https://brid.gy/comment/mastodon/x/1/2",
        "https://social.example/@mallory/123",
        "https://social.example/@alice",
        "https://social.example/@mallory",
    ),
    (  # one user's page on a host shared by path
        "https://uni.example/~bob/reply.html",
        "https://uni.example/~bob/reply.html",
        "https://uni.example/~alice/",
        "https://uni.example/~bob/reply.html",
    ),
    (  # the user's own page there
        "https://uni.example/~alice/reply.html",
        "https://uni.example/~alice/reply.html",
        "https://uni.example/~alice/",
        "https://uni.example/~alice/",
    ),
]


@pytest.mark.parametrize(("source", "post", "claimed", "recorded"), MENTIONS)
def test_a_mention_keeps_only_the_author_link_its_source_vouches_for(
    tmp_path, source, post, claimed, recorded
):
    assert _author_url(tmp_path, source, post, claimed) == recorded
