"""One writer at a time: an OS lock (filelock) on a file in the archive folder.

Each writer merges into what the archive holds and replaces whole files, so
two writers at once (a ``pelican-community fetch`` beside a ``pelican
content``, a CI job and a local run on a shared folder) would each write
back its own view and the last one would silently drop the other's new
interactions. The lock on ``.pelican-community.lock`` is the operating
system's (``fcntl.flock`` on POSIX, ``msvcrt.locking`` on Windows), so the
system releases it when its holder ends, however it ends: a killed build
never leaves the archive locked. The holder removes the file before it lets
go (so the committed archive holds archive files only), and a writer that
took the lock on a file removed meanwhile lets it go and takes the new one:
two writers never hold two files of one name.

Beside it, the holder writes who it is (what it runs, its pid and host,
since when) to ``.pelican-community.holder.json``, removed when it is done.
That note is read only to tell a waiting writer whom it waits for; the lock
never depends on it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import socket
import sys
import time
import unicodedata
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from ..storage import file_mode, read_untrusted_file, write_atomically

__all__ = [
    "HOLDER_FILE",
    "LOCK_FILE",
    "LOCK_WAIT_SECONDS",
    "ArchiveBusy",
    "hold_archive",
]

logger = logging.getLogger(__name__)

LOCK_FILE = ".pelican-community.lock"
#: Who holds the lock, for the message of a writer that waits for it.
HOLDER_FILE = ".pelican-community.holder.json"
#: How long a second writer waits for the first before giving up.
LOCK_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.1
#: A holder note longer than this is not one the package wrote.
_HOLDER_LIMIT = 4096
_FIELD_LIMIT = 200


class ArchiveBusy(Exception):
    """Another writer holds the archive (or it cannot be locked at all)."""


def _command() -> str:
    """What this process runs, as a person typed it (``pelican content``)."""
    words = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"]
    return " ".join(words + sys.argv[1:])


def _holder_note() -> dict[str, object]:
    return {
        "runs": _command(),
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }


def _shown(value: object) -> str:
    """A field of a note someone else wrote, fit for one line of a terminal:
    no control characters, not too long."""
    text = "".join(
        " " if unicodedata.category(c).startswith("C") else c for c in str(value)
    ).strip()
    return text if len(text) <= _FIELD_LIMIT else text[: _FIELD_LIMIT - 1] + "…"


def _describe_holder(folder: Path) -> str:
    """`` (pelican content, pid 4242 on laptop, since ...)`` from the holder's
    note, or "" where there is none to read (being written this instant)."""
    data = read_untrusted_file(folder / HOLDER_FILE, limit=_HOLDER_LIMIT)
    try:
        note = json.loads(data) if data else None
    except ValueError:
        note = None
    if not isinstance(note, dict):
        return ""
    parts: list[str] = []
    if note.get("runs"):
        parts.append(_shown(note["runs"]))
    if note.get("pid") or note.get("host"):
        parts.append(
            f"pid {_shown(note.get('pid', '?'))} on {_shown(note.get('host', '?'))}"
        )
    if note.get("since"):
        parts.append(f"since {_shown(note['since'])}")
    return f" ({', '.join(parts)})" if parts else ""


def _locked_file(lock: FileLock) -> tuple[int, int] | None:
    """The file (device, inode) ``lock`` holds locked, on POSIX; None where
    that cannot be seen (Windows, where filelock removes the file itself)."""
    fd = getattr(getattr(lock, "_context", None), "lock_file_fd", None)
    if sys.platform == "win32" or not isinstance(fd, int):
        return None
    info = os.fstat(fd)
    return info.st_dev, info.st_ino


def _named_by(path: Path, locked: tuple[int, int]) -> bool:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    return (info.st_dev, info.st_ino) == locked


def _take(lock: FileLock, path: Path, wait: float) -> tuple[int, int] | None:
    """Take ``lock`` within ``wait`` seconds (``math.inf``: for ever), on the
    file ``path`` names now, not one its last holder removed meanwhile."""
    deadline = time.monotonic() + wait
    while True:
        left = deadline - time.monotonic()
        lock.acquire(
            timeout=-1 if math.isinf(wait) else max(left, 0.0),
            poll_interval=_POLL_SECONDS,
        )
        locked = _locked_file(lock)
        if locked is None or _named_by(path, locked):
            return locked
        lock.release()


@contextlib.contextmanager
def hold_archive(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the archive folder's lock inside the block (the folder is made
    if needed). Waits up to ``wait`` seconds (:data:`LOCK_WAIT_SECONDS`;
    ``math.inf`` waits for ever, 0 not at all) for another writer; raises
    :class:`ArchiveBusy` saying who holds it, or why the folder cannot be
    locked (a read-only folder). Not reentrant: a second hold in the same
    process, on another thread or in the same one, waits like any writer."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    path = folder / LOCK_FILE
    lock = FileLock(path, mode=file_mode())
    try:
        folder.mkdir(parents=True, exist_ok=True)
        locked = _take(lock, path, wait)
    except Timeout:
        raise ArchiveBusy(
            f"could not get the lock on {folder}: another writer"
            f"{_describe_holder(folder)} is updating it"
        ) from None
    except NotImplementedError:  # a file system without locks (old filelock)
        raise ArchiveBusy(
            f"cannot lock {folder}: its file system has no file locks"
        ) from None
    except OSError as exc:
        raise ArchiveBusy(f"cannot write in {folder} ({exc.strerror or exc})") from None
    note = folder / HOLDER_FILE
    try:
        with contextlib.suppress(OSError):  # the note only serves a message
            write_atomically(note, json.dumps(_holder_note()))
        yield
    finally:
        # Both go while the lock is still held: never a later holder's.
        with contextlib.suppress(OSError):
            note.unlink()
        if locked is not None:
            with contextlib.suppress(OSError):
                path.unlink()
        lock.release()
