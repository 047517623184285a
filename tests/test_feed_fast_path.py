"""The fast feed reader (ElementTree) gives exactly what feedparser gives.

Every feed fixture, the bench's generated feed and the hostile catalogue's
feeds (payloads, XML attacks, malformed files) are read twice, once by the
fast path and once with it forced off, and the two SourceResults (or
errors) must be equal: the fast path is a pure speedup.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import resolve_relative_uris
from hostile.comments import Fields, write_feed
from hostile.malformed import malformed_cases, write_malformed
from hostile.payloads import BAD_DATES, SPOOF_NAMES, TEXT_MARKUP, XSS_MARKUP, XSS_URLS
from hostile.xml_attacks import XML_ATTACKS, write_xml_attack
from pelican.plugins.community.sources import feed
from pelican.plugins.community.sources._feed_fast import (
    UNCHANGED_BY_SANITIZER,
    read_plain_feed,
)

FIXTURES = Path(__file__).parent / "fixtures"
BENCH = Path(__file__).parent.parent / "bench"
FEED_FILES = sorted(
    [
        *FIXTURES.glob("feed-*.xml"),
        *FIXTURES.glob("blogger-*.xml"),
        *FIXTURES.glob("live/*.rss"),
        *FIXTURES.glob("feeds-real/*/*.xml"),
        *FIXTURES.glob("feeds-real/*/*.rss"),
        *FIXTURES.glob("feeds-real/*/*.atom"),
    ]
)
#: Fixtures the fast path hands to feedparser, and why.
FALLS_BACK = {
    "feed-garbled.xml": "not well-formed (cut off)",
    "blogger-takeout.xml": "a Blogger takeout: blogger:type elements",
    # feeds-real/: the app: prefix is used but never declared (as in Pelican's
    # own test copy), so the document is not well-formed XML.
}


def _read_both(data: bytes) -> tuple[object, object]:
    def read(fast_path: bool):
        try:
            return feed.parse_feed(data, "feed", "origin", fast_path=fast_path)
        except Exception as exc:  # the error is part of the result
            return f"{exc.__class__.__name__}: {exc}"

    return read(True), read(False)


@pytest.mark.parametrize("path", FEED_FILES, ids=lambda p: p.name)
def test_fixture_read_alike(path):
    data = path.read_bytes()
    fast, slow = _read_both(data)
    assert fast == slow
    used = read_plain_feed(data) is not None
    assert used == (path.name not in FALLS_BACK), FALLS_BACK.get(path.name, "")


def test_bench_feed_read_alike(tmp_path):
    sys.path.insert(0, str(BENCH))
    try:
        import sitegen
    finally:
        sys.path.remove(str(BENCH))
    path = tmp_path / "comments.rss"
    sitegen.write_feed(path, 400)
    data = path.read_bytes()
    assert read_plain_feed(data) is not None
    fast, slow = _read_both(data)
    assert fast == slow
    assert len(fast.interactions) == 400


class _Site:
    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, relative: str, text: str) -> Path:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path


def _hostile_fields() -> list[Fields]:
    values = [*XSS_MARKUP, *TEXT_MARKUP, *SPOOF_NAMES]
    fields = [
        Fields(id=f"c{n}", name=value, content=value, title=value)
        for n, value in enumerate(values)
    ]
    fields += [Fields(id=f"u{n}", url=url) for n, url in enumerate(XSS_URLS)]
    fields += [Fields(id=f"d{n}", date=date) for n, date in enumerate(BAD_DATES)]
    fields += [
        Fields(id="latin", name="ZoÃ« Ã\x9cnal", content="caf\x80 \x93q\x94"),
        Fields(id="addr", name="ann@mail.example (Ann)", email=""),
        Fields(id="rel", permalink="/relative/#comment-rel", target="/relative/"),
    ]
    return fields


def test_hostile_comments_read_alike(tmp_path):
    site = _Site(tmp_path)
    for one in _hostile_fields():
        spec = write_feed(site, [one])[0]
        data = (tmp_path / spec["path"]).read_bytes()
        fast, slow = _read_both(data)
        assert fast == slow, one


def test_hostile_feed_read_alike_as_one_document(tmp_path):
    site = _Site(tmp_path)
    spec = write_feed(site, _hostile_fields())[0]
    data = (tmp_path / spec["path"]).read_bytes()
    assert read_plain_feed(data) is not None
    fast, slow = _read_both(data)
    assert fast == slow


@pytest.mark.parametrize("attack", sorted(XML_ATTACKS))
def test_xml_attacks_never_take_the_fast_path(attack, tmp_path):
    site = _Site(tmp_path)
    spec = write_xml_attack(site, "feed", attack, "http://127.0.0.1:9")[0]
    data = (tmp_path / spec["path"]).read_bytes()
    # A DOCTYPE sends the document to feedparser, as before.
    assert read_plain_feed(data) is None
    fast, slow = _read_both(data)
    assert fast == slow


@pytest.mark.parametrize("case", malformed_cases("feed"))
def test_malformed_feeds_read_alike(case, tmp_path):
    site = _Site(tmp_path)
    spec = write_malformed(site, "feed", case)
    data = (tmp_path / spec["malformed"]).read_bytes()
    fast, slow = _read_both(data)
    assert fast == slow


_PIECES = (
    "a",
    "Zoë ",
    " ",
    "\n",
    '"',
    "'",
    "&amp;",
    "&lt;",
    "&gt;",
    "&quot;",
    "&#8217;",
    "&#233;",
    "&#1234;",
    "<p>",
    "</p>",
    "<em>",
    "</em>",
    "<strong>",
    "</strong>",
    "<b>",
    "</b>",
    "<i>",
    "</i>",
    "<br />",
    "<blockquote>",
    "</blockquote>",
    "<code>",
    "</code>",
    "<pre>",
    "</pre>",
    "<ul>",
    "<li>",
    "</li>",
    "</ul>",
    "<ol>",
    "</ol>",
    '<a href="https://example.com/x/#comment-1">',
    '<a href="http://example.com/?p=1" rel="nofollow ugc">',
    "</a>",
)


def test_markup_the_fast_path_leaves_alone_is_what_feedparser_leaves_alone():
    """The shortcut that skips feedparser's URI resolver and sanitizer is
    taken only where both would give the text back unchanged."""
    rng = random.Random(5)
    for _ in range(3000):
        text = "".join(rng.choice(_PIECES) for _ in range(rng.randint(1, 14))).strip()
        assert UNCHANGED_BY_SANITIZER.fullmatch(text)
        for kind in ("text/html",):
            resolved = resolve_relative_uris(text, "", "utf-8", kind)
            assert _sanitize_html(resolved, "utf-8", kind) == text, text
