"""Read the comments of a Commento JSON export (plain or gzipped)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from ..dates import to_utc_iso
from ..errors import SourceError
from ..model import Interaction, InteractionFields, SourceResult
from ..urls import public_http_url
from ._emailkeys import email_keys, signed_email
from ._files import (
    JSONObject,
    markdown_to_html,
    parse_json,
    read_text,
    string_text,
)

__all__ = [
    "ANONYMOUS",
    "APPROVED",
    "MAX_EXPORT_BYTES",
    "NO_LINK",
    "ROOT",
    "read_commento",
]

#: Exports larger than this (after unzipping) are refused rather than read.
MAX_EXPORT_BYTES = 256 * 1024**2
APPROVED = "approved"
#: Commento's stand-ins for "no parent", "no one" and "no link".
ROOT = "root"
ANONYMOUS = "anonymous"
NO_LINK = frozenset({"", "undefined", "null"})


@dataclass(slots=True)
class _Comment:
    record: InteractionFields
    email: str


def read_commento(path: Path, source_name: str) -> SourceResult:
    """Read the approved comments of a Commento export.

    Deleted comments and those in any other state (unapproved, flagged) are
    reported as removed. A commenter's email is never kept: it only groups
    their comments under an opaque ``author_key``; a moderator's comments
    are the blog author's.
    """
    data = _load(path)
    commenters = _commenters(data.get("commenters"))
    comments: list[_Comment] = []
    seen: set[str] = set()
    removed: set[str] = set()
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    for index, raw in enumerate(data["comments"]):
        if not isinstance(raw, dict) or not string_text(raw.get("commentHex")):
            skipped["malformed"] += 1
            warnings.append(f"{path}: comment #{index + 1} has no commentHex; skipped")
            continue
        comment_id = string_text(raw["commentHex"])
        if comment_id in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(comment_id)
        gone = _removal_reason(raw)
        if gone:
            skipped[gone] += 1
            removed.add(comment_id)
            continue
        comments.append(_read_comment(raw, comment_id, commenters))
    keys = email_keys(
        source_name,
        ((c.email, c.record["published"], c.record["id"]) for c in comments),
    )
    interactions = tuple(
        Interaction(source=source_name, author_key=keys.get(c.email, ""), **c.record)
        for c in comments
    )
    return SourceResult(
        interactions=interactions,
        removed=frozenset(removed),
        skipped=dict(sorted(skipped.items())),
        warnings=tuple(warnings),
    )


class _Export(TypedDict):
    """What the reader reads of a Commento export."""

    comments: list[object]
    commenters: object


def _load(path: Path) -> _Export:
    text = read_text(path, MAX_EXPORT_BYTES, "an export", gunzip=True)
    data = parse_json(text, path)
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise SourceError(
            f'{path}: not a Commento export (expected {{"comments": [...], '
            '"commenters": [...]}})'
        )
    return {"comments": data["comments"], "commenters": data.get("commenters")}


def _commenters(raw: object) -> dict[str, JSONObject]:
    """commenterHex -> the commenter's fields (malformed entries ignored)."""
    if not isinstance(raw, list):
        return {}
    return {
        string_text(c.get("commenterHex")): c
        for c in raw
        if isinstance(c, dict) and string_text(c.get("commenterHex"))
    }


def _removal_reason(raw: JSONObject) -> str:
    if raw.get("deleted") is True:
        return "deleted"
    state = string_text(raw.get("state")).lower() or APPROVED
    return "" if state == APPROVED else state


def _read_comment(
    raw: JSONObject, comment_id: str, commenters: dict[str, JSONObject]
) -> _Comment:
    commenter_hex = string_text(raw.get("commenterHex"))
    commenter = commenters.get(commenter_hex, {}) if commenter_hex != ANONYMOUS else {}
    link = string_text(commenter.get("link"))
    parent = string_text(raw.get("parentHex"))
    record: InteractionFields = {
        "id": comment_id,
        "kind": "comment",
        "published": to_utc_iso(string_text(raw.get("creationDate"))),
        "author_name": " ".join(string_text(commenter.get("name")).split())
        or ("Anonymous" if commenter_hex == ANONYMOUS else ""),
        "author_url": "" if link.lower() in NO_LINK else public_http_url(link),
        "author_photo": public_http_url(string_text(commenter.get("photo"))),
        "author_is_me": commenter.get("isModerator") is True,
        "target_url": _page_url(string_text(raw.get("domain")), raw),
        "content": string_text(raw.get("html"))
        or markdown_to_html(string_text(raw.get("markdown"))),
        "parent": "" if parent in ("", ROOT) else parent,
    }
    return _Comment(
        record,
        signed_email(string_text(commenter.get("email")), str(record["author_name"])),
    )


def _page_url(domain: str, raw: JSONObject) -> str:
    """``https://domain/path``: Commento keeps the page as a domain and a
    path (``url`` in some versions, ``path`` in others)."""
    page = string_text(raw.get("url")) or string_text(raw.get("path"))
    if not domain or "/" in domain or not page.startswith("/") or page.startswith("//"):
        return ""
    return public_http_url(f"https://{domain}{page}")
