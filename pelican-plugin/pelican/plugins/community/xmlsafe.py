"""Hardened XML reading for exports written by strangers.

Entity declarations and external entities are refused (billion laughs,
``file:///etc/passwd``), parsing streams so memory stays bounded, and a
stray byte before the XML declaration is skipped with a warning.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from .errors import SourceError

logger = logging.getLogger(__name__)

#: Larger exports are refused with a clear error rather than read.
MAX_XML_BYTES = 2 * 1024**3
_HEAD = 4096


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
        handle.seek(_junk_before_xml(path, handle.read(_HEAD)))
        try:
            for event, element in iterparse(
                handle, events=("end",), forbid_dtd=False
            ):
                if event == "end" and local_name(element.tag) in names:
                    yield element
                    element.clear()
        except ParseError as exc:
            raise SourceError(f"{path}: not well-formed XML ({exc})") from None
        except DefusedXmlException as exc:
            raise SourceError(
                f"{path}: refused: the XML declares entities ({exc.__class__.__name__})"
            ) from None


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
            "%s: skipped %d stray byte(s) before the XML declaration", path, start
        )
    return start


def text_of(element: Element | None) -> str:
    """The element's text, stripped; "" for a missing element."""
    if element is None or element.text is None:
        return ""
    return element.text.strip()
