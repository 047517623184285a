"""The saved comment feed reader: WordPress, Blogger, Isso and Remark42 feeds."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pelican.plugins.community.errors import SourceError
from pelican.plugins.community.sources.feed import read_feed


def _by_id(result):
    return {item.id: item for item in result.interactions}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """A saved feed is read from disk only: any connection fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("the feed reader tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_wordpress_site_wide_feed(fixtures: Path):
    result = read_feed(fixtures / "feed-wordpress-comments.xml", "old-blog")
    comments = _by_id(result)
    assert sorted(comments) == ["27", "28", "29", "30", "31"]
    assert {i.kind for i in result.interactions} == {"comment"}
    assert [comments[i].author_name for i in ("31", "30", "27")] == [
        "Mara Quill",
        "Tomas",
        "June & Co",
    ]
    assert comments["31"].target_title == "The Lighthouse Chapter"
    # " by " inside the post title does not confuse the name.
    assert comments["27"].target_title == "Notes by the Sea"
    assert comments["28"].published == "2013-03-06T20:15:00+00:00"
    assert comments["28"].url == (
        "https://inkwell.example/lighthouse-chapter/comment-page-1/#comment-28"
    )
    assert result.warnings == ()


def test_comment_page_and_fragment_are_not_part_of_the_post_url(fixtures):
    result = read_feed(fixtures / "feed-wordpress-comments.xml", "old-blog")
    assert {i.target_url for i in result.interactions} == {
        "https://inkwell.example/lighthouse-chapter/",
        "https://inkwell.example/2013/02/notes-by-the-sea/",
    }


def test_wordpress_in_reply_to_prefix_becomes_the_parent(fixtures):
    comments = _by_id(read_feed(fixtures / "feed-wordpress-comments.xml", "b"))
    # The linked form names the parent comment exactly.
    assert comments["31"].parent == "29"
    assert comments["31"].content == "<p>Agreed, the fog scene carries it.</p>"
    # The plain form only names a person: their latest earlier comment on the
    # same post (28, not the later 31).
    assert comments["30"].parent == "28"
    assert comments["30"].content == "Thank you, I will reread it tonight."
    # Nobody of that name in the feed: the name is kept for later.
    assert comments["27"].parent == ""
    assert comments["27"].extra == {"in_reply_to_name": "Someone Gone"}
    assert "In reply to" not in repr(comments)


def test_wordpress_per_post_feed(fixtures):
    comments = _by_id(read_feed(fixtures / "feed-wordpress-post.xml", "post"))
    assert {i: c.author_name for i, c in comments.items()} == {
        "45": "Ada Finch",
        "44": "Rook",  # no dc:creator: the "By: NAME" title
    }
    assert {c.target_title for c in comments.values()} == {"Winter Letters"}
    assert {c.target_url for c in comments.values()} == {
        "https://inkwell.example/winter-letters/"
    }


def test_blogger_feed_ignores_the_noreply_address(fixtures):
    result = read_feed(fixtures / "feed-blogger.xml", "blogger")
    comments = _by_id(result)
    hal = comments["tag:blogger.com,1999:blog-4242.post-9002"]
    assert hal.author_name == "Hal Weir"
    assert hal.author_url == "https://www.blogger.com/profile/0424242"
    assert hal.published == "2012-05-03T16:00:00+00:00"
    # showComment and the fragment go; thr:in-reply-to points at the post.
    assert hal.target_url == "https://quietpages.blogspot.com/2012/05/first-frost.html"
    assert hal.parent == ""
    assert len(comments) == 2
    assert "noreply" not in repr(result)
    assert all(not c.author_key for c in comments.values())


def test_isso_feed_threads_by_in_reply_to(fixtures):
    comments = _by_id(read_feed(fixtures / "feed-isso.xml", "isso"))
    assert sorted(comments) == ["7", "8", "9"]
    assert comments["9"].parent == "8"  # in the same feed
    assert comments["8"].parent == "2"  # named by its permalink, older than the feed
    assert comments["7"].author_name == ""
    assert comments["9"].content == "<p>Yes, exactly that.</p>"
    assert comments["9"].target_url == "https://fernhouse.example/essays/tides/"


def test_remark42_feed(fixtures):
    comments = _by_id(read_feed(fixtures / "feed-remark42.xml", "remark"))
    lena = comments["5c1d7e9a-0b2f-4e44-9f3e-2a6a1c0f8d11"]
    assert lena.author_name == "Lena Ostrova"
    assert lena.target_title == "On Salt and Paper"
    assert lena.parent == "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
    # The quoted parent Remark42 appends is not Lena's text.
    assert lena.content == "<p>Piet, you should try sea water ink.</p>"
    assert lena.target_url == "https://fernhouse.example/essays/salt/"


def test_rss_author_addresses_are_never_kept(tmp_path):
    feed = tmp_path / "comments.rss"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>c</title>'
        "<item><title>By: Quin</title>"
        "<link>https://b.example/p/#comment-3</link>"
        "<author>quin.reader@mail.example (Quin)</author>"
        "<description>Hi</description></item>"
        "<item><title>A comment</title>"
        "<link>https://b.example/p/#comment-4</link>"
        "<author>only.an.address@mail.example</author>"
        "<description>Hello</description></item>"
        "<item><title>A comment</title>"
        "<link>https://b.example/p/#comment-5</link>"
        "<author>Ruth Ames &lt;ruth@mail.com&gt;</author>"
        "<description>Hello</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    result = read_feed(feed, "rss")
    assert [i.author_name for i in result.interactions] == ["Quin", "", "Ruth Ames"]
    text = repr(result)
    for secret in ("quin.reader", "only.an.address", "mail.example", "ruth@"):
        assert secret not in text


def test_a_garbled_feed_keeps_what_it_could_read_and_warns(fixtures):
    result = read_feed(fixtures / "feed-garbled.xml", "cut")
    assert [i.author_name for i in result.interactions] == ["Ada Finch", "Rook"]
    assert len(result.warnings) == 1
    assert "feed-garbled.xml" in result.warnings[0]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("<rss><channel><title>cut before any comment", "not a readable"),
        ("<html><body>a saved web page</body></html>", "not an RSS or Atom"),
        ("https://example.invalid/comments/feed/", "not a"),
        ('{"not": "a feed"}', "not a"),
    ],
)
def test_an_unreadable_feed_names_the_file(tmp_path, content, message):
    feed = tmp_path / "saved-comments.xml"
    feed.write_text(content, encoding="utf-8")
    with pytest.raises(SourceError, match=message) as caught:
        read_feed(feed, "broken")
    assert "saved-comments.xml" in str(caught.value)


def test_an_empty_but_valid_feed_has_no_comments(tmp_path):
    feed = tmp_path / "quiet.xml"
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Comments</title>'
        "<link>https://b.example</link></channel></rss>",
        encoding="utf-8",
    )
    result = read_feed(feed, "quiet")
    assert result.interactions == ()
    assert result.warnings == ()
