"""The author's people file (community.yaml): me, friends, people and hide rules."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import PeopleFileError
from .urls import handle_key, profile_handle_key, url_key


@dataclass(frozen=True)
class PersonEntry:
    """A ``friends`` or ``people`` entry: one person under several identities."""

    name: str
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    handles: tuple[str, ...] = ()
    note: str = ""
    pinned: bool = False
    line: int = 0

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def identity_keys(self) -> set[str]:
        keys = {url_key(u) for u in self.urls} | {
            profile_handle_key(u) for u in self.urls
        }
        keys |= {handle_key(h) for h in self.handles}
        keys.discard("")
        return keys


@dataclass(frozen=True)
class HideRule:
    """Never show, never count whoever matches: by name, url, domain or handle."""

    field: str
    value: str
    line: int = 0


@dataclass(frozen=True)
class PeopleFile:
    """The parsed people file; empty when the file does not exist."""

    me: PersonEntry | None = None
    friends: tuple[PersonEntry, ...] = ()
    people: tuple[PersonEntry, ...] = ()
    hide: tuple[HideRule, ...] = ()

    @property
    def entries(self) -> tuple[PersonEntry, ...]:
        return self.friends + self.people


def load_people_file(path: Path) -> PeopleFile:
    """Read and validate ``path``; a missing file is an empty people file.

    Raises :class:`PeopleFileError` with the file, line and what is wrong.
    """
    if not path.exists():
        return PeopleFile()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PeopleFileError(f"{path}: cannot be read ({exc})") from None
    # YAML is loaded only here: a warm build, which knows these bytes
    # already, does not pay for it.
    from .people_yaml import read_people_yaml

    return read_people_yaml(path, text)
