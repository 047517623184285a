"""Reading local sources into the archive, skipping files that did not change."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import cast

from ..errors import CommunityError, SourceError
from ..fingerprints import DigestMemo, content_digest
from ..memo import Memo
from ..model import SourceResult, SourceState
from ..progress import ProgressWanted, progress_bar
from ..sources import SOURCE_TYPES, Reader, SourceSpec
from ..sources._files import watching_reads
from ..words import counted
from .store import Archive

__all__ = [
    "BAR_FROM_BYTES",
    "READ_VERSION",
    "READ_VERSION_KEY",
    "ingest_local_sources",
    "read_changed_local_sources",
]

logger = logging.getLogger(__name__)

#: Raised when readers make something different of the same file, so that
#: every export is read again once. 2: email keys stand for an email under
#: one signed name (archives of version 1 linked comments signed with
#: different names). 3: a webmention's author link counts only where its
#: source vouches for it; addresses are masked after decoding entities.
#: 4: exports give each comment its post's date and number (matching).
READ_VERSION = 4
READ_VERSION_KEY = "(pelican-community reader version)"


def _changed_sources(
    archive: Archive,
    specs: tuple[SourceSpec, ...],
    state: dict[str, SourceState],
    memo: DigestMemo | None = None,
    progress: ProgressWanted = False,
) -> Iterator[tuple[SourceSpec, str, SourceResult | None]]:
    """Each local source with its content hash and, when the file changed
    since the last read, what reading it gives (None when unchanged).
    ``memo`` spares reading files whose metadata did not change; with
    ``progress`` (see :func:`progress_bar`), reading a large export shows
    a bar of its bytes read."""
    archived = set(archive.source_names())
    for spec in specs:
        source_type = SOURCE_TYPES[spec.type]
        # The reader's module is imported only to read: a build whose files
        # did not change loads none (nor the HTTP stack the live ones use).
        if spec.path is None or not source_type.reader:
            continue
        if not spec.path.exists():
            raise SourceError(
                f"{spec.path}: source {spec.name!r} ({spec.type}) file not found"
            )
        options = dict(spec.options) if source_type.reader_takes_options else {}
        # The version of what readers make of a file is part of its digest:
        # a file read by an older version is read again (READ_VERSION).
        versioned = options | {READ_VERSION_KEY: str(READ_VERSION)}
        with _bad_input_named(spec):
            if memo is None:
                digest = content_digest(spec.path, versioned)
            else:
                digest = memo.digest(spec.path, versioned)
            unchanged = state.get(spec.name, {}).get("sha256") == digest
            if unchanged and spec.name in archived:
                result = None
            else:
                read_file = cast(Reader, source_type.read_file)
                # What the reader remembers (names, addresses) dies with the read.
                with _bar_while_reading(spec.path, progress), Memo():
                    result = read_file(spec.path, spec.name, **options)
        if result is not None:
            for warning in result.warnings:
                logger.warning("%s", warning)
        yield spec, digest, result


#: An export smaller than this reads in a blink: no bar.
BAR_FROM_BYTES = 1 << 20


@contextmanager
def _bar_while_reading(path: Path, progress: ProgressWanted) -> Iterator[None]:
    """A bar of the bytes of ``path`` (a file, or a folder of files) read,
    on a terminal, while the block runs; nothing otherwise."""
    if not progress:
        yield
        return
    size = _size_of(path)
    bar = (
        progress_bar(progress, f"Reading {path.name}", size, in_bytes=True)
        if size >= BAR_FROM_BYTES
        else None
    )
    if bar is None:
        yield
        return
    try:
        with watching_reads(bar.advance):
            yield
    finally:
        bar.stop()


def _size_of(path: Path) -> int:
    try:
        if path.is_dir():
            return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
        return path.stat().st_size
    except OSError:
        return 0


@contextmanager
def _bad_input_named(spec: SourceSpec) -> Iterator[None]:
    """Whatever escapes a reader stops the build with one line naming the
    file, never a traceback (that is logged at DEBUG, for ``--debug``).

    Readers raise :class:`SourceError` for every fault they know of; this
    is the net for the ones nobody has met yet, and for a file the system
    will not let us read.
    """
    try:
        yield
    except CommunityError:
        raise
    except OSError as exc:
        raise SourceError(
            f"{spec.path}: cannot be read ({exc.strerror or _one_line(exc)})"
        ) from None
    except Exception as exc:
        logger.debug("community: reading %s failed", spec.path, exc_info=True)
        raise SourceError(
            f"{spec.path}: the {spec.type} reader failed on this file "
            f"({exc.__class__.__name__}: {_one_line(exc)}); please report this "
            "bug to pelican-community, with the output of `pelican --debug`"
        ) from None


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:199] + "…"


def read_changed_local_sources(
    archive: Archive, specs: tuple[SourceSpec, ...], progress: ProgressWanted = False
) -> dict[str, SourceResult]:
    """What the local sources that changed since the last build now say,
    by source name, without writing anything. With ``progress``, a large
    export shows a bar while it is read (on a terminal only)."""
    state = archive.read_state()
    changed = _changed_sources(archive, specs, state, progress=progress)
    return {
        spec.name: result for spec, _digest, result in changed if result is not None
    }


def ingest_local_sources(
    archive: Archive,
    specs: tuple[SourceSpec, ...],
    memo: DigestMemo | None = None,
    progress: ProgressWanted = False,
) -> None:
    """Merge every local file source into the archive.

    A file whose content hash matches the last read is not parsed again
    (nor read again, with a ``memo``, while its metadata is unchanged).
    Bad local input raises :class:`SourceError` naming the file. With
    ``progress``, a large export shows a bar while it is read (on a
    terminal only).
    """
    state = archive.read_state()
    for spec, digest, result in _changed_sources(archive, specs, state, memo, progress):
        if result is None or spec.path is None:
            continue
        stats = archive.merge(spec.name, result)
        state[spec.name] = {"type": spec.type, "sha256": digest}
        left_out = ", ".join(f"{n} {why}" for why, n in result.skipped.items())
        logger.info(
            "community: %s: read %s from %s (%d new, %d updated, %d removed)%s",
            spec.name,
            counted(len(result.interactions), "interaction"),
            spec.path.name,
            stats.added,
            stats.updated,
            stats.removed,
            f"; left out: {left_out}" if left_out else "",
        )
    archive.write_state(state)
