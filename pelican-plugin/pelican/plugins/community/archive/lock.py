"""One writer at a time: a lock file in the archive folder.

Each writer merges into what the archive holds and replaces whole files, so
two writers at once (a ``pelican-community fetch`` beside a ``pelican
content``, a CI job and a local run on a shared folder) would each write
back its own view and the last one would silently drop the other's new
interactions. The lock file, ``.pelican-community.lock``, exists only while a
writer holds it; it records the holder's pid, host and process start time,
so a lock left by a writer that died (killed, a power cut) is broken as soon
as it is met: the pid is gone, or is now another process (another start
time). A lock from another machine (a shared folder) cannot be checked that
way: it is broken once it is older than :data:`FOREIGN_STALE_SECONDS`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from ..storage import file_mode

logger = logging.getLogger(__name__)

LOCK_FILE = ".pelican-community.lock"
#: How long a second writer waits for the first before giving up.
LOCK_WAIT_SECONDS = 5.0
_POLL_SECONDS = 0.1
#: A lock written on another machine counts as abandoned after this long.
FOREIGN_STALE_SECONDS = 3600.0


class ArchiveBusy(Exception):
    """Another writer holds the archive (or it cannot be locked at all)."""


def _start_time(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, from /proc), or
    "" where that cannot be known. With the pid it names one process: a pid
    reused by a later process has another start time."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            # The command name (field 2) may hold spaces: count after it.
            return stat.read().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def _alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine."""
    if sys.platform == "win32":
        return _alive_on_windows(pid)
    try:
        os.kill(pid, 0)  # signal 0 probes; on Windows it would send Ctrl-C
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    except OSError:
        return False
    return True


def _alive_on_windows(pid: int) -> bool:
    """Windows has no signal 0: open the process for a query and ask
    whether it has exited (STILL_ACTIVE)."""
    import ctypes
    from ctypes import wintypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined,unused-ignore]
    query_limited_information, still_active, access_denied = 0x1000, 259, 5
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        # Denied: it exists (another user's); any other failure: gone.
        return bool(ctypes.get_last_error() == access_denied)  # type: ignore[attr-defined,unused-ignore]
    try:
        code = wintypes.DWORD()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == still_active
    finally:
        kernel32.CloseHandle(handle)


def _holder_gone(holder: dict, age: float) -> bool:
    """Whether the writer that wrote ``holder`` can no longer be writing."""
    pid = holder.get("pid")
    if not isinstance(pid, int) or pid <= 0:
        return True  # a lock file we cannot read: no one can be shown holding it
    if holder.get("host") != socket.gethostname():
        return age > FOREIGN_STALE_SECONDS
    if not _alive(pid):
        return True
    started = holder.get("started", "")
    return bool(started) and _start_time(pid) not in ("", started)


def _describe(holder: dict) -> str:
    since = holder.get("since", "")
    return f"pid {holder.get('pid', '?')} on {holder.get('host', '?')}" + (
        f" since {since}" if since else ""
    )


class _Lock:
    def __init__(self, folder: Path) -> None:
        self.path = folder / LOCK_FILE
        self.mine = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": _start_time(os.getpid()),
            "since": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        }

    def try_take(self) -> dict | None:
        """Take the lock (None), or return who holds it."""
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, file_mode())
        except FileExistsError:
            return self._holder_unless_stale()
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(self.mine, handle)
        return None

    def _holder_unless_stale(self) -> dict | None:
        try:
            text = self.path.read_text(encoding="utf-8")
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return self.try_take()  # released meanwhile
        try:
            holder = json.loads(text) if text else {}
        except ValueError:
            holder = {}
        if not isinstance(holder, dict):
            holder = {}
        if not text and age < 2.0:
            return {"pid": "?", "host": "?"}  # being written this instant
        if not _holder_gone(holder, age):
            return holder
        if self._break(text):
            logger.info(
                "community: broke the archive lock of %s, which is gone",
                _describe(holder),
            )
            return self.try_take()
        return holder

    def _break(self, seen: str) -> bool:
        """Remove the stale lock, unless it changed since it was judged
        stale: a guard folder makes the check-and-remove one step, so two
        writers breaking the same stale lock cannot remove a fresh one."""
        guard = self.path.with_name(self.path.name + ".breaking")
        try:
            guard.mkdir()
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - guard.stat().st_mtime > 30:
                    guard.rmdir()  # a breaker that died mid-break
            return False
        try:
            if self.path.read_text(encoding="utf-8") != seen:
                return False
            self.path.unlink()
            return True
        except FileNotFoundError:
            return True
        finally:
            guard.rmdir()

    def release(self) -> None:
        with contextlib.suppress(OSError):
            if json.loads(self.path.read_text(encoding="utf-8")) == self.mine:
                self.path.unlink()


@contextlib.contextmanager
def hold_archive(folder: Path, wait: float | None = None) -> Iterator[None]:
    """Hold the archive folder's lock inside the block (the folder is made
    if needed). Waits up to ``wait`` seconds (:data:`LOCK_WAIT_SECONDS`) for
    another writer; raises :class:`ArchiveBusy` saying who holds it, or why
    the folder cannot be locked (a read-only folder)."""
    wait = LOCK_WAIT_SECONDS if wait is None else wait
    lock = _Lock(folder)
    deadline = time.monotonic() + wait
    try:
        folder.mkdir(parents=True, exist_ok=True)
        while (holder := lock.try_take()) is not None:
            if time.monotonic() >= deadline:
                raise ArchiveBusy(
                    f"could not get the lock on {folder}: another writer "
                    f"({_describe(holder)}) is updating it"
                )
            time.sleep(_POLL_SECONDS)
    except OSError as exc:
        raise ArchiveBusy(f"cannot write in {folder} ({exc.strerror or exc})") from None
    try:
        yield
    finally:
        lock.release()
