"""A real WordPress.com export on a first run (issue 24): tombtest.wordpress.com,
whose ``<atom:link>`` has no namespace declaration, built as its author
would move it to Pelican (AUTHOR set, no people file).

Every expected figure is counted here from the raw export with ElementTree
(on a copy with the missing declaration added), never through the plugin.
Provenance and licence: tests/fixtures/real-world/tombtest-wordpress-com/README.md."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from conftest import REAL_WORLD, Site
from test_real_world_blogger import build_moved_site
from test_real_world_corpus import Built, _same_name, _shown_thread

EXPORT = REAL_WORLD / "tombtest-wordpress-com" / "export.xml"
AUTHOR = "tombell"
SITEURL = "http://tombtest.wordpress.com"
WP = "{http://wordpress.org/export/1.2/}"


@dataclass(frozen=True)
class Item:
    kind: str  #: wp:post_type
    slug: str  #: wp:post_name, else the link's last segment
    title: str
    date: str
    approved: tuple[str, ...]  #: the names that signed its approved comments


@cache
def _items() -> tuple[Item, ...]:
    raw = EXPORT.read_text(encoding="utf-8").replace(
        "<rss ", '<rss xmlns:atom="http://www.w3.org/2005/Atom" ', 1
    )
    found = []
    for item in ET.fromstring(raw).iter("item"):
        link = item.findtext("link", "").rstrip("/")
        found.append(
            Item(
                kind=item.findtext(f"{WP}post_type", ""),
                slug=item.findtext(f"{WP}post_name", "") or link.rsplit("/", 1)[-1],
                title=item.findtext("title", ""),
                date=item.findtext(f"{WP}post_date", "")[:10],
                approved=tuple(
                    c.findtext(f"{WP}comment_author", "")
                    for c in item.iter(f"{WP}comment")
                    if c.findtext(f"{WP}comment_approved") == "1"
                    and not c.findtext(f"{WP}comment_type")
                ),
            )
        )
    return tuple(found)


@cache
def _build(root: Path) -> tuple[Built, tuple[str, ...]]:
    """Each post an article, the page a Pelican page (same slug, title,
    day); the export the only source; no people file. Returns what was
    built and the warnings the build logged."""
    site = Site(root / "tombtest")
    site.write("data/export.xml", EXPORT.read_bytes())
    warnings = build_moved_site(
        site,
        [(i.kind, i.slug, i.title, i.date) for i in _items()],
        "wordpress",
        (AUTHOR, SITEURL, "Test"),
    )
    pages = {
        i.slug: site.page(
            f"pages/{i.slug}.html" if i.kind == "page" else f"{i.slug}/index.html"
        )
        for i in _items()
    }
    built = Built(
        json.loads(site.page("community.json")),
        site.page("community/index.html"),
        pages,
    )
    return built, tuple(warnings)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("wordpress-com")


def test_the_export_is_what_its_readme_says():
    raw = EXPORT.read_text(encoding="utf-8")
    assert "<atom:link" in raw and "xmlns:atom" not in raw
    assert [(i.kind, i.slug) for i in _items()] == [
        ("post", "hello-world"),
        ("page", "about"),
        ("post", "anotherpost-with-slash"),
    ]
    assert [i.approved for i in _items()] == [("Mr WordPress",), (), ()]
    with pytest.raises(ET.ParseError, match="unbound prefix"):
        ET.parse(EXPORT)


def test_it_builds_with_one_warning_naming_the_file_line_and_repair(root):
    _built, warnings = _build(root)
    (line,) = warnings
    assert "export.xml" in line and "line 49" in line and "atom" in line


def test_the_sample_comment_is_nobody_and_shown_nowhere(root):
    """WordPress.com's "Mr WordPress" is the only comment: no one is in
    the community, no post thanks anyone, no page shows it, and nothing is
    left unmatched to tell."""
    built, _warnings = _build(root)
    assert built.report["people"] == []
    assert built.report["unmatched"] == 0
    assert all(post["thanks"] == [] for post in built.report["posts"])
    for slug, page in built.pages.items():
        assert _shown_thread(page) == [], slug
        assert "Mr WordPress" not in page
    assert "Mr WordPress" not in built.community


def test_the_author_is_never_in_the_community(root):
    built, _warnings = _build(root)
    assert [p for p in built.report["people"] if _same_name(p["name"]) == AUTHOR] == []


def test_no_address_reaches_the_output(root):
    _build(root)
    for path in (root / "tombtest" / "output").rglob("*"):
        if path.suffix in (".html", ".json"):
            assert "address removed" not in path.read_text(encoding="utf-8"), path
