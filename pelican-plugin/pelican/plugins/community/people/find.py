"""Finding one person in the archive, for the right to erasure."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Interaction
from ..names import clean_name, name_key
from ..urls import handle_key, identity_keys
from .identity import AUTHOR, Identity, merge_identities
from .people_file import PeopleFile


@dataclass(frozen=True)
class Match:
    """A person the query names, with everything they left."""

    name: str
    items: tuple[Interaction, ...]


class AmbiguousPerson(Exception):
    """The query names more than one person."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(", ".join(names))
        self.names = names


def find_person(
    query: str, items: list[Interaction], people: PeopleFile
) -> Match | None:
    """The one person whose name, URL or handle is ``query`` (identities
    merged as on the site), or None. Raises :class:`AmbiguousPerson` when a
    name is shared by several people: a URL or handle is needed then."""
    keys = identity_keys(query, query) | ({handle_key(query)} - {""})
    wanted_name = name_key(query)
    # Everyone but the proven author: an account under the author's name
    # with someone else's address can be erased like anyone.
    found: list[Identity] = [
        identity
        for identity in merge_identities(items, people)
        if identity.items
        and identity.author != AUTHOR
        and (identity.keys & keys or wanted_name in identity.names)
    ]
    if not found:
        return None
    if len(found) > 1 and not any(identity.keys & keys for identity in found):
        raise AmbiguousPerson(sorted(_display(identity) for identity in found))
    if len(found) > 1:
        found = [identity for identity in found if identity.keys & keys]
    chosen = found[0]
    return Match(_display(chosen), tuple(chosen.items))


def _display(identity: Identity) -> str:
    if identity.entry:
        return identity.entry.name
    names = sorted({clean_name(i.author_name) for i in identity.items} - {""})
    urls = sorted({i.author_url for i in identity.items} - {""})
    label = " / ".join(names) or "someone"
    return f"{label} ({urls[0]})" if urls else label
