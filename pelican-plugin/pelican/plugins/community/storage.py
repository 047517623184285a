"""Writing files safely: whole or not at all, with the collector paused
while many long-lived objects are made."""

from __future__ import annotations

import contextlib
import gc
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cycle collection inside the block.

    Reading an archive or unpickling a community creates hundreds of
    thousands of objects, none of them garbage: the collector would run
    again and again over a growing heap for nothing (three quarters of the
    time of a cache load, and a cost per interaction that grows with the
    archive). Collection resumes, as it was, when the block ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def write_atomically(path: Path, text: str | Iterable[str]) -> None:
    """Replace ``path`` with ``text`` (a string, or pieces of one, written as
    they come) so that readers see the old or the new file, never a part of
    one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            if isinstance(text, str):
                handle.write(text)
            else:
                handle.writelines(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


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
