"""Has this file changed? Content digests, remembered by file metadata.

Deciding that a 100 MB export did not change should not mean reading 100 MB
on every build. A :class:`Fingerprint` is a file's (or a folder's) content
digest with the size, times and inode of each file, taken before and after
reading it. While that metadata is unchanged the digest is trusted without
reading the file, unless the file had changed less than :data:`RACY_SECONDS`
before it was taken: a rewrite within the file system's timestamp granularity
could keep its times, so such a file is read again, as is any file whose
metadata differs. The local-source memo and the community cache both ask
here; neither keeps metadata in the archive (those numbers change with every
checkout and would churn in git).
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from .storage import prepare_cache_folder, read_untrusted_file, write_atomically

__all__ = [
    "RACY_SECONDS",
    "DigestMemo",
    "Fingerprint",
    "Stat",
    "TreeStat",
    "content_digest",
    "file_stat",
    "is_racy",
    "take_fingerprint",
    "tree_stat",
]

logger = logging.getLogger(__name__)

#: Files changed this recently when fingerprinted are checked by content.
RACY_SECONDS = 2.0

Stat = tuple[int, int, int, int]
#: :func:`tree_stat`: per file its size, times and inode (with its name in a folder)
TreeStat = list[list[int | str]]


def file_stat(path: Path) -> Stat:
    """Size, mtime_ns, ctime_ns and inode of a file."""
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def is_racy(stat: Stat, now: float) -> bool:
    """Whether a file with ``stat`` changed too recently to trust its times."""
    return now - max(stat[1], stat[2]) / 1e9 < RACY_SECONDS


def _files_of(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file())
    return [path]


def tree_stat(path: Path) -> TreeStat:
    """The metadata of a file, or of every file below a folder (with names)."""
    if not path.is_dir():
        return [[*file_stat(path)]]
    return [[str(file.relative_to(path)), *file_stat(file)] for file in _files_of(path)]


def content_digest(path: Path, options: Mapping[str, str] | None = None) -> str:
    """SHA-256 of a file, or of every file below a folder (names included),
    and of the reader's options: new options read the same files anew."""
    digest = hashlib.sha256()
    if options:
        digest.update(json.dumps(dict(options), sort_keys=True).encode() + b"\0")
    for file in _files_of(path):
        if path.is_dir():
            digest.update(str(file.relative_to(path)).encode() + b"\0")
        with file.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Fingerprint:
    """What a file (or folder) was when its digest was taken."""

    stat: TreeStat  #: :func:`tree_stat` before and after the read
    sha256: str
    racy: bool  #: changed too recently to trust its times alone
    #: False when it was written while being read: the digest may be of
    #: neither version, so it is used once and never remembered
    stable: bool = True

    def still_matches(self, path: Path) -> bool:
        """True when ``path`` is known unchanged without reading it."""
        return self.stable and not self.racy and tree_stat(path) == self.stat


def take_fingerprint(
    path: Path, options: Mapping[str, str] | None = None
) -> Fingerprint:
    """Read ``path`` once: its digest, with the metadata that vouches for it."""
    before = tree_stat(path)
    sha256 = content_digest(path, options)
    after = tree_stat(path)
    if after != before:  # written while it was read: never trust the times
        return Fingerprint(after, sha256, True, stable=False)
    now = time.time()
    # The last four of each entry are the file's size, times and inode.
    racy = any(is_racy(cast(Stat, tuple(entry[-4:])), now) for entry in after)
    return Fingerprint(after, sha256, racy)


class DigestMemo:
    """Fingerprints of local sources by path and reader options, kept in
    ``folder`` (a cache: safe to delete, never committed)."""

    FILE = "source-digests.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.FILE
        self._known: dict[str, Fingerprint] = {}
        try:
            # A cache file: never a symlink followed or a FIFO waited on.
            known = json.loads(read_untrusted_file(self.path) or b"{}")
            if isinstance(known, dict):
                self._known = {
                    key: Fingerprint(entry["stat"], entry["sha256"], entry["racy"])
                    for key, entry in known.items()
                }
        except (OSError, ValueError, TypeError, KeyError):
            self._known = {}
        self._changed = False

    def digest(self, path: Path, options: Mapping[str, str]) -> str:
        """The digest of ``path`` read with ``options``: remembered while
        its metadata is unchanged, else read again."""
        key = json.dumps([str(path.resolve()), dict(options)], sort_keys=True)
        known = self._known.get(key)
        if known is not None and known.still_matches(path):
            return known.sha256
        fingerprint = take_fingerprint(path, options)
        if fingerprint.stable:
            self._known[key] = fingerprint
        else:
            self._known.pop(key, None)
        self._changed = True
        return fingerprint.sha256

    def save(self) -> None:
        """Write what was learnt (a cache: failures are only logged)."""
        if not self._changed:
            return
        known = {
            key: {"stat": f.stat, "racy": f.racy, "sha256": f.sha256}
            for key, f in self._known.items()
        }
        try:
            prepare_cache_folder(self.path.parent)
            write_atomically(self.path, json.dumps(known, sort_keys=True))
        except OSError as exc:
            logger.debug("community: could not remember source digests (%s)", exc)
