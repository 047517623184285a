"""The computed community, kept between builds while nothing it rests on changes.

Computing the community reads the whole archive and merges every person: on a
large archive that is most of the plugin's cost, paid again by every
``pelican content`` and every ``--autoreload`` cycle although the archive
rarely changes. So the result is pickled in ``pelican-community/`` under
Pelican's ``CACHE_PATH`` (``cache/`` by default, where Pelican keeps its own
caches: derived data, safe to delete), not in the archive folder, which
authors commit and which stays plain text, untouched by a build. The folder
holds a ``.gitignore`` of ``*`` (as pytest's cache does) so it never reaches
git. Next to the result is a record of everything the computation read:

- the archive files (every file but ``state.json``, whose check times change
  on each live fetch without changing an interaction): their size, times and
  inode, and a SHA-256 of their content. A file whose metadata is unchanged is
  trusted without reading it, unless it had changed less than
  :data:`fingerprints.RACY_SECONDS` before it was recorded (a rewrite within the file
  system's timestamp granularity could keep its times): then, as whenever the
  metadata differs, its content is hashed and compared;
- a digest of the parsed people file, the posts (slug, URLs, title, date,
  metadata), ``COMMUNITY_REGULAR_MIN_POSTS``, the plugin's own code (its
  files' sizes and times) and the Python version.

Any difference is a miss: the community is computed again, never served
stale. A cache that cannot be read is ignored (debug log only); one that
cannot be written (a full disk, a folder without write permission) is one
warning naming the file, as Pelican does for its own caches.

**The cache cannot run code.** Unpickling runs whatever the bytes ask for,
and a cache folder is not always the author's own: CI systems restore
``cache/`` from a cache shared across branches, which a pull request's job
may have written. So each file carries an HMAC-SHA256 of its bytes, made
with a key kept outside the cache folder, and nothing is unpickled before
its tag checks out: a planted file is a miss, never executed.

The key is 32 random bytes in ``pelican-community-secret/cache.key`` under
the user's cache directory (``$XDG_CACHE_HOME``, else ``~/.cache``), made
0600 on first use. Why there and not beside the archive: the archive folder
is committed, so a secret in it is one ``git add -f`` from being public, and
it is often read-only in CI; the user's cache directory belongs to the user
(whoever can write it can already change their shell's startup files), is
never in a site's repository, and is not what a CI job restores as the
site's ``cache/``. A fresh CI machine makes a fresh key, so a restored
``cache/`` is simply a miss there. Without a usable key (no home directory,
a key inside the cache folder itself), nothing is cached.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .archive.store import STATE_FILE
from .errors import StorageError
from .fingerprints import Fingerprint, take_fingerprint
from .model import PostRef
from .storage import paused_gc, prepare_cache_folder, read_untrusted_file, replacing
from .views.community import Community

logger = logging.getLogger(__name__)

#: The plugin's folder under Pelican's CACHE_PATH.
CACHE_DIR = "pelican-community"
KEY_FILE = "community.key"
DATA_FILE = "community.pickle"
#: Bump when the cached object's shape changes in a way file times miss.
FORMAT = 13
#: What every cache file starts with; its HMAC-SHA256 tag ends it.
MAGIC = b"pelican-community cache, HMAC-SHA256 signed\n"
TAG_SIZE = hashlib.sha256().digest_size
#: The key's folder and file under the user's cache directory.
SECRET_DIR = "pelican-community-secret"
SECRET_FILE = "cache.key"

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _Key:
    """Everything the cached community was computed from."""

    inputs: str  #: digest of people file, posts, settings, code, Python
    files: dict[str, Fingerprint]
    token: str  #: ties this key to its data file


def inputs_digest(
    people_file: bytes,
    posts: list[PostRef],
    regular_min_posts: int,
    other_settings: object = (),
) -> str:
    """A digest of every input but the archive files: cheap to compute.
    The people file counts by its bytes, so a hit needs no YAML parsing;
    ``other_settings``: the other settings the computation reads (what
    Pelican's settings say of the author, the reply depth)."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\n")

    add("format", FORMAT, sys.version, regular_min_posts, other_settings)
    add("people", hashlib.sha256(people_file).hexdigest())
    for post in sorted(repr(post) for post in posts):
        add("post", post)
    for path in sorted(_PACKAGE.rglob("*.py")):
        stat = path.stat()
        add("code", str(path.relative_to(_PACKAGE)), stat.st_size, stat.st_mtime_ns)
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
    """Where the key that signs cache files lives (see the module's notes),
    or None when there is no user cache directory."""
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        root = Path(base) if base else Path.home() / ".cache"
    except RuntimeError:  # no home directory
        return None
    return root / SECRET_DIR / SECRET_FILE


def _secret_key(path: Path) -> bytes:
    """The key in ``path``, made (0600, never overwritten) on first use."""
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except FileNotFoundError:
        pass
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another build made it first
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return bytes.fromhex(path.read_text(encoding="ascii").strip())


class _SigningWriter:
    """Passes pickled bytes to the file while signing them, so a large
    community is never held as one pickled string."""

    def __init__(self, handle: IO[bytes], key: bytes) -> None:
        self.handle = handle
        self.mac = hmac.new(key, MAGIC, hashlib.sha256)
        handle.write(MAGIC)

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.handle.write(data)

    def finish(self) -> None:
        self.handle.write(self.mac.digest())


class CommunityCache:
    """The cached community of one archive folder, kept in ``cache_path``
    (Pelican's ``CACHE_PATH``)."""

    def __init__(
        self, archive_path: Path, folder: Path, key_path: Path | None = None
    ) -> None:
        self.archive_path = archive_path
        self.folder = folder  #: ``CACHE_DIR`` under Pelican's ``CACHE_PATH``
        self.key_path = key_path or secret_key_path()
        self._key: bytes | None = None

    def _signing_key(self) -> bytes:
        """The key, or :class:`OSError` when there is none to trust (a key
        inside the cache folder could be planted with the files)."""
        if self._key is None:
            path = self.key_path
            if path is None:
                raise OSError("no user cache directory for the signing key")
            if path.resolve().is_relative_to(self.folder.resolve()):
                raise OSError(f"the signing key {path} is inside {self.folder}")
            self._key = _secret_key(path)
        return self._key

    def load(self, inputs: str) -> Community | None:
        """The cached community if it was computed from ``inputs`` and from
        archive files identical to today's; else None."""
        try:
            key = self._read(KEY_FILE)
            if not isinstance(key, _Key) or key.inputs != inputs:
                return None
            refreshed = self._check_files(key)
            if refreshed is None:
                return None
            data = self._read(DATA_FILE)
            if not isinstance(data, tuple) or len(data) != 2:
                return None
            token, community = data
        except FileNotFoundError:
            return None
        except Exception as exc:  # a truncated or foreign file is only a miss
            logger.debug("community: ignoring the cache in %s (%s)", self.folder, exc)
            return None
        if token != key.token or not isinstance(community, Community):
            return None
        if refreshed != key.files:
            # Same content, new times (a checkout, a touch): remember them so
            # the next build need not read the files again.
            try:
                self._write(KEY_FILE, _Key(inputs, refreshed, key.token))
            except OSError as exc:
                logger.debug("community: could not update the cache (%s)", exc)
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
        try:
            prepare_cache_folder(self.folder)
            (self.folder / KEY_FILE).unlink(missing_ok=True)
            self._write(DATA_FILE, (token, community))
            self._write(KEY_FILE, _Key(inputs, files, token))
        except StorageError as exc:
            logger.warning(
                "community: %s; the next build computes the community again", exc
            )
        except (OSError, RecursionError, pickle.PicklingError, ValueError) as exc:
            logger.debug("community: could not cache the result (%s)", exc)

    def _check_files(self, key: _Key) -> dict[str, Fingerprint] | None:
        """Today's records of the archive files if their content is what
        ``key`` recorded, else None."""
        paths = _archive_files(self.archive_path)
        if paths.keys() != key.files.keys():
            return None
        current: dict[str, Fingerprint] = {}
        for name, path in paths.items():
            recorded = key.files[name]
            if recorded.still_matches(path):
                current[name] = recorded
                continue
            record = take_fingerprint(path)
            if not record.stable or record.sha256 != recorded.sha256:
                return None
            current[name] = record
        return current

    def _read(self, name: str) -> object:
        """The object in cache file ``name``, unpickled only once its tag
        proves this user's key signed it (:class:`ValueError` if not)."""
        data = read_untrusted_file(self.folder / name)
        if data is None:  # a symlink (to /dev/zero, say), a FIFO, a hard link
            raise ValueError(f"{name} is not a plain file")
        payload = memoryview(data)[len(MAGIC) : -TAG_SIZE]
        mac = hmac.new(self._signing_key(), MAGIC, hashlib.sha256)
        mac.update(payload)
        if not (
            len(data) > len(MAGIC) + TAG_SIZE
            and data.startswith(MAGIC)
            and hmac.compare_digest(mac.digest(), data[-TAG_SIZE:])
        ):
            raise ValueError(f"{name} is not signed with this user's cache key")
        with paused_gc():
            return pickle.loads(payload)

    def _write(self, name: str, value: object) -> None:
        key = self._signing_key()
        with replacing(self.folder / name, binary=True) as handle, paused_gc():
            writer = _SigningWriter(handle, key)
            pickle.dump(value, writer, protocol=pickle.HIGHEST_PROTOCOL)
            writer.finish()
