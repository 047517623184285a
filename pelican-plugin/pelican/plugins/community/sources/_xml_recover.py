"""Reading record-based XML exports that expat rejects part way through."""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import Element, ParseError
from xml.parsers.expat import errors as expat_errors

from defusedxml.ElementTree import iterparse

from ..errors import SourceError
from ._files import counted
from ._xml import (
    check_utf8,
    first_line_not_utf8,
    iter_elements,
    local_name,
    parsed_elements,
)

__all__ = [
    "KNOWN_NAMESPACES",
    "MAX_BROKEN_RECORDS",
    "Recovery",
    "iter_records",
]

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


#: Bytes XML 1.0 allows nowhere: the C0 controls but tab, line feed and
#: carriage return (``\x0b`` pasted into a comment, a NUL from a bad copy).
_CONTROLS = bytes(byte for byte in range(32) if byte not in (9, 10, 13))
#: How many skipped records' lines the warning names.
_LINES_NAMED = 5
_NEXT_STEP = (
    "Next step: export the file again from the old blog (or open it at that "
    "line and mend it), then build again"
)


@dataclass
class Recovery:
    """What was repaired while reading a file, said in one warning."""

    broken: int = 0
    path: str = ""
    #: "line N: what was done", in the order met
    repairs: list[str] = field(default_factory=list)
    #: (line, reason) of each skipped record
    skipped: list[tuple[int, str]] = field(default_factory=list)
    record: str = "record"

    @property
    def warnings(self) -> list[str]:
        """One warning naming the file and each repair (with its line), or
        none when the file needed none."""
        parts = list(self.repairs)
        if self.skipped:
            lines = ", ".join(str(line) for line, _ in self.skipped[:_LINES_NAMED])
            more = " ..." if len(self.skipped) > _LINES_NAMED else ""
            parts.append(
                f"skipped {len(self.skipped)} <{self.record}> that "
                f"{'is' if len(self.skipped) == 1 else 'are'} not well-formed XML "
                f"(line {lines}{more}: {self.skipped[0][1]})"
            )
        if not parts:
            return []
        return [f"{self.path}: repaired while reading: {'; '.join(parts)}"]


@dataclass
class _Repair:
    """How the file is read again after a repairable error: the namespace
    declarations added to the root's start tag, control characters removed,
    bytes that are not UTF-8 read as Windows-1252."""

    declarations: bytes = b""
    controls: bool = False
    transcode: bool = False


def iter_records(
    path: Path,
    names: set[str],
    *,
    label: str,
    root: str,
    record: str,
    recovery: Recovery,
    wrapper: str = "",
) -> Iterator[Element]:
    """Yield the elements in ``names`` like :func:`iter_elements`, repairing
    what real exports get wrong.

    ``root`` is the document element's local name, checked first so that a
    file of another format is refused clearly (``label`` names the format).
    ``record`` is the element whose broken instances are skipped (inside
    ``wrapper`` when it is not a child of the root: RSS's ``channel``).

    A namespace prefix used without a declaration is declared, control
    characters are removed and bytes that are not UTF-8 in a UTF-8 file are
    read as Windows-1252: the file is read again from the start with the
    repair, past the elements already given. A file cut short keeps the
    records before the cut. Each repair is noted in ``recovery`` (one
    warning); a file with no readable record, or broken beyond
    ``MAX_BROKEN_RECORDS``, raises :class:`SourceError` with the next step.
    """
    recovery.path, recovery.record = str(path), record
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
    opened = b"<%s>" % wrapper.encode() if wrapper else b""
    # Declarations go just before the root start tag's ">" (or "/>").
    closing = 2 if head[: root_tag[1]].endswith(b"/>") else 1
    insert_at = root_tag[1] - closing
    elements = iter_elements(path, names)
    base, prelude_chars = _data_start(head), 0
    base_line = 1 + head[:base].count(b"\n")
    repair = _Repair()
    spliced = False
    given = records = 0
    is_record: dict[str, bool] = {}
    while True:
        try:
            for element in elements:
                given += 1
                tag = element.tag
                hit = is_record.get(tag)
                if hit is None:
                    hit = is_record[tag] = local_name(tag) == record
                records += hit
                yield element
            return
        except SourceError as exc:
            failure = exc.__context__
            if not isinstance(failure, ParseError):
                raise
        line, column = failure.position
        offset = _file_offset(path, head, base, line, column, prelude_chars)
        original_line = base_line + line - 1
        where = f"{path}: line {original_line}"
        if not spliced:
            fixed = _repaired(path, head, root_bytes, failure.code, offset, repair)
            if fixed:
                recovery.repairs.append(f"line {fixed[0] or original_line}: {fixed[1]}")
                elements = _iter_repaired(path, names, repair, base, insert_at, given)
                continue
        if _ends_the_read(failure, recovery, root, records, original_line, where):
            return
        if failure.code == _INVALID_TOKEN and not repair.transcode:
            check_utf8(path, head)
        recovery.broken += 1
        if recovery.broken > MAX_BROKEN_RECORDS:
            raise SourceError(
                f"{path}: more than {MAX_BROKEN_RECORDS} records are not "
                f"well-formed XML (last at line {original_line}). {_NEXT_STEP}"
            ) from None
        end = _record_end_after(path, offset, record)
        if end is None:
            _stop_at_broken_xml(failure, recovery, records, original_line, where)
            return
        recovery.skipped.append((original_line, _reason(failure)))
        spliced = True
        spliced_head = prelude + _declare(root_bytes, repair.declarations) + opened
        prelude_chars = len(_decode(spliced_head, head))
        base_line = original_line + _newlines(path, offset, end)
        base = end
        elements = _iter_spliced(path, names, spliced_head, end)


def _ends_the_read(
    failure: ParseError,
    recovery: Recovery,
    root: str,
    records: int,
    line: int,
    where: str,
) -> bool:
    """Whether ``failure`` ends the read: what follows the root (ignored),
    a file cut short after some records (kept); raises for a fatal error
    or a file cut short before any record. False: a broken record, the
    caller skips it."""
    if failure.code == _JUNK_AFTER_END:
        recovery.repairs.append(f"ignored what follows the end of the <{root}>")
        return True
    if failure.code not in _TRUNCATION and failure.code not in _FATAL:
        return False
    truncated = failure.code in _TRUNCATION
    reason = (
        "the file ends in the middle of the XML (truncated?): " if truncated else ""
    ) + _reason(failure)
    if records and truncated:
        recovery.repairs.append(
            f"line {line}: {reason}; kept the {records} <{recovery.record}> before it"
        )
        return True
    raise SourceError(f"{where}: {reason}. {_NEXT_STEP}") from None


def _stop_at_broken_xml(
    failure: ParseError, recovery: Recovery, records: int, line: int, where: str
) -> None:
    """A broken record with no end to skip to: the records before it are
    kept (noted in ``recovery``); with none, the file is refused."""
    if not records:
        raise SourceError(
            f"{where}: not well-formed XML ({_reason(failure)}). {_NEXT_STEP}"
        ) from None
    recovery.repairs.append(
        f"line {line}: stopped reading at XML that is not "
        f"well-formed ({_reason(failure)}); kept the {records} "
        f"<{recovery.record}> before it"
    )


def _repaired(
    path: Path,
    head: bytes,
    root_bytes: bytes,
    code: int,
    offset: int,
    repair: _Repair,
) -> tuple[int, str] | None:
    """Update ``repair`` for an error it can mend, and say what it does (with
    the line when it is not the error's); None when it cannot."""
    if code == _UNBOUND_PREFIX and not repair.declarations:
        missing = _undeclared_prefixes(path, root_bytes)
        if not missing:
            return None
        repair.declarations = _declarations(missing)
        return 0, (
            "declared the XML namespace prefix(es) "
            f"{', '.join(p.decode() for p in missing)} the file uses without "
            "declaring them"
        )
    if code != _INVALID_TOKEN:
        return None
    byte = _byte_at(path, offset)
    if byte and byte in _CONTROLS and not repair.controls:
        repair.controls = True
        return 0, (
            f"removed control characters XML does not allow (the first: "
            f"U+{byte[0]:04X})"
        )
    if not repair.transcode:
        line = first_line_not_utf8(path, head)
        if line:
            repair.transcode = True
            return line, (
                "read the bytes that are not UTF-8 as Windows-1252 (was the file "
                "saved in another encoding?)"
            )
    return None


def _iter_repaired(
    path: Path,
    names: set[str],
    repair: _Repair,
    start: int,
    insert_at: int,
    skip: int,
) -> Iterator[Element]:
    """Parse the whole file again through ``repair``, hardened and streamed
    like :func:`iter_elements`, past the ``skip`` elements already given.
    (Lines stay the file's: nothing a repair adds or removes is a line
    break.)"""
    with path.open("rb") as handle:
        stream = _RepairedStream(handle, repair, start, insert_at)
        parse = iterparse(stream, events=("end",), forbid_dtd=False)
        yield from parsed_elements(path, parse, names, lambda: stream.head, skip=skip)


class _RepairedStream:
    """A read-only byte stream: the file from ``start`` through a
    :class:`_Repair` (declarations inserted at byte ``insert_at``)."""

    def __init__(
        self, handle: IO[bytes], repair: _Repair, start: int, insert_at: int
    ) -> None:
        handle.seek(start)
        self._handle = handle
        self._repair = repair
        self._position = start
        self._insert_at = insert_at if repair.declarations else -1
        self._decoder = (
            codecs.getincrementaldecoder("utf-8")(errors=_AS_CP1252)
            if repair.transcode
            else None
        )
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size if size and size > 0 else _CHUNK)
        start, self._position = self._position, self._position + len(data)
        if not self.head:
            self.head = data[:_HEAD]
        if start <= self._insert_at < self._position:
            cut = self._insert_at - start
            data = data[:cut] + self._repair.declarations + data[cut:]
            self._insert_at = -1
        if self._repair.controls:
            data = data.translate(None, _CONTROLS)
        if self._decoder is not None:
            data = self._decoder.decode(data, final=not data).encode("utf-8")
        return data


def _as_windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: a byte that is not UTF-8 read as Windows-1252."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bad.decode("cp1252", errors="replace"), error.end


_AS_CP1252 = "pelican-community-as-cp1252"
codecs.register_error(_AS_CP1252, _as_windows_1252)


def _byte_at(path: Path, offset: int) -> bytes:
    with path.open("rb") as handle:
        handle.seek(offset)
        return handle.read(1)


def _declarations(prefixes: list[bytes]) -> bytes:
    return b"".join(
        b' xmlns:%s="%s"'
        % (prefix, KNOWN_NAMESPACES.get(prefix, b"urn:undeclared:" + prefix))
        for prefix in prefixes
    )


def _iter_spliced(
    path: Path, names: set[str], head: bytes, start: int
) -> Iterator[Element]:
    """Parse ``head`` followed by the file from byte ``start``, hardened and
    streamed like :func:`iter_elements` (same errors, positions relative to
    the spliced stream)."""
    with path.open("rb") as handle:
        handle.seek(start)
        stream = _Spliced(head, counted(handle))
        parse = iterparse(stream, events=("end",), forbid_dtd=False)
        yield from parsed_elements(path, parse, names, lambda: head)


class _Spliced:
    """A read-only byte stream: ``head`` then the rest of ``handle``."""

    def __init__(self, head: bytes, handle: IO[bytes]) -> None:
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


def _declare(root_bytes: bytes, declarations: bytes) -> bytes:
    """The root start tag with ``xmlns:prefix`` declarations added."""
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
