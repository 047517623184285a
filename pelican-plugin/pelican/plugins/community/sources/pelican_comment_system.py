"""Read the legacy pelican_comment_system plugin's Markdown comment files."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..dates import to_utc_iso
from ..errors import SourceError
from ..model import InteractionFields, SourceResult
from ..urls import public_http_url
from ..words import counted
from ._emailkeys import with_email_keys
from ._files import markdown_to_html, read_text

__all__ = [
    "MARKDOWN_SUFFIXES",
    "MAX_COMMENT_BYTES",
    "read_pelican_comment_system",
]

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mkd", ".mdown"})
#: A comment file larger than this is refused (no comment is this long).
MAX_COMMENT_BYTES = 1024**2
# Python-Markdown's meta-data syntax, which the plugin's reader used.
_META_LINE = re.compile(r"^(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)$")
_META_MORE = re.compile(r"^(?: {4}|\t)(?P<value>.*)$")


@dataclass(slots=True)
class _Comment:
    record: InteractionFields
    email: str
    reply_to: str


def read_pelican_comment_system(path: Path, source_name: str) -> SourceResult:
    """Read ``<path>/<article-slug>/<id>.md`` files: ``author``, ``date``,
    ``website``, ``email`` and ``replyto`` metadata, then a Markdown body.

    The file name without its extension is the comment's id within its
    article (``slug/id`` here). Files in other formats (reStructuredText)
    are counted and left out. Emails are never kept.
    """
    if not path.is_dir():
        raise SourceError(
            f"{path}: a pelican-comment-system source is the comments folder "
            "(PELICAN_COMMENT_SYSTEM_DIR)"
        )
    comments: list[_Comment] = []
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    for folder in sorted(p for p in path.iterdir() if p.is_dir() and not _hidden(p)):
        files = sorted(p for p in folder.iterdir() if p.is_file() and not _hidden(p))
        aliases = _aliases(f for f in files if f.suffix.lower() in MARKDOWN_SUFFIXES)
        for file in files:
            if file.suffix.lower() not in MARKDOWN_SUFFIXES:
                skipped["not-markdown"] += 1
                continue
            comments.append(_read_comment(file, folder.name, aliases))
    if skipped["not-markdown"]:
        warnings.append(
            f"{path}: left out {counted(skipped['not-markdown'], 'comment file')} "
            "that are not Markdown (only .md files are read)"
        )
    if not comments and not skipped:
        warnings.append(f"{path}: no comment files (<article-slug>/<id>.md) found")
    return SourceResult(
        interactions=tuple(
            with_email_keys(source_name, ((c.record, c.email) for c in comments))
        ),
        skipped=dict(sorted(skipped.items())),
        warnings=tuple(warnings),
    )


def _read_comment(file: Path, slug: str, aliases: dict[str, str]) -> _Comment:
    meta, body = _split(read_text(file, MAX_COMMENT_BYTES, "a comment file"), file)
    reply_to = meta.get("replyto", "")
    parent = aliases.get(reply_to) or aliases.get(reply_to.lower()) or reply_to
    record: InteractionFields = {
        "id": f"{slug}/{file.stem}",
        "kind": "comment",
        "published": to_utc_iso(meta.get("date", "")),
        "author_name": " ".join(meta.get("author", "").split()),
        "author_url": public_http_url(meta.get("website", "") or meta.get("url", "")),
        "target_slug": slug,
        "content": markdown_to_html(body),
        "parent": f"{slug}/{parent}" if parent else "",
    }
    return _Comment(record, meta.get("email", "").lower(), reply_to)


def _aliases(files: Iterable[Path]) -> dict[str, str]:
    """Every way a ``replyto`` names a sibling: ``7``, ``7.md`` or the
    dot-less ``7md`` older versions of the plugin wrote."""
    aliases: dict[str, str] = {}
    for file in files:
        for alias in (file.name, file.name.replace(".", ""), file.stem):
            aliases.setdefault(alias, file.stem)
            aliases.setdefault(alias.lower(), file.stem)
    return aliases


def _split(text: str, file: Path) -> tuple[dict[str, str], str]:
    """Metadata lines (keys lower-cased, continued by indented lines) and the
    body after them."""
    lines = text.replace("\r\n", "\n").split("\n")
    meta: dict[str, str] = {}
    key = ""
    body_start = len(lines)
    for index, line in enumerate(lines):
        more = _META_MORE.match(line)
        match = _META_LINE.match(line)
        if key and more and line.strip():
            meta[key] = f"{meta[key]} {more.group('value').strip()}".strip()
        elif match is not None:
            key = match.group("key").lower()
            meta[key] = match.group("value").strip()
        else:
            body_start = index
            break
    if not {"author", "date"} & meta.keys():
        raise SourceError(
            f"{file}: line 1: no 'author:' or 'date:' metadata: not a comment file"
        )
    return meta, "\n".join(lines[body_start:])


def _hidden(path: Path) -> bool:
    return path.name.startswith(".")
