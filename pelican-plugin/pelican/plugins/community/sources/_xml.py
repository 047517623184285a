"""Hardened XML reading for exports written by strangers.

Entity declarations and external entities are refused (billion laughs,
``file:///etc/passwd``), parsing streams so memory stays bounded, and a
stray byte before the XML declaration is skipped with a warning.

Entities can only be declared in a DOCTYPE. A document whose prolog has none
(every real export) goes to the standard library's C parser, which then
cannot meet a declaration; a document with a DOCTYPE goes through defusedxml,
which refuses entity declarations. Both are streamed.
"""

from __future__ import annotations

import codecs
import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.etree.ElementTree import iterparse as fast_iterparse
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as defused_iterparse

from ..errors import SourceError
from ..words import counted as counted_words
from ._files import counted

__all__ = [
    "MAX_XML_BYTES",
    "check_utf8",
    "first_line_not_utf8",
    "iter_elements",
    "local_name",
    "parsed_elements",
    "prolog_is_plain",
    "text_of",
    "unreadable_encoding",
]

logger = logging.getLogger(__name__)

#: Larger exports are refused with a clear error rather than read.
MAX_XML_BYTES = 2 * 1024**3
_HEAD = 4096
_INVALID_TOKEN = expat_errors.codes[expat_errors.XML_ERROR_INVALID_TOKEN]
_DECLARED_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")


def local_name(tag: str) -> str:
    """``{http://wordpress.org/export/1.2/}comment`` -> ``comment``."""
    return tag.rsplit("}", 1)[-1]


def iter_elements(path: Path, names: set[str]) -> Iterator[Element]:
    """Yield each complete element whose local name is in ``names``.

    The element is cleared after the caller is done with it, so a file of any
    size is read in bounded memory. Errors name the file and the line.
    """
    size = path.stat().st_size
    if size > MAX_XML_BYTES:
        raise SourceError(
            f"{path}: {size} bytes is larger than the {MAX_XML_BYTES} bytes "
            "an export may have"
        )
    with path.open("rb") as handle:
        head = handle.read(_HEAD)
        start = _junk_before_xml(path, head)
        handle.seek(start)
        stream = counted(handle)
        if prolog_is_plain(head[start:]):
            parse = fast_iterparse(stream, events=("end",))
        else:
            parse = defused_iterparse(stream, events=("end",), forbid_dtd=False)
        yield from parsed_elements(
            path, parse, names, lambda: head[start:], utf8_head=head
        )


def parsed_elements(
    path: Path,
    parse: Iterator[tuple[str, Element]],
    names: set[str],
    head: Callable[[], bytes],
    *,
    skip: int = 0,
    utf8_head: bytes = b"",
) -> Iterator[Element]:
    """The elements of ``parse`` (an ``iterparse`` of ``path``) whose local
    name is in ``names``, past the first ``skip`` of them, each cleared once
    the caller is done with it; its errors as one line naming the file.
    ``head()`` is the start of the document as parsed (for an encoding it
    declares); with ``utf8_head``, a byte that is not UTF-8 is said so."""
    wanted: dict[str, bool] = {}
    try:
        for _event, element in parse:
            tag = element.tag
            hit = wanted.get(tag)
            if hit is None:
                hit = wanted[tag] = local_name(tag) in names
            if hit:
                if skip:
                    skip -= 1
                else:
                    yield element
                element.clear()
    except ParseError as exc:
        if utf8_head and exc.code == _INVALID_TOKEN:
            # A Latin-1 or Windows-1252 export saved as UTF-8: say so.
            check_utf8(path, utf8_head)
        raise SourceError(f"{path}: not well-formed XML ({exc})") from None
    except DefusedXmlException as exc:
        raise SourceError(
            f"{path}: refused: the XML declares entities ({exc.__class__.__name__})"
        ) from None
    except (LookupError, ValueError) as exc:
        raise unreadable_encoding(path, head(), exc) from None


def unreadable_encoding(path: Path, head: bytes, exc: Exception) -> SourceError:
    """The error for an XML declaration naming an encoding expat cannot use.

    Expat reads UTF-8, UTF-16, Latin-1 and ASCII itself and asks Python for
    any other name: an unknown name raises LookupError, a multi-byte codec
    (UTF-32, UTF-7, Shift JIS) ValueError, a codec that is not a character
    set (idna, punycode, undefined) UnicodeError.
    """
    declared = _DECLARED_ENCODING.search(head[:200])
    if declared is None:
        return SourceError(f"{path}: cannot be read as XML ({exc})")
    name = declared.group(1).decode("ascii")
    # Python's "use codecs.decode()" hint is for programmers, not authors.
    reason = str(exc).split(";", 1)[0]
    return SourceError(
        f"{path}: the XML declaration names the encoding {name!r}, which cannot "
        f"be read ({reason}); save the file as UTF-8 and try again"
    )


def check_utf8(path: Path, head: bytes) -> None:
    """Refuse a file that says (or defaults to) UTF-8 but is not: a
    Windows-1252 or Latin-1 export saved under the wrong name. ``head`` is
    the start of the file (its XML declaration)."""
    line = first_line_not_utf8(path, head)
    if line:
        raise SourceError(
            f"{path}: line {line}: not valid UTF-8 (was the file saved in "
            "another encoding, such as Windows-1252?)"
        )


def first_line_not_utf8(path: Path, head: bytes) -> int:
    """The first line of a file that says (or defaults to) UTF-8 holding a
    byte that is not UTF-8; 0 when there is none or another encoding is
    declared."""
    declared = _DECLARED_ENCODING.search(head[:200])
    try:
        name = codecs.lookup(declared.group(1).decode() if declared else "utf-8")
    except LookupError:
        return 0
    if name.name != "utf-8":
        return 0
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return line + block[: exc.start].count(b"\n")
            line += block.count(b"\n")
    return 0


def prolog_is_plain(head: bytes) -> bool:
    """Whether the root element starts, within ``head``, with no DOCTYPE
    before it (only the XML declaration, comments, processing instructions
    and white space)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16: leave it to the careful parser
    text = head.decode("latin-1")
    pos = 0
    while True:
        while pos < len(text) and text[pos] in " \t\r\n\ufeff\xef\xbb\xbf":
            pos += 1
        if text.startswith("<?", pos):
            closing = "?>"
        elif text.startswith("<!--", pos):
            closing = "-->"
        else:
            return text.startswith("<", pos) and text[pos + 1 : pos + 2].isalpha()
        end = text.find(closing, pos)
        if end < 0:
            return False
        pos = end + len(closing)


def _junk_before_xml(path: Path, head: bytes) -> int:
    """Offset of the first ``<``, warning when anything but a BOM or
    whitespace stands before it."""
    start = head.find(b"<")
    if start <= 0:
        if not head.strip():
            raise SourceError(f"{path}: the file is empty")
        return max(start, 0)
    junk = head[:start]
    if junk.lstrip(b"\xef\xbb\xbf").strip():
        logger.warning(
            "%s: skipped %s before the XML declaration",
            path,
            counted_words(start, "stray byte"),
        )
    return start


def text_of(element: Element | None) -> str:
    """The element's text, stripped; "" for a missing element."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()
