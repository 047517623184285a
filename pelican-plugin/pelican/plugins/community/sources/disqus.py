"""Read the comments of a Disqus XML export (threads and posts)."""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element

from ..dates import to_utc_iso
from ..model import Interaction, InteractionFields, SourceResult
from ..urls import public_http_url
from ..words import counted
from ._emailkeys import email_keys, signed_email
from ._xml import local_name, text_of
from ._xml_recover import Recovery, iter_records

__all__ = [
    "PROFILE_URL",
    "read_disqus",
]

#: Disqus's public profile page of a registered user.
PROFILE_URL = "https://disqus.com/by/{username}/"
# Usernames that are hex digests (some exports carry an email hash there) or
# hold anything a profile URL cannot: never an identity.
_HASH_LIKE = re.compile(r"^[0-9a-f]{32,}$", re.I)
_USERNAME = re.compile(r"^[A-Za-z0-9_\-]{1,64}$")
_TRUE = frozenset({"true", "1"})


@dataclass(slots=True)
class _Thread:
    url: str
    title: str
    #: when Disqus first saw the page: near its publication, for matching
    date: str


@dataclass(slots=True)
class _Post:
    """A kept post before its thread and email are resolved."""

    record: InteractionFields
    thread_id: str
    email: str
    extra: dict[str, str] = field(default_factory=dict)


def read_disqus(path: Path, source_name: str) -> SourceResult:
    """Read every post of a Disqus export as a comment on its thread's page.

    Deleted and spam posts are reported as removed. A post whose thread is
    missing from the export is kept without a target. Threads may come before
    or after their posts. Emails and IP addresses are never kept: posts that
    share an email get the same opaque ``author_key``.
    """
    threads: dict[str, _Thread] = {}
    posts: list[_Post] = []
    seen: set[str] = set()
    removed: set[str] = set()
    skipped: Counter[str] = Counter()
    recovery = Recovery()
    warnings: list[str] = []
    thread_ref = ""
    elements = iter_records(
        path,
        {"post", "thread"},
        label="Disqus",
        root="disqus",
        record="post",
        recovery=recovery,
    )
    for element in elements:
        if local_name(element.tag) == "thread":
            if len(element):
                threads[_dsq_id(element)] = _read_thread(element)
            else:
                # A post's own <thread dsq:id/> ends before the post and is
                # cleared once read: remember it for that post.
                thread_ref = _dsq_id(element)
            continue
        post_id, post = _read_post(element, thread_ref)
        thread_ref = ""
        if post_id in seen:
            skipped["duplicate"] += 1
            warnings.append(f"{path}: post {post_id} appears twice; kept the first")
            continue
        seen.add(post_id)
        if post is None:
            reason = "spam" if _flag(element, "isSpam") else "deleted"
            skipped[reason] += 1
            removed.add(post_id)
            continue
        posts.append(post)
    if recovery.broken:
        skipped["malformed"] += recovery.broken
    orphans = _attach_threads(posts, threads)
    if orphans:
        warnings.append(
            f"{path}: {counted(orphans, 'post')} "
            f"{'belongs' if orphans == 1 else 'belong'} to no thread in the export; "
            "kept without a post to match"
        )
    return SourceResult(
        interactions=tuple(_with_author_keys(posts, source_name)),
        removed=frozenset(removed),
        skipped=dict(sorted(skipped.items())),
        warnings=(*recovery.warnings, *warnings),
    )


def _read_thread(element: Element) -> _Thread:
    fields = _children_by_name(element)
    return _Thread(
        url=public_http_url(text_of(fields.get("link"))),
        title=_clean_text(text_of(fields.get("title"))),
        date=to_utc_iso(text_of(fields.get("createdAt"))),
    )


def _read_post(element: Element, thread_ref: str) -> tuple[str, _Post | None]:
    """The post's id, and the post unless Disqus flags it deleted or spam."""
    fields = _children_by_name(element)
    post_id = _post_id(element, fields)
    if _flag(element, "isDeleted") or _flag(element, "isSpam"):
        return post_id, None
    author = _children_by_name(fields["author"]) if "author" in fields else {}
    anonymous = text_of(author.get("isAnonymous")).lower() in _TRUE
    username = "" if anonymous else _username(text_of(author.get("username")))
    thread = fields.get("thread")
    parent = fields.get("parent")
    record: InteractionFields = {
        "id": post_id,
        "kind": "comment",
        "published": to_utc_iso(text_of(fields.get("createdAt"))),
        "author_name": _clean_text(text_of(author.get("name"))),
        "author_url": PROFILE_URL.format(username=username) if username else "",
        "content": text_of(fields.get("message")),
        "parent": _dsq_id(parent) if parent is not None else "",
    }
    extra = {"disqus:username": username} if username else {}
    thread_id = (_dsq_id(thread) if thread is not None else "") or thread_ref
    return post_id, _Post(
        record,
        thread_id,
        signed_email(text_of(author.get("email")), record["author_name"]),
        extra,
    )


def _attach_threads(posts: list[_Post], threads: dict[str, _Thread]) -> int:
    """Give each post its thread's URL and title; return how many have none."""
    orphans = 0
    for post in posts:
        thread = threads.get(post.thread_id) if post.thread_id else None
        if thread is None:
            orphans += 1
            continue
        post.record["target_url"] = thread.url
        post.record["target_title"] = thread.title
        post.record["target_date"] = thread.date
    return orphans


def _with_author_keys(posts: list[_Post], source_name: str) -> list[Interaction]:
    keys = email_keys(
        source_name, ((p.email, p.record["published"], p.record["id"]) for p in posts)
    )
    return [
        Interaction(
            source=source_name,
            author_key=keys.get(post.email, ""),
            extra=post.extra,
            **post.record,
        )
        for post in posts
    ]


def _post_id(element: Element, fields: dict[str, Element]) -> str:
    """``dsq:id``; else the post's own ``<id>``; else a digest of what the
    post says (stable across reads of the same export)."""
    dsq_id = _dsq_id(element)
    if dsq_id:
        return dsq_id
    own_id = text_of(fields.get("id"))
    if own_id:
        return f"id-{own_id}"
    author = _children_by_name(fields["author"]) if "author" in fields else {}
    facts = "\0".join(
        (
            text_of(fields.get("createdAt")),
            text_of(author.get("name")),
            text_of(fields.get("message")),
        )
    )
    return (
        "sha1-" + hashlib.sha1(facts.encode(), usedforsecurity=False).hexdigest()[:16]
    )


def _dsq_id(element: Element) -> str:
    """The ``dsq:id`` attribute, whatever the prefix is bound to."""
    for name, value in element.attrib.items():
        if local_name(name) == "id":
            return value.strip()
    return ""


def _flag(element: Element, name: str) -> bool:
    for child in element:
        if local_name(child.tag) == name:
            return text_of(child).lower() in _TRUE
    return False


def _username(value: str) -> str:
    if not _USERNAME.match(value) or _HASH_LIKE.match(value):
        return ""
    return value


def _children_by_name(element: Element) -> dict[str, Element]:
    fields: dict[str, Element] = {}
    for child in element:
        fields.setdefault(local_name(child.tag), child)
    return fields


def _clean_text(value: str) -> str:
    """Collapse whitespace; titles and names are plain text."""
    return " ".join(html.unescape(value).split())
