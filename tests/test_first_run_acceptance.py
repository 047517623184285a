"""Acceptance on every real site of the corpus (issue 24, "How it is
checked"): each built as its author would on a first run, no people file.

The builders are the corpus tests' own (tests/test_real_world_corpus*.py,
tests/test_aggregators.py); every expected figure is counted here from the
raw file with the standard library, never through the plugin."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import test_aggregators as mxb
import test_real_world_corpus as corpus
import test_real_world_corpus_more as more
from test_real_world_corpus import Built, _same_name, _shown_thread

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


SITES = {
    **{name: _webmentions(name) for name in corpus.WEBMENTION_SITES},
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
