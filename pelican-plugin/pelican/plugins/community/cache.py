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
stale. A cache that cannot be read or written is ignored (debug log only).
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import secrets
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .archive.store import STATE_FILE
from .fingerprints import Fingerprint, take_fingerprint
from .model import PostRef
from .storage import paused_gc, prepare_cache_folder
from .views.community import Community

logger = logging.getLogger(__name__)

#: The plugin's folder under Pelican's CACHE_PATH.
CACHE_DIR = "pelican-community"
KEY_FILE = "community.key"
DATA_FILE = "community.pickle"
#: Bump when the cached object's shape changes in a way file times miss.
FORMAT = 3

_PACKAGE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class _Key:
    """Everything the cached community was computed from."""

    inputs: str  #: digest of people file, posts, settings, code, Python
    files: dict[str, Fingerprint]
    token: str  #: ties this key to its data file


def inputs_digest(
    people_file: bytes, posts: list[PostRef], regular_min_posts: int
) -> str:
    """A digest of every input but the archive files: cheap to compute.
    The people file counts by its bytes, so a hit needs no YAML parsing."""
    digest = hashlib.sha256()

    def add(*parts: object) -> None:
        digest.update(repr(parts).encode("utf-8", "surrogatepass") + b"\n")

    add("format", FORMAT, sys.version, regular_min_posts)
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


class CommunityCache:
    """The cached community of one archive folder, kept in ``cache_path``
    (Pelican's ``CACHE_PATH``)."""

    def __init__(self, archive_path: Path, folder: Path) -> None:
        self.archive_path = archive_path
        self.folder = folder  #: ``CACHE_DIR`` under Pelican's ``CACHE_PATH``

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
        except (OSError, RecursionError, pickle.PicklingError) as exc:
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
        with (self.folder / name).open("rb") as handle, paused_gc():
            return pickle.load(handle)

    def _write(self, name: str, value: object) -> None:
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=f".{name}.", suffix=".tmp")
        try:
            # Straight to the file: a large community is not also held
            # in memory as one pickled string.
            with os.fdopen(fd, "wb") as handle, paused_gc():
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.folder / name)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
