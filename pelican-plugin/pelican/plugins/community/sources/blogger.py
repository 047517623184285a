"""Read the comments of a Blogger export: classic Atom or Google Takeout's feed.atom."""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from xml.etree.ElementTree import Element

from ..dates import to_utc_iso
from ..model import Interaction, InteractionFields, SourceResult
from ..urls import post_slug_guess, public_http_url, safe_http_url
from ._emailkeys import email_keys, signed_email
from ._xml import local_name, text_of
from ._xml_recover import Recovery, iter_records

__all__ = [
    "KIND_PREFIX",
    "KIND_SCHEME",
    "LIVE",
    "read_blogger",
]

KIND_SCHEME = "http://schemas.google.com/g/2005#kind"
KIND_PREFIX = "http://schemas.google.com/blogger/2008/kind#"
#: Takeout's ``<blogger:status>`` of a comment everyone can read.
LIVE = "LIVE"
# "blog-123.post-456" (classic) or "...comment-456": the entry's own number.
_SHORT_ID = re.compile(r"[.:](?:post|comment|page)-([\w\-]+)$")


# Blogger's stand-in address, never a person's.
@dataclass(slots=True)
class _Post:
    url: str
    title: str
    slug: str
    author_url: str
    date: str  #: when it was published (ISO 8601, UTC), or ""


@dataclass(slots=True)
class _Comment:
    record: InteractionFields
    post_id: str
    email: str


def read_blogger(path: Path, source_name: str) -> SourceResult:
    """Read the comments of a Blogger export; posts, pages, settings and the
    template are only used to name the post a comment is on.

    Comments Blogger marks as not live (Takeout's ``blogger:status``), drafts
    and removed content are reported as removed. ``noreply@blogger.com`` and
    other addresses are never kept; a real address only groups comments
    under an opaque ``author_key``.
    """
    posts: dict[str, _Post] = {}
    comments: list[_Comment] = []
    seen: set[str] = set()
    removed: set[str] = set()
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    recovery = Recovery()
    entries = iter_records(
        path,
        {"entry"},
        label="Blogger",
        root="feed",
        record="entry",
        recovery=recovery,
    )
    for entry in entries:
        fields = _children(entry)
        kind = _kind(fields)
        entry_id = _short_id(text_of(_first(fields, "id")))
        if kind in ("post", "page"):
            posts[entry_id] = _read_post(fields)
            continue
        if kind != "comment" or not entry_id:
            continue
        if entry_id in seen:
            skipped["duplicate"] += 1
            warnings.append(f"{path}: comment {entry_id} appears twice; kept the first")
            continue
        seen.add(entry_id)
        gone = _removal_reason(fields)
        if gone:
            skipped[gone] += 1
            removed.add(entry_id)
            continue
        comments.append(_read_comment(entry_id, fields))
    if recovery.broken:
        skipped["malformed"] += recovery.broken
    return SourceResult(
        interactions=tuple(_resolve(comments, posts, source_name)),
        removed=frozenset(removed),
        skipped=dict(sorted(skipped.items())),
        warnings=(*recovery.warnings, *warnings),
    )


def _kind(fields: dict[str, list[Element]]) -> str:
    """``comment``, ``post``, ``page``... from Takeout's ``blogger:type`` or
    the classic kind category."""
    for element in fields.get("type", ()):
        if text_of(element):
            return text_of(element).lower()
    for category in fields.get("category", ()):
        term = category.get("term", "")
        if category.get("scheme") == KIND_SCHEME and term.startswith(KIND_PREFIX):
            return term[len(KIND_PREFIX) :]
    return ""


def _read_post(fields: dict[str, list[Element]]) -> _Post:
    url = _link(fields, "alternate")
    filename = text_of(_first(fields, "filename"))
    author = _children(_first(fields, "author"))
    return _Post(
        url=public_http_url(url),
        title=_clean_text(text_of(_first(fields, "title"))),
        slug=post_slug_guess(filename or url),
        author_url=public_http_url(text_of(_first(author, "uri"))),
        date=to_utc_iso(text_of(_first(fields, "published"))),
    )


def _removal_reason(fields: dict[str, list[Element]]) -> str:
    """Why Blogger says the comment is not public, or ""."""
    status = text_of(_first(fields, "status")).upper()
    if status and status != LIVE:
        return status.lower()
    if text_of(_first(fields, "trashed")):
        return "trash"
    control = _children(_first(fields, "control"))
    if text_of(_first(control, "draft")).lower() == "yes":
        return "draft"
    for prop in fields.get("extendedProperty", ()):
        if prop.get("name") == "blogger.contentRemoved" and prop.get("value") == "true":
            return "deleted"
    return ""


def _read_comment(entry_id: str, fields: dict[str, list[Element]]) -> _Comment:
    author = _children(_first(fields, "author"))
    email = text_of(_first(author, "email")).lower()
    reply_to = _first(fields, "in-reply-to")
    post_id = _short_id(text_of(_first(fields, "parent")))
    if not post_id and reply_to is not None:
        post_id = _short_id(reply_to.get("ref", ""))
    record: InteractionFields = {
        "id": entry_id,
        "kind": "comment",
        "published": to_utc_iso(text_of(_first(fields, "published"))),
        "author_name": _clean_text(text_of(_first(author, "name"))),
        "author_url": public_http_url(text_of(_first(author, "uri"))),
        "author_photo": _photo(author),
        "target_url": public_http_url(reply_to.get("href", ""))
        if reply_to is not None
        else "",
        "url": public_http_url(_link(fields, "alternate")),
        "content": _content(_first(fields, "content")),
        "parent": _parent_comment(fields),
    }
    return _Comment(record, post_id, signed_email(email, record["author_name"]))


def _parent_comment(fields: dict[str, list[Element]]) -> str:
    """Takeout's ``blogger:inReplyTo``, or the classic ``related`` link to
    the comment this one answers."""
    in_reply_to = _short_id(text_of(_first(fields, "inReplyTo")))
    if in_reply_to:
        return in_reply_to
    related = _link(fields, "related", safe=False)
    if "/comments/" in related:
        return related.rstrip("/").rsplit("/", 1)[-1]
    return ""


def _resolve(
    comments: list[_Comment], posts: dict[str, _Post], source_name: str
) -> list[Interaction]:
    """Fill in each comment's post, whether the blog's author wrote it, and
    its opaque email key (the earliest comment with that email names it)."""
    keys = email_keys(
        source_name,
        ((c.email, c.record["published"], c.record["id"]) for c in comments),
    )
    authors = {post.author_url for post in posts.values() if post.author_url}
    interactions = []
    for comment in comments:
        record = comment.record
        post = posts.get(comment.post_id)
        if post is not None:
            record["target_url"] = post.url or record["target_url"]
            record["target_title"] = post.title
            record["target_slug"] = post.slug
            record["target_date"] = post.date
            # The post's number on Blogger: two posts of one title are two.
            if comment.post_id.isascii() and comment.post_id.isdigit():
                record["target_id"] = comment.post_id
        record["author_is_me"] = (
            bool(record["author_url"]) and record["author_url"] in authors
        )
        interactions.append(
            Interaction(
                source=source_name, author_key=keys.get(comment.email, ""), **record
            )
        )
    return interactions


def _children(element: Element | None) -> dict[str, list[Element]]:
    """Local name -> the element's children of that name, in order."""
    fields: dict[str, list[Element]] = {}
    for child in element if element is not None else ():
        fields.setdefault(local_name(child.tag), []).append(child)
    return fields


def _first(fields: dict[str, list[Element]], name: str) -> Element | None:
    found = fields.get(name)
    return found[0] if found else None


def _link(fields: dict[str, list[Element]], rel: str, safe: bool = True) -> str:
    for link in fields.get("link", ()):
        if link.get("rel") == rel:
            href = link.get("href", "").strip()
            return safe_http_url(href) if safe else href
    return ""


def _photo(author: dict[str, list[Element]]) -> str:
    image = _first(author, "image")
    return public_http_url(image.get("src", "")) if image is not None else ""


def _content(element: Element | None) -> str:
    """The comment's HTML; a ``type="text"`` body is escaped into HTML."""
    text = text_of(element)
    if element is not None and element.get("type", "html") == "text":
        return html.escape(text)
    return text


def _short_id(value: str) -> str:
    """``tag:blogger.com,1999:blog-1.post-42`` -> ``42``; other ids as given."""
    value = value.strip()
    match = _SHORT_ID.search(value)
    return match.group(1) if match else value


def _clean_text(value: str) -> str:
    return " ".join(value.split())
