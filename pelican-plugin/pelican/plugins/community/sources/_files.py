"""Reading files written by strangers: each fault is one :class:`SourceError`
naming the file (and line), and each kind of value has one meaning of text.

Shared by every local reader so that a file too large, empty, not UTF-8, or
not valid JSON or YAML reads the same whichever format it claimed to be.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import IO

from ..errors import SourceError

__all__ = [
    "JSONObject",
    "as_list",
    "as_object",
    "counted",
    "decode_text",
    "loads_json",
    "markdown_to_html",
    "parse_json",
    "parse_yaml",
    "read_bounded",
    "read_text",
    "scalar_text",
    "string_text",
    "watching_reads",
]

#: A JSON object as a stranger's file has it: text keys, values of any JSON
#: type, each checked where it is read.
JSONObject = dict[str, object]

_BLOCK = 1 << 20

#: Told how many bytes of an export were just read, while someone watches
#: (a progress bar on a terminal); None the rest of the time.
_READ_METER: ContextVar[Callable[[int], None] | None] = ContextVar(
    "read_meter", default=None
)


@contextmanager
def watching_reads(note: Callable[[int], None]) -> Iterator[None]:
    """Call ``note(n)`` as the readers read ``n`` bytes of the file (whole
    files, or the blocks of one streamed), within the ``with`` block."""
    token = _READ_METER.set(note)
    try:
        yield
    finally:
        _READ_METER.reset(token)


def counted(handle: IO[bytes]) -> IO[bytes]:
    """``handle``, telling the watcher (if any) what each read returns."""
    note = _READ_METER.get()
    return handle if note is None else _CountedReads(handle, note)  # type: ignore[return-value]


class _CountedReads:
    """A binary file whose reads are counted (for a streaming parser)."""

    def __init__(self, handle: IO[bytes], note: Callable[[int], None]) -> None:
        self._handle = handle
        self._note = note

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        self._note(len(data))
        return data


def _note(count: int) -> None:
    note = _READ_METER.get()
    if note is not None:
        note(count)


def read_bounded(path: Path, limit: int, what: str, *, gunzip: bool = False) -> bytes:
    """The bytes of ``path``, refused past ``limit`` bytes ("larger than the
    N bytes ``what`` may have"). With ``gunzip``, a gzipped file is unpacked
    on the way, and the limit holds for what it unpacks to.

    Read in blocks: ``read(limit + 1)`` would reserve that much memory for
    any file, and a small gzip bomb stops at the limit."""
    size = path.stat().st_size
    if size > limit:
        raise SourceError(
            f"{path}: {size} bytes is larger than the {limit} bytes {what} may have"
        )
    if not gunzip:
        data = path.read_bytes()
        _note(len(data))
        return data
    blocks: list[bytes] = []
    total = 0
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        stream = gzip.GzipFile(fileobj=handle) if head == b"\x1f\x8b" else handle
        try:
            while block := stream.read(_BLOCK):
                total += len(block)
                if total > limit:
                    raise SourceError(
                        f"{path}: unpacks to more than the {limit} bytes "
                        f"{what} may have"
                    )
                blocks.append(block)
        except (OSError, EOFError, zlib.error) as exc:
            raise SourceError(f"{path}: not a readable gzip file ({exc})") from None
    _note(size)  # the file's own bytes, read in full
    return b"".join(blocks)


def decode_text(raw: bytes, path: Path) -> str:
    """UTF-8 text (a byte order mark dropped) of a file that must not be empty."""
    if not raw.strip():
        raise SourceError(f"{path}: the file is empty")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(f"{path}: line {line}: not valid UTF-8") from None


def read_text(path: Path, limit: int, what: str, *, gunzip: bool = False) -> str:
    """:func:`read_bounded`, then :func:`decode_text`."""
    return decode_text(read_bounded(path, limit, what, gunzip=gunzip), path)


def loads_json(text: str) -> object:
    """``json.loads``, except that an integer too long for Python to convert
    (more than ``sys.get_int_max_str_digits()`` digits, 4300 by default) is
    a :class:`json.JSONDecodeError` at its place, like any other fault of
    the file, rather than a bare ``ValueError`` with no position.

    (A ``parse_int`` hook would find it too, at the price of a Python call
    for every number of every file.)
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        raise
    except ValueError:
        limit = sys.get_int_max_str_digits()
        found = re.search(f"[0-9]{{{limit + 1},}}", text)
        raise json.JSONDecodeError(
            f"a number has more than {limit} digits",
            text,
            found.start() if found else 0,
        ) from None


def parse_json(text: str, path: Path) -> object:
    """The JSON value of a file's text; faults name the line and column."""
    try:
        return loads_json(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path}: line {exc.lineno}: not valid JSON "
            f"({exc.msg} at column {exc.colno})"
        ) from None
    except RecursionError:
        raise SourceError(f"{path}: the JSON is nested too deeply") from None


def parse_yaml(text: str, path: Path, load: Callable[[str], object]) -> object:
    """The YAML value ``load`` makes of a file's text; faults name the line.
    (PyYAML is imported by the reader that needs it, never by this module.)"""
    import yaml

    try:
        return load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise SourceError(f"{path}: {where}not valid YAML ({problem})") from None
    except RecursionError:
        raise SourceError(f"{path}: the YAML is nested too deeply") from None


def string_text(value: object) -> str:
    """A string, stripped; anything else is no text."""
    return value.strip() if isinstance(value, str) else ""


def scalar_text(value: object) -> str:
    """A JSON scalar as stripped text (numbers too); null, booleans, objects
    and lists are not text."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, str | int | float):
        return str(value).strip()
    return ""


def as_object(value: object) -> JSONObject:
    """A JSON object, or an empty one for anything else."""
    return value if isinstance(value, dict) else {}


def as_list(value: object) -> list[object]:
    """A JSON array, or an empty one for anything else."""
    return value if isinstance(value, list) else []


def markdown_to_html(text: str) -> str:
    """Render a comment's Markdown body as HTML. The result is as untrusted
    as the input: it is sanitized on render like every other comment."""
    import markdown  # loaded on the first Markdown comment: warm builds read none

    text = text.replace("\r\n", "\n").strip()
    if not text:
        return ""
    return markdown.markdown(text, output_format="html")
