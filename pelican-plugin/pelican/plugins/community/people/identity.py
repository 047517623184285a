"""Merging interactions into people: one person, however many names and
accounts; and telling the blog's author from everyone else.

The rules (docs/recognising-people.md), strongest first:

1. the same email (only as the source's opaque ``author_key``, and only
   under the same signed name), normalized URL (not a bare platform home
   page), handle or profile, or a URL or handle listed for one entry of the
   people file, is one person;
2. the same full name (two words or more; case, spacing, accents' forms and
   emoji do not matter) is one person where nothing contradicts it. Two own
   sites on different hosts, two accounts on one platform, or two emails in
   one export contradict; a site and a platform profile do not. A name of
   one word merges by name only into a people-file entry;
3. a people-file name or alias claims whoever under that name showed no
   address of their own (the name alone, perhaps an email): an account with
   an address the entry does not list stays apart (``check`` suggests it).
   An entry that lists no address at all claims everyone under its names;
4. placeholder names ("Anonymous", "Guest") merge by neither name nor email.

The author is the people file's ``me`` (with ``AUTHOR`` and ``SITEURL``
added by the pipeline): whoever shares one of its keys, writes from its
site, or is flagged by the source is the author for sure; a name-only
interaction under the author's name is the author by name; anyone else
carrying the author's name only *looks like* the author.

Input order does not matter: everything is sorted before it is merged.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from operator import attrgetter
from urllib.parse import unquote

from ..memo import Memo
from ..model import Interaction
from ..names import PLACEHOLDER_NAMES, is_sample_comment, name_key
from ..urls import account_of, identity_keys
from .people_file import PeopleFile, PersonEntry

__all__ = [
    "AUTHOR",
    "AUTHOR_BY_NAME",
    "LOOKS_LIKE_AUTHOR",
    "Identity",
    "Signatures",
    "is_sample",
    "merge_identities",
    "syndicating_accounts",
]

#: ``Identity.author``: proven to be the blog's author (a key, the site, the source).
AUTHOR = "author"
#: ``Identity.author``: the author's name and nothing else (no URL, handle or email).
AUTHOR_BY_NAME = "author by name"
#: ``Identity.author``: carries the author's name but someone else's address:
#: not shown as the author, not listed in the community; ``check`` asks.
LOOKS_LIKE_AUTHOR = "looks like the author"


def _identity_keys(url: str, handle: str) -> frozenset[str]:
    return frozenset(identity_keys(url, handle))


def _accounts(keys: frozenset[str]) -> dict[str, frozenset[str]]:
    """The keys grouped by where they live (:func:`urls.account_of`)."""
    found: dict[str, set[str]] = defaultdict(set)
    for key in keys:
        where, account = account_of(key)
        found[where].add(account)
    return {where: frozenset(accounts) for where, accounts in found.items()}


def _keys_with_email(
    url: str, handle: str, author_key: str, name: str
) -> frozenset[str]:
    """An email key holds only under the name it was signed with (an email
    seen under two names is no public link between them), and never under
    a placeholder name."""
    keys = _identity_keys(url, handle)
    signed = name_key(name)
    if not author_key or signed in PLACEHOLDER_NAMES:
        return keys
    return keys | {f"email:{author_key}#{signed}"}


def _one_name(key: str) -> frozenset[str]:
    return frozenset((key,))


class Signatures:
    """What the merge reads of each interaction's author (its keys, its
    name's key), worked out once per distinct signature: the same few
    thousand people write most interactions. The answers live in the
    tables of one computation's memo (``memo.py``) and die with it."""

    __slots__ = (
        "_accounts",
        "_extra_keys",
        "_keys",
        "_one_name",
        "_sample_name",
        "name_key",
    )

    def __init__(self, memo: Memo) -> None:
        #: a name -> its key (:func:`names.name_key`), shared with the whole
        #: computation (one table per memo)
        self.name_key = memo.table(name_key)
        self._keys = memo.spread_table(_keys_with_email)
        self._extra_keys = memo.spread_table(_identity_keys)
        self._accounts = memo.table(_accounts)
        self._one_name = memo.table(_one_name)
        self._sample_name = memo.table(_is_sample_name)

    def keys(self, item: Interaction) -> frozenset[str]:
        """The keys of ``item``'s author, shared between the interactions of
        one author (see :func:`_keys_with_email`)."""
        keys = self._keys[
            (item.author_url, item.author_handle, item.author_key, item.author_name)
        ]
        if item.extra:
            # A Mastodon profile's verified website; a Bluesky DID's handle.
            keys = keys | self._extra_keys[(item.extra.get("verified_url", ""), "")]
            keys = keys | self._extra_keys[("", item.extra.get("handle", ""))]
        return keys

    def accounts(self, keys: frozenset[str]) -> dict[str, frozenset[str]]:
        return self._accounts[keys]

    def names(self, key: str) -> frozenset[str]:
        """The names set of a node signed with name key ``key``."""
        return _NO_NAME if key in PLACEHOLDER_NAMES else self._one_name[key]

    def forget(self) -> None:
        """Let go of every signature's keys (the merge is done); the name
        keys stay: the rest of the computation reads them."""
        for table in (self._keys, self._extra_keys, self._accounts, self._one_name):
            table.clear()

    def is_anonymous(self, item: Interaction) -> bool:
        """Signed by nobody: a placeholder name (or none), no URL or handle
        (an email under a placeholder name identifies no one either), or a
        blog engine's sample comment."""
        name = item.author_name
        return (
            self.name_key[name] in PLACEHOLDER_NAMES
            and not item.author_is_me
            and not self.keys(item)
        ) or (item.kind == "comment" and self._sample_name[name] and is_sample(item))


@dataclass(slots=True)
class Identity:
    """One person: the people-file entry (if any) and every interaction."""

    entry: PersonEntry | None
    items: list[Interaction] = field(default_factory=list)
    #: shared with the merge (one set per person, never changed in place)
    keys: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()
    #: "" for a reader; else AUTHOR, AUTHOR_BY_NAME or LOOKS_LIKE_AUTHOR
    author: str = ""

    @property
    def is_author(self) -> bool:
        """Shown as the author: proven, or by a name nothing contradicts."""
        return self.author in (AUTHOR, AUTHOR_BY_NAME)


_NO_NAME: frozenset[str] = frozenset()


def _all_compatible(accounts: list[dict[str, frozenset[str]]]) -> bool:
    """Whether nothing says any two of these are two people: no place (a
    platform, an export's emails, "own site") where two of them each have an
    account and they share none. Checked place by place among the distinct
    account sets seen there: a name shared by hundreds costs what their
    different accounts cost, not the square of their number."""
    seen: dict[str, set[frozenset[str]]] = defaultdict(set)
    for found in accounts:
        for where, held in found.items():
            seen[where].add(held)
    for sets in seen.values():
        distinct = list(sets)
        for index, held in enumerate(distinct):
            if any(held.isdisjoint(other) for other in distinct[index + 1 :]):
                return False
    return True


def _only_emails(keys: frozenset[str]) -> bool:
    """No URL, handle or profile among ``keys``: nothing public to check."""
    return all(key.startswith("email:") for key in keys)


def _is_full_name(key: str) -> bool:
    """A name of two words or more: a given name alone is too common to
    merge strangers by."""
    return len(key.replace(".", " ").split()) >= 2


#: A Bridgy backfeed address names the account that syndicated the post:
#: ``brid.gy/comment/twitter/nicchan/…`` (comment, like or repost).
_BRIDGY_ACCOUNT = re.compile(
    r"^https://(?:www\.)?brid(?:\.gy|-gy\.appspot\.com)/(?:comment|like|repost)/"
    r"([a-z]+)/([^/?#]+)/"
)
_SILO_PROFILE = {
    "twitter": "https://twitter.com/{}",
    "github": "https://github.com/{}",
    "flickr": "https://www.flickr.com/people/{}",
    "reddit": "https://www.reddit.com/user/{}",
    "bluesky": "https://bsky.app/profile/{}",
}


def syndicating_accounts(items: list[Interaction]) -> frozenset[str]:
    """Identity keys of the accounts the items' Bridgy addresses name: the
    ones the blog's posts were syndicated from (the author's, as a rule)."""
    keys: set[str] = set()
    for url in {item.url for item in items if "brid" in item.url}:
        match = _BRIDGY_ACCOUNT.match(url)
        if match is None:
            continue
        silo, user = match.groups()
        user = unquote(user)
        if silo == "mastodon" and user.count("@") == 2:
            keys.add(f"acct:{user[1:].lower()}")
        elif silo in _SILO_PROFILE:
            keys |= identity_keys(_SILO_PROFILE[silo].format(user))
    return frozenset(keys)


def _first_names(names: frozenset[str]) -> frozenset[str]:
    return frozenset(name.split()[0] for name in names if name.split())


@dataclass(frozen=True)
class _Author:
    """The blog's author as the merge knows them."""

    names: frozenset[str]  #: name keys
    keys: frozenset[str]
    hosts: frozenset[str]  #: their own sites: anyone writing from one is them
    #: accounts Bridgy says the posts were syndicated from: the author's
    #: when signed with the author's name or first name ("Nic" for "Nic Chan")
    syndicating: frozenset[str] = frozenset()

    @classmethod
    def of(
        cls, people: PeopleFile, syndicating: frozenset[str] = frozenset()
    ) -> _Author:
        me = people.me
        if me is None:
            return cls(frozenset(), frozenset(), frozenset())
        keys = frozenset(me.identity_keys())
        hosts = frozenset(
            account
            for key in keys
            for where, account in [account_of(key)]
            if where == "site"
        )
        names = frozenset(name_key(n) for n in me.names if n) - PLACEHOLDER_NAMES
        return cls(names, keys, hosts, syndicating - keys)

    def wrote(self, item: Interaction, keys: frozenset[str]) -> bool:
        """Proven: the source says so, or the author's key or site."""
        if item.author_is_me or not self.keys.isdisjoint(keys):
            return True
        if not self.syndicating.isdisjoint(keys):
            name = name_key(item.author_name)
            if name in self.names or name in _first_names(self.names):
                return True
        return bool(self.hosts) and any(
            where == "site" and account in self.hosts
            for where, account in map(account_of, keys)
        )


class _Merger:
    """Union-find over the author, people-file entries and the interactions'
    signatures: the interactions signed with the same addresses (keys),
    name and author flag are one node, as the strong keys would join them
    anyway. (An interaction with no key is a node of its own: a given name
    alone joins no one.)"""

    def __init__(
        self,
        author: _Author,
        entries: tuple[PersonEntry, ...],
        items: list[Interaction],
        signatures: Signatures,
    ):
        self.author = author
        self.signatures = signatures
        self.entries = list(entries)
        self.items = items
        #: node 0 is the author; then the entries; then the signatures
        self.first_item = 1 + len(self.entries)
        self.entry_at: dict[int, int] = {}  # root -> entry index
        # Shared frozensets, replaced (never changed in place) on a union:
        # a million interactions by a few thousand people need a few
        # thousand sets, not two million.
        self.keys: list[frozenset[str]] = [author.keys]
        self.names: list[frozenset[str]] = [_NO_NAME]
        self.entry_names: list[frozenset[str]] = []
        self.entry_addressed: list[bool] = []  #: lists a URL or handle
        for index, entry in enumerate(self.entries):
            keys = frozenset(entry.identity_keys())
            names = frozenset(name_key(n) for n in entry.names)
            self.keys.append(keys)
            self.names.append(names)
            self.entry_names.append(names)
            self.entry_addressed.append(bool(keys))
            self.entry_at[1 + index] = index
        #: each interaction's node (the same int object for one signature)
        self.node_of: list[int] = []
        #: the first interaction of each signature's node, in node order
        self.signed_by: list[Interaction] = []
        signed: dict[tuple[frozenset[str], str, bool], int] = {}
        keys_of, name_key_of = signatures.keys, signatures.name_key
        for item in items:
            keys = keys_of(item)
            key = name_key_of[item.author_name]
            signature = (keys, key, item.author_is_me)
            node = signed.get(signature) if keys else None
            if node is None:
                node = len(self.keys)
                if keys:
                    signed[signature] = node
                self.signed_by.append(item)
                self.keys.append(keys)
                self.names.append(signatures.names(key))
            self.node_of.append(node)
        self.parent = list(range(len(self.keys)))
        #: roots that take no part in merging by name (the author's)
        self.by_name_only: set[int] = set()

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
        if child in self.entry_at:
            self.entry_at.setdefault(root, self.entry_at.pop(child))

    def merge_the_author(self) -> None:
        """Everything the author surely wrote joins node 0 (each signature
        is asked once: its interactions share its keys and author flag)."""
        for node, item in enumerate(self.signed_by, self.first_item):
            if self.author.wrote(item, self.keys[node]):
                self.union(0, node)

    def merge_strong_keys(self) -> None:
        first: dict[str, int] = {}
        for node, keys in enumerate(list(self.keys)):
            for key in sorted(keys):
                if key in first:
                    self.union(first[key], node)
                else:
                    first[key] = node

    def merge_author_by_name(self) -> None:
        """Name-only interactions under the author's name: the author by
        name, kept together and out of merging by name."""
        if not self.author.names:
            return
        roots = sorted({self.find(n) for n in range(self.first_item, len(self.parent))})
        claimed = [
            root
            for root in roots
            if root != self.find(0)
            and root not in self.entry_at
            and not self.keys[root]
            and not self.names[root].isdisjoint(self.author.names)
        ]
        for root in claimed[1:]:
            self.union(claimed[0], root)
        if claimed:
            self.by_name_only.add(self.find(claimed[0]))

    def merge_names(self) -> None:
        changed = True
        while changed:
            changed = False
            skipped = {self.find(0)} | self.by_name_only
            groups: dict[str, set[int]] = defaultdict(set)
            for node in range(1, len(self.parent)):
                root = self.find(node)
                if root in skipped:
                    continue
                for name in self.names[root]:
                    groups[name].add(root)
            for name in sorted(groups):
                members = sorted({self.find(r) for r in groups[name]})
                if len(members) > 1 and self._merge_group(name, members):
                    changed = True

    def _merge_group(self, name: str, members: list[int]) -> bool:
        with_entry = [m for m in members if m in self.entry_at]
        if with_entry:
            if len(with_entry) > 1:
                return False
            anchor = with_entry[0]
            if name not in self.entry_names[self.entry_at[anchor]]:
                return False
            # A people-file name claims whoever under it showed no address
            # of their own (the name alone, perhaps an email): an account
            # elsewhere under a friend's name may be anyone, until its
            # address is listed in the entry. An entry that lists no address
            # at all is names only: it claims everyone under them.
            listed = self.entry_addressed[self.entry_at[anchor]]
            merged = False
            for member in members:
                if member != anchor and (not listed or _only_emails(self.keys[member])):
                    self.union(anchor, member)
                    merged = True
            return merged
        if not _is_full_name(name):
            return False
        accounts = self.signatures.accounts
        if _all_compatible([accounts(self.keys[m]) for m in members]):
            for member in members[1:]:
                self.union(members[0], member)
            return True
        return False

    def identities(self) -> list[Identity]:
        by_root: dict[int, Identity] = {}
        for index, entry in enumerate(self.entries):
            by_root.setdefault(self.find(1 + index), Identity(entry=None)).entry = entry
        # Each node's root, found once (many interactions share a node).
        root_of = [self.find(node) for node in range(len(self.parent))]
        for item, node in zip(self.items, self.node_of, strict=True):
            root = root_of[node]
            by_root.setdefault(root, Identity(entry=None)).items.append(item)
        author_root = self.find(0)
        for root, identity in by_root.items():
            identity.keys = self.keys[root]
            identity.names = self.names[root]
            if root == author_root:
                identity.author = AUTHOR
            elif root in self.by_name_only:
                identity.author = AUTHOR_BY_NAME
            elif identity.entry is None and not identity.names.isdisjoint(
                self.author.names
            ):
                identity.author = LOOKS_LIKE_AUTHOR
        return [by_root[root] for root in sorted(by_root)]


def is_sample(item: Interaction) -> bool:
    """A blog engine's sample comment ("Mr WordPress"): nobody wrote it."""
    return item.kind == "comment" and is_sample_comment(
        item.author_name, item.author_url, item.content
    )


def _is_sample_name(name: str) -> bool:
    """Whether a comment signed ``name`` can be a sample comment (its name
    is a blog engine's sample name): read once per name, where
    :func:`is_sample` reads the name of every comment."""
    return is_sample_comment(name, "", "")


_id_of = attrgetter("id")
_source_of = attrgetter("source")


def merge_identities(
    items: list[Interaction], people: PeopleFile, signatures: Signatures | None = None
) -> list[Identity]:
    """Group the interactions into people, with people-file entries
    attached and the author's marked (``Identity.author``). Anonymous
    interactions (no name, no URL, no key) belong to no one and are left
    out. ``signatures``: the computation's (each signature read once);
    without it, the merge's own, gone when it returns."""
    signatures = signatures or Signatures(Memo())
    # By source, then id: sorted by the id, then stably by the source (no
    # key tuple per interaction).
    anonymous = signatures.is_anonymous
    ordered = sorted((item for item in items if not anonymous(item)), key=_id_of)
    ordered.sort(key=_source_of)
    merger = _Merger(
        _Author.of(people, syndicating_accounts(ordered)),
        people.entries,
        ordered,
        signatures,
    )
    merger.merge_the_author()
    merger.merge_strong_keys()
    merger.merge_author_by_name()
    merger.merge_names()
    return merger.identities()
