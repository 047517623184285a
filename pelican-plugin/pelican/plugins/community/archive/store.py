"""The durable archive: every interaction ever seen, one JSON line each.

Layout under ``COMMUNITY_ARCHIVE_PATH``::

    <source-name>.jsonl   one interaction per line, sorted, keys sorted
    state.json            what each source was last read from (hashes, ETags)

It only grows: a read merges into what is there, and only ids a source itself
reports as removed are dropped (a record its platform now withholds is kept
as a withheld stand-in, with no name or words). Files are replaced
atomically (write to a temporary file, fsync, rename), so a process killed
mid-write leaves the previous version intact. The archive is meant to be
committed to git: it is deterministic, diff-friendly, and holds no email, IP
address or email hash.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..errors import CommunityError
from ..model import FIELD_NAMES as _FIELD_NAMES
from ..model import Interaction, SourceResult, SourceState
from ..names import is_sample_comment
from ..sanitize import (
    has_lone_surrogate,
    mask_private,
    whole_characters,
    without_email_hash,
)
from ..storage import write_atomically

__all__ = [
    "FORGOTTEN_FILE",
    "OLD_FORGOTTEN_FILE",
    "STATE_FILE",
    "SUFFIX",
    "Archive",
    "Forgotten",
    "MergeStats",
    "record_identity",
]

logger = logging.getLogger(__name__)

STATE_FILE = "state.json"
#: Ids erased with ``pelican-community forget``: never archived again. One
#: JSON object a line: ``{"source": name, "id": id}`` and ``{"record":
#: digest}`` (:func:`record_identity`), so any character in an id is safe.
FORGOTTEN_FILE = "forgotten.ndjson"
#: Its predecessor (``source<TAB>id`` lines): still read, never written.
OLD_FORGOTTEN_FILE = "forgotten.txt"
SUFFIX = ".jsonl"


def record_identity(item: Interaction) -> str:
    """What a record is whatever its source is named: a digest of its kind,
    id, date, post and address, so that renaming a source or its export
    file does not bring a forgotten record back. Nothing personal in it."""
    parts = [item.kind, item.id, item.published, item.target_url, item.url]
    text = json.dumps(parts)  # ASCII: any character is escaped
    return hashlib.sha256(text.encode("ascii")).hexdigest()


@dataclass
class Forgotten:
    """The records erased for good: by source and id, and by identity."""

    by_source: dict[str, set[str]] = field(default_factory=dict)
    records: set[str] = field(default_factory=set)

    def of(self, name: str) -> Callable[[Interaction], bool]:
        """Whether a record of source ``name`` is forgotten."""
        ids = self.by_source.get(name, set())
        records = self.records
        if not records:
            return lambda item: item.id in ids
        return lambda item: item.id in ids or record_identity(item) in records

    def copy(self) -> Forgotten:
        return Forgotten(
            {name: set(ids) for name, ids in self.by_source.items()}, set(self.records)
        )

    def lines(self) -> list[str]:
        rows = [
            json.dumps({"id": item_id, "source": name})
            for name, ids in self.by_source.items()
            for item_id in ids
        ]
        rows += [json.dumps({"record": digest}) for digest in self.records]
        return sorted(rows)


@dataclass(frozen=True)
class MergeStats:
    """What one merge changed."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    #: records now kept only as withheld (new ones, or shown ones replaced)
    withheld: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed or self.withheld)


def _sort_key(item: Interaction) -> tuple[str, str]:
    # Oldest first, so new interactions append at the end of the file: small diffs.
    return (item.published or "9999", item.id)


#: Text fields a stranger controls, where an address may have been typed.
_MASKED_FIELDS = ("author_key", "author_name", "content", "target_slug", "target_title")
#: Ids: masked the same way wherever they appear, a lone number kept (ids
#: are often ten-digit numbers).
_MASKED_IDS = ("id", "parent")
#: A person's links: one that holds an address is dropped, not cut. (The
#: permalink names the interaction on its platform, as the platform gave it.)
_LINK_FIELDS = ("author_url", "author_photo")


#: Every text field of a record.
_TEXT_FIELDS = tuple(
    name for name in _FIELD_NAMES if name not in ("author_is_me", "extra")
)
_TEXTS_OF = attrgetter(*_TEXT_FIELDS)


def _whole(item: Interaction) -> Interaction:
    """The record with every lone UTF-16 surrogate (which a source's JSON can
    hold, and no page or file can) as U+FFFD, ids and parents alike."""
    text = "".join(_TEXTS_OF(item))
    if item.extra:
        text += "".join((*item.extra.keys(), *item.extra.values()))
    if text.isascii() or not has_lone_surrogate(text):
        return item
    changes: dict[str, Any] = {
        name: whole_characters(getattr(item, name)) for name in _TEXT_FIELDS
    }
    changes["extra"] = {
        whole_characters(key): whole_characters(value)
        for key, value in item.extra.items()
    }
    return replace(item, **changes)


def _whole_line(data: Any) -> Any:
    """A parsed archive line with lone surrogates as U+FFFD (in a line
    edited by hand: the archive's own writer cannot write one)."""
    if isinstance(data, str):
        return whole_characters(data)
    if isinstance(data, dict):
        return {_whole_line(key): _whole_line(value) for key, value in data.items()}
    return data


def _without_private_data(item: Interaction) -> Interaction:
    """Email and IP addresses typed into a comment, a name, a title or an id
    never reach the archive (which authors often publish in a public
    repository), however they are spelled; neither does a link that holds
    one, nor an avatar whose address carries an email's hash. Ids are
    masked the same way wherever they appear, so replies and removals still
    find them."""
    changes: dict[str, Any] = {}
    for name in _MASKED_FIELDS + _MASKED_IDS:
        value = getattr(item, name)
        masked = mask_private(value, numbers=name not in _MASKED_IDS)
        if masked != value:
            changes[name] = masked
    for name in _LINK_FIELDS:
        value = getattr(item, name)
        kept = without_email_hash(value) if name == "author_photo" else value
        if kept and mask_private(kept, numbers=False) != kept:
            kept = ""
        if kept != value:
            changes[name] = kept
    extra = {
        key: mask_private(value, numbers=False) for key, value in item.extra.items()
    }
    if extra != item.extra:
        changes["extra"] = extra
    return replace(item, **changes) if changes else item


def _dump_line(item: Interaction) -> str:
    return json.dumps(item.to_dict(), ensure_ascii=False, sort_keys=True)


class Archive:
    """Reads and atomically rewrites the archive folder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        # Read once per Archive (one build, one command, under the writer
        # lock), kept up to date by this object's own writes.
        self._forgotten: tuple[object, Forgotten] | None = None
        self._state: tuple[object, str] | None = None

    def source_file(self, name: str) -> Path:
        """The file that holds source ``name``'s interactions."""
        return self.path / f"{name}{SUFFIX}"

    def source_names(self) -> list[str]:
        """Names of every source with archived interactions, sorted."""
        if not self.path.is_dir():
            return []
        return sorted(p.name[: -len(SUFFIX)] for p in self.path.glob(f"*{SUFFIX}"))

    def load_source(self, name: str) -> dict[str, Interaction]:
        """The archived interactions of one source, by id (never a forgotten
        one, whatever wrote it back)."""
        return self._load_source(name, self.forgotten().of(name))[0]

    def _load_source(
        self, name: str, forgotten: Callable[[Interaction], bool] | None
    ) -> tuple[dict[str, Interaction], int]:
        """The source's interactions without the ``forgotten`` ids, and how
        many forgotten ones the file held (a writer that overlapped a
        ``forget`` may have put them back: the next merge drops them)."""
        path = self.path / f"{name}{SUFFIX}"
        if not path.exists():
            return {}, 0
        items: dict[str, Interaction] = {}
        dropped = 0
        with path.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    if "\\u" in line:  # an escape: perhaps half a character
                        data = _whole_line(data)
                    item = Interaction.from_dict(data)
                except (ValueError, TypeError) as exc:
                    raise CommunityError(
                        f"{path}:{number}: not a valid archive line ({exc}); "
                        "restore the file from git or delete the line"
                    ) from None
                if forgotten is not None and forgotten(item):
                    dropped += 1
                    continue
                items[item.id] = item
        return items, dropped

    def load(self, *, purge: bool = False) -> list[Interaction]:
        """Every archived interaction of every source, in a stable order.

        ``purge`` (for builds, which may write) rewrites a source file found
        holding forgotten ids, so erased words do not linger in the
        committed archive until that source next changes."""
        forgotten = self.forgotten()
        items: list[Interaction] = []
        for name in self.source_names():
            current, dropped = self._load_source(name, forgotten.of(name))
            if purge and dropped:
                self._write_source(name, current.values())
            items.extend(current.values())
        return items

    def merge(self, name: str, result: SourceResult) -> MergeStats:
        """Merge one read of source ``name``; drop only what it reports removed."""
        current, stats, dropped, learned = self._merged(name, result)
        if learned:
            forgotten = self.forgotten()
            forgotten.records |= learned
            self._write_forgotten(forgotten)
        if dropped or stats.changed or not (self.path / f"{name}{SUFFIX}").exists():
            self._write_source(name, current.values())
        return stats

    def _write_forgotten(self, forgotten: Forgotten) -> None:
        lines = forgotten.lines()
        write_atomically(self.path / FORGOTTEN_FILE, (f"{line}\n" for line in lines))
        self._forgotten = None

    def load_with(self, pending: dict[str, SourceResult]) -> list[Interaction]:
        """Every archived interaction, as if ``pending`` reads had been
        merged, without writing anything (for commands that only look)."""
        items: list[Interaction] = []
        for name in sorted(set(self.source_names()) | set(pending)):
            if name in pending:
                current, *_ = self._merged(name, pending[name])
            else:
                current = self.load_source(name)
            items.extend(current.values())
        return items

    def _merged(
        self, name: str, result: SourceResult
    ) -> tuple[dict[str, Interaction], MergeStats, int, set[str]]:
        """The source's records with ``result`` merged in, what changed, how
        many forgotten ones its file held, and the identities of the records
        read again that were forgotten under this source's name alone
        (``forgotten.txt``, or erased before they were archived): recorded,
        they stay forgotten when the source or its file is renamed."""
        known = self.forgotten()
        forgotten, by_id = known.of(name), known.by_source.get(name, set())
        current, dropped = self._load_source(name, forgotten)
        added = updated = removed = withheld = 0
        learned: set[str] = set()
        for item in result.interactions:
            item = _without_private_data(_whole(item))
            if forgotten(item):
                if item.id in by_id:
                    learned.add(record_identity(item))
                continue
            if _is_sample(item):
                continue
            old = current.get(item.id)
            if old == item:
                continue
            # A whole record replaced, fields and all: a withheld one keeps
            # nothing of the name or words archived before.
            if item.is_withheld and (old is None or not old.is_withheld):
                withheld += 1
            elif old is None:
                added += 1
            else:
                updated += 1
            current[item.id] = item
        for item_id in result.removed:
            item_id = mask_private(whole_characters(item_id), numbers=False)
            if current.pop(item_id, None) is not None:
                removed += 1
        stats = MergeStats(added, updated, removed, withheld)
        return current, stats, dropped, learned - known.records

    def forget(self, keys: set[tuple[str, str]]) -> list[Interaction]:
        """Erase the interactions ``(source, id)`` in ``keys`` for good: they
        are removed and recorded, by source and id and by their identity
        (:func:`record_identity`), so no later read brings them back, not
        even under another source name. The record holds only source names,
        ids and digests, nothing personal."""
        by_source: dict[str, set[str]] = {}
        for source, item_id in keys:
            by_source.setdefault(source, set()).add(item_id)
        archived = {
            name: self._load_source(name, None)[0] for name in sorted(by_source)
        }
        # The list first: from then on no load or merge sees these ids, even
        # if the process dies before the source files are rewritten.
        forgotten = self.forgotten()
        for name, ids in by_source.items():
            forgotten.by_source.setdefault(name, set()).update(ids)
            forgotten.records.update(
                record_identity(archived[name][item_id])
                for item_id in ids
                if item_id in archived[name]
            )
        self._write_forgotten(forgotten)
        erased: list[Interaction] = []
        for name, ids in sorted(by_source.items()):
            current = archived[name]
            gone = [
                current.pop(item_id) for item_id in sorted(ids) if item_id in current
            ]
            if gone:
                self._write_source(name, current.values())
                erased.extend(gone)
        return erased

    def forgotten(self) -> Forgotten:
        """What was erased for good (a copy: the caller may change it), from
        the forgotten list and its predecessor."""
        paths = (self.path / FORGOTTEN_FILE, self.path / OLD_FORGOTTEN_FILE)
        stamp = tuple(_stamp(path) for path in paths)
        if self._forgotten is None or self._forgotten[0] != stamp:
            self._forgotten = (stamp, _read_forgotten(*paths))
        return self._forgotten[1].copy()

    def _write_source(self, name: str, items: Iterable[Interaction]) -> None:
        # Line by line: a large source is never held twice more as text.
        write_atomically(
            self.path / f"{name}{SUFFIX}",
            (_dump_line(item) + "\n" for item in sorted(items, key=_sort_key)),
        )

    def drop_source(self, name: str) -> int:
        """Delete source ``name``'s archive file and state (a source no
        longer configured, not wanted as history); how many interactions
        it held. Its ids are not added to the forgotten list: configuring
        the source again reads them again."""
        count = len(self.load_source(name))
        self.source_file(name).unlink(missing_ok=True)
        state = self.read_state()
        if state.pop(name, None) is not None:
            self.write_state(state)
        return count

    # -- state: what each source was last read from --------------------------

    def read_state(self) -> dict[str, SourceState]:
        """Per-source state (content hashes, validators, last checks)."""
        text = self._state_text()
        if not text:
            return {}
        try:
            data = json.loads(text)
        except ValueError:
            logger.warning(
                "%s: unreadable, every source will be read again",
                self.path / STATE_FILE,
            )
            return {}
        return data if isinstance(data, dict) else {}

    def write_state(self, state: dict[str, SourceState]) -> None:
        """Atomically replace the state file (deterministic: keys sorted)."""
        text = json.dumps(state, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
        if text != self._state_text():
            write_atomically(self.path / STATE_FILE, text)

    def _state_text(self) -> str:
        path = self.path / STATE_FILE
        stamp = _stamp(path)
        if self._state is None or self._state[0] != stamp:
            text = path.read_text(encoding="utf-8") if stamp is not None else ""
            self._state = (stamp, text)
        return self._state[1]


def _read_forgotten(path: Path, old_path: Path) -> Forgotten:
    forgotten = Forgotten()
    if old_path.exists():
        for line in old_path.read_text(encoding="utf-8").splitlines():
            source, _, item_id = line.partition("\t")
            if item_id:
                forgotten.by_source.setdefault(source, set()).add(item_id)
    if not path.exists():
        return forgotten
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            if "record" in row:
                forgotten.records.add(str(row["record"]))
            else:
                forgotten.by_source.setdefault(str(row["source"]), set()).add(
                    str(row["id"])
                )
        except (ValueError, TypeError, KeyError):
            raise CommunityError(
                f"{path}:{number}: not a forgotten record; restore the file from git"
            ) from None
    return forgotten


def _stamp(path: Path) -> object:
    """What says a small file changed: size, times and inode (None: absent).
    Small files asked for again and again in one build are read again only
    when another writer changed them."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _is_sample(item: Interaction) -> bool:
    """A blog engine's sample comment ("Mr WordPress"): never archived."""
    return item.kind == "comment" and is_sample_comment(
        item.author_name, item.author_url, item.content
    )
