"""The circle on more real blogs (issue 24), built as their authors would on a first run.

Every expected number is counted here from the raw file with the standard
library, never through the plugin. Provenance and licences:
tests/fixtures/real-world/README.md and each folder's PROVENANCE.md; what the
plugin got wrong, and how each was fixed, is in FINDINGS.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
import yaml
from conftest import REAL_WORLD, Site
from test_real_world_corpus import (
    LINK_KINDS,
    Built,
    _read_built,
    _same_name,
    _settings,
    _shown_thread,
)

# --- bowlabs: a WordPress.com export (Ozzie Gooen's blog, 2013) -------------

BOWLABS = REAL_WORLD / "bowlabs-wordpress-com" / "export.xml"
BOWLABS_AUTHOR = "Ozzie Gooen"
_WP = "{http://wordpress.org/export/1.2/}"


@dataclass(frozen=True)
class WxrComment:
    """One ``wp:comment`` as the export has it."""

    number: str
    post: str  # the item's wp:post_name
    name: str
    approved: str
    kind: str  # wp:comment_type, "" for a comment
    parent: str  # wp:comment_parent, "0" for none
    published: datetime


@dataclass(frozen=True)
class WxrPost:
    slug: str
    title: str
    date: str
    comments: tuple[WxrComment, ...]


@cache
def _bowlabs_posts() -> tuple[WxrPost, ...]:
    """The export's items that carry comments, read with ElementTree."""
    posts = []
    for item in ET.parse(BOWLABS).getroot().iter("item"):
        slug = item.findtext(f"{_WP}post_name", "")
        comments = tuple(
            WxrComment(
                number=c.findtext(f"{_WP}comment_id", ""),
                post=slug,
                name=" ".join(c.findtext(f"{_WP}comment_author", "").split()),
                approved=c.findtext(f"{_WP}comment_approved", ""),
                kind=c.findtext(f"{_WP}comment_type", ""),
                parent=c.findtext(f"{_WP}comment_parent", "0") or "0",
                published=datetime.fromisoformat(
                    c.findtext(f"{_WP}comment_date_gmt", "")
                ).replace(tzinfo=UTC),
            )
            for c in item.iter(f"{_WP}comment")
        )
        if comments:
            posts.append(
                WxrPost(
                    slug,
                    item.findtext("title", ""),
                    item.findtext(f"{_WP}post_date", ""),
                    comments,
                )
            )
    return tuple(posts)


def _approved(post: WxrPost) -> list[WxrComment]:
    return [c for c in post.comments if c.approved == "1" and c.kind == ""]


def _bowlabs_author_login() -> str:
    """The export's own author (WordPress.com's ``wp:wp_author``)."""
    return (
        ET.parse(BOWLABS)
        .getroot()
        .findtext(f"channel/{_WP}wp_author/{_WP}author_login", "")
    )


@cache
def _build_bowlabs(root: Path) -> Built:
    """The blog as its author moved it to Pelican: one article per post, same
    slug, title and date; the export as the only source; no people file."""
    site = Site(root / "bowlabs")
    site.write("data/export.xml", BOWLABS.read_bytes())
    for post in _bowlabs_posts():
        site.article(post.slug, post.title, post.date)
    _settings(site, BOWLABS_AUTHOR, "http://ozziegooen.com", "Ozzie Gooen")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "wordpress", "path": "data/export.xml"}
    ]
    site.build()
    return _read_built(site, [p.slug for p in _bowlabs_posts()])


@pytest.fixture(scope="module")
def build_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus-more")


def _node_at(shown: list[dict], comment: WxrComment) -> dict:
    """The shown comment made at this one's second (pages give seconds)."""
    nodes = [n for n in shown if n["time"] == comment.published]
    assert len(nodes) == 1, (comment.post, comment.number, len(nodes))
    return nodes[0]


def test_bowlabs_is_what_the_provenance_file_says():
    posts = _bowlabs_posts()
    comments = [c for p in posts for c in p.comments]
    assert len(posts) == 8
    assert len(comments) == 12
    assert Counter(c.approved for c in comments) == {"1": 10, "0": 2}
    assert {c.kind for c in comments} == {""}
    assert sum(1 for c in comments if c.parent != "0") == 2
    assert _bowlabs_author_login() == "ozziegooen"
    assert sum(1 for c in comments if c.name == "ozziegooen") == 2


def test_bowlabs_every_approved_comment_is_under_its_post(build_root):
    site = _build_bowlabs(build_root)
    for post in _bowlabs_posts():
        shown = _shown_thread(site.pages[post.slug])
        assert len(shown) == len(_approved(post)), post.slug
        for comment in _approved(post):
            assert _node_at(shown, comment)["name"].strip() == comment.name
    assert site.report["unmatched"] == 0


def test_bowlabs_pending_comments_are_shown_nowhere(build_root):
    """Two comments wait in moderation: a spam link and a duplicate."""
    site = _build_bowlabs(build_root)
    pending = {
        c.name for p in _bowlabs_posts() for c in p.comments if c.approved != "1"
    }
    assert len(pending) == 2
    people = {p["name"] for p in site.people()}
    for name in pending:
        assert name not in people
        assert all(f">{name}<" not in page for page in site.pages.values()), name


def test_bowlabs_replies_sit_under_the_comment_they_answer(build_root):
    site = _build_bowlabs(build_root)
    replies = 0
    for post in _bowlabs_posts():
        shown = _shown_thread(site.pages[post.slug])
        by_number = {c.number: c for c in _approved(post)}
        for comment in by_number.values():
            node = _node_at(shown, comment)
            if comment.parent == "0":
                assert node["parent"] is None, (post.slug, comment.number)
            else:
                replies += 1
                parent = _node_at(shown, by_number[comment.parent])
                assert node["parent"] is parent, (post.slug, comment.number)
    assert replies == 2


def test_bowlabs_no_two_cards_alike(build_root):
    people = _build_bowlabs(build_root).people()
    names = Counter(_same_name(p["name"]) for p in people)
    assert [n for n, count in names.items() if count > 1] == []
    assert len({p["id"] for p in people}) == len(people)


def test_bowlabs_every_person_is_someone_the_file_names(build_root):
    named = {
        _same_name(c.name) for p in _bowlabs_posts() for c in _approved(p) if c.name
    }
    people = _build_bowlabs(build_root).people()
    assert {_same_name(p["name"]) for p in people} <= named
    assert sum(p["counts"]["comment"] for p in people) <= sum(
        len(_approved(p)) for p in _bowlabs_posts()
    )


# The export names its author in <wp:wp_author> (WordPress.com's WXR of
# 2013); his replies carry that author's email (FINDINGS.md, bowlabs: fixed).


def test_bowlabs_the_author_is_never_in_the_community(build_root):
    login = _same_name(_bowlabs_author_login())
    people = _build_bowlabs(build_root).people()
    assert [p for p in people if _same_name(p["name"]) == login] == []
    assert [p for p in people if _same_name(p["name"]) == "ozzie gooen"] == []


def test_bowlabs_the_author_thanks_no_one_for_his_own_replies(build_root):
    site = _build_bowlabs(build_root)
    login = _same_name(_bowlabs_author_login())
    ids = {p["id"] for p in site.people() if _same_name(p["name"]) == login}
    for post in site.report["posts"]:
        assert not ids & {t["id"] for t in post["thanks"]}, post["slug"]


# --- thechels-uk: a jekyll-webmention_io cache (thechels.uk, 2026) ----------

THECHELS = REAL_WORLD / "thechels-uk"
THECHELS_AUTHOR = "thechelsuk"
#: The site's own rel=me links (its _includes/header.html), as a Pelican
#: author lists them in SOCIAL.
THECHELS_SOCIAL = (
    ("Bluesky", "https://bsky.app/profile/thechels.uk"),
    ("YouTube", "https://www.youtube.com/@thechelsuk"),
    ("Twitch", "https://www.twitch.tv/thechelsuk"),
    ("Ko-fi", "https://ko-fi.com/thechelsuk"),
    ("GitHub", "https://github.com/thechelsuk"),
    ("Bridgy", "https://web.brid.gy/thechels.uk"),
    ("hiyd", "https://hiyd.uk"),
    ("Nuchronic", "https://nuchronic.uk"),
)


@dataclass(frozen=True)
class CachedMention:
    """One entry of the gem's cache, as its ``raw`` webmention.io record has it."""

    slug: str  # the target path without its slashes
    kind: str
    name: str
    url: str
    source: str


@cache
def _thechels_mentions() -> tuple[CachedMention, ...]:
    text = (THECHELS / "webmention_io_received.yml").read_text("utf-8")
    found = []
    for target, entries in yaml.safe_load(text).items():
        for entry in (entries or {}).values():
            raw = entry["raw"]
            author = raw["data"].get("author") or {}
            found.append(
                CachedMention(
                    slug=target.strip("/"),
                    kind=LINK_KINDS[raw["activity"]["type"]],
                    name=(author.get("name") or "").strip(),
                    url=(author.get("url") or "").strip(),
                    source=raw["source"],
                )
            )
    return tuple(found)


@cache
def _build_thechels(root: Path) -> Built:
    """One article per post the cache addresses (its real title where the
    repository keeps it, titles.json), at the address the Jekyll site gives
    it (``/slug``); the cache as the only source; no people file."""
    site = Site(root / "thechels")
    site.write(
        "data/webmention_io_received.yml",
        (THECHELS / "webmention_io_received.yml").read_bytes(),
    )
    titles = json.loads((THECHELS / "titles.json").read_text("utf-8"))
    slugs = sorted({m.slug for m in _thechels_mentions()})
    for slug in slugs:
        site.article(slug, titles.get(slug, slug), "2026-01-01")
    _settings(site, THECHELS_AUTHOR, "https://thechels.uk", "Weak Notes")
    site.settings.update(ARTICLE_URL="{slug}", SOCIAL=THECHELS_SOCIAL)
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "webmention.io", "path": "data/webmention_io_received.yml"}
    ]
    site.build()
    return _read_built(site, slugs)


def _is_thechels_author(mention: CachedMention) -> bool:
    return mention.name == THECHELS_AUTHOR or mention.url.startswith(
        "https://bsky.app/profile/thechels.uk"
    )


def test_thechels_is_what_the_provenance_file_says():
    mentions = _thechels_mentions()
    assert len(mentions) == 79
    assert len({m.slug for m in mentions}) == 74
    assert Counter(m.kind for m in mentions) == {
        "mention": 72,
        "like": 4,
        "repost": 2,
        "bookmark": 1,
    }
    assert sum(1 for m in mentions if not m.name and not m.url) == 21
    assert sum(1 for m in mentions if m.url == "https://nuchronic.uk/") == 52
    assert sum(1 for m in mentions if _is_thechels_author(m)) == 2


def test_thechels_every_like_and_bookmark_is_counted(build_root):
    shown = {
        p["slug"]: p["reactions"] for p in _build_thechels(build_root).report["posts"]
    }
    expected: dict[str, Counter] = {}
    for m in _thechels_mentions():
        expected.setdefault(m.slug, Counter())[m.kind] += 1
    for slug, counts in expected.items():
        got = shown.get(slug, {})
        assert got.get("like", 0) == counts["like"], slug
        assert got.get("bookmark", 0) == counts["bookmark"], slug
    assert _build_thechels(build_root).report["unmatched"] == 0


def test_thechels_one_repost_delivered_twice_counts_once_at_most(build_root):
    """The author reposted his own mixtape post on Bluesky once; Bridgy
    delivered it twice (brid.gy/repost/... and bsky.brid.gy/convert/...)."""
    reposts = [m for m in _thechels_mentions() if m.kind == "repost"]
    assert len(reposts) == 2 and all(_is_thechels_author(m) for m in reposts)
    assert len({m.source for m in reposts}) == 2
    post = {p["slug"]: p for p in _build_thechels(build_root).report["posts"]}[
        "monthly-mixtape-mar-2026"
    ]
    assert post["reactions"]["repost"] <= 1


def test_thechels_the_author_is_never_in_the_community(build_root):
    for person in _build_thechels(build_root).people():
        assert _same_name(person["name"]) != THECHELS_AUTHOR, person
        assert "bsky.app/profile/thechels.uk" not in (person["url"] or ""), person


def test_thechels_no_someone_and_no_two_cards_alike(build_root):
    site = _build_thechels(build_root)
    assert ">Someone<" not in site.community
    for slug, page in site.pages.items():
        assert ">Someone<" not in page, slug
    names = Counter(_same_name(p["name"]) for p in site.people())
    assert [n for n, count in names.items() if count > 1] == []


def test_thechels_every_person_is_someone_the_file_names(build_root):
    authors = {
        m.url.rstrip("/").lower() or _same_name(m.name)
        for m in _thechels_mentions()
        if m.url or m.name
    }
    people = _build_thechels(build_root).people()
    assert 0 < len(people) <= len(authors)


def test_thechels_the_authors_own_syndication_site_is_not_a_regular(build_root):
    regulars = [
        p
        for p in _build_thechels(build_root).people()
        if p["role"] in ("friend", "regular", "returning")
    ]
    assert [p["name"] for p in regulars] == []


# --- what `pelican-community check` tells the author on these sites ---------


def _check(root: Path, *command: str) -> subprocess.CompletedProcess:
    """``pelican-community check`` (or another ``command``) on a site built
    above, as its author runs it."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pelican.plugins.community.cli",
            *(command or ("check",)),
            "-s",
            str(root / "pelicanconf.py"),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize("name", ["bowlabs", "thechels"])
def test_check_answers_in_a_few_lines(build_root, name):
    {"bowlabs": _build_bowlabs, "thechels": _build_thechels}[name](build_root)
    result = _check(build_root / name)
    assert result.returncode == 0, result.stderr
    assert 0 < len(result.stdout.splitlines()) <= 120


def test_thechels_check_does_not_propose_the_authors_own_site_as_a_friend(
    build_root,
):
    _build_thechels(build_root)
    out = _check(build_root / "thechels").stdout
    assert 'name: "Nuchronic"' not in out
