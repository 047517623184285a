"""Read plain RSS 2.0 and Atom 1.0 comment feeds with ElementTree, giving
the same entry fields feedparser gives, about twenty times faster.

feedparser costs about a millisecond per comment, most of it in its own
SAX handlers and HTML sanitizer; the feeds comment systems write are small
and regular. This reader takes only documents it understands with
certainty: UTF-8, no DOCTYPE (so no entity can be declared: the standard
library's expat then meets nothing but the five predefined entities), well
formed, no ``xml:base``, and in each entry only the elements listed below,
each at most once. Anything else returns None and the caller hands the
bytes to feedparser, so a feed is never read worse than before.

Where feedparser normalises a value (relative URLs, RSS titles that look
like HTML, its sanitizer, Windows-1252 and double-encoded UTF-8 repairs,
``addr (Name)`` authors, dates), the same feedparser functions are called,
or the step is skipped only where it provably changes nothing
(:data:`UNCHANGED_BY_SANITIZER`). tests/test_feed_fast_path.py compares
both readers on every feed fixture.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from feedparser.datetimes import _parse_date
from feedparser.mixin import _cp1252, _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin, resolve_relative_uris

from ._xml import prolog_is_plain

__all__ = [
    "SAMPLE_FEED",
    "TESTED_FEEDPARSER",
    "UNCHANGED_BY_SANITIZER",
    "FastFeed",
    "FeedEntry",
    "read_plain_feed",
    "untested_feedparser",
]

#: The feedparser releases this reader is tested with (the helpers above
#: are not feedparser's public API): from the lowest the package allows
#: (constraints-lowest.txt) up to, not including, the next minor release.
TESTED_FEEDPARSER = ((6, 0, 11), (6, 1, 0))

#: A comment feed with what the reader must read as feedparser does: an
#: entity, HTML to sanitize and a relative link, a reply, a date. Read by
#: both once per process before the fast reader is trusted (feed.py).
SAMPLE_FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Comments on: First light</title>
<link>https://blog.example/first-light/</link>
<item><title>By: Ann &amp; Bo</title>
<link>https://blog.example/first-light/#comment-7</link>
<dc:creator><![CDATA[Ann & Bo]]></dc:creator>
<pubDate>Mon, 04 Mar 2013 15:00:00 +0000</pubDate>
<guid isPermaLink="false">https://blog.example/?p=1#comment-7</guid>
<description><![CDATA[Lovely &amp; bright.]]></description>
<content:encoded><![CDATA[<p>In reply to
<a href="https://blog.example/first-light/#comment-6">Cy</a>.</p>
<p>Lovely <a href="/about/" onclick="x()">post</a> &amp;
<script>x()</script>bright.</p>]]></content:encoded>
</item></channel></rss>
"""


def untested_feedparser(version: str | None = None) -> str:
    """Why the installed feedparser (or ``version``) is outside
    :data:`TESTED_FEEDPARSER`, or "" when it is inside."""
    import feedparser

    version = feedparser.__version__ if version is None else version
    low, high = TESTED_FEEDPARSER
    parts = version.split(".")[:3]
    numbers = tuple(int(part) for part in parts if part.isdigit())
    if len(numbers) == len(parts) == 3 and low <= numbers < high:
        return ""
    return (
        f"feedparser {version} is not a version it is tested with "
        f"({'.'.join(map(str, low))} up to {'.'.join(map(str, high))}, not included)"
    )


#: One entry as feedparser gives it: its field names, and values of
#: feedparser's types (text, dicts of text, lists, ``time.struct_time``).
FeedEntry = dict[str, Any]
#: Parser events: each item an Element, but start-ns's (prefix, uri). The
#: standard library's types cannot tie an item's type to its event's name.
_Events = Iterable[tuple[str, Any]]

_CHUNK = 1 << 16
_ATOM = "http://www.w3.org/2005/Atom"
_XML = "http://www.w3.org/XML/1998/namespace"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_DC = "{http://purl.org/dc/elements/1.1/}"
_WFW = "{http://wellformedweb.org/CommentAPI/}"
_SLASH = "{http://purl.org/rss/1.0/modules/slash/}"
_THR = "{http://purl.org/syndication/thread/1.0}"
_GD = "{http://schemas.google.com/g/2005}"
_A = "{" + _ATOM + "}"
#: Namespaces feedparser does not know: it names their elements by the
#: prefix the feed uses, so the fast path takes them only under this prefix.
_PREFIX_OF = {
    "http://purl.org/syndication/thread/1.0": "thr",
    "http://schemas.google.com/g/2005": "gd",
}
#: Root namespace declarations that make feedparser call the feed Atom or
#: RSS 1.0 (it looks at them before the root's name), in its order.
_VERSION_OF_URI = {_ATOM.lower(): "atom10", "http://purl.org/rss/1.0/": "rss10"}

#: Entry children, per format: element -> the field it fills. ``None``: an
#: element feedparser stores under a name of its own, which no field reads.
_RSS_FIELDS: dict[str, str | None] = {
    "title": "title",
    "link": "link",
    "guid": "guid",
    "pubDate": "published",
    "description": "summary",
    _CONTENT + "encoded": "content",
    _DC + "creator": "author",
    "author": "author",
    _DC + "date": "updated",
    "comments": None,
    "category": None,
    _WFW + "commentRss": None,
    _WFW + "comment": None,
    _SLASH + "comments": None,
}
_ATOM_FIELDS: dict[str, str | None] = {
    _A + "id": "guid",
    _A + "title": "title",
    _A + "published": "published",
    _A + "updated": "updated",
    _A + "content": "content",
    _A + "summary": "summary",
    _A + "author": "author",
    _A + "link": "link",
    _A + "category": None,
    _THR + "in-reply-to": "in-reply-to",
    _THR + "total": None,
    _GD + "extendedProperty": None,
}
#: Elements that may repeat in an entry (the rest may appear once).
_REPEATABLE = frozenset(
    {"category", _A + "category", _A + "link", _GD + "extendedProperty"}
)
#: Attributes each element may carry (lower case, as feedparser reads them).
_ATTRIBUTES: dict[str, frozenset[str]] = {
    "guid": frozenset({"ispermalink"}),
    "category": frozenset({"domain"}),
    _A + "title": frozenset({"type"}),
    _A + "content": frozenset({"type"}),
    _A + "summary": frozenset({"type"}),
    _A + "link": frozenset({"rel", "type", "href", "hreflang", "title", "length"}),
    _A + "category": frozenset({"term", "scheme", "label"}),
    _THR + "in-reply-to": frozenset({"ref", "href", "type", "source"}),
    _GD + "extendedProperty": frozenset({"name", "value"}),
}
_NO_ATTRIBUTES: frozenset[str] = frozenset()
_AUTHOR_PARTS = {_A + "name": "name", _A + "email": "email", _A + "uri": "href"}
_TEXT_TYPES = {"text": "text/plain", "html": "text/html"}
_HTML_TYPES = frozenset({"text/html"})
_DECLARATION = re.compile(rb"<\?xml[^>]*?\?>")
_ENCODING = re.compile(rb"encoding\s*=\s*([\"'])(.*?)\1")
# The markup feedparser's URI resolver and sanitizer give back unchanged
# (checked in tests/test_feed_fast_path.py): text without "<", ">", a bare
# "&" or "\r", the entities they re-emit as written, and attribute-free
# tags they keep, plus links whose only attributes are an http(s) href and
# a lower-case rel, in that order. Comment feeds are mostly this.
UNCHANGED_BY_SANITIZER = re.compile(
    r"(?:[^<>&\r]"
    r"|&(?:amp|lt|gt|quot);"
    r"|&#(?:[2-9][0-9]{2}|[1-9][0-9]{3,5});"
    r"|</?(?:p|em|strong|b|i|blockquote|code|pre|ul|ol|li)>"
    r"|<br />"
    r'|<a href="https?://[^"<>&\s]*"(?: rel="[a-z ]*")?>|</a>'
    r")*+"
)
_UNDECLARED_AMPERSAND_REF = re.compile("&([A-Za-z0-9_]+);")
# feedparser's pattern for an address inside an RSS author (mixin.py).
_AUTHOR_EMAIL = re.compile(
    r"(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)"
    r"|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"
)
_looks_like_html = _FeedParserMixin.looks_like_html


class _Unsure(Exception):
    """The document holds something only feedparser reads as it does."""


@dataclass(slots=True)
class FastFeed:
    """What the fast path read: feedparser's fields, as feedparser names them."""

    version: str
    title: str
    entries: list[FeedEntry] = field(default_factory=list)


def read_plain_feed(data: bytes) -> FastFeed | None:
    """The feed's entries as feedparser would give them, or None when the
    document is not one this reader understands with certainty."""
    if not _is_plain_utf8(data):
        return None
    reader = _Reader()
    parser: XMLPullParser[Element] = XMLPullParser(events=("start-ns", "start", "end"))
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
            reader.take(cast("_Events", parser.read_events()))
        parser.close()
        reader.take(cast("_Events", parser.read_events()))
    except (ParseError, _Unsure):
        return None
    return reader.result()


def _is_plain_utf8(data: bytes) -> bool:
    """UTF-8 (said or assumed), with no DOCTYPE before the root.

    Other encodings go to feedparser, whose guesses (and warnings when the
    declaration lies) this reader does not repeat.
    """
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if not head.startswith(b"<"):
        return False
    declaration = _DECLARATION.match(head)
    if declaration:
        encoding = _ENCODING.search(declaration.group())
        if encoding and encoding.group(2).lower() != b"utf-8":
            return False
    return prolog_is_plain(head)


class _Reader:
    """One pass over the events of a feed: the root, the list of entries
    (RSS ``channel`` or the Atom ``feed``), each entry and its children."""

    def __init__(self) -> None:
        self.depth = 0
        self.kind = ""  # "rss" or "atom"
        self.version = ""
        self.title: str | None = None
        self.entries: list[FeedEntry] = []
        self.fields: dict[str, str | None] = {}
        self.entry_tag = ""
        self.entry_depth = 0
        self.entry: _EntryParts | None = None
        self.child_tag = ""
        self.prefix_of: dict[str, str] = {}

    def take(self, events: _Events) -> None:
        for event, item in events:
            if event == "start":
                self.start(item)
            elif event == "end":
                self.end(item)
            else:
                self.declare(*item)

    def declare(self, prefix: str, uri: str) -> None:
        if self.prefix_of.setdefault(uri, prefix) != prefix:
            raise _Unsure("one namespace under two prefixes")
        expected = _PREFIX_OF.get(uri)
        if expected is not None and prefix != expected:
            raise _Unsure("a namespace feedparser names by its prefix")
        # feedparser takes the version from the first telling namespace
        # declared on the root, before it reads the root's name.
        if self.depth == 0 and not self.version:
            self.version = _VERSION_OF_URI.get(uri.lower(), "")
            if (prefix, uri.lower()) == ("", "http://my.netscape.com/rdf/simple/0.9/"):
                self.version = "rss090"

    def start(self, element: Element) -> None:
        self.depth += 1
        depth, tag = self.depth, element.tag
        if _XML_BASE in element.attrib:
            raise _Unsure("xml:base")
        if depth == 1:
            self.start_root(element)
        elif self.entry is not None:
            if depth == self.entry_depth + 1:
                self.child_tag = tag
            elif depth > self.entry_depth + 2 or self.child_tag != _A + "author":
                raise _Unsure("markup inside an entry's field")
        elif depth == self.entry_depth and tag == self.entry_tag:
            if set(element.attrib) - {_XML_LANG}:
                raise _Unsure("attributes on an entry")
            self.entry = _EntryParts()
        elif depth == 2 and self.kind == "rss":
            if tag != "channel" or self.channels:
                raise _Unsure("an RSS root that is not one channel")
            self.channels += 1
        elif _local(tag) in ("item", "entry", "source"):
            raise _Unsure("an entry outside the feed's list")

    def start_root(self, element: Element) -> None:
        tag = element.tag
        if tag == "rss":
            if element.attrib != {"version": "2.0"}:
                raise _Unsure("not RSS 2.0")
            self.version = self.version or "rss20"
            if self.version not in ("rss20", "atom10"):
                raise _Unsure("an RSS 1.0 namespace on an RSS 2.0 root")
            self.kind, self.entry_tag, self.entry_depth = "rss", "item", 3
            self.fields = _RSS_FIELDS
            self.channels = 0
        elif tag == _A + "feed":
            if self.version != "atom10" or set(element.attrib) - {_XML_LANG}:
                raise _Unsure("an Atom feed feedparser may read otherwise")
            self.kind, self.entry_tag, self.entry_depth = "atom", _A + "entry", 2
            self.fields = _ATOM_FIELDS
        else:
            raise _Unsure("neither RSS 2.0 nor Atom 1.0")

    def end(self, element: Element) -> None:
        depth, self.depth = self.depth, self.depth - 1
        entry = self.entry
        if entry is not None:
            if depth == self.entry_depth:
                self.entries.append(entry.finish(self.version))
                self.entry = None
                element.clear()
            elif depth == self.entry_depth + 1:
                entry.add(element, self.fields)
            return
        if depth == self.entry_depth and element.tag == _title_tag(self.kind):
            if self.title is not None:
                raise _Unsure("two feed titles")
            self.title = _title_text(element, self.kind, self.version)
        if depth == self.entry_depth:
            element.clear()

    def result(self) -> FastFeed:
        if not self.kind:
            raise _Unsure("no root")
        return FastFeed(self.version, self.title or "", self.entries)


_XML_BASE = "{" + _XML + "}base"
_XML_LANG = "{" + _XML + "}lang"


def _title_tag(kind: str) -> str:
    return "title" if kind == "rss" else _A + "title"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _title_text(element: Element, kind: str, version: str) -> str:
    if len(element) or set(element.attrib) - {"type", _XML_LANG}:
        raise _Unsure("markup or attributes in a feed title")
    if kind == "rss" and "type" in element.attrib:
        raise _Unsure("a typed RSS title")
    return _settled(element.text or "", "title", _declared_type(element), version)


def _content_type(element: Element, default: str) -> str:
    declared = element.get("type")
    if declared is None:
        return default
    mapped = _TEXT_TYPES.get(declared.lower())
    if mapped is None:
        raise _Unsure("a content type other than text or html")
    return mapped


def _settled(text: str, element: str, content_type: str | None, version: str) -> str:
    """feedparser's ``pop`` of a text element, for the elements read here:
    stripped, relative URLs joined, HTML that looks like it sanitized, and
    its two encoding repairs."""
    output = text.strip()
    if element in ("link", "id", "href") and output:
        output = _urljoin("", output)
    if (
        content_type == "text/plain"
        and not version.startswith("atom")
        and _looks_like_html(output)
    ):
        content_type = "text/html"
    # Outside a content element feedparser's type defaults to HTML, but it
    # resolves and sanitizes only these elements.
    if (
        content_type in _HTML_TYPES
        and element in ("title", "summary", "content")
        and not UNCHANGED_BY_SANITIZER.fullmatch(output)
    ):
        output = resolve_relative_uris(output, "", "utf-8", content_type)
        output = _sanitize_html(output, "utf-8", content_type)
    return _repaired(output)


def _repaired(output: str) -> str:
    """feedparser's repair of UTF-8 read as Latin-1, then its mapping of
    C1 controls to the Windows-1252 characters they meant."""
    if not output.isascii():
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            output = output.encode("iso-8859-1").decode("utf-8")
        output = output.translate(_cp1252)
    return output


@dataclass(slots=True)
class _EntryParts:
    """The raw texts of one entry, turned into feedparser's dict at its end."""

    texts: dict[str, Element] = field(default_factory=dict)
    links: list[dict[str, str]] = field(default_factory=list)
    reply_to: dict[str, str] | None = None
    author: dict[str, str] | None = None
    seen: set[str] = field(default_factory=set)

    def add(self, element: Element, fields: dict[str, str | None]) -> None:
        tag = element.tag
        if tag not in fields:
            raise _Unsure(f"an entry element this reader does not know: {tag}")
        if tag in self.seen and tag not in _REPEATABLE:
            raise _Unsure(f"{tag} twice in one entry")
        self.seen.add(tag)
        attributes = _lower_keys(element.attrib)
        if set(attributes) - _ATTRIBUTES.get(tag, _NO_ATTRIBUTES) - {"xml:lang"}:
            raise _Unsure(f"attributes on {tag}")
        name = fields[tag]
        if name == "author" and tag == _A + "author":
            self.author = _atom_author(element)
            return
        if len(element):
            raise _Unsure(f"markup inside {tag}")
        if name == "link" and tag == _A + "link":
            self.links.append(attributes)
        elif name == "in-reply-to":
            if not attributes:
                raise _Unsure("thr:in-reply-to without attributes")
            self.reply_to = attributes
        elif name is not None:
            if name in self.texts:
                raise _Unsure(f"two elements for {name}")
            self.texts[name] = element

    def finish(self, version: str) -> FeedEntry:
        raw: FeedEntry = {}
        texts = self.texts
        if "title" in texts:
            element = texts["title"]
            raw["title"] = _settled(
                element.text or "", "title", _declared_type(element), version
            )
        self._add_id_and_link(raw, version)
        for name in ("published", "updated"):
            if name in texts:
                text = _settled(texts[name].text or "", name, None, version)
                raw[name + "_parsed"] = _parse_date(text)
        self._add_content(raw, version)
        if "author" in texts:
            text = _settled(texts["author"].text or "", "author", None, version)
            raw.update(_rss_author(text))
        elif self.author is not None:
            raw["author_detail"] = self.author
        if self.reply_to is not None:
            raw["thr_in-reply-to"] = self.reply_to
        return raw

    def _add_id_and_link(self, raw: FeedEntry, version: str) -> None:
        link = self.link(version)
        if "guid" in self.texts:
            element = self.texts["guid"]
            # feedparser reads Atom's id as a guid that is a permalink.
            is_link = element.tag == _A + "id" or (
                _lower_keys(element.attrib).get("ispermalink", "true") == "true"
            )
            raw["id"] = _settled(
                element.text or "", "id" if is_link else "guid", None, version
            )
            if is_link and link is None:
                link = raw["id"]
        if link is not None:
            raw["link"] = link

    def _add_content(self, raw: FeedEntry, version: str) -> None:
        texts = self.texts
        values = {
            name: _settled(
                texts[name].text or "", name, _declared_type(texts[name]), version
            )
            for name in ("content", "summary")
            if name in texts
        }
        if "content" in values:
            raw["content"] = [{"value": values["content"]}]
        if values:
            raw["summary"] = values.get("summary", values.get("content"))

    def link(self, version: str) -> str | None:
        """The entry's link: its RSS ``link`` or last alternate HTML Atom
        link; None when it has neither (a permalink guid may stand in)."""
        link = None
        if "link" in self.texts:
            link = _settled(self.texts["link"].text or "", "link", None, version)
            link = _UNDECLARED_AMPERSAND_REF.sub(r"&\g<1>", link.replace("&amp;", "&"))
        for attributes in self.links:
            if "href" not in attributes:
                raise _Unsure("an Atom link without href")
            rel = attributes.get("rel", "alternate")
            default = "application/atom+xml" if rel == "self" else "text/html"
            kind = _mapped_type(attributes.get("type", default))
            if rel == "alternate" and kind in ("text/html", "application/xhtml+xml"):
                link = _urljoin("", attributes["href"])
        return link


def _declared_type(element: Element) -> str:
    """The content type feedparser gives an element's text."""
    tag = element.tag
    if tag.startswith(_A):
        return _content_type(element, "text/plain")
    return "text/html" if tag in _HTML_DEFAULT else "text/plain"


def _mapped_type(value: str) -> str:
    value = value.lower()
    return {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(
        value, "application/xhtml+xml" if value == "xhtml" else value
    )


_HTML_DEFAULT = frozenset({"description", _CONTENT + "encoded"})


def _lower_keys(attributes: dict[str, str]) -> dict[str, str]:
    lowered: dict[str, str] = {}
    for key, value in attributes.items():
        if key.startswith("{"):
            if key != _XML_LANG:
                raise _Unsure("a namespaced attribute")
            key = "xml:lang"
        key = key.lower()
        lowered[key] = value.lower() if key in ("rel", "type") else value
    return lowered


def _atom_author(element: Element) -> dict[str, str]:
    """feedparser's ``author_detail`` of an Atom author: name and email as
    written (stripped), the uri as ``href``, joined like any URL."""
    if (element.text or "").strip():
        raise _Unsure("text inside an Atom author")
    detail: dict[str, str] = {}
    for child in element:
        if (child.tail or "").strip() or len(child):
            raise _Unsure("markup inside an Atom author")
        if child.tag == _GD + "image":
            continue
        key = _AUTHOR_PARTS.get(child.tag)
        if key is None or key in detail:
            raise _Unsure("an Atom author part this reader does not know")
        if child.attrib:
            raise _Unsure("attributes on an Atom author part")
        text = (child.text or "").strip()
        detail[key] = (
            _repaired(_urljoin("", text) if text else text) if key == "href" else text
        )
    if not detail:
        raise _Unsure("an Atom author with no name, email or uri")
    return detail


def _rss_author(author: str) -> dict[str, dict[str, str]]:
    """feedparser's split of an RSS author, ``addr (Name)``."""
    email = None
    match = _AUTHOR_EMAIL.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    detail: dict[str, str] = {}
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email
    return {"author_detail": detail} if detail else {}
