"""A real Blogger export on a first run (issue 24): Mo Words, whose every
comment sits on its "Feedback" page, built as its author would move it to
Pelican (AUTHOR set, no people file).

Every expected figure is counted here from the raw export with ElementTree,
never through the plugin. Provenance and licence:
tests/fixtures/real-world/mowords-blogger/README.md."""

from __future__ import annotations

import json
import logging
import re
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import REAL_WORLD, TESTS, Site
from test_real_world_corpus import _same_name, _settings, _Thread
from test_real_world_corpus_more import _check

EXPORT = REAL_WORLD / "mowords-blogger" / "export.xml"
AUTHOR = "Jacob Gable"
SITEURL = "https://mowords.example"
ATOM = "{http://www.w3.org/2005/Atom}"
THR = "{http://purl.org/syndication/thread/1.0}"
KIND = "http://schemas.google.com/g/2005#kind"
CIRCLE = ("friend", "regular", "returning")


# --- the export, read with ElementTree ---------------------------------------


@dataclass(frozen=True)
class BloggerComment:
    number: str  #: the entry id's last part
    post: str  #: the address of the post or page it is on (thr:in-reply-to)
    parent: str  #: the comment it answers ("" for none), by its number
    name: str
    profile: str  #: the author's Blogger profile, "" for none


@dataclass(frozen=True)
class BloggerPost:
    kind: str  #: "post" or "page"
    slug: str  #: the address' last segment without ".html", as Pelican's slug
    title: str
    date: str
    link: str


def _kind(entry: ET.Element) -> str:
    for category in entry.iter(f"{ATOM}category"):
        if category.get("scheme") == KIND:
            return category.get("term", "").rsplit("#", 1)[-1]
    return ""


def _alternate(entry: ET.Element) -> str:
    for link in entry.iter(f"{ATOM}link"):
        if link.get("rel") == "alternate":
            return link.get("href", "")
    return ""


def _number(entry_id: str) -> str:
    return re.split(r"[.:-]", entry_id)[-1]


@cache
def _export() -> tuple[tuple[BloggerPost, ...], tuple[BloggerComment, ...]]:
    feed = ET.parse(EXPORT).getroot()
    posts, comments = [], []
    for entry in feed.iter(f"{ATOM}entry"):
        kind = _kind(entry)
        if kind in ("post", "page"):
            link = _alternate(entry)
            posts.append(
                BloggerPost(
                    kind,
                    urlsplit(link).path.rsplit("/", 1)[-1].removesuffix(".html"),
                    entry.findtext(f"{ATOM}title", ""),
                    entry.findtext(f"{ATOM}published", "")[:10],
                    link,
                )
            )
        elif kind == "comment":
            reply = entry.find(f"{THR}in-reply-to")
            assert reply is not None
            # A reply to a comment names it in a "related" link.
            related = [
                link.get("href", "")
                for link in entry.iter(f"{ATOM}link")
                if link.get("rel") == "related"
            ]
            comments.append(
                BloggerComment(
                    number=_number(entry.findtext(f"{ATOM}id", "")),
                    post=reply.get("href", ""),
                    parent=_number(related[0]) if related else "",
                    name=entry.findtext(f"{ATOM}author/{ATOM}name", ""),
                    profile=entry.findtext(f"{ATOM}author/{ATOM}uri", ""),
                )
            )
    return tuple(posts), tuple(comments)


def _blog_profile() -> str:
    """The blog's own author, as the export's feed names him."""
    return ET.parse(EXPORT).getroot().findtext(f"{ATOM}author/{ATOM}uri", "")


def _on(post: BloggerPost) -> list[BloggerComment]:
    return [c for c in _export()[1] if c.post == post.link]


# --- the blog, moved to Pelican ----------------------------------------------


@dataclass
class Built:
    report: dict
    community: str
    pages: dict[str, str]  #: slug -> the built page of that post or page
    warnings: list[str]
    root: Path


def _page_path(post: BloggerPost) -> str:
    """Pelican's default addresses: articles as the test sites set them,
    pages under ``pages/``."""
    return (
        f"pages/{post.slug}.html" if post.kind == "page" else f"{post.slug}/index.html"
    )


def build_moved_site(
    site: Site,
    posts: list[tuple[str, str, str, str]],
    source: str,
    names: tuple[str, str, str],
) -> list[str]:
    """Build ``site`` as a blog moved to Pelican: each (kind, slug, title,
    date) of ``posts`` an article, or a Pelican page when its kind is
    "page"; ``data/export.xml`` the only source, of type ``source``;
    AUTHOR, SITEURL and SITENAME from ``names``; no people file. Returns
    the warnings the build logged."""
    for kind, slug, title, date in posts:
        if kind == "page":
            site.write(
                f"content/pages/{slug}.md",
                f"Title: {title}\nSlug: {slug}\n\nTell me what you think.\n",
            )
        else:
            site.article(slug, title, date)
    _settings(site, *names)
    site.settings["COMMUNITY_SOURCES"] = [{"type": source, "path": "data/export.xml"}]
    handler = _Collect()
    log = logging.getLogger("pelican.plugins.community")
    log.addHandler(handler)
    try:
        site.build()
    finally:
        log.removeHandler(handler)
    return handler.warnings


def _build(root: Path, *, with_page: bool = True, **settings: object) -> Built:
    """Each post an article (same slug, title and day), the "Feedback" page
    a Pelican page unless ``with_page`` is false."""
    site = Site(root)
    site.write("data/export.xml", EXPORT.read_bytes())
    site.settings.update(settings)
    posts = [p for p in _export()[0] if with_page or p.kind == "post"]
    warnings = build_moved_site(
        site,
        [(p.kind, p.slug, p.title, p.date) for p in posts],
        "blogger",
        (AUTHOR, SITEURL, "Mo Words"),
    )
    return Built(
        report=json.loads(site.page("community.json")),
        community=site.page("community/index.html"),
        pages={p.slug: site.page(_page_path(p)) for p in posts},
        warnings=warnings,
        root=site.root,
    )


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.warnings.append(record.getMessage())


class _ThreadWithBadges(_Thread):
    """The conversation as shown, each comment also saying whether it
    carries the author's badge."""

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        classes = (dict(attrs).get("class") or "").split()
        if tag == "li" and "community-comment" in classes:
            self.comments[-1]["by_author"] = "community-by-author" in classes


def _shown(page: str) -> list[dict]:
    parser = _ThreadWithBadges()
    parser.feed(page)
    return parser.comments


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    return _build(tmp_path_factory.mktemp("mowords") / "site")


# --- the tests ----------------------------------------------------------------


def test_the_export_is_what_its_readme_says():
    posts, comments = _export()
    assert Counter(p.kind for p in posts) == {"post": 4, "page": 1}
    (page,) = [p for p in posts if p.kind == "page"]
    assert (page.title, page.slug) == ("Feedback", "feedback")
    assert len(comments) == 13
    assert {c.post for c in comments} == {page.link}
    assert Counter(c.name for c in comments) == {"Anonymous": 8, AUTHOR: 5}
    assert {c.profile for c in comments if c.name == AUTHOR} == {_blog_profile()}
    assert {c.profile for c in comments if c.name == "Anonymous"} == {""}
    assert [c for c in comments if c.parent] == []


def test_every_comment_is_under_its_post_and_none_is_unmatched(built):
    for post in _export()[0]:
        shown = _shown(built.pages[post.slug])
        assert len(shown) == len(_on(post)), post.slug
    assert built.report["unmatched"] == 0
    assert [w for w in built.warnings if "matched" in w] == []


def test_the_feedback_page_shows_its_conversation_as_signed(built):
    """The page's comments in the export's order, each under the name it
    was signed with, the author's with his badge, none nested (the
    export threads none)."""
    (page,) = [p for p in _export()[0] if p.kind == "page"]
    shown = _shown(built.pages[page.slug])
    assert [" ".join(c["name"].split()) for c in shown] == [c.name for c in _on(page)]
    assert [c["by_author"] for c in shown] == [c.name == AUTHOR for c in _on(page)]
    assert [c for c in shown if c["parent"] is not None] == []
    assert "I had exactly the same issue." in built.pages[page.slug]


def test_the_author_is_never_in_the_community(built):
    profile = _blog_profile()
    for person in built.report["people"]:
        assert _same_name(person["name"]) != _same_name(AUTHOR), person
        assert person["url"] != profile, person
        assert (urlsplit(person["url"] or "").hostname or "") != "mowords.example"
    assert AUTHOR not in built.community


def test_anonymous_is_never_a_person(built):
    assert [p for p in built.report["people"] if p["name"] == "Anonymous"] == []
    assert "Anonymous" not in built.community
    for post in built.report["posts"]:
        assert post["thanks"] == [], post["slug"]


def test_counts_equal_the_exports(built):
    """No one but the author and "Anonymous" wrote: no one is counted, and
    the only post with a conversation is the page that has the comments."""
    _posts, comments = _export()
    readers = [c for c in comments if c.name not in (AUTHOR, "Anonymous")]
    people = built.report["people"]
    assert sum(p["counts"]["comment"] for p in people) == len(readers) == 0
    commented = {
        post.slug for post in _export()[0] if any(c.post == post.link for c in comments)
    }
    assert {p["slug"] for p in built.report["posts"]} == commented == {"feedback"}


def test_no_two_circle_cards_read_the_same(built):
    circle = [p for p in built.report["people"] if p["role"] in CIRCLE]
    cards = Counter((_same_name(p["name"]), p.get("aka", "")) for p in circle)
    assert [card for card, count in cards.items() if count > 1] == []
    assert len({p["id"] for p in built.report["people"]}) == len(built.report["people"])


def test_no_address_reaches_the_output(built):
    for path in (built.root / "output").rglob("*"):
        if path.suffix in (".html", ".json"):
            text = path.read_text(encoding="utf-8")
            assert "noreply@blogger.com" not in text, path


def test_report_and_check_read_the_page_as_the_build_does(built):
    report = _check(built.root, "report", "--json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["unmatched"] == 0
    check = _check(built.root, "check")
    assert check.returncode == 0, check.stderr
    assert 0 < len(check.stdout.splitlines()) <= 120
    assert "unmatched" not in check.stdout.lower()


def test_in_the_projects_theme_the_page_shows_its_conversation(tmp_path):
    """The project's theme includes the lists in page.html itself."""
    site = _build(
        tmp_path / "site",
        THEME=str(TESTS.parent / "theme"),
        COMMUNITY_THANKS_IN_CONTENT=False,
    )
    shown = _shown(site.pages["feedback"])
    assert len(shown) == 13
    assert sum(c["by_author"] for c in shown) == 5


def test_a_hidden_page_keeps_its_conversation_off_the_community_page(tmp_path):
    site = Site(tmp_path / "site")
    site.write("data/export.xml", EXPORT.read_bytes())
    site.write(
        "content/pages/feedback.md",
        "Title: Feedback\nSlug: feedback\nStatus: hidden\n\nTell me.\n",
    )
    _settings(site, AUTHOR, SITEURL, "Mo Words")
    site.settings["COMMUNITY_SOURCES"] = [
        {"type": "blogger", "path": "data/export.xml"}
    ]
    site.build()
    assert len(_shown(site.page("pages/feedback.html"))) == 13
    assert "pages/feedback.html" not in site.page("community/index.html")


def test_without_the_page_its_comments_are_the_one_unmatched_line(tmp_path):
    """An author who did not bring the page over is told, once, with the
    number and the next step."""
    site = _build(tmp_path / "site", with_page=False)
    assert site.report["unmatched"] == len(_export()[1]) == 13
    (line,) = [w for w in site.warnings if "matched" in w]
    assert "13" in line and "Next step" in line
