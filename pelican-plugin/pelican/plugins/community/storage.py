"""Writing files safely: whole or not at all, with the collector paused
while many long-lived objects are made."""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import stat
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from .errors import StorageError

__all__ = [
    "file_mode",
    "is_real_folder",
    "packed",
    "paused_gc",
    "prepare_cache_folder",
    "read_untrusted_file",
    "replacing",
    "unpacked",
    "write_atomically",
]


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


def packed(value: Any) -> bytes:
    """``value`` (plain rows) pickled and compressed, both quickly: how the
    computed community holds what it does not need at once (a large
    archive's words and conversations), in memory and in its cache."""
    return zlib.compress(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), 1)


def unpacked(data: bytes) -> Any:
    """The value :func:`packed` made ``data`` of (trusted bytes only: this
    process's own, or a cache file whose signature was checked)."""
    return pickle.loads(zlib.decompress(data))


def file_mode() -> int:
    """The mode a new file gets from the umask, as Pelican's own files get
    it (``open`` makes ``0o666 & ~umask``). A temporary file is made 0600,
    which a web server running as another user cannot read after
    ``rsync -a``."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)  # no other way to read it; set back at once
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def replacing(path: Path, *, binary: bool = False) -> Iterator[IO[Any]]:
    """A handle to write the new ``path`` into: readers see the old or the
    new file, never a part of one (temporary file, fsync, rename). The file
    gets the mode the umask gives (:func:`file_mode`).

    A full disk or a folder that cannot be written raises
    :class:`StorageError` naming the file; the previous file is intact."""
    tmp = ""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
        )
        handle: IO[Any] = (
            os.fdopen(fd, "wb")
            if binary
            else os.fdopen(fd, "w", encoding="utf-8", newline="\n")
        )
        with handle:
            _set_mode(handle.fileno(), tmp)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        _remove_quietly(tmp)
        raise StorageError.about(path, exc) from None
    except BaseException:
        _remove_quietly(tmp)
        raise
    _sync_folder(path.parent)


def write_atomically(path: Path, text: str | bytes | Iterable[str]) -> None:
    """Replace ``path`` with ``text`` (bytes, a string, or pieces of one,
    written as they come), as :func:`replacing` does: the one way the
    package writes a file. The temporary file has an unpredictable name,
    made with ``O_EXCL`` (a planted file or symlink is never written
    through), and the rename replaces a symlink at ``path`` rather than
    following it."""
    with replacing(path, binary=isinstance(text, bytes)) as handle:
        if isinstance(text, str | bytes):
            handle.write(text)
        else:
            handle.writelines(text)


def read_untrusted_file(path: Path, limit: int | None = None) -> bytes | None:
    """The bytes of ``path`` if it is a plain file (of at most ``limit``
    bytes, if given); None otherwise. For files of a folder that someone else may have
    written (a CI cache restored from another branch): a symlink (to
    ``/proc/self/environ``, say) is never followed, a FIFO or device never
    opened for reading, and a hard link to a file elsewhere is refused."""
    nofollow = getattr(os, "O_NOFOLLOW", 0)
    try:
        # Where open() cannot refuse a link itself (Windows), the path is
        # looked at first, and must still be the same file once open.
        before = None if nofollow else os.lstat(path)
        if before is not None and _is_link(before):
            return None
        fd = os.open(path, os.O_RDONLY | nofollow | _read_flags())
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
            return None
        if before is not None and (info.st_dev, info.st_ino) != (
            before.st_dev,
            before.st_ino,
        ):
            return None
        if limit is not None and info.st_size > limit:
            return None
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read() if limit is None else handle.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if limit is None or len(data) <= limit else None


def _read_flags() -> int:
    """Never wait on a FIFO, never leak the descriptor, never translate bytes
    (each where the system has it: Windows has only O_BINARY)."""
    return (
        getattr(os, "O_NONBLOCK", 0)
        | getattr(os, "O_CLOEXEC", 0)
        | getattr(os, "O_BINARY", 0)
    )


_REPARSE_POINT = getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0x400)


def _is_link(info: os.stat_result) -> bool:
    """A symlink, or on Windows any reparse point (a junction too)."""
    attributes = getattr(info, "st_file_attributes", 0)
    return stat.S_ISLNK(info.st_mode) or bool(attributes & _REPARSE_POINT)


def _set_mode(fd: int, path: str) -> None:
    """Give the new file the umask's mode (:func:`file_mode`); where the
    system cannot change an open file's mode (Windows before Python 3.13),
    by its name, and Windows keeps only its read-only flag of it anyway."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, file_mode())
    else:
        os.chmod(path, file_mode())


def is_real_folder(path: Path) -> bool:
    """``path`` is a folder itself, not a symlink to one (or missing)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the system allows it)."""
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _remove_quietly(tmp: str) -> None:
    if tmp:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def prepare_cache_folder(folder: Path) -> None:
    """Make the plugin's cache folder, with a ``.gitignore`` of ``*`` (as
    pytest's cache has) so that it never reaches git."""
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not os.path.lexists(ignore):
        # A folder that cannot be written fails on the file written next,
        # which names what is lost.
        with contextlib.suppress(StorageError):
            write_atomically(
                ignore, "# Created by pelican-community: a cache, never commit it.\n*\n"
            )
