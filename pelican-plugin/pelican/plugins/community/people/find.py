"""Finding one person by name, URL or handle: for the right to erasure, and
for pinning or hiding someone from the command line."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

from ..model import Interaction
from ..names import clean_name, name_key
from ..urls import handle_key, identity_keys
from .identity import AUTHOR, Identity, merge_identities
from .people_file import PeopleFile

__all__ = [
    "AmbiguousPerson",
    "Match",
    "find_identity",
    "find_person",
    "names_like",
]


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
    # Everyone but the proven author: an account under the author's name
    # with someone else's address can be erased like anyone.
    chosen = find_identity(
        query, (i for i in merge_identities(items, people) if i.author != AUTHOR)
    )
    return None if chosen is None else Match(_display(chosen), tuple(chosen.items))


def find_identity(query: str, identities: Iterable[Identity]) -> Identity | None:
    """The one identity among ``identities`` that ``query`` (a name, URL or
    handle) names, or None; :class:`AmbiguousPerson` when only a shared
    name matches several."""
    keys = identity_keys(query, query) | ({handle_key(query)} - {""})
    wanted_name = name_key(query)
    found: list[Identity] = [
        identity
        for identity in identities
        if identity.items and (identity.keys & keys or wanted_name in identity.names)
    ]
    if not found:
        return None
    if len(found) > 1 and not any(identity.keys & keys for identity in found):
        raise AmbiguousPerson(sorted(_display(identity) for identity in found))
    if len(found) > 1:
        found = [identity for identity in found if identity.keys & keys]
    return found[0]


def names_like(query: str, identities: Iterable[Identity], n: int = 3) -> list[str]:
    """Up to ``n`` people whose name is close to ``query``, a mistyped or
    partial name ("Kit Marlow"), best first, one name each: what a "did you
    mean" offers. Names only, never an address."""
    wanted = name_key(query)
    if not wanted:
        return []
    scored: dict[str, float] = {}
    for identity in identities:
        if not identity.items or identity.author == AUTHOR:
            continue
        names = [identity.entry.name] if identity.entry else []
        names += [clean_name(item.author_name) for item in identity.items]
        best, label = 0.0, ""
        for name in dict.fromkeys(names):
            key = name_key(name)
            if not key:
                continue
            score = difflib.SequenceMatcher(None, wanted, key).ratio()
            if key.startswith(wanted) or f" {wanted}" in key:
                score = max(score, 0.7)
            if score > best:
                best, label = score, name
        if best >= 0.7:
            shown = identity.entry.name if identity.entry else label
            scored[shown] = max(best, scored.get(shown, 0.0))
    return sorted(scored, key=lambda name: (-scored[name], name))[:n]


def _display(identity: Identity) -> str:
    if identity.entry:
        return identity.entry.name
    names = sorted({clean_name(i.author_name) for i in identity.items} - {""})
    urls = sorted({i.author_url for i in identity.items} - {""})
    label = " / ".join(names) or "someone"
    return f"{label} ({urls[0]})" if urls else label
