"""Acceptance on every real site of the corpus (issue 24, "How it is
checked"): each built as its author would on a first run, no people file.

The builders are the corpus tests' own (tests/test_real_world_corpus*.py,
tests/test_aggregators.py, tests/test_real_world_blogger.py,
tests/test_real_world_wordpress_com.py), and here the
two Disqus exports'; every expected figure is counted here from the raw file
with the standard library, never through the plugin."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import test_aggregators as mxb
import test_real_world_blogger as blogger
import test_real_world_corpus as corpus
import test_real_world_corpus_more as more
import test_real_world_wordpress_com as wordpress_com
from conftest import REAL_WORLD, Site
from test_real_world_corpus import Built, _read_built, _same_name, _shown_thread

CIRCLE = ("friend", "regular", "returning")
#: What an aggregator's or link bot's name or address says it is.
AGGREGATOR = re.compile(
    r"lobste|hacker ?news|\bhn\b|hn\d|pinboard|hckrnews|nice_links|web links", re.I
)


@dataclass(frozen=True)
class CorpusSite:
    build: Callable[[Path], Built]
    folder: str  #: the site's folder under the build root
    author: str
    siteurl: str
    #: raw per-post repost counts, where the source has reposts
    reposts: Callable[[], dict[str, int]] | None = None


def _webmention_reposts(name: str) -> Callable[[], dict[str, int]]:
    def count() -> dict[str, int]:
        return {
            slug: counts["repost"]
            for slug, counts in corpus._independent_reactions(
                corpus.WEBMENTION_SITES[name]
            ).items()
        }

    return count


def _mxb_reposts() -> dict[str, int]:
    found: Counter[str] = Counter()
    for entry in mxb._entries():
        if entry["wm-property"] == "repost-of":
            found[mxb._slug(entry["wm-target"])] += 1
    return dict(found)


def _mxb_build(root: Path) -> Built:
    report, community, pages, _ = mxb._built(root)
    return Built(report, community, pages)


def _webmentions(name: str) -> CorpusSite:
    spec = corpus.WEBMENTION_SITES[name]
    return CorpusSite(
        build=lambda root: corpus._build_webmentions(name, root, True),
        folder=f"{name}-True",
        author=spec.author,
        siteurl=spec.siteurl,
        reposts=_webmention_reposts(name),
    )


# -- Disqus: two real exports from other projects' test suites ----------------


@dataclass(frozen=True)
class DisqusPost:
    """One ``<post>`` as the export has it."""

    number: str  #: dsq:id ("" for none)
    thread: str  #: the dsq:id of its thread
    parent: str  #: the dsq:id of the post it answers, "" for none
    name: str
    published: datetime
    shown: bool  #: neither deleted nor spam


@dataclass(frozen=True)
class DisqusSite:
    file: str
    author: str  #: the account that opened the threads: the site's own
    siteurl: str
    #: thread dsq:id -> (slug, title, date) of the article it became
    articles: dict[str, tuple[str, str, str]]


DISQUS_SITES = {
    "isso-disqus": DisqusSite(
        "isso_disqus.xml",
        "Baz",
        "http://example.org",
        {
            "2": ("hello-world", "Hello, World!", "2012-12-12"),
            "7": ("redacted", "Redacted", "2013-02-12"),
        },
    ),
    "remark42-disqus": DisqusSite(
        "remark42_disqus.xml",
        "Umputun",
        "https://radio-t.com",
        # One episode, under its old and its new address: one article.
        dict.fromkeys(
            ("247918464", "247937687"), ("episode-229", "Радио-Т 229", "2011-03-05")
        ),
    ),
}

_DSQ = "{http://disqus.com/disqus-internals}id"
_DISQUS_ROOT = (
    '<disqus xmlns="http://disqus.com" '
    'xmlns:dsq="http://disqus.com/disqus-internals">%s</disqus>'
)


@cache
def _disqus_posts(file: str) -> tuple[tuple[DisqusPost, ...], int]:
    """Every ``<post>`` of the export that is well-formed XML, each parsed
    alone with ElementTree (a real export may hold a broken one: counted,
    and none is guessed at), and how many are not."""
    text = (REAL_WORLD / file).read_text(encoding="utf-8")
    posts, broken = [], 0
    for block in re.findall(r"<post[\s>].*?</post>", text, re.S):
        try:
            post = ET.fromstring(_DISQUS_ROOT % block)[0]
        except ET.ParseError:
            broken += 1
            continue
        ns = "{http://disqus.com}"
        thread, parent = post.find(f"{ns}thread"), post.find(f"{ns}parent")
        posts.append(
            DisqusPost(
                number=post.get(_DSQ, ""),
                thread=thread.get(_DSQ, "") if thread is not None else "",
                parent=parent.get(_DSQ, "") if parent is not None else "",
                name=post.findtext(f"{ns}author/{ns}name", "").strip(),
                published=datetime.fromisoformat(post.findtext(f"{ns}createdAt", "")),
                shown="true"
                not in (
                    post.findtext(f"{ns}isDeleted", "").strip(),
                    post.findtext(f"{ns}isSpam", "").strip(),
                ),
            )
        )
    return tuple(posts), broken


@cache
def _build_disqus(name: str, root: Path) -> Built:
    """The site as its author moved it: one article per thread with
    comments, the thread's title; the export the only source; no people
    file."""
    spec = DISQUS_SITES[name]
    site = Site(root / name)
    site.write("data/disqus.xml", (REAL_WORLD / spec.file).read_bytes())
    for slug, title, date in sorted(set(spec.articles.values())):
        site.article(slug, title, date)
    corpus._settings(site, spec.author, spec.siteurl, name)
    site.settings["COMMUNITY_SOURCES"] = [{"type": "disqus", "path": "data/disqus.xml"}]
    site.build()
    return _read_built(site, {slug for slug, _t, _d in spec.articles.values()})


def _disqus(name: str) -> CorpusSite:
    spec = DISQUS_SITES[name]
    return CorpusSite(
        lambda root: _build_disqus(name, root), name, spec.author, spec.siteurl
    )


@cache
def _build_blogger(root: Path) -> Built:
    site = blogger._build(root / "mowords")
    return Built(site.report, site.community, site.pages)


SITES = {
    **{name: _webmentions(name) for name in corpus.WEBMENTION_SITES},
    **{name: _disqus(name) for name in DISQUS_SITES},
    "mowords-blogger": CorpusSite(
        _build_blogger, "mowords", blogger.AUTHOR, blogger.SITEURL
    ),
    "tombtest-wordpress-com": CorpusSite(
        lambda root: wordpress_com._build(root)[0],
        "tombtest",
        wordpress_com.AUTHOR,
        wordpress_com.SITEURL,
    ),
    "made-mistakes": CorpusSite(
        corpus._build_staticman,
        "made-mistakes",
        corpus.STATICMAN_AUTHOR,
        "https://mademistakes.com",
    ),
    "bowlabs": CorpusSite(
        more._build_bowlabs, "bowlabs", more.BOWLABS_AUTHOR, "http://ozziegooen.com"
    ),
    "thechels": CorpusSite(
        more._build_thechels, "thechels", more.THECHELS_AUTHOR, "https://thechels.uk"
    ),
    "mxb": CorpusSite(_mxb_build, "mxb", "Max Böck", "https://mxb.dev", _mxb_reposts),
}
NAMES = sorted(SITES)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("acceptance")


def _cli(site_root: Path, command: str) -> list[str]:
    done = more._check(site_root, command)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


@pytest.mark.parametrize("name", NAMES)
def test_the_author_is_never_in_the_community(root, name):
    site = SITES[name]
    host = (urlsplit(site.siteurl).hostname or "").removeprefix("www.")
    for person in site.build(root).people():
        assert _same_name(person["name"]) != _same_name(site.author), person
        shown_host = (urlsplit(person["url"] or "").hostname or "").removeprefix("www.")
        assert shown_host != host, person


@pytest.mark.parametrize("name", NAMES)
def test_no_aggregator_among_friends_regulars_and_returning(root, name):
    spec = corpus.WEBMENTION_SITES.get(name)
    bots = {u.lower() for u in spec.not_regulars} if spec else set()
    circle = SITES[name].build(root).people(*CIRCLE)
    assert [
        p
        for p in circle
        if AGGREGATOR.search(p["name"])
        or AGGREGATOR.search(p["url"] or "")
        or (p["url"] or "").lower() in bots
    ] == []


@pytest.mark.parametrize("name", NAMES)
def test_no_two_circle_cards_read_the_same(root, name):
    """A card reads as its name and what tells it apart (``aka``)."""
    circle = SITES[name].build(root).people(*CIRCLE)
    cards = Counter((_same_name(p["name"]), p.get("aka", "")) for p in circle)
    assert [card for card, count in cards.items() if count > 1] == []
    assert len({p["id"] for p in circle}) == len(circle)


@pytest.mark.parametrize("name", [n for n in NAMES if SITES[n].reposts])
def test_reposts_are_the_sources_reposts(root, name):
    site = SITES[name]
    assert site.reposts is not None
    shown = {p["slug"]: p["reactions"] for p in site.build(root).report["posts"]}
    expected = site.reposts()
    assert sum(expected.values()) > 0 or name == "jarv-is"
    for slug, reposts in expected.items():
        assert shown.get(slug, {}).get("repost", 0) == reposts, slug


def test_thechels_reposts_are_at_most_the_sources():
    """Its two reposts are one of the author's own, delivered twice."""
    reposts = Counter(m.slug for m in more._thechels_mentions() if m.kind == "repost")
    assert sum(reposts.values()) == 2


# -- comments: every approved one under its post, threaded as the file says --


def test_made_mistakes_every_comment_is_under_a_post_and_threaded(root):
    site = corpus._build_staticman(root)
    posts = corpus._staticman_posts()
    right = total = 0
    for slug, post in posts.items():
        shown = _shown_thread(site.pages[slug])
        assert len(shown) == len(post), slug
        by_file = {c.file: c for c in post}
        for reply, parent in corpus._expected_parents(post).items():
            total += 1
            node = corpus._locate(shown, by_file[reply])
            right += bool(node) and node["parent"] is corpus._locate(
                shown, by_file[parent]
            )
    assert site.report["unmatched"] == 0
    assert total == 353 and right / total >= 0.98, (right, total)


def test_bowlabs_every_approved_comment_is_under_a_post_and_threaded(root):
    site = more._build_bowlabs(root)
    right = total = 0
    for post in more._bowlabs_posts():
        shown = _shown_thread(site.pages[post.slug])
        approved = {c.number: c for c in more._approved(post)}
        assert len(shown) == len(approved), post.slug
        for comment in approved.values():
            node = more._node_at(shown, comment)
            parent = approved.get(comment.parent)
            total += 1
            expected = more._node_at(shown, parent) if parent else None
            right += node["parent"] is expected
    assert site.report["unmatched"] == 0
    assert total == 10 and right / total >= 0.98


@pytest.mark.parametrize("name", sorted(DISQUS_SITES))
def test_disqus_every_approved_comment_is_under_a_post_or_unmatched(root, name):
    spec = DISQUS_SITES[name]
    site = _build_disqus(name, root)
    posts, broken = _disqus_posts(spec.file)
    shown = [p for p in posts if p.shown]
    expected = Counter(
        spec.articles[p.thread][0] for p in shown if p.thread in spec.articles
    )
    for slug, count in expected.items():
        assert len(_shown_thread(site.pages[slug])) == count, slug
    elsewhere = [p for p in shown if p.thread not in spec.articles]
    assert site.report["unmatched"] == len(elsewhere)
    people = site.people()
    assert sum(p["counts"]["comment"] for p in people) == len(shown)
    assert {_same_name(p["name"]) for p in people} == {
        _same_name(p.name) for p in shown
    }
    # Spam, deleted and broken posts: on no page, and no one's.
    assert broken == {"isso-disqus": 0, "remark42-disqus": 1}[name]


def _disqus_node(shown: list[dict], post: DisqusPost) -> dict:
    nodes = [
        n
        for n in shown
        if n["time"] == post.published and " ".join(n["name"].split()) == post.name
    ]
    assert len(nodes) == 1, (post.number, len(nodes))
    return nodes[0]


@pytest.mark.parametrize("name", sorted(DISQUS_SITES))
def test_disqus_each_reply_sits_under_the_comment_it_answers(root, name):
    """Checked against the export's own ``<parent dsq:id>``: a reply to a
    shown comment is nested under it; one whose parent is deleted stands
    at the top of the thread, as does every comment that answers none."""
    spec = DISQUS_SITES[name]
    site = _build_disqus(name, root)
    posts = [p for p in _disqus_posts(spec.file)[0] if p.shown]
    by_number = {p.number: p for p in posts if p.number}
    right = total = 0
    for post in posts:
        if post.thread not in spec.articles:
            continue
        shown = _shown_thread(site.pages[spec.articles[post.thread][0]])
        parent = by_number.get(post.parent)
        expected = _disqus_node(shown, parent) if parent else None
        total += 1
        right += _disqus_node(shown, post)["parent"] is expected
    assert right == total, (right, total)
    replies = sum(1 for p in posts if p.parent in by_number)
    assert replies == {"isso-disqus": 1, "remark42-disqus": 0}[name]


@pytest.mark.parametrize("name", sorted(corpus.WEBMENTION_SITES))
def test_every_reply_is_under_its_post_or_in_the_unmatched_line(root, name):
    spec = corpus.WEBMENTION_SITES[name]
    site = SITES[name].build(root)
    expected: Counter[str] = Counter()
    elsewhere = 0
    for m in spec.mentions():
        if m.kind != "reply" or not (m.name or m.url):
            continue
        slug = spec.post_of(m.target)
        if slug:
            expected[slug] += 1
        else:
            elsewhere += 1
    for slug, replies in expected.items():
        assert len(_shown_thread(site.pages[slug])) >= replies, slug
    assert site.report["unmatched"] >= elsewhere


# -- what check says: short, and in proportion to the report -----------------


@pytest.mark.parametrize("name", NAMES)
def test_check_is_short_and_at_most_three_times_the_report(root, name):
    site = SITES[name]
    site.build(root)
    folder = root / site.folder
    check = _cli(folder, "check")
    report = _cli(folder, "report")
    assert 0 < len(check) <= 120
    assert len(check) <= 3 * len(report), (len(check), len(report))
