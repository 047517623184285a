"""Read approved comments from a WordPress export (WXR 1.0, 1.1 or 1.2)."""

from __future__ import annotations

import html
import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from xml.etree.ElementTree import Element

from ..dates import to_utc_iso
from ..memo import remembered
from ..model import Interaction, InteractionFields, SourceResult
from ..names import is_placeholder_email
from ..storage import paused_gc
from ..urls import public_http_url
from ..words import counted
from ._emailkeys import signed_email
from ._xml import local_name, text_of
from ._xml_recover import Recovery, iter_records

__all__ = [
    "COMMENT_TYPES",
    "NOT_PEOPLE_TYPES",
    "POST_TYPES",
    "REMOVED_STATUSES",
    "read_wxr",
]

logger = logging.getLogger(__name__)

#: Items whose comments are conversation; attachments and menu items are not.
#: Hand-trimmed exports may omit ``wp:post_type``: such an item is a post.
POST_TYPES = frozenset({"post", "page", ""})
#: ``wp:comment_type`` values that are comments ("" before WordPress 5.5).
COMMENT_TYPES = frozenset({"", "comment"})
#: Comment types left out by name: they are not people talking.
NOT_PEOPLE_TYPES = frozenset({"pingback", "trackback", "note"})
#: ``wp:comment_approved`` values the source reports as gone, and their reason.
REMOVED_STATUSES = {
    "0": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}


@dataclass(slots=True)
class _Post:
    """The facts of one ``<item>`` every comment on it shares."""

    id: str
    url: str
    slug: str
    title: str
    date: str  #: when it was published (ISO 8601, UTC), or ""
    number: str  #: its ``wp:post_id`` (or the ``?p=`` of its guid), or ""


#: The blog's authors: ``wp:author``, or ``wp:wp_author`` (old WordPress.com).
_AUTHOR_TAGS = frozenset({"author", "wp_author"})


class _ExportReader:
    """The state of one pass over an export: the blog's own authors (the
    ``wp:author`` elements come before the items; ``wp:wp_author`` in
    WordPress.com's exports of 2013 and before) and what each comment
    became."""

    def __init__(self) -> None:
        self.author_ids: set[str] = set()
        self.author_emails: set[str] = set()
        #: kept comments, as (email, record), before emails become keys
        self.kept: list[tuple[str, InteractionFields]] = []
        #: email -> ((comment number, post number), id) of its earliest comment
        self.first_by_email: dict[str, tuple[tuple[int, int], str]] = {}
        self.removed: set[str] = set()
        self.skipped: Counter[str] = Counter()
        self.seen: set[str] = set()

    def add_author(self, element: Element) -> None:
        fields = _children_by_name(element)
        author_id = text_of(fields.get("author_id"))
        if author_id and author_id != "0":
            self.author_ids.add(author_id)
        email = _email(fields.get("author_email"))
        if email:
            self.author_emails.add(email)

    def read_item(self, item: Element, ordinal: int) -> None:
        fields: dict[str, Element] = {}
        comments: list[Element] = []
        for child in item:
            name = _tag_name(child.tag)
            if name == "comment":
                comments.append(child)
            else:
                fields.setdefault(name, child)
        if not comments:
            return
        if text_of(fields.get("post_type")) not in POST_TYPES:
            self.skipped["not-a-post"] += len(comments)
            return
        post = _post_of(fields, ordinal)
        for comment in comments:
            self.read_comment(comment, post)

    def read_comment(self, comment: Element, post: _Post) -> None:
        # Texts, not elements: a large export has a hundred thousand comments
        # of a dozen fields each, and this is the loop they all go through.
        fields = _child_texts(comment)
        number = fields.get("comment_id", "")
        comment_id = f"{post.id}-{number}"
        if comment_id in self.seen:
            # Two items can share a post id in hand-edited exports.
            self.skipped["duplicate"] += 1
            return
        self.seen.add(comment_id)
        comment_type = fields.get("comment_type", "")
        if comment_type in NOT_PEOPLE_TYPES:
            self.skipped[comment_type] += 1
            return
        if comment_type not in COMMENT_TYPES:
            self.skipped["other-type"] += 1
            return
        status = fields.get("comment_approved", "")
        if status != "1":
            self.skipped[REMOVED_STATUSES.get(status, "unapproved")] += 1
            self.removed.add(comment_id)
            return
        email = fields.get("comment_author_email", "").lower()
        parent = fields.get("comment_parent", "")
        record: InteractionFields = {
            "id": comment_id,
            "kind": "comment",
            "published": _gmt_iso(fields.get("comment_date_gmt", ""))
            or to_utc_iso(fields.get("comment_date", "")),
            "author_name": _clean_author(fields.get("comment_author", "")),
            "author_url": public_http_url(fields.get("comment_author_url", "")),
            "author_is_me": self.is_me(fields.get("comment_user_id", ""), email),
            "target_url": post.url,
            "target_slug": post.slug,
            "target_title": post.title,
            "target_date": post.date,
            "target_id": post.number,
            # The comment's permalink on the old blog: how a comment feed of
            # the same blog names it, so the two count it once (dedup.py).
            "url": f"{post.url}#comment-{number}"
            if post.url and number.isascii() and number.isdigit()
            else "",
            "content": fields.get("comment_content", ""),
            "parent": f"{post.id}-{parent}" if parent and parent != "0" else "",
        }
        # Keys stand for an email under one signed name (_emailkeys).
        email = signed_email(email, str(record["author_name"]))
        self.kept.append((email, record))
        if email:
            order = (_as_number(number), _as_number(post.id))
            first = self.first_by_email.get(email)
            if first is None or order < first[0]:
                self.first_by_email[email] = (order, comment_id)

    def is_me(self, user_id: str, email: str) -> bool:
        """A comment by the blog's author: a logged-in user listed among the
        export's authors, or one of their email addresses (WordPress.com
        exports list authors without ids)."""
        if user_id and user_id != "0" and user_id in self.author_ids:
            return True
        return email in self.author_emails and not is_placeholder_email(email)


def read_wxr(path: Path, source_name: str) -> SourceResult:
    """Read the approved comments of every post and page in a WXR export.

    Pingbacks, trackbacks and notes are left out; pending, spam and trashed
    comments are reported as removed. No email or IP address is kept: comments
    sharing an email get the same opaque ``author_key`` instead.
    """
    reader = _ExportReader()
    recovery = Recovery()
    elements = iter_records(
        path,
        {"item", *_AUTHOR_TAGS},
        label="WordPress",
        root="rss",
        record="item",
        wrapper="channel",
        recovery=recovery,
    )
    # A large export makes a hundred thousand records that are never garbage.
    with paused_gc():
        for ordinal, element in enumerate(elements):
            if local_name(element.tag) not in _AUTHOR_TAGS:
                reader.read_item(element, ordinal)
            elif _is_wordpress_tag(element.tag):
                reader.add_author(element)
        interactions = _assign_author_keys(reader, source_name)
    logger.debug("%s: %s kept", path, counted(len(interactions), "comment"))
    if recovery.broken:
        reader.skipped["malformed"] += recovery.broken
    return SourceResult(
        interactions=tuple(interactions),
        removed=frozenset(reader.removed),
        skipped=dict(sorted(reader.skipped.items())),
        warnings=tuple(recovery.warnings),
    )


def _assign_author_keys(reader: _ExportReader, source_name: str) -> list[Interaction]:
    """Turn emails into ``source:email:ID`` keys, ID being the id of the
    earliest comment (by comment number, then post number; the first in the
    file on a tie) with that email.

    The key is stable while that first comment stays, and unlike a hash it
    says nothing about the address.
    """
    keys = {
        email: f"{source_name}:email:{comment_id}"
        for email, (_order, comment_id) in reader.first_by_email.items()
    }
    return [
        Interaction(source=source_name, author_key=keys.get(email, ""), **record)
        for email, record in reader.kept
    ]


def _post_of(fields: dict[str, Element], ordinal: int) -> _Post:
    url = public_http_url(text_of(fields.get("link")))
    number = (
        text_of(fields.get("post_id"))
        or _query_post_id(text_of(fields.get("guid")))
        or _query_post_id(url)
    )
    return _Post(
        id=number or f"item{ordinal}",
        url=url,
        slug=text_of(fields.get("post_name")),
        title=_clean_name(text_of(fields.get("title"))),
        # The export's own words for "published": GMT first (drafts say
        # 0000-00-00, which reads as no date), then the item's pubDate.
        date=_gmt_iso(text_of(fields.get("post_date_gmt")))
        or to_utc_iso(text_of(fields.get("pubDate"))),
        number=number if number.isascii() and number.isdigit() else "",
    )


def _query_post_id(url: str) -> str:
    """``https://blog.example/?p=42`` -> ``42`` (a post's id in its guid)."""
    try:
        values = parse_qs(urlsplit(url).query).get("p", [""])
    except ValueError:
        return ""
    return values[0] if values[0].isdigit() else ""


def _child_texts(element: Element) -> dict[str, str]:
    """One pass over the children: local name -> stripped text of the first
    child of that name (as :func:`text_of` gives it)."""
    names = _TAG_NAMES
    try:  # every tag seen before: the usual case, at C speed
        return {
            names[child.tag]: child.text.strip() if child.text else ""
            for child in reversed(element)
        }
    except KeyError:
        pass
    texts = {}
    for child in reversed(element):
        tag = child.tag
        name = names.get(tag)
        if name is None:
            name = local_name(tag)
            if len(names) < 1024:  # a hostile file may invent endless tags
                names[tag] = name
        text = child.text
        texts[name] = text.strip() if text else ""
    return texts


def _gmt_iso(value: str) -> str:
    """:func:`to_utc_iso` of a WordPress GMT date, with a shortcut for the
    usual ``YYYY-MM-DD HH:MM:SS`` (same result, a third of the time)."""
    if len(value) == 19 and value[10] == " ":
        try:
            when = datetime.fromisoformat(value)
        except ValueError:
            return to_utc_iso(value)
        if when.tzinfo is None and 1990 <= when.year <= 2200:
            return when.isoformat() + "+00:00"
    return to_utc_iso(value)


def _children_by_name(element: Element) -> dict[str, Element]:
    """One pass over the children: local name -> first child of that name."""
    return {_tag_name(child.tag): child for child in reversed(element)}


# A WXR file has a few dozen distinct tags: each is read apart once per
# process (the export format's names, nobody's data).
_tag_name = lru_cache(maxsize=512)(local_name)
_TAG_NAMES: dict[str, str] = {}


def _is_wordpress_tag(tag: str) -> bool:
    # Any export version and scheme: {http(s)://wordpress.org/export/1.x/}author
    return "wordpress.org/export/" in tag


def _email(element: Element | None) -> str:
    """The address as a comparison key only; it never leaves this module."""
    return text_of(element).lower()


def _clean_name(value: str) -> str:
    """Decode HTML entities once (WordPress stores ``&amp;``) and collapse
    whitespace; a name escaped twice keeps its second layer."""
    return " ".join(html.unescape(value).split())


# Regulars sign hundreds of comments with the same name: cleaned once per
# read (in the read's memo, memo.py).
_clean_author = remembered()(_clean_name)


def _as_number(value: str) -> int:
    # isdigit() alone lets "²" and thousands of digits through to int().
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 20 else 0
