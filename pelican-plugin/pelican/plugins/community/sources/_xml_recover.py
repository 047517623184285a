"""Reading record-based XML exports that expat rejects part way through."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from ..errors import SourceError
from ._files import counted
from ._xml import check_utf8, iter_elements, local_name, unreadable_encoding

#: A file with more broken records than this is refused, not patched up.
MAX_BROKEN_RECORDS = 100
_HEAD = 64 * 1024
_CHUNK = 1 << 20

_CODES = expat_errors.codes
#: Errors that mean the data stops before the document does.
_TRUNCATION = frozenset(
    _CODES[message]
    for message in (
        expat_errors.XML_ERROR_NO_ELEMENTS,
        expat_errors.XML_ERROR_UNCLOSED_TOKEN,
        expat_errors.XML_ERROR_PARTIAL_CHAR,
        expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION,
    )
)
#: Errors about the whole document, not one record.
_FATAL = frozenset(
    _CODES[message]
    for message in (
        expat_errors.XML_ERROR_INCORRECT_ENCODING,
        expat_errors.XML_ERROR_UNKNOWN_ENCODING,
        expat_errors.XML_ERROR_SYNTAX,
        expat_errors.XML_ERROR_XML_DECL,
    )
)
_JUNK_AFTER_END = _CODES[expat_errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT]
_INVALID_TOKEN = _CODES[expat_errors.XML_ERROR_INVALID_TOKEN]
_UNBOUND_PREFIX = _CODES[expat_errors.XML_ERROR_UNBOUND_PREFIX]

_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_DECLARATION = re.compile(rb"^\s*(<\?xml[^>]*\?>)")
_ENCODING = re.compile(rb"encoding\s*=\s*[\"']([A-Za-z0-9._\-]+)[\"']")
_DECLARED_PREFIX = re.compile(rb"\sxmlns:([A-Za-z_][\w.\-]*)\s*=")
_USED_PREFIX = re.compile(
    rb"</?([A-Za-z_][\w.\-]*):[A-Za-z_]"  # an element's prefix
    rb"|\s([A-Za-z_][\w.\-]*):[A-Za-z_][\w.\-]*\s*="  # an attribute's
)
#: Namespaces exporters are known to use without declaring them.
KNOWN_NAMESPACES = {
    b"app": b"http://www.w3.org/2007/app",
    b"thr": b"http://purl.org/syndication/thread/1.0",
    b"gd": b"http://schemas.google.com/g/2005",
    b"georss": b"http://www.georss.org/georss",
    b"openSearch": b"http://a9.com/-/spec/opensearchrss/1.0/",
    b"media": b"http://search.yahoo.com/mrss/",
    b"dsq": b"http://disqus.com/disqus-internals",
}


@dataclass
class Recovery:
    """What was patched up while reading: broken records and warnings."""

    broken: int = 0
    warnings: list[str] = field(default_factory=list)


def iter_records(
    path: Path,
    names: set[str],
    *,
    label: str,
    root: str,
    record: str,
    recovery: Recovery,
) -> Iterator[Element]:
    """Yield the elements in ``names`` like :func:`iter_elements`, recovering
    from what real exports get wrong.

    ``root`` is the document element's local name, checked first so that a
    file of another format is refused clearly (``label`` names the format).
    ``record`` is the top-level element whose broken instances are skipped.
    A namespace prefix used without a declaration is declared on the root and
    reading goes on from the record that used it. A file cut short
    (truncated), not valid UTF-8, or broken beyond ``MAX_BROKEN_RECORDS``
    raises :class:`SourceError`.
    """
    head = _read_head(path)
    if not head.strip():
        raise SourceError(f"{path}: the file is empty")
    if head.startswith(_WIDE_BOMS):
        raise SourceError(
            f"{path}: the file is UTF-16 or UTF-32; save it as UTF-8 and try again"
        )
    root_tag = _root_tag(head, root)
    if root_tag is None:
        raise SourceError(f"{path}: not a {label} export: no <{root}> root element")
    declaration = _DECLARATION.match(head)
    prelude = declaration.group(1) if declaration else b""
    # One line, so that lines in a spliced parse map to the file's lines.
    root_bytes = b" ".join(head[root_tag[0] : root_tag[1]].split())
    elements = iter_elements(path, names)
    base, prelude_chars = _data_start(head), 0
    base_line = 1 + head[:base].count(b"\n")
    declared = encoding_checked = False
    while True:
        try:
            yield from elements
            return
        except SourceError as exc:
            failure = exc.__context__
            if not isinstance(failure, ParseError):
                raise
        line, column = failure.position
        offset = _file_offset(path, head, base, line, column, prelude_chars)
        original_line = base_line + line - 1
        if failure.code in _TRUNCATION:
            raise SourceError(
                f"{path}: line {original_line}: the file ends in the middle of "
                f"the XML (truncated?): {_reason(failure)}"
            ) from None
        if failure.code in _FATAL:
            raise SourceError(
                f"{path}: line {original_line}: {_reason(failure)}"
            ) from None
        if failure.code == _JUNK_AFTER_END:
            recovery.warnings.append(
                f"{path}: ignored what follows the end of the <{root}> element"
            )
            return
        if failure.code == _INVALID_TOKEN and not encoding_checked:
            check_utf8(path, head)
            encoding_checked = True
        if failure.code == _UNBOUND_PREFIX and not declared:
            declared = True
            missing = _undeclared_prefixes(path, root_bytes)
            if not missing:
                raise SourceError(
                    f"{path}: line {original_line}: {_reason(failure)}"
                ) from None
            root_bytes = _declare(root_bytes, missing)
            recovery.warnings.append(
                f"{path}: declared the XML namespace prefix(es) "
                f"{', '.join(p.decode() for p in missing)} the file uses "
                "without declaring them"
            )
            resume = _record_start_before(path, offset, record) or offset
        else:
            recovery.broken += 1
            if recovery.broken > MAX_BROKEN_RECORDS:
                raise SourceError(
                    f"{path}: more than {MAX_BROKEN_RECORDS} records are not "
                    f"well-formed XML (last at line {original_line})"
                ) from None
            end = _record_end_after(path, offset, record)
            if end is None:
                raise SourceError(
                    f"{path}: line {original_line}: not well-formed XML "
                    f"({_reason(failure)})"
                ) from None
            resume = end
            recovery.warnings.append(
                f"{path}: line {original_line}: skipped a <{record}> that is not "
                f"well-formed XML ({_reason(failure)})"
            )
        spliced_head = prelude + root_bytes
        prelude_chars = len(_decode(spliced_head, head))
        base_line = original_line + _newlines(path, offset, resume)
        base = resume
        elements = _iter_spliced(path, names, spliced_head, resume)


def _iter_spliced(
    path: Path, names: set[str], head: bytes, start: int
) -> Iterator[Element]:
    """Parse ``head`` followed by the file from byte ``start``, hardened and
    streamed like :func:`iter_elements` (same errors, positions relative to
    the spliced stream)."""
    with path.open("rb") as handle:
        handle.seek(start)
        stream = _Spliced(head, counted(handle))
        try:
            for _event, element in iterparse(stream, events=("end",), forbid_dtd=False):
                if local_name(element.tag) in names:
                    yield element
                    element.clear()
        except ParseError as exc:
            raise SourceError(f"{path}: not well-formed XML ({exc})") from exc
        except DefusedXmlException as exc:
            raise SourceError(
                f"{path}: refused: the XML declares entities ({exc.__class__.__name__})"
            ) from None
        except (LookupError, ValueError) as exc:
            raise unreadable_encoding(path, head, exc) from None


class _Spliced:
    """A read-only byte stream: ``head`` then the rest of ``handle``."""

    def __init__(self, head: bytes, handle) -> None:
        self._head = head
        self._handle = handle

    def read(self, size: int = -1) -> bytes:
        if self._head:
            data, self._head = self._head, b""
            return data
        return self._handle.read(size)


def _read_head(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(_HEAD)


def _data_start(head: bytes) -> int:
    """Where :func:`iter_elements` starts parsing: the first ``<``."""
    return max(head.find(b"<"), 0)


def _root_tag(head: bytes, root: str) -> tuple[int, int] | None:
    """Byte span of the root element's start tag in the head of the file."""
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?" + root.encode() + rb"[\s>/]")
    match = pattern.search(head)
    if match is None:
        return None
    end = head.find(b">", match.start())
    if end < 0:
        return None
    return match.start(), end + 1


def _declare(root_bytes: bytes, prefixes: list[bytes]) -> bytes:
    """The root start tag with ``xmlns:prefix`` declarations added."""
    declarations = b"".join(
        b' xmlns:%s="%s"'
        % (prefix, KNOWN_NAMESPACES.get(prefix, b"urn:undeclared:" + prefix))
        for prefix in prefixes
    )
    body = root_bytes[:-2] if root_bytes.endswith(b"/>") else root_bytes[:-1]
    tail = root_bytes[len(body) :]
    return b" ".join(body.split()) + declarations + tail


def _undeclared_prefixes(path: Path, root_bytes: bytes) -> list[bytes]:
    """Prefixes used anywhere in the file but not declared on the root."""
    declared = set(_DECLARED_PREFIX.findall(root_bytes)) | {b"xml", b"xmlns"}
    used: set[bytes] = set()
    for chunk in _chunks(path, 0, overlap=256):
        for element_prefix, attribute_prefix in _USED_PREFIX.findall(chunk):
            used.add(element_prefix or attribute_prefix)
    return sorted(used - declared)


def _chunks(path: Path, start: int, overlap: int = 0) -> Iterator[bytes]:
    """The file from ``start`` in large chunks, each repeating the last
    ``overlap`` bytes of the one before (so a match is not cut in two)."""
    with path.open("rb") as handle:
        handle.seek(start)
        tail = b""
        while block := handle.read(_CHUNK):
            yield tail + block
            tail = block[-overlap:] if overlap else b""


def _record_end_after(path: Path, offset: int, record: str) -> int | None:
    """Offset just after the first ``</record>`` at or after ``offset``."""
    pattern = re.compile(rb"</(?:[A-Za-z_][\w.\-]*:)?" + record.encode() + rb"\s*>")
    overlap = 256
    position = offset
    for index, chunk in enumerate(_chunks(path, offset, overlap)):
        match = pattern.search(chunk)
        chunk_start = position - (overlap if index else 0)
        if match:
            return chunk_start + match.end()
        position = chunk_start + len(chunk)
    return None


def _record_start_before(path: Path, offset: int, record: str) -> int | None:
    """Offset of the ``<record`` start tag that encloses ``offset``, if the
    record is still open there (within the last megabyte)."""
    window_start = max(0, offset - _CHUNK)
    with path.open("rb") as handle:
        handle.seek(window_start)
        window = handle.read(offset - window_start)
    name = record.encode()
    starts = list(re.finditer(rb"<(?:[A-Za-z_][\w.\-]*:)?" + name + rb"[\s>]", window))
    ends = list(re.finditer(rb"</(?:[A-Za-z_][\w.\-]*:)?" + name + rb"\s*>", window))
    if not starts or (ends and ends[-1].start() > starts[-1].start()):
        return None
    return window_start + starts[-1].start()


def _file_offset(
    path: Path, head: bytes, base: int, line: int, column: int, head_chars: int
) -> int:
    """Byte offset in the file of expat's (line, column) for a parse that
    started at byte ``base`` after ``head_chars`` characters of spliced head.

    Expat counts columns in characters, so the error's line is decoded.
    """
    offset = base
    with path.open("rb") as handle:
        handle.seek(base)
        remaining = line - 1
        while remaining:
            block = handle.read(_CHUNK)
            if not block:
                return offset
            count = block.count(b"\n")
            if count < remaining:
                remaining -= count
                offset += len(block)
                continue
            cut = -1
            for _ in range(remaining):
                cut = block.index(b"\n", cut + 1)
            offset += cut + 1
            remaining = 0
        handle.seek(offset)
        chars = column - (head_chars if line == 1 else 0)
        decoder = codecs.getincrementaldecoder(_encoding(head))(errors="replace")
        while chars > 0:
            byte = handle.read(1)
            if not byte:
                break
            offset += 1
            try:
                chars -= len(decoder.decode(byte))
            except UnicodeError:  # a declared encoding the bytes do not fit
                chars -= 1
    return offset


def _newlines(path: Path, start: int, end: int) -> int:
    """How many line breaks the file has between two offsets (signed)."""
    low, high = min(start, end), max(start, end)
    count = 0
    with path.open("rb") as handle:
        handle.seek(low)
        left = high - low
        while left > 0 and (block := handle.read(min(_CHUNK, left))):
            count += block.count(b"\n")
            left -= len(block)
    return count if end >= start else -count


def _encoding(head: bytes) -> str:
    """The encoding expat read the file in: the one named by the XML
    declaration where parsing starts (an ``encoding="..."`` elsewhere is
    just text), else UTF-8."""
    declaration = _DECLARATION.match(head[_data_start(head) :])
    declared = _ENCODING.search(declaration.group(1)) if declaration else None
    name = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        # Expat asked Python for this codec with errors="replace" too; one
        # that refuses (idna) would have stopped the parse before.
        b"<".decode(name, "replace")
        return codecs.lookup(name).name
    except (LookupError, ValueError):
        return "utf-8"


def _decode(data: bytes, head: bytes) -> str:
    return data.decode(_encoding(head), errors="replace")


def _reason(failure: ParseError) -> str:
    """Expat's message without its position (the caller gives the line)."""
    return expat_errors.messages.get(failure.code, str(failure))
