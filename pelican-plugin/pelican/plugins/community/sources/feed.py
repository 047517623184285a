"""Read a saved RSS or Atom comment feed (WordPress, Blogger, Isso, Remark42)."""

from __future__ import annotations

import functools
import html
import io
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

if TYPE_CHECKING:
    import feedparser

    from ._feed_fast import FastFeed, FeedEntry

from ..dates import to_utc_iso
from ..errors import SourceError
from ..model import Interaction, InteractionFields, SourceResult, SourceState
from ..urls import public_http_url, safe_http_url
from . import SourceSpec
from ._files import read_bounded, string_text
from ._live import Client, LivePlan, LiveRequest, Outcome, SourceFailure

__all__ = [
    "FEED_ACCEPT",
    "MAX_FEED_BYTES",
    "fast_reader",
    "parse_feed",
    "plan_fetch",
    "read_feed",
]

logger = logging.getLogger(__name__)

#: Saved feeds larger than this are refused rather than read into memory.
MAX_FEED_BYTES = 256 * 1024**2

# The comment's own number in its permalink or guid: WordPress, Isso, Remark42.
_COMMENT_FRAGMENT = re.compile(r"#(?:comment-|isso-|remark42__comment-)([\w\-]+)$")
_COMMENT_PAGE = re.compile(r"/comment-page-\d+/?$")
# WordPress site-wide feed: "Comment on POST TITLE by NAME"; per-post: "By: NAME".
_COMMENT_ON = re.compile(r"^Comment on (?P<title>.+) by (?P<name>.+)$", re.S)
_BY_NAME = re.compile(r"^By: (?P<name>.+)$", re.S)
_COMMENTS_ON_POST = re.compile(r"^Comments on: (?P<title>.+)$", re.S)
# WordPress prefixes replies in comment feeds with "In reply to NAME." (a link
# to the parent comment in content:encoded, plain text in the description).
_IN_REPLY_TO_LINK = re.compile(
    r"^\s*(?:<p>\s*)?In reply to <a [^>]*?href=\"(?P<href>[^\"]*)\"[^>]*>"
    r"(?P<name>.*?)</a>\.\s*(?:</p>\s*)?",
    re.S,
)
_IN_REPLY_TO_TEXT = re.compile(
    r"^\s*(?:<p>\s*)?In reply to (?P<name>[^<\n]+?)\.(?:\s*</p>|\s*\n|\s*$)\s*"
)
# Remark42 appends the parent's text to a reply; it is not the reply's own.
_REMARK42_FRAGMENT = "#remark42__comment-"
_REMARK42_QUOTE = re.compile(
    r"<blockquote><p>(?:(?!<blockquote>).)*</p></blockquote>\s*$", re.S
)
_FOUR_LETTER_TLD = re.compile(r"\.[A-Za-z]{4}$")
_CUT_DOMAIN_TAIL = re.compile(r"^[a-z0-9\-]+(?: \((?P<name>[^()]+))?$")
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# An encoding named in the first line, as feedparser looks for it.
_NAMED_ENCODING = re.compile(rb"encoding\s*=\s*([\"']).*?\1")


@dataclass(slots=True)
class _Entry:
    """One comment before its parent is resolved against the whole feed."""

    record: InteractionFields
    feed_id: str = ""
    link: str = ""
    reply_name: str = ""
    reply_ref: tuple[str, str] = ("", "")
    extra: dict[str, str] = field(default_factory=dict)


def read_feed(path: Path, source_name: str) -> SourceResult:
    """Read the comments of a saved comment feed.

    A feed that is garbled but still yields entries is read with a warning;
    one that yields nothing raises :class:`SourceError` naming the file.
    """
    return parse_feed(
        read_bounded(path, MAX_FEED_BYTES, "a saved feed"), source_name, str(path)
    )


def parse_feed(
    data: bytes, source_name: str, origin: str, *, fast_path: bool = True
) -> SourceResult:
    """Read the comments of a feed document already in memory.

    ``origin`` (a path or URL) starts every message. A plain RSS 2.0 or
    Atom 1.0 feed is read by :func:`_read_fast`; any other goes to
    feedparser as a stream, so it never fetches or opens anything itself.
    Both give the same entries: ``fast_path=False`` reads with feedparser
    alone, the reference the fast path is held to.
    """
    if not data.strip():
        raise SourceError(f"{origin}: the feed is empty")
    parsed = _read_fast(data) if fast_path else None
    if parsed is None:
        parsed = _read_with_feedparser(data, origin)
    return _result(parsed, source_name, origin)


def _result(parsed: _ParsedFeed, source_name: str, origin: str) -> SourceResult:
    """The records of a feed read by either reader."""
    warnings = parsed.warnings
    if parsed.problem:
        if not parsed.entries:
            raise SourceError(
                f"{origin}: not a readable RSS or Atom feed ({parsed.problem})"
            )
        warnings += (
            f"{origin}: the feed is not well-formed ({parsed.problem}); "
            f"read the {len(parsed.entries)} entries found",
        )
    elif not parsed.entries and not parsed.version:
        raise SourceError(f"{origin}: not an RSS or Atom feed")
    feed_title = _match_group(_COMMENTS_ON_POST, parsed.title, "title")
    entries: list[_Entry] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    for raw in parsed.entries:
        entry = _read_entry(raw, feed_title)
        if entry is None:
            skipped["no-id"] += 1
        elif entry.record["id"] in seen:
            skipped["duplicate"] += 1
        else:
            seen.add(entry.record["id"])
            entries.append(entry)
    _resolve_parents(entries)
    interactions = tuple(
        Interaction(source=source_name, extra=entry.extra, **entry.record)
        for entry in entries
    )
    return SourceResult(
        interactions=interactions,
        skipped=dict(sorted(skipped.items())),
        warnings=warnings,
    )


@dataclass(slots=True)
class _ParsedFeed:
    """A feed's entries (feedparser's dicts, or the fast path's equal ones)."""

    entries: list[FeedEntry]
    title: str
    version: str
    #: why the document is not well-formed; "" when it is
    problem: str = ""
    warnings: tuple[str, ...] = ()


def _read_fast(data: bytes) -> _ParsedFeed | None:
    """The standard library's streaming reading of a plain RSS 2.0 or Atom
    1.0 feed (about 20 times faster than feedparser), or None for any
    document it does not understand with certainty, or when the fast reader
    does not fit the installed feedparser (:func:`fast_reader`)."""
    read_plain_feed = fast_reader()
    if read_plain_feed is None:
        return None
    fast = read_plain_feed(data)
    if fast is None:
        return None
    return _ParsedFeed(fast.entries, string_text(fast.title), fast.version)


@functools.cache
def fast_reader() -> Callable[[bytes], FastFeed | None] | None:
    """The fast reader, once per process, if it fits the installed
    feedparser: it calls a few of feedparser's own helpers, which are not
    its public API. A feedparser without them, of a version the reader was
    not tested with, or that reads a sample feed otherwise than the reader
    does, leaves every feed to feedparser alone (slower, never worse), said
    in one DEBUG line. (A decision about the installed libraries, not a
    memo: nothing read from a feed is kept here.)"""
    try:
        from . import _feed_fast
    except ImportError as exc:
        problem = f"it needs feedparser helpers this feedparser lacks ({exc})"
    else:
        problem = _feed_fast.untested_feedparser() or _reads_unlike_feedparser(
            _feed_fast.read_plain_feed, _feed_fast.SAMPLE_FEED
        )
        if not problem:
            return _feed_fast.read_plain_feed
    logger.debug(
        "community: comment feeds are read by feedparser alone, not by the "
        "fast reader: %s",
        problem,
    )
    return None


def _reads_unlike_feedparser(
    read_plain_feed: Callable[[bytes], FastFeed | None], sample: bytes
) -> str:
    """Why the fast reader's records of ``sample`` are not feedparser's, or ""."""
    fast = read_plain_feed(sample)
    if fast is None:
        return "it does not read its sample feed"
    ours = _ParsedFeed(fast.entries, string_text(fast.title), fast.version)
    theirs = _read_with_feedparser(sample, "sample")
    if _result(ours, "sample", "sample") != _result(theirs, "sample", "sample"):
        return "its records of a sample feed are not feedparser's"
    return ""


def _read_with_feedparser(data: bytes, origin: str) -> _ParsedFeed:
    parsed, warnings = _parse(data, origin)
    return _ParsedFeed(
        entries=parsed.entries,
        title=_feed_title(parsed),
        version=parsed.get("version") or "",
        problem=_describe(parsed.get("bozo_exception")) if parsed.bozo else "",
        warnings=warnings,
    )


def _parse(
    data: bytes, origin: str
) -> tuple[feedparser.FeedParserDict, tuple[str, ...]]:
    """feedparser's reading of ``data``, and a warning when the encoding
    named on the first line had to be ignored.

    feedparser decodes that name and tries it as a codec itself, and lets
    what goes wrong escape: a name that is not UTF-8 (``encoding="\\x80"``),
    a NUL, a codec that only raises (``undefined``, ``punycode``). Such a
    feed is read again without the name, as feedparser reads any feed whose
    encoding it does not know.
    """
    import feedparser  # loaded on the first feed read: warm builds read none

    try:
        return feedparser.parse(io.BytesIO(data)), ()
    except (LookupError, ValueError) as exc:
        problem = _describe(exc)
    first_line, newline, rest = data.partition(b"\n")
    unnamed = _NAMED_ENCODING.sub(b"", first_line) + newline + rest
    try:
        parsed = feedparser.parse(io.BytesIO(unnamed))
    except (LookupError, ValueError):
        raise SourceError(
            f"{origin}: not a readable RSS or Atom feed (the encoding its XML "
            f"declaration names cannot be used: {problem})"
        ) from None
    return parsed, (
        f"{origin}: ignored the encoding the XML declaration names, which "
        f"cannot be used ({problem})",
    )


def _read_entry(raw: FeedEntry, feed_title: str) -> _Entry | None:
    link = safe_http_url(raw.get("link"))
    feed_id = string_text(raw.get("id"))
    number = _comment_number(link) or _comment_number(feed_id)
    comment_id = number or feed_id or link
    if not comment_id:
        return None
    title = string_text(raw.get("title"))
    name, post_title = _name_and_post_title(raw, title)
    content, reply_href, reply_name = _split_reply_prefix(_content_of(raw))
    if _REMARK42_FRAGMENT in link:
        reply_name, post_title = _remark42_title(title, name)
        if reply_name:
            content = _REMARK42_QUOTE.sub("", content)
    thread = raw.get("thr_in-reply-to") or {}
    thread_ref, thread_href = (
        string_text(thread.get("ref")),
        string_text(thread.get("href")),
    )
    record: InteractionFields = {
        "id": comment_id,
        "kind": "comment",
        "published": to_utc_iso(raw.get("published_parsed"))
        or to_utc_iso(raw.get("updated_parsed")),
        "author_name": name,
        "author_url": public_http_url((raw.get("author_detail") or {}).get("href")),
        "target_url": public_http_url(
            _post_url(link) or _post_url(safe_http_url(thread_href))
        ),
        "target_title": post_title or feed_title,
        "url": public_http_url(link),
        "content": content,
        # A parent named by its permalink keeps its id even when this read
        # of the feed no longer shows it: the archive may hold it.
        "parent": _comment_number(reply_href) or _comment_number(thread_href),
    }
    return _Entry(
        record=record,
        feed_id=feed_id,
        link=link,
        reply_name="" if record["parent"] else reply_name,
        reply_ref=(thread_ref, thread_href),
    )


def _name_and_post_title(raw: FeedEntry, title: str) -> tuple[str, str]:
    """The commenter's name (``dc:creator`` or Atom author, else the title)
    and the post's title when the entry title carries it."""
    name = _author_name(raw.get("author_detail") or {})
    post_title = ""
    match = _COMMENT_ON.match(title)
    if match:
        suffix = f" by {name}"
        if name and title.endswith(suffix):
            post_title = title[len("Comment on ") : -len(suffix)]
        else:
            post_title = match.group("title")
            name = name or _clean(match.group("name"))
    elif not name:
        name = _clean(_match_group(_BY_NAME, title, "name"))
    return name, _clean(post_title)


def _author_name(detail: dict[str, str]) -> str:
    """The author's name, never their address.

    feedparser splits an RSS ``<author>addr (Name)</author>`` but its
    address pattern stops after four letters of the top-level domain, so
    ``x@mail.example (Ann)`` leaves ``ple (Ann`` behind: mend that.
    """
    name = _clean(string_text(detail.get("name")))
    email = string_text(detail.get("email"))
    if email and _FOUR_LETTER_TLD.search(email):
        cut = _CUT_DOMAIN_TAIL.match(name)
        if cut:
            name = cut.group("name") or ""
    return "" if _EMAIL_LIKE.match(name) else name


def _split_reply_prefix(content: str) -> tuple[str, str, str]:
    """Strip WordPress's "In reply to NAME." from a reply's content and
    return (content, parent link, parent name)."""
    match = _IN_REPLY_TO_LINK.match(content)
    if match:
        href = html.unescape(match.group("href"))
        return content[match.end() :], href, _clean(match.group("name"))
    match = _IN_REPLY_TO_TEXT.match(content)
    if match:
        return content[match.end() :], "", _clean(match.group("name"))
    return content, "", ""


def _remark42_title(title: str, name: str) -> tuple[str, str]:
    """Remark42 titles read "NAME > PARENT NAME, POST TITLE" for a reply and
    "NAME, POST TITLE" otherwise; return (parent name, post title)."""
    if not name or not title.startswith(name):
        return "", ""
    rest = title[len(name) :]
    if rest.startswith(" > "):
        parent, _, post_title = rest[3:].partition(", ")
        return _clean(parent), _clean(post_title)
    if rest.startswith(", "):
        return "", _clean(rest[2:])
    return "", ""


def _resolve_parents(entries: list[_Entry]) -> None:
    """Point replies at their parent when the parent is in the same feed.

    Atom's ``thr:in-reply-to`` names the parent by id or link; WordPress only
    gives a name, so the reply goes to that person's latest earlier comment
    on the same post.
    """
    by_ref: dict[str, str] = {}
    for entry in entries:
        if entry.feed_id:
            by_ref.setdefault(entry.feed_id, entry.record["id"])
        # A link that is just the post's URL would make every reply to the
        # post look like a reply to this comment.
        if entry.link and entry.link != entry.record["target_url"]:
            by_ref.setdefault(entry.link, entry.record["id"])
    # Comments by author and post, in feed order: a reply looks only at its
    # own small group, not at the whole feed.
    by_author: dict[tuple[str, str], list[_Entry]] = {}
    for entry in entries:
        key = (entry.record["author_name"], entry.record["target_url"])
        by_author.setdefault(key, []).append(entry)
    for entry in entries:
        record = entry.record
        ref, href = entry.reply_ref
        parent = by_ref.get(ref) or by_ref.get(href)
        if parent and parent != record["id"]:
            record["parent"] = parent
        if record["parent"] or not entry.reply_name:
            continue
        group = by_author.get((entry.reply_name, record["target_url"]), [])
        parent = _latest_earlier_by(group, entry)
        if parent:
            record["parent"] = parent
        else:
            entry.extra["in_reply_to_name"] = entry.reply_name


def _latest_earlier_by(group: list[_Entry], reply: _Entry) -> str:
    """The id of the latest comment in ``group`` (one author's comments on
    the reply's post) published before the reply, or ""."""
    record = reply.record
    candidates = [
        other.record
        for other in group
        if other is not reply
        and (not record["published"] or other.record["published"] < record["published"])
    ]
    if not candidates:
        return ""
    return max(candidates, key=lambda other: other["published"])["id"]


def _content_of(raw: FeedEntry) -> str:
    for content in raw.get("content") or ():
        value = string_text(content.get("value"))
        if value:
            return value
    return string_text(raw.get("summary"))


def _post_url(link: str) -> str:
    """The post a comment permalink belongs to: no fragment, no
    ``/comment-page-N/``, no Blogger ``showComment``."""
    if not link:
        return ""
    parts = urlsplit(link)
    path = _COMMENT_PAGE.sub("/", parts.path)
    query = parts.query
    if "showComment=" in query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if k != "showComment"])
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def _comment_number(url: str) -> str:
    match = _COMMENT_FRAGMENT.search(url or "")
    return match.group(1) if match else ""


def _feed_title(parsed: feedparser.FeedParserDict) -> str:
    return string_text((parsed.get("feed") or {}).get("title"))


def _match_group(pattern: re.Pattern[str], text: str, group: str) -> str:
    match = pattern.match(text)
    return match.group(group) if match else ""


def _clean(value: str) -> str:
    """Decode HTML entities once and collapse whitespace (names, titles)."""
    return " ".join(html.unescape(value).split())


def _describe(exc: object) -> str:
    if exc is None:
        return "unknown problem"
    return f"{exc.__class__.__name__}: {exc}"


# -- fetching -----------------------------------------------------------------

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.1"
)
#: The end of a whole feed: its root's end tag, then only comments (caching
#: plugins append "<!-- generated in 0.2 s -->") and white space.
_FEED_END = re.compile(
    rb"</(?:[\w.-]+:)?(?:rss|feed|rdf)\s*>\s*(?:<!--.*?-->\s*)*\Z", re.I | re.S
)


def plan_fetch(request: LiveRequest) -> LivePlan:
    """One job: the feed at the entry's ``url``, conditionally requested."""
    spec, state = request.spec, request.source_state
    return LivePlan([(spec.options["url"], lambda c: _fetch_feed(c, spec, state))])


def _fetch_feed(client: Client, spec: SourceSpec, source_state: SourceState) -> Outcome:
    url = spec.options["url"]
    # Validators belong to the URL that gave them (kept redacted: state.json
    # is in the archive); the feed may have moved since.
    validated = source_state.get("url") == client.fetcher.redact(url)
    response = client.get(
        url,
        headers={"Accept": FEED_ACCEPT},
        etag=source_state.get("etag", "") if validated else "",
        last_modified=source_state.get("last_modified", "") if validated else "",
    )
    if response.not_modified:
        return Outcome()
    if response.content_type in (
        "text/html",
        "application/xhtml+xml",
    ) or _looks_like_html(response.body):
        raise SourceFailure(f"{response.safe_url}: got an HTML page instead of a feed")
    try:
        result = parse_feed(response.body, spec.name, response.safe_url)
    except Exception as exc:  # the parser names what is wrong with the data
        raise SourceFailure(str(exc)) from None
    if result.warnings and not _ends_like_a_feed(response.body):
        # feedparser flags a document that is not well-formed XML and reads
        # what it can. A whole feed with one stray byte is read (its warning
        # is logged at INFO); one cut off would archive a comment half written,
        # so it is fetched again next build.
        raise SourceFailure(
            f"{response.safe_url}: the feed is not well-formed (cut off or garbled)"
        )
    # All three, empty or not: validators of another URL must not stay.
    validators = {
        "url": client.fetcher.redact(url),
        "etag": response.etag,
        "last_modified": response.last_modified,
    }
    return Outcome(result, validators)


def _ends_like_a_feed(body: bytes) -> bool:
    """Whether the document ends with the end tag of an RSS, RDF or Atom root
    element (then only comments): it was not cut off on the way."""
    return _FEED_END.search(body[-4096:]) is not None


def _looks_like_html(body: bytes) -> bool:
    head = body[:512].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
