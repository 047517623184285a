"""Threads of any depth, in every source that knows whom a comment answers.

A chain where each comment answers the one before builds (no recursion as
deep as the chain, in the threading or the templates), every comment shows
once, replies nest at most ``COMMUNITY_MAX_DEPTH`` levels (6 by default) and
the deeper ones are listed at the last level, each saying whom it answers.
A parent loop, a comment answering itself, a parent that is missing or on
another post: every comment still shows, once.
"""

from __future__ import annotations

import re
import sys
from collections import Counter
from html.parser import HTMLParser

import pytest
from hostile.comments import SOURCE_FIELDS, WRITERS, Fields
from hostile.payloads import ARTICLE_SLUG, ARTICLE_URL

#: The sources whose records say which comment a reply answers.
THREADED = (
    "wordpress",
    "feed",
    "disqus",
    "blogger",
    "staticman",
    "pelican-comment-system",
    "commento",
    "mastodon",
    "bluesky",
)
#: Deeper than Python lets a function call itself.
DEPTH = sys.getrecursionlimit() + 500
PAGE = f"{ARTICLE_SLUG}/index.html"


def _chain(length: int, people: int = 0) -> list[Fields]:
    """Comment n answers comment n - 1, a minute later; written by as many
    people as comments, or by ``people`` taking turns."""
    return [
        Fields(
            id=f"c{n}",
            name=f"Writer {n % people if people else n}",
            url=f"https://writer{n % people if people else n}.example/",
            content=f"<p>Reply number {n}.</p>",
            date=f"2020-01-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00+00:00",
            parent=f"c{n - 1}" if n else "",
        )
        for n in range(length)
    ]


def _build(site, source: str, comments: list[Fields], **settings) -> str:
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.article("post-2", "Two", "2020-01-01")
    site.settings["COMMUNITY_SOURCES"] = WRITERS[source](site, comments)
    site.settings.update(
        COMMUNITY_OFFLINE=True, COMMUNITY_THANKS_IN_CONTENT=True, **settings
    )
    site.build()
    return site.page(PAGE)


class _Nesting(HTMLParser):
    """How deep the conversation's lists nest, and the comments' words."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = self.deepest = 0
        self.stack: list[bool] = []

    def handle_starttag(self, tag, attrs):
        if tag == "ol":
            thread = "community-thread" in (dict(attrs).get("class") or "")
            self.stack.append(thread)
            self.depth += thread
            self.deepest = max(self.deepest, self.depth)

    def handle_endtag(self, tag):
        if tag == "ol" and self.stack:
            self.depth -= self.stack.pop()


def _nesting(page: str) -> int:
    parser = _Nesting()
    parser.feed(page)
    return parser.deepest


def _shown_once(page: str, comments: list[Fields]) -> list[str]:
    """The comments not shown exactly once."""
    shown = Counter(re.findall(r"Reply number (\d+)\.", page))
    return [c.id for c in comments if shown[c.id[1:]] != 1]


@pytest.mark.parametrize("source", THREADED)
def test_a_chain_deeper_than_python_recurses_builds_in_every_source(site, source):
    chain = _chain(DEPTH)
    page = _build(site, source, chain)
    assert _shown_once(page, chain) == []
    # The first comment's list, then six levels of replies.
    assert _nesting(page) == 1 + 6
    # From the fourth level on (three are indented), a reply says whom it
    # answers: the name of the comment before it.
    assert page.count('class="community-answering"') == DEPTH - 4
    last = DEPTH - 1
    assert f'to <span dir="auto">Writer {last - 1}</span>' in page
    assert page.index(f"Reply number {last - 1}.") < page.index(f"Reply number {last}.")


def test_a_hundred_thousand_deep_wordpress_thread_builds(site):
    # Two people answering each other, as the longest real threads are.
    chain = _chain(100_000, people=2)
    page = _build(site, "wordpress", chain)
    assert _shown_once(page, chain) == []
    assert _nesting(page) == 1 + 6


def test_the_depth_is_a_setting(site):
    chain = _chain(12)
    page = _build(site, "wordpress", chain, COMMUNITY_MAX_DEPTH=2)
    assert _shown_once(page, chain) == []
    assert _nesting(page) == 1 + 2
    # Past the second level every reply is listed beside its parent.
    assert 'to <span dir="auto">Writer 10</span>' in page


@pytest.mark.parametrize("bad", [0, -1, "6", True])
def test_a_depth_below_one_is_refused(site, bad, caplog):
    site.article(ARTICLE_SLUG, "One", "2020-01-01")
    site.settings["COMMUNITY_MAX_DEPTH"] = bad
    with pytest.raises(SystemExit):
        site.build()
    assert any(
        r.getMessage().startswith("COMMUNITY_MAX_DEPTH: must be")
        for r in caplog.records
    ), caplog.text


def _tangle(source: str) -> list[Fields]:
    """Two comments answering each other, one answering itself, one whose
    parent is gone, one answering a comment on another post (where the
    source names posts), and a reply older than the comment it answers."""

    def c(n: int, parent: str, minute: int, target: str = ARTICLE_URL) -> Fields:
        return Fields(
            id=f"c{n}",
            name=f"Writer {n}",
            url=f"https://writer{n}.example/",
            content=f"<p>Reply number {n}.</p>",
            date=f"2020-01-02T10:{minute:02d}:00+00:00",
            parent=parent,
            target=target,
        )

    other = "https://blog.example/post-2/"
    return [
        c(1, "c2", 1),
        c(2, "c1", 2),
        c(3, "c3", 3),
        c(4, "c99", 4),
        c(5, "c6", 5),
        c(6, "", 6, target=other if "target" in SOURCE_FIELDS[source] else ARTICLE_URL),
        c(7, "c8", 7),
        c(8, "", 9),
    ]


@pytest.mark.parametrize("source", THREADED)
def test_parent_loops_and_strays_show_every_comment_once(site, source):
    tangle = _tangle(source)
    page = _build(site, source, tangle)
    elsewhere = [c for c in tangle if c.target != ARTICLE_URL]
    assert _shown_once(page, [c for c in tangle if c not in elsewhere]) == []
    for c in elsewhere:
        assert f"Reply number {c.id[1:]}." not in page
        assert _shown_once(site.page("post-2/index.html"), [c]) == []
