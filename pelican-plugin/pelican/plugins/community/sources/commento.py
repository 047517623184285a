"""Read the comments of a Commento JSON export (plain or gzipped)."""

from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..dates import to_utc_iso
from ..emailkeys import email_keys
from ..errors import SourceError
from ..jsonsafe import loads_json
from ..markup import markdown_to_html
from ..model import Interaction, SourceResult
from ..urls import public_http_url

#: Exports larger than this (after unzipping) are refused rather than read.
MAX_EXPORT_BYTES = 256 * 1024**2
_BLOCK = 1 << 20
APPROVED = "approved"
#: Commento's stand-ins for "no parent", "no one" and "no link".
ROOT = "root"
ANONYMOUS = "anonymous"
NO_LINK = frozenset({"", "undefined", "null"})


@dataclass(slots=True)
class _Comment:
    record: dict
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
        if not isinstance(raw, dict) or not _text(raw.get("commentHex")):
            skipped["malformed"] += 1
            warnings.append(f"{path}: comment #{index + 1} has no commentHex; skipped")
            continue
        comment_id = _text(raw["commentHex"])
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


def _load(path: Path) -> dict:
    raw = _read_bytes(path)
    if not raw.strip():
        raise SourceError(f"{path}: the file is empty")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path}: line {line}: not valid UTF-8") from None
    try:
        data = loads_json(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}: line {exc.lineno}: not valid JSON ({exc.msg})"
        ) from None
    except RecursionError:
        raise SourceError(f"{path}: the JSON is nested too deeply") from None
    if not isinstance(data, dict) or not isinstance(data.get("comments"), list):
        raise SourceError(
            f'{path}: not a Commento export (expected {{"comments": [...], '
            '"commenters": [...]}})'
        )
    return data


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, unzipped if Commento's download was kept gzipped.

    Read in blocks: ``read(MAX_EXPORT_BYTES + 1)`` would reserve that much
    memory for any file, and a small gzip bomb stops at the limit."""
    too_large = SourceError(
        f"{path}: larger than the {MAX_EXPORT_BYTES} bytes an export may have"
    )
    if path.stat().st_size > MAX_EXPORT_BYTES:
        raise too_large
    blocks: list[bytes] = []
    total = 0
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle) if head == b"\x1f\x8b" else handle
        try:
            while block := stream.read(_BLOCK):
                total += len(block)
                if total > MAX_EXPORT_BYTES:
                    raise too_large
                blocks.append(block)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(f"{path}: not a readable gzip file ({exc})") from None
    return b"".join(blocks)


def _commenters(raw: object) -> dict[str, dict]:
    """commenterHex -> the commenter's fields (malformed entries ignored)."""
    if not isinstance(raw, list):
        return {}
    return {
        _text(c.get("commenterHex")): c
        for c in raw
        if isinstance(c, dict) and _text(c.get("commenterHex"))
    }


def _removal_reason(raw: dict) -> str:
    if raw.get("deleted") is True:
        return "deleted"
    state = _text(raw.get("state")).lower() or APPROVED
    return "" if state == APPROVED else state


def _read_comment(raw: dict, comment_id: str, commenters: dict[str, dict]) -> _Comment:
    commenter_hex = _text(raw.get("commenterHex"))
    commenter = commenters.get(commenter_hex, {}) if commenter_hex != ANONYMOUS else {}
    link = _text(commenter.get("link"))
    parent = _text(raw.get("parentHex"))
    record = {
        "id": comment_id,
        "kind": "comment",
        "published": to_utc_iso(_text(raw.get("creationDate"))),
        "author_name": " ".join(_text(commenter.get("name")).split())
        or ("Anonymous" if commenter_hex == ANONYMOUS else ""),
        "author_url": "" if link.lower() in NO_LINK else public_http_url(link),
        "author_photo": public_http_url(_text(commenter.get("photo"))),
        "author_is_me": commenter.get("isModerator") is True,
        "target_url": _page_url(_text(raw.get("domain")), raw),
        "content": _text(raw.get("html"))
        or markdown_to_html(_text(raw.get("markdown"))),
        "parent": "" if parent in ("", ROOT) else parent,
    }
    return _Comment(record, _text(commenter.get("email")).lower())


def _page_url(domain: str, raw: dict) -> str:
    """``https://domain/path``: Commento keeps the page as a domain and a
    path (``url`` in some versions, ``path`` in others)."""
    page = _text(raw.get("url")) or _text(raw.get("path"))
    if not domain or "/" in domain or not page.startswith("/") or page.startswith("//"):
        return ""
    return public_http_url(f"https://{domain}{page}")


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""
