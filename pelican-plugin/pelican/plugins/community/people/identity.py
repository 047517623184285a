"""Merging interactions into people: one person, however many names and accounts.

Rules, strongest first:

1. the same email (only as the source's opaque ``author_key``), normalized URL
   (not a bare shared-platform homepage), handle or profile URL, or a URL or
   handle listed for one entry of the people file, is one person;
2. the same normalized name (or a people-file name or alias) is one person
   where nothing contradicts it: two different emails in one export, or two
   different URLs (or two different handles), mean two people who share a
   name.

Input order does not matter: everything is sorted before it is merged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import Interaction
from ..names import name_key
from ..urls import identity_keys
from .people_file import PeopleFile, PersonEntry

#: Names that say nobody in particular: never merged by name alone.
PLACEHOLDER_NAMES = frozenset(
    {
        "",
        "anonymous",
        "anon",
        "guest",
        "unknown",
        "a reader",
        "someone",
        "admin",
        "(no name)",
        "no name",
        "user",
        "deleted",
        "[deleted]",
        # What the archive makes of an address typed as a name.
        "[email hidden]",
        "[address hidden]",
    }
)


# The same few thousand people write most interactions: the normalizers run
# once per distinct name or address, not once per interaction. Bounded, and
# emptied by :func:`clear_caches` after each computation.
_CACHE_SIZE = 1 << 18


@lru_cache(maxsize=_CACHE_SIZE)
def _name_key(name: str) -> str:
    return name_key(name)


@lru_cache(maxsize=_CACHE_SIZE)
def _identity_keys(url: str, handle: str) -> frozenset[str]:
    return frozenset(identity_keys(url, handle))


def clear_caches() -> None:
    """Forget the memoized names and addresses (they hold strangers' text)."""
    for cached in (_name_key, _identity_keys, _keys_with_email, _one_name):
        cached.cache_clear()


@dataclass
class Identity:
    """One person: the people-file entry (if any) and every interaction."""

    entry: PersonEntry | None
    items: list[Interaction] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)


def interaction_keys(item: Interaction) -> set[str]:
    """Strong identity keys of an interaction's author."""
    keys = set(_identity_keys(item.author_url, item.author_handle))
    if item.extra:
        # A Mastodon profile's verified website; a Bluesky DID's handle.
        keys |= _identity_keys(item.extra.get("verified_url", ""), "")
        keys |= _identity_keys("", item.extra.get("handle", ""))
    if item.author_key:
        keys.add(f"email:{item.author_key}")
    return keys


def _frozen_keys(item: Interaction) -> frozenset[str]:
    """:func:`interaction_keys`, shared between the interactions of one author."""
    if item.extra:
        return frozenset(interaction_keys(item))
    return _keys_with_email(item.author_url, item.author_handle, item.author_key)


@lru_cache(maxsize=_CACHE_SIZE)
def _keys_with_email(url: str, handle: str, author_key: str) -> frozenset[str]:
    keys = _identity_keys(url, handle)
    return keys | {f"email:{author_key}"} if author_key else keys


_NO_NAME: frozenset[str] = frozenset()
_one_name = lru_cache(maxsize=_CACHE_SIZE)(lambda key: frozenset((key,)))


def _kind(key: str) -> str:
    """What a key says of a person, for telling contradictions: two keys of
    one kind mean two people. Email keys are opaque per export, so only two
    emails *of the same export* contradict: an author's migrating readers
    signed each export with their own key. (A Disqus or Blogger profile is an
    address like any other: it keeps a stranger signing with a friend's name
    apart from the friend, until the author lists it in the people file.)"""
    kind = key.split(":", 1)[0]
    if kind == "email":
        return "email@" + key[len("email:") :].split(":email:", 1)[0]
    return "bsky" if kind == "did" else kind


def is_me(item: Interaction, people: PeopleFile) -> bool:
    """Whether the blog's own author wrote ``item``."""
    return me_matcher(people)(item)


def me_matcher(people: PeopleFile) -> Callable[[Interaction], bool]:
    """:func:`is_me` for many interactions: the author's names and keys are
    normalized once."""
    me = people.me
    if me is None:
        return lambda item: item.author_is_me
    names = frozenset(name_key(n) for n in me.names if n)
    keys = frozenset(me.identity_keys())

    def written_by_me(item: Interaction) -> bool:
        if item.author_is_me or _name_key(item.author_name) in names:
            return True
        return not keys.isdisjoint(_frozen_keys(item))

    return written_by_me


class _Merger:
    """Union-find over people-file entries and interactions."""

    def __init__(self, entries: tuple[PersonEntry, ...], items: list[Interaction]):
        self.entries = list(entries)
        self.items = items
        count = len(self.entries) + len(items)
        self.parent = list(range(count))
        # Shared frozensets, replaced (never changed in place) on a union:
        # a million interactions by a few thousand people need a few
        # thousand sets, not two million.
        self.keys: list[frozenset[str]] = []
        self.names: list[frozenset[str]] = []
        for entry in self.entries:
            self.keys.append(frozenset(entry.identity_keys()))
            self.names.append(frozenset(name_key(n) for n in entry.names))
        for item in items:
            self.keys.append(_frozen_keys(item))
            key = _name_key(item.author_name)
            self.names.append(_NO_NAME if key in PLACEHOLDER_NAMES else _one_name(key))

    def find(self, node: int) -> int:
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def union(self, a: int, b: int) -> None:
        a, b = self.find(a), self.find(b)
        if a == b:
            return
        root, child = min(a, b), max(a, b)
        self.parent[child] = root
        self.keys[root] = self.keys[root] | self.keys[child]
        self.names[root] = self.names[root] | self.names[child]

    def has_entry(self, root: int) -> bool:
        return any(self.find(i) == root for i in range(len(self.entries)))

    def compatible(self, a: int, b: int) -> bool:
        kinds_a = {_kind(k) for k in self.keys[a]}
        return not kinds_a & {_kind(k) for k in self.keys[b]}

    def merge_strong_keys(self) -> None:
        first: dict[str, int] = {}
        for node, keys in enumerate(list(self.keys)):
            for key in sorted(keys):
                if key in first:
                    self.union(first[key], node)
                else:
                    first[key] = node

    def merge_names(self) -> None:
        changed = True
        while changed:
            changed = False
            groups: dict[str, set[int]] = defaultdict(set)
            for node in range(len(self.parent)):
                root = self.find(node)
                for name in self.names[root]:
                    groups[name].add(root)
            for name in sorted(groups):
                members = sorted({self.find(r) for r in groups[name]})
                if len(members) > 1 and self._merge_group(members):
                    changed = True

    def _merge_group(self, members: list[int]) -> bool:
        with_entry = [m for m in members if self.has_entry(m)]
        if len(with_entry) == 1:
            # A people-file name claims every uncontradicted cluster.
            anchor = with_entry[0]
            merged = False
            for member in members:
                root = self.find(anchor)
                if self.find(member) != root and self.compatible(
                    root, self.find(member)
                ):
                    self.union(root, member)
                    merged = True
            return merged
        if with_entry:
            return False
        if all(
            self.compatible(a, b)
            for i, a in enumerate(members)
            for b in members[i + 1 :]
        ):
            for member in members[1:]:
                self.union(members[0], member)
            return True
        return False

    def identities(self) -> list[Identity]:
        by_root: dict[int, Identity] = {}
        for index, entry in enumerate(self.entries):
            by_root.setdefault(self.find(index), Identity(entry=None)).entry = entry
        offset = len(self.entries)
        for index, item in enumerate(self.items):
            root = self.find(offset + index)
            by_root.setdefault(root, Identity(entry=None)).items.append(item)
        for root, identity in by_root.items():
            identity.keys = set(self.keys[root])
            identity.names = set(self.names[root])
        return [by_root[root] for root in sorted(by_root)]


def is_anonymous(item: Interaction) -> bool:
    """Signed by nobody: a placeholder name (or none), no URL, handle or key."""
    return _name_key(item.author_name) in PLACEHOLDER_NAMES and not _frozen_keys(item)


def merge_identities(items: list[Interaction], people: PeopleFile) -> list[Identity]:
    """Group the (non-author) interactions into people, with people-file
    entries attached. Anonymous interactions (no name, no URL, no key) belong
    to no one and are left out."""
    ordered = sorted(
        (item for item in items if not is_anonymous(item)),
        key=lambda item: (item.source, item.id),
    )
    merger = _Merger(people.entries, ordered)
    merger.merge_strong_keys()
    merger.merge_names()
    return merger.identities()
