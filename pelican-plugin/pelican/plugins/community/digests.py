"""Content digests of local files, remembered by their metadata between builds.

Deciding that a 100 MB export did not change should not mean reading 100 MB
on every build. A digest is remembered with the file's size, times and inode
(in Pelican's cache folder, never in the archive: those numbers change with
every checkout and would churn in git). While they are unchanged the digest
is trusted without reading the file, unless the file had changed less than
:data:`RACY_SECONDS` before it was recorded: a rewrite within the file
system's timestamp granularity could keep its times, so such a file is read
again, as is any file whose metadata differs.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

from .archive import write_atomically

logger = logging.getLogger(__name__)

#: Files changed this recently when recorded are checked by content.
RACY_SECONDS = 2.0

Stat = tuple[int, int, int, int]


def file_stat(path: Path) -> Stat:
    """Size, mtime_ns, ctime_ns and inode of a file."""
    stat = path.stat()
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def is_racy(stat: Stat, now: float) -> bool:
    """Whether a file with ``stat`` changed too recently to trust its times."""
    return now - max(stat[1], stat[2]) / 1e9 < RACY_SECONDS


def _tree_stat(path: Path) -> list[list]:
    if not path.is_dir():
        return [[*file_stat(path)]]
    return [
        [str(file.relative_to(path)), *file_stat(file)]
        for file in sorted(p for p in path.rglob("*") if p.is_file())
    ]


def prepare_cache_folder(folder: Path) -> None:
    """Make the plugin's cache folder, with a ``.gitignore`` of ``*`` (as
    pytest's cache has) so that it never reaches git."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text(
            "# Created by pelican-community: a cache, never commit it.\n*\n",
            encoding="utf-8",
        )


class DigestMemo:
    """Digests of files (or folders) by path and reader options, kept in
    ``folder`` (a cache: safe to delete, never committed)."""

    FILE = "source-digests.json"

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.FILE
        try:
            self._known: dict[str, dict] = json.loads(self.path.read_text("utf-8"))
            if not isinstance(self._known, dict):
                self._known = {}
        except (OSError, ValueError):
            self._known = {}
        self._changed = False

    def digest(self, path: Path, options: dict, compute: Callable[[], str]) -> str:
        """The digest of ``path`` read with ``options``: remembered while
        its metadata is unchanged, else ``compute()`` (which reads it)."""
        key = json.dumps([str(path.resolve()), options], sort_keys=True)
        before = _tree_stat(path)
        known = self._known.get(key)
        if known and not known.get("racy", True) and known.get("stat") == before:
            return known["sha256"]
        digest = compute()
        after = _tree_stat(path)
        if after == before:  # not written while it was read
            now = time.time()
            racy = any(is_racy(tuple(entry[-4:]), now) for entry in after)
            self._known[key] = {"stat": after, "racy": racy, "sha256": digest}
        else:
            self._known.pop(key, None)
        self._changed = True
        return digest

    def save(self) -> None:
        """Write what was learnt (a cache: failures are only logged)."""
        if not self._changed:
            return
        try:
            prepare_cache_folder(self.path.parent)
            write_atomically(self.path, json.dumps(self._known, sort_keys=True))
        except OSError as exc:
            logger.debug("community: could not remember source digests (%s)", exc)
