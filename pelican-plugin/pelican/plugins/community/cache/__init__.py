"""The computed community, kept between builds as plain data while its inputs hold.

Computing the community reads the whole archive and merges every person: on a
large archive that is most of the plugin's cost, paid again by every
``pelican content`` and every ``--autoreload`` cycle although the archive
rarely changes. So the result is kept in ``pelican-community/`` under
Pelican's ``CACHE_PATH`` (``cache/`` by default, where Pelican keeps its own
caches: derived data, safe to delete), not in the archive folder, which
authors commit and which stays plain text, untouched by a build. The folder
holds a ``.gitignore`` of ``*`` (as pytest's cache does) so it never reaches
git. Two files:

- ``community.snapshot``: the community as plain data (``codec.py``): a
  small plain preamble (version, token) read first, then JSON with people
  and posts as columns, the posts naming people by their place, then each
  conversation as flat rows with their parents' places (JSON and zlib).
- ``snapshot.json``: a record of everything the computation read. The
  archive files (every file but ``state.json``, whose check times change on
  each live fetch without changing an interaction): their size, times and
  inode, and a SHA-256 of their content. A file whose metadata is unchanged
  is trusted without reading it, unless it had changed less than
  :data:`fingerprints.RACY_SECONDS` before it was recorded; otherwise (a
  fresh checkout, a CI machine) its content is hashed and compared. And a
  digest of the other inputs (:func:`inputs_digest`): the people file, the
  posts, the settings the computation reads, the content of the plugin's
  code, the Python and Unicode versions and the sanitizer's version, none of
  which changes with the machine or the folder a site is built in.

Any difference is a miss: the community is computed again, never served
stale. A snapshot that cannot be read is a miss (debug log only); one that
cannot be written (a full disk, a folder without write permission) is one
warning naming the file, as Pelican does for its own caches.

**Reading a snapshot runs no code, and trusts nothing in it.** A cache
folder is not always the author's own: CI systems restore ``cache/`` from a
cache shared across branches, which a pull request's job may have written.
So the snapshot is data only, read as any input: every value's type, every
index in range, roles and kinds from the known sets, dates as the date
parser writes them, addresses http(s) only. Anything else is a miss.

**Who wrote it decides only how much is re-read.** The record carries an
HMAC-SHA256 of the snapshot made with a key of the user's own (32 random
bytes in ``pelican-community-secret/cache.key`` under ``$XDG_CACHE_HOME``,
else ``~/.cache``, made 0600 when first needed, never inside the cache
folder). A snapshot with this user's tag was written by this user's builds:
its comment HTML was sanitized when computed, and its conversations are
checked only when a page shows them. Any other snapshot (restored by CI,
copied from another machine) is loaded all the same when its inputs match,
but read thoroughly first: every conversation checked, every comment's
HTML passed through the sanitizer again, every address through the URL
checks. If that changed nothing it is then signed with this user's key (so
the next build reads it quickly); if it changed some HTML, the community is
written anew. So CI can cache ``cache/pelican-community/`` without a secret.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from ..archive.store import STATE_FILE
from ..errors import StorageError
from ..fingerprints import Fingerprint, take_fingerprint
from ..model import PostRef
from ..storage import paused_gc, prepare_cache_folder, read_untrusted_file, replacing
from ..views.community import Community
from .codec import MAGIC, SnapshotError, decode, encode

__all__ = [
    "CACHE_DIR",
    "DATA_FILE",
    "FORMAT",
    "KEY_FILE",
    "MAGIC",
    "SECRET_DIR",
    "SECRET_FILE",
    "TAG_SIZE",
    "CommunityCache",
    "code_digest",
    "inputs_digest",
    "secret_key_path",
]

logger = logging.getLogger(__name__)

#: The plugin's folder under Pelican's CACHE_PATH.
CACHE_DIR = "pelican-community"
#: What the snapshot was computed from, and its tag.
KEY_FILE = "snapshot.json"
DATA_FILE = "community.snapshot"
#: Bump when what the record or the snapshot means changes.
FORMAT = 14
TAG_SIZE = hashlib.sha256().digest_size
#: The key's folder and file under the user's cache directory.
SECRET_DIR = "pelican-community-secret"
SECRET_FILE = "cache.key"
#: The record is small: a larger file is not one.
_RECORD_LIMIT = 16 << 20

_PACKAGE = Path(__file__).resolve().parent.parent
_HEX = re.compile(r"[0-9a-f]*")


@dataclass(frozen=True)
class _Record:
    """Everything the snapshot was computed from, and who wrote it."""

    inputs: str  #: :func:`inputs_digest`
    files: dict[str, Fingerprint]
    token: str  #: ties this record to its snapshot
    #: HMAC-SHA256 of the snapshot with the user's key (hex), "" for none
    tag: str

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": FORMAT,
                "inputs": self.inputs,
                "token": self.token,
                "tag": self.tag,
                "files": {
                    name: dataclasses.asdict(print_)
                    for name, print_ in sorted(self.files.items())
                },
            },
            indent=1,
        )

    @classmethod
    def from_json(cls, data: bytes) -> _Record:
        """The record in ``data``, checked (:class:`SnapshotError` if not one)."""
        value = json.loads(data)
        if type(value) is not dict or value.get("format") != FORMAT:
            raise SnapshotError("not a record of this version")
        inputs, token, tag = value.get("inputs"), value.get("token"), value.get("tag")
        files = value.get("files")
        if not (
            type(inputs) is str
            and type(token) is str
            and type(tag) is str
            and _HEX.fullmatch(tag)
            and type(files) is dict
        ):
            raise SnapshotError("a record of the wrong shape")
        return cls(
            inputs, {name: _fingerprint(e) for name, e in files.items()}, token, tag
        )


def _fingerprint(entry: object) -> Fingerprint:
    if type(entry) is not dict or entry.keys() != {"stat", "sha256", "racy", "stable"}:
        raise SnapshotError("a file's record of the wrong shape")
    stat, sha256 = entry["stat"], entry["sha256"]
    if not (
        type(stat) is list
        and all(type(row) is list for row in stat)
        and all(type(v) in (int, str) for row in stat for v in row)
        and type(sha256) is str
        and type(entry["racy"]) is bool
        and type(entry["stable"]) is bool
    ):
        raise SnapshotError("a file's record of the wrong shape")
    return Fingerprint(stat, sha256, entry["racy"], entry["stable"])


@functools.cache
def code_digest(package: Path = _PACKAGE) -> str:
    """SHA-256 of the plugin's code (each module's path in the package and
    bytes): the same for the same release wherever it is installed, and
    whenever it was, so a fresh ``pip install`` in CI changes nothing.
    Read once per process."""
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _sanitizer_version() -> str:
    try:
        import nh3
    except ImportError:  # pragma: no cover - a dependency
        return ""
    return str(getattr(nh3, "__version__", ""))


def inputs_digest(
    people_file: bytes,
    posts: list[PostRef],
    regular_min_posts: int,
    other_settings: object = (),
) -> str:
    """A digest of every input but the archive files: cheap to compute, and
    the same on every machine for the same site. The people file counts by
    its bytes, so a hit needs no YAML parsing; ``other_settings``: the other
    settings the computation reads (what Pelican's settings say of the
    author, the reply depth). A post's source file is left out: its place
    differs from one checkout to the next, and the community never reads
    it."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\n")

    add(
        "format",
        FORMAT,
        # Minor versions, not builds: sorting and Unicode data change only
        # with them; comment HTML only with the sanitizer's.
        sys.version_info[:2],
        unicodedata.unidata_version,
        _sanitizer_version(),
        regular_min_posts,
        other_settings,
    )
    add("code", code_digest())
    add("people", hashlib.sha256(people_file).hexdigest())
    for post in sorted(repr(dataclasses.replace(p, source_path="")) for p in posts):
        add("post", post)
    return digest.hexdigest()


def _archive_files(archive_path: Path) -> dict[str, Path]:
    if not archive_path.is_dir():
        return {}
    return {
        path.name: path
        for path in sorted(archive_path.iterdir())
        if path.is_file() and not path.name.startswith(".") and path.name != STATE_FILE
    }


def secret_key_path() -> Path | None:
    """Where the key that signs snapshots lives (see the module's notes),
    or None when there is no user cache directory."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory
        return None
    return root / SECRET_DIR / SECRET_FILE


def _read_key(path: Path) -> bytes:
    key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    if len(key) < 16:
        raise ValueError(f"{path}: too short a key")
    return key


def _secret_key(path: Path) -> bytes:
    """The key in ``path``, made (0600, never overwritten) on first use."""
    try:
        return _read_key(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it first
        return _read_key(path)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return _read_key(path)


class CommunityCache:
    """The cached community of one archive folder, kept in ``folder``
    (``CACHE_DIR`` under Pelican's ``CACHE_PATH``)."""

    def __init__(
        self, archive_path: Path, folder: Path, key_path: Path | None = None
    ) -> None:
        self.archive_path = archive_path
        self.folder = folder
        self.key_path = key_path or secret_key_path()
        self._key: bytes | None = None

    def _signing_key(self, *, make: bool) -> bytes | None:
        """The user's key (made first if ``make``); None when there is none
        to trust (no home directory, or a key inside the cache folder, which
        could be planted with the files)."""
        if self._key is not None:
            return self._key
        path = self.key_path
        if path is None or path.resolve().is_relative_to(self.folder.resolve()):
            return None
        try:
            self._key = _secret_key(path) if make else _read_key(path)
        except (OSError, ValueError) as exc:
            if make or not isinstance(exc, FileNotFoundError):
                logger.debug("community: no key to sign the snapshot (%s)", exc)
            return None
        return self._key

    def _tag(self, data: bytes, *, make: bool) -> str:
        key = self._signing_key(make=make)
        if key is None:
            return ""
        return hmac.new(key, data, hashlib.sha256).hexdigest()

    def load(self, inputs: str) -> Community | None:
        """The kept community if it was computed from ``inputs`` and from
        archive files identical to today's; else None."""
        path = self.folder / DATA_FILE
        try:
            record_bytes = read_untrusted_file(self.folder / KEY_FILE, _RECORD_LIMIT)
            if record_bytes is None:
                return None
            record = _Record.from_json(record_bytes)
            if record.inputs != inputs:
                return None
            refreshed = self._check_files(record)
            if refreshed is None:
                return None
            data = read_untrusted_file(path)
            if data is None:  # missing, a symlink, a FIFO, a hard link
                return None
            mine = bool(record.tag) and hmac.compare_digest(
                self._tag(data, make=False), record.tag
            )
            with paused_gc():
                snapshot = decode(
                    data, trusted=mine, where=str(path), token=record.token
                )
        except Exception as exc:  # a damaged or foreign file is only a miss
            logger.debug(
                "community: not using the snapshot in %s (%s)", self.folder, exc
            )
            return None
        community = snapshot.community
        if snapshot.changed:
            # Some HTML read differently through today's sanitizer: kept as
            # it reads now.
            logger.debug("community: %s sanitized anew; writing it again", path)
            self.store(inputs, community)
        elif not mine or refreshed != record.files:
            # Read thoroughly and unchanged, or the same files with new
            # times (a checkout, a touch): remember it as the user's own,
            # so that the next build neither reads the files nor re-reads
            # the snapshot.
            if not mine:
                logger.info("community: read the community from %s, checked", path)
            tag = self._tag(data, make=True)
            try:
                self._write_record(_Record(inputs, refreshed, record.token, tag))
            except (OSError, StorageError) as exc:
                logger.debug("community: could not update the record (%s)", exc)
        return community

    def store(self, inputs: str, community: Community) -> None:
        """Keep ``community`` as computed from ``inputs`` and today's archive
        files (only where an archive folder exists)."""
        if not self.archive_path.is_dir():
            return
        files = {
            name: take_fingerprint(path)
            for name, path in _archive_files(self.archive_path).items()
        }
        token = secrets.token_hex(16)
        key = self._signing_key(make=True)
        mac = hmac.new(key, digestmod=hashlib.sha256) if key is not None else None
        try:
            prepare_cache_folder(self.folder)
            (self.folder / KEY_FILE).unlink(missing_ok=True)
            with replacing(self.folder / DATA_FILE, binary=True) as handle:
                for piece in encode(community, token):
                    if mac is not None:
                        mac.update(piece)
                    handle.write(piece)
            tag = mac.hexdigest() if mac is not None else ""
            self._write_record(_Record(inputs, files, token, tag))
        except StorageError as exc:
            logger.warning(
                "community: %s; the next build computes the community again", exc
            )
        except (OSError, RecursionError, ValueError, TypeError) as exc:
            logger.debug("community: could not keep the community (%s)", exc)

    def _write_record(self, record: _Record) -> None:
        with replacing(self.folder / KEY_FILE) as handle:
            handle.write(record.to_json())

    def _check_files(self, record: _Record) -> dict[str, Fingerprint] | None:
        """Today's records of the archive files if their content is what
        ``record`` recorded, else None."""
        paths = _archive_files(self.archive_path)
        if paths.keys() != record.files.keys():
            return None
        current: dict[str, Fingerprint] = {}
        for name, path in paths.items():
            recorded = record.files[name]
            if recorded.still_matches(path):
                current[name] = recorded
                continue
            fresh = take_fingerprint(path)
            if not fresh.stable or fresh.sha256 != recorded.sha256:
                return None
            current[name] = fresh
        return current
