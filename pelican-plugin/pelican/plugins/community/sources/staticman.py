"""Read a folder of Staticman comment files (YAML or JSON, one per comment)."""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from ..dates import to_utc_iso
from ..errors import SourceError
from ..model import InteractionFields, SourceResult
from ..sanitize import mask_private
from ..urls import public_http_url
from . import FIELD_DEFAULTS, REPLY_NUMBERING, STATICMAN_OPTIONS
from ._emailkeys import with_email_keys
from ._files import markdown_to_html, parse_json, parse_yaml, read_text

__all__ = [
    "MAX_COMMENT_BYTES",
    "SUFFIXES",
    "read_staticman",
]

SUFFIXES = frozenset({".yml", ".yaml", ".json"})
#: A comment file larger than this is refused (no comment is this long).
MAX_COMMENT_BYTES = 1024**2


@dataclass(slots=True)
class _Comment:
    record: InteractionFields
    email: str
    slug: str
    parent_ref: str
    parent_index: str


def read_staticman(path: Path, source_name: str, **options: str) -> SourceResult:
    """Read every comment file below ``path``: ``<path>/<post-slug>/<file>``.

    The subfolder names the post (``target_slug``). ``options`` maps the
    option keys of :data:`FIELD_DEFAULTS` to the field names a site uses,
    and ``replying_to_counts`` says what a ``replying_to`` number counts
    (:func:`_link_parents`). Emails (often already hashed by Staticman) are
    never kept: comments that share one get the same opaque ``author_key``.
    """
    if not path.is_dir():
        raise SourceError(f"{path}: a staticman source is a folder of comment files")
    unknown = sorted(set(options) - set(STATICMAN_OPTIONS))
    if unknown:
        raise SourceError(f"{path}: unknown staticman option {unknown[0]!r}")
    numbering = options.get("replying_to_counts", "auto").strip() or "auto"
    if numbering not in REPLY_NUMBERING:
        raise SourceError(
            f"{path}: replying_to_counts must be one of "
            f"{', '.join(REPLY_NUMBERING)}; found {numbering!r}"
        )
    fields = {k: v for k, v in options.items() if k in FIELD_DEFAULTS}
    names = {
        key: [n.strip() for n in fields.get(key, default).split(",") if n.strip()]
        for key, default in FIELD_DEFAULTS.items()
    }
    comments: list[_Comment] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    warnings: list[str] = []
    for file in _comment_files(path):
        comment = _read_comment(file, path, names, warnings)
        if not (comment.record["author_name"] or comment.record["content"]):
            skipped["not-a-comment"] += 1
            warnings.append(
                f"{file}: no name and no message field: not read as a comment"
            )
            continue
        comment_id = comment.record["id"]
        if comment_id in seen:
            skipped["duplicate"] += 1
            warnings.append(f"{file}: comment id {comment_id!r} is used twice; skipped")
            continue
        seen.add(comment_id)
        comments.append(comment)
    if not comments and not skipped:
        warnings.append(f"{path}: no comment files (*.yml, *.yaml, *.json) found")
    _link_parents(comments, numbering)
    return SourceResult(
        interactions=tuple(
            with_email_keys(source_name, ((c.record, c.email) for c in comments))
        ),
        skipped=dict(sorted(skipped.items())),
        warnings=tuple(warnings),
    )


def _comment_files(root: Path) -> list[Path]:
    """Comment files in a stable order (by post folder, then file name);
    hidden files and folders are ignored."""
    return sorted(
        (
            file
            for file in root.rglob("*")
            if file.suffix.lower() in SUFFIXES
            and file.is_file()
            and not any(part.startswith(".") for part in file.relative_to(root).parts)
        ),
        key=lambda file: file.relative_to(root).parts,
    )


def _read_comment(
    file: Path, root: Path, names: dict[str, list[str]], warnings: list[str]
) -> _Comment:
    data = _load(file)
    relative = file.relative_to(root)
    slug = (
        relative.parts[0]
        if len(relative.parts) > 1
        else _field(data, names["slug_field"])
    )
    file_id = "/".join((*relative.parts[:-1], file.stem))
    given_date = _date_value(data, names["date_field"])
    record: InteractionFields = {
        "id": _field(data, names["id_field"]) or file_id,
        "kind": "comment",
        "published": to_utc_iso(given_date),
        "author_name": " ".join(_field(data, names["name_field"]).split()),
        "author_url": public_http_url(_field(data, names["url_field"])),
        "target_slug": slug,
        "content": markdown_to_html(_field(data, names["message_field"])),
    }
    if given_date != "" and not record["published"]:
        # Masked and cut short: a date field may hold anything, even an
        # email address, and warnings reach the build log.
        shown = mask_private(str(given_date))[:40]
        warnings.append(
            f"{file}: the date {shown!r} cannot be used; the comment is kept "
            "without a date"
        )
    return _Comment(
        record=record,
        email=_field(data, names["email_field"]).lower(),
        slug=slug,
        parent_ref=_field(data, names["parent_field"]),
        parent_index=_field(data, names["parent_index_field"]),
    )


class _CommentLoader(yaml.SafeLoader):
    """PyYAML's safe loader, for comment files typed by hand.

    An unquoted ``date: 2020-02-30`` is a timestamp to YAML but no day of
    the calendar: it is read as the text it is (the comment is kept, without
    a date) instead of failing the whole file. An integer too long for
    Python to convert is a YAML error at its line.
    """

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return self.construct_scalar(node)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a number has more than {sys.get_int_max_str_digits()} digits",
                node.start_mark,
            ) from None


_CommentLoader.add_constructor(
    "tag:yaml.org,2002:timestamp", _CommentLoader.construct_yaml_timestamp
)
_CommentLoader.add_constructor(
    "tag:yaml.org,2002:int", _CommentLoader.construct_yaml_int
)


def _load_yaml(text: str) -> object:
    """``yaml.safe_load`` with :class:`_CommentLoader`."""
    loader = _CommentLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _load(file: Path) -> dict[object, object]:
    """The file's mapping of fields; any problem is a :class:`SourceError`
    naming the file (and line)."""
    text = read_text(file, MAX_COMMENT_BYTES, "a comment file")
    if file.suffix.lower() == ".json":
        data = parse_json(text, file)
    else:
        data = parse_yaml(text, file, _load_yaml)
    if not isinstance(data, dict):
        raise SourceError(
            f"{file}: expected the fields of one comment (name: ..., message: ...)"
        )
    return data


def _field(data: dict[object, object], candidates: list[str]) -> str:
    """The first candidate field holding a plain value, as text."""
    for name in candidates:
        value = data.get(name)
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str | int | float):
            text = str(value).strip()
            if text:
                return text
    return ""


def _date_value(data: dict[object, object], candidates: list[str]) -> object:
    """The date as YAML gave it: a datetime, a day, epoch seconds or text."""
    for name in candidates:
        value = data.get(name)
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        if isinstance(value, str) and _digits(value.strip()):
            value = int(value.strip())
        if isinstance(value, int | float) and not isinstance(value, bool):
            # Staticman's {@timestamp} is seconds; some forms send milliseconds.
            # (Past 10**18 it is neither, and too large to divide as a float.)
            return value / 1000 if 10**11 < value < 10**18 else value
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def _link_parents(comments: list[_Comment], numbering: str = "auto") -> None:
    """Resolve replies: a parent's id (``replying_to_uid``), else a
    ``replying_to`` position, 1-based, in the post's comment files in name
    order. Themes count two ways: Minimal Mistakes and the many sites that
    copied its Staticman setup number only the post's top-level comments
    (those with no ``replying_to``); others number every comment. ``auto``
    takes the reading under which fewer replies point at a comment that is
    not earlier than themselves (on a tie: top-level, the common one)."""
    ids = {c.record["id"] for c in comments}
    by_post: dict[str, list[_Comment]] = {}
    for comment in comments:
        by_post.setdefault(comment.slug, []).append(comment)
    numbered: list[_Comment] = []
    for comment in comments:
        for ref in (comment.parent_ref, comment.parent_index):
            if ref in ids and ref != comment.record["id"]:
                comment.record["parent"] = ref
                break
        else:
            if _digits(comment.parent_index):
                numbered.append(comment)
    if not numbered:
        return
    readings = {
        "top-level": {
            slug: [c for c in post if not c.parent_index]
            for slug, post in by_post.items()
        },
        "all": by_post,
    }
    if numbering == "auto":
        misfits = {
            name: sum(1 for c in numbered if not _earlier(c, _nth(c, counted)))
            for name, counted in readings.items()
        }
        numbering = min(readings, key=lambda name: (misfits[name], name != "top-level"))
    for comment in numbered:
        parent = _nth(comment, readings[numbering])
        if parent is not None and parent is not comment:
            comment.record["parent"] = parent.record["id"]


def _nth(comment: _Comment, counted: dict[str, list[_Comment]]) -> _Comment | None:
    """The comment ``replying_to`` names, among the post's ``counted`` ones."""
    siblings = counted.get(comment.slug, [])
    index = int(comment.parent_index)
    return siblings[index - 1] if 1 <= index <= len(siblings) else None


def _earlier(reply: _Comment, parent: _Comment | None) -> bool:
    """Whether ``parent`` can be what ``reply`` answers: another comment,
    not written after it."""
    if parent is None or parent is reply:
        return False
    reply_time, parent_time = reply.record["published"], parent.record["published"]
    if reply_time and parent_time:
        return parent_time <= reply_time
    return True


def _digits(text: str) -> bool:
    """Whether ``text`` is a plain number ``int()`` takes: ASCII digits
    only (not "²"), and not thousands of them."""
    return text.isascii() and text.isdigit() and len(text) <= 20
