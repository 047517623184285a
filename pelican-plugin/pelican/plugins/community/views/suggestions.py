"""What ``pelican-community check`` suggests the author edit: one line per
decision, grouped, each group a YAML block that works when pasted into the
people file. Linear in the number of people and interactions."""

from __future__ import annotations

import contextlib
import difflib
import json
import os
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..memo import Memo
from ..model import Interaction, PostRef
from ..names import clean_name, name_key
from ..people.identity import Identity, Signatures
from ..people.people_file import PeopleFile, PersonEntry
from ..people.shares import is_bot, is_counted_share
from ..sanitize import plain_text
from ..urls import post_slug_guess, public_http_url
from ..words import counted
from .community import Community, Person
from .compute import Computed
from .matching import title_key

__all__ = [
    "MAX_ADDRESSES_COMPARED",
    "MAX_PER_GROUP",
    "MIN_SHARES",
    "MIN_TITLE_LIKENESS",
    "one_person_twice",
    "suggest_edits",
]

#: At most this many lines per group; the rest are counted ("and N more").
MAX_PER_GROUP = 12
#: A person is proposed for hiding when at least this many of their
#: mentions, and every one, only share a link.
MIN_SHARES = 2


def suggest_edits(
    computed: Computed,
    items: Sequence[Interaction],
    people: PeopleFile,
    posts: Sequence[PostRef],
    root: Path | None = None,
) -> list[str]:
    """Every suggestion, as lines to print: warnings about the people file
    first, then decisions, grouped, then addresses that match no post."""
    community = computed.community
    share_only = {
        person.id: shares
        for person in community.people
        if not person.pinned
        and (shares := _share_only(computed.identity_of[person.id]))
    }
    return [
        *_no_op_entries(people, items),
        *_looks_like_you(
            computed.looks_like_author, _first_named(computed, people), people
        ),
        *_bots_to_hide(community.people, computed.identity_of, share_only),
        *_regulars_to_pin(community.regulars, computed.identity_of, share_only),
        *_one_person_twice(
            [p for p in community.people if p.id not in share_only],
            computed.identity_of,
        ),
        *_name_only_in_friends(community.friends, computed.identity_of),
        *_unmatched(community, posts, root),
    ]


# -- YAML, one entry a line -------------------------------------------------


def _quoted(text: str) -> str:
    """A YAML scalar that reads back as ``text`` (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(entry: Mapping[str, str | Sequence[str]]) -> str:
    parts = []
    for key, value in entry.items():
        if isinstance(value, str):
            parts.append(f"{key}: {_quoted(value)}")
        elif value:
            parts.append(f"{key}: [{', '.join(map(_quoted, value))}]")
    return "{" + ", ".join(parts) + "}"


def _capped(lines: Sequence[str], what: str = "") -> list[str]:
    if len(lines) <= MAX_PER_GROUP:
        return list(lines)
    more = len(lines) - MAX_PER_GROUP
    return [*lines[:MAX_PER_GROUP], f"  # ... and {more} more{what}"]


def _addresses(identity: Identity) -> tuple[list[str], list[str]]:
    """The public URLs and handles a person showed, each once, most used first."""
    urls: dict[str, int] = defaultdict(int)
    handles: dict[str, int] = defaultdict(int)
    for item in identity.items:
        url = public_http_url(item.author_url)
        if url:
            urls[url.rstrip("/") if url.count("/") <= 3 else url] += 1
        if item.author_handle:
            handles[item.author_handle] += 1
    if identity.entry:
        for url in identity.entry.urls:
            urls[url] += 1_000_000
    return (
        sorted(urls, key=lambda u: (-urls[u], u)),
        sorted(handles, key=lambda h: (-handles[h], h)),
    )


def _entry_line(name: str, identity: Identity, comment: str) -> str:
    urls, handles = _addresses(identity)
    entry: dict[str, str | Sequence[str]] = {"name": name, "urls": urls[:4]}
    entry["handles"] = handles[:2]
    return f"  - {_flow(entry)}  # {comment}"


# -- the groups ---------------------------------------------------------------


def _no_op_entries(people: PeopleFile, items: Sequence[Interaction]) -> list[str]:
    """People-file entries that do nothing: an alias equal to the name (or
    given twice), an alias no one ever signed with."""
    signed = {name_key(item.author_name) for item in items}
    warnings = []
    for entry in people.entries:
        seen = {name_key(entry.name)}
        for alias in entry.aliases:
            key = name_key(alias)
            if key in seen:
                warnings.append(
                    f"warning: line {entry.line}: the alias {alias!r} of "
                    f"{entry.name!r} is already its name or alias: remove it"
                )
            elif key not in signed:
                warnings.append(
                    f"warning: line {entry.line}: no one ever signed as {alias!r} "
                    f"(alias of {entry.name!r}): it merges nothing; check the spelling"
                )
            seen.add(key)
    return warnings


def _first_named(computed: Computed, people: PeopleFile) -> list[Identity]:
    """Readers who sign with the author's first name alone ("Nic" for "Nic
    Chan") from an account the author has not listed, and answer other
    readers on the blog, as the author does: perhaps the author."""
    me = people.me
    if me is None:
        return []
    firsts = {name_key(n).split()[0] for n in me.names if len(name_key(n).split()) > 1}
    return [
        computed.identity_of[person.id]
        for person in computed.community.people
        if name_key(person.name) in firsts
        and not person.pinned
        and computed.identity_of[person.id].keys
        and any(
            item.parent and item.is_conversation
            for item in computed.identity_of[person.id].items
        )
    ]


def _looks_like_you(
    found: Sequence[Identity], first_named: Sequence[Identity], people: PeopleFile
) -> list[str]:
    """The ``me:`` block that makes these accounts the author's, and what
    to do if one is someone else."""
    if not found and not first_named:
        return []
    me = people.me or PersonEntry(name="")
    urls, handles = list(me.urls), list(me.handles)
    listed = []
    full = {id(identity) for identity in found}
    for identity in [*sorted(found, key=lambda i: -len(i.items)), *first_named]:
        found_urls, found_handles = _addresses(identity)
        urls += [u for u in found_urls if u not in urls]
        handles += [h for h in found_handles if h not in handles]
        signed = [clean_name(i.author_name) for i in identity.items]
        why = "under your name" if id(identity) in full else "under your first name"
        listed.append(
            _entry_line(
                max(signed, key=signed.count),
                identity,
                f"{counted(len(identity.items), 'interaction')} {why}",
            )
        )
    block = {"urls": urls, "handles": handles}
    return [
        *_why_it_looks_like_you(me.name, bool(found), len(first_named)),
        "If they are you, put this 'me:' in community.yaml (replacing any 'me:' "
        "it has):",
        "me:",
        *(f"  {key}: [{', '.join(map(_quoted, v))}]" for key, v in block.items() if v),
        "If one of them is someone else, list it under 'people:' instead:",
        "people:",
        *_capped(listed),
    ]


def _why_it_looks_like_you(name: str, named: bool, first_named: int) -> list[str]:
    """Why ``check`` takes accounts for the author's: ``named`` (some carry
    the author's ``name``), ``first_named`` (how many sign with its first
    word and answer readers)."""
    said = []
    if named:
        said.append(
            f"These accounts carry your name ({name}) but none of your "
            "addresses, so they are neither shown as you nor listed in the "
            "community."
        )
    if first_named:
        first = name.split()[0] if name else ""
        one = first_named == 1
        said.append(
            f"This looks like you: {'an account' if one else 'accounts'} "
            f"signed {_quoted(first)} (your first name) "
            f"{'answers' if one else 'answer'} your readers, and "
            f"{'is' if one else 'are'} listed in the community as "
            f"{'a reader' if one else 'readers'}."
        )
    return said


def _share_only(identity: Identity) -> int:
    """How many mentions ``identity`` made if every one is a share (as the
    computation counted them, people/shares.py) and none of its interactions
    is conversation, or the platform flags the account as a bot; else 0."""
    if any(is_bot(item) for item in identity.items):
        return max(len(identity.items), 1)
    if any(item.is_conversation for item in identity.items):
        return 0
    shares = sum(1 for item in identity.items if is_counted_share(item))
    return shares if shares >= MIN_SHARES else 0


def _bots_to_hide(
    people: Sequence[Person],
    identity_of: Mapping[str, Identity],
    share_only: Mapping[str, int],
) -> list[str]:
    lines = []
    for person in people:
        count = share_only.get(person.id)
        if not count:
            continue
        identity = identity_of[person.id]
        urls, handles = _addresses(identity)
        rule = (
            {"url": urls[0]}
            if urls
            else {"handle": handles[0]}
            if handles
            else {"name": person.name}
        )
        bot = any(is_bot(item) for item in identity.items)
        why = (
            "the platform flags it as a bot"
            if bot
            else (f"each of its {count} mentions only shares a link")
        )
        lines.append(f"  - {_flow(rule)}  # {person.name} ({person.role}): {why}")
    if not lines:
        return []
    return [
        "These accounts only ever passed your links on (bots and link "
        "aggregators look like this; so does a reader who shares): to leave "
        "them out, paste under 'hide:' in community.yaml:",
        "hide:",
        *_capped(lines),
    ]


def _regulars_to_pin(
    regulars: Sequence[Person],
    identity_of: Mapping[str, Identity],
    share_only: Mapping[str, int],
) -> list[str]:
    lines = [
        _entry_line(p.name, identity_of[p.id], f"regular: {p.reasons[0]}")
        for p in regulars
        if p.id not in share_only
    ]
    if not lines:
        return []
    return [
        "Regulars you have not pinned: paste under 'friends:' those who are friends:",
        "friends:",
        *_capped(lines, " (pelican-community report lists everyone)"),
    ]


def _initial_key(key: str) -> tuple[str, str] | None:
    """("bell", "k") for "karen bell" and "k. bell": a last name and the
    first letter of a full name."""
    words = key.replace(".", " ").split()
    return (words[-1], words[0][0]) if len(words) >= 2 else None


def _one_person_twice(
    people: Sequence[Person], identity_of: Mapping[str, Identity]
) -> list[str]:
    lines = one_person_twice(people, identity_of)
    if not lines:
        return []
    return [
        "These look like one person each: if they are, paste under 'people:' "
        "(or 'friends:') in community.yaml, in place of the entry a line names:",
        "people:",
        *_capped(lines),
    ]


#: Roles shown as cards: two of them under one bare first name are asked
#: about too (the pages tell them apart meanwhile).
_CARDS = ("friend", "regular", "returning")


def one_person_twice(
    people: Sequence[Person], identity_of: Mapping[str, Identity]
) -> list[str]:
    """People who look like one person, one ``people:`` line each to paste:
    the same full name kept apart by what contradicted it, "K. Bell" and
    "Karen Bell", or two cards of one bare first name. Otherwise a bare
    first name is paired with no one: too many strangers share one."""
    groups: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in people:
        key = name_key(person.name)
        initial = _initial_key(key)
        if initial is not None:
            groups[initial].append(person)
        elif key and person.role in _CARDS:
            groups[key, ""].append(person)
    lines = []
    for members in groups.values():
        if len(members) < 2:
            continue
        by_name: dict[str, list[Person]] = defaultdict(list)
        for person in members:
            by_name[name_key(person.name)].append(person)
        # An initial ("K. Bell") joins a full name ("Karen Bell") only when
        # it is the one full name it could be.
        full = {k: v for k, v in by_name.items() if len(k.split()[0].strip(".")) > 1}
        short = [p for k, v in by_name.items() if k not in full for p in v]
        for same in full.values():
            together = same + (short if len(full) == 1 else [])
            if len(together) < 2:
                continue
            line = _merge_line(together, identity_of)
            if line:
                lines.append(line)
    return sorted(lines)


def _merge_line(together: Sequence[Person], identity_of: Mapping[str, Identity]) -> str:
    entries = {identity_of[p.id].entry for p in together if identity_of[p.id].entry}
    if len(entries) > 1:
        return ""  # two entries of the author's: their call, not a merge
    entry_of = next(iter(entries), None)
    main = max(
        together,
        key=lambda p: (identity_of[p.id].entry is not None, p.conversation_posts, p.id),
    )
    names = [entry_of.name, *entry_of.aliases] if entry_of else [main.name]
    names += [p.name for p in together if p.name not in names]
    urls: list[str] = list(entry_of.urls) if entry_of else []
    handles: list[str] = list(entry_of.handles) if entry_of else []
    for person in together:
        found_urls, found_handles = _addresses(identity_of[person.id])
        urls += [u for u in found_urls if u not in urls]
        handles += [h for h in found_handles if h not in handles]
    aliases = [a for a in dict.fromkeys(names[1:]) if name_key(a) != name_key(names[0])]
    entry: dict[str, str | Sequence[str]] = {"name": names[0], "aliases": aliases}
    entry |= {"urls": urls, "handles": handles}
    if entry_of and entry_of.note:
        entry["note"] = entry_of.note
    roles = " + ".join(sorted(p.role for p in together))
    where = f"; replaces the entry on line {entry_of.line}" if entry_of else ""
    return f"  - {_flow(entry)}  # {roles}{where}"


def _name_only_in_friends(
    friends: Sequence[Person], identity_of: Mapping[str, Identity]
) -> list[str]:
    """Comments counted for a friend by her name alone (no link, no email:
    every comment feed): anyone can type a name, so the author checks."""
    lines = []
    keys_of = Signatures(Memo()).keys  # each signature read once
    for person in friends:
        identity = identity_of[person.id]
        if not identity.entry or not (identity.entry.urls or identity.entry.handles):
            continue
        bare = [item for item in identity.items if not keys_of(item)]
        if bare:
            lines.append(
                f"  # {person.name}: {counted(len(bare), 'interaction')} signed only "
                f"with the name (no link or email) "
                f"{'is' if len(bare) == 1 else 'are'} counted as theirs"
            )
    if not lines:
        return []
    return [
        "Friends' interactions matched by name alone (check they are theirs; "
        "a 'hide:' entry by name would hide the friend too):",
        *_capped(lines),
    ]


#: Old addresses looked at for a likely article, the busiest first (each
#: one compares its title with every article's).
MAX_ADDRESSES_COMPARED = 200
#: How alike (difflib's ratio) an old post's title and an article's must
#: be for ``check`` to propose the article.
MIN_TITLE_LIKENESS = 0.6


@dataclass
class _Proposal:
    """Old addresses ``check`` proposes to list in one article's ``Old_urls``."""

    post: PostRef
    addresses: list[str] = field(default_factory=list)
    old_titles: list[str] = field(default_factory=list)
    comments: int = 0
    interactions: int = 0


class _ArticleFinder:
    """The article an old post most likely is, by its title (or, with no
    title, the words of its address's last segment)."""

    def __init__(self, posts: Sequence[PostRef]) -> None:
        self.by_key: dict[str, PostRef] = {}
        for post in sorted(posts, key=lambda p: (p.date, p.slug)):
            for key in (title_key(post.title), title_key(post.slug)):
                if key:
                    self.by_key.setdefault(key, post)
        self.keys = list(self.by_key)

    def likeliest(self, title: str, address: str) -> PostRef | None:
        if not address.startswith(("http://", "https://", "/")):
            return None
        wanted = title_key(title) or title_key(post_slug_guess(address))
        if not wanted:
            return None
        found = difflib.get_close_matches(
            wanted, self.keys, n=1, cutoff=MIN_TITLE_LIKENESS
        )
        return self.by_key[found[0]] if found else None


def _unmatched(
    community: Community, posts: Sequence[PostRef], root: Path | None
) -> list[str]:
    """Per old post that matches no article, the ``Old_urls`` line to paste
    into the article it most likely is (grouped by article), or that none
    is close."""
    total = community.unmatched
    if not total:
        return []
    targets = community.unmatched_targets
    ordered = sorted(targets.items(), key=lambda tc: (-tc[1], tc[0]))
    finder = _ArticleFinder(posts)
    proposals: dict[str, _Proposal] = {}
    far: list[str] = []
    for address, count in ordered[:MAX_ADDRESSES_COMPARED]:
        title = community.unmatched_titles.get(address, "")
        comments = community.unmatched_comments.get(address, 0)
        post = finder.likeliest(title, address)
        if post is None:
            about = f"  {_quoted(title)}" if title else ""
            far.append(f"  {count:5d}  {address}{about}")
            continue
        proposal = proposals.setdefault(post.slug, _Proposal(post))
        proposal.addresses.append(address)
        if title and title not in proposal.old_titles:
            proposal.old_titles.append(title)
        proposal.comments += comments
        proposal.interactions += count
    lines = [
        f"{counted(total, 'interaction')} at {counted(len(targets), 'address')} "
        f"{'matches' if total == 1 else 'match'} no post (they still count for "
        "their person)."
    ]
    if proposals:
        lines.append(
            "Each looks like an article: paste the 'Old_urls:' line into the "
            "metadata of the file named above it (replacing any Old_urls it has):"
        )
        for proposal in list(proposals.values())[:MAX_PER_GROUP]:
            lines += _proposal_lines(proposal, root)
        if len(proposals) > MAX_PER_GROUP:
            lines.append(f"  # ... and {len(proposals) - MAX_PER_GROUP} more articles")
    if far:
        lines.append(
            "No article is close to these (import the old post as an article, "
            "or ignore it):"
        )
        lines += _capped(far, " addresses")
    if len(ordered) > MAX_ADDRESSES_COMPARED:
        lines.append(
            f"  # ... and {len(ordered) - MAX_ADDRESSES_COMPARED} more addresses, "
            "fewer interactions each"
        )
    return lines


def _proposal_lines(proposal: _Proposal, root: Path | None) -> list[str]:
    post = proposal.post
    source = post.source_path or post.slug
    if root is not None and post.source_path:
        with contextlib.suppress(ValueError):
            source = os.path.relpath(post.source_path, root)
    what = (
        counted(proposal.comments, "comment")
        if proposal.comments
        else counted(proposal.interactions, "interaction")
    )
    was = (
        f"the old post {_quoted(proposal.old_titles[0])}, "
        if proposal.old_titles
        else ""
    )
    urls = " ".join(dict.fromkeys((*post.old_urls, *proposal.addresses)))
    key = ":old_urls:" if source.endswith(".rst") else "Old_urls:"
    return [
        f"  {source}  # {_quoted(plain_text(post.title))}: {was}{what}",
        f"    {key} {urls}",
    ]
