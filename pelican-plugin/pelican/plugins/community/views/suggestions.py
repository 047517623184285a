"""What ``pelican-community check`` suggests the author edit: one line per
decision, grouped, each group a YAML block that works when pasted into the
people file. Linear in the number of people and interactions."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from ..memo import Memo
from ..model import Interaction, PostRef
from ..names import clean_name, name_key
from ..people.identity import Identity, Signatures
from ..people.people_file import PeopleFile, PersonEntry
from ..sanitize import plain_text
from ..urls import public_http_url
from ..words import counted
from .community import Person
from .compute import Computed

#: At most this many lines per group; the rest are counted ("and N more").
MAX_PER_GROUP = 12
#: A person is proposed for hiding when at least this many of their
#: mentions, and every one, only share a link.
MIN_SHARES = 2
#: Words a share may add to the post's title and its links ("I want",
#: "via", "new post"): more than this is a word of one's own.
_SHARE_WORDS = 3
_URLISH = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)+/\S*", re.IGNORECASE)
_TAGS = re.compile(r"[@#][\w.@-]+")
# A title quoted in a share: « … », "…", “…”.
_QUOTED = re.compile(r"«[^»]*»|\"[^\"]*\"|“[^”]*”")
#: Words of a title a share button puts between its fixed words.
_TITLE_WORDS = 16
_LINK_WORDS = frozenset(
    {
        "via",
        "by",
        "from",
        "rt",
        "link",
        "links",
        "new",
        "post",
        "article",
        "read",
        "reading",
        "see",
        "on",
        "at",
        "in",
        "the",
        "a",
        "to",
        "of",
        "and",
    }
)
_WORD = re.compile(r"[^\W\d_]{2,}")


def suggest_edits(
    computed: Computed,
    items: list[Interaction],
    people: PeopleFile,
    posts: list[PostRef],
) -> list[str]:
    """Every suggestion, as lines to print: warnings about the people file
    first, then decisions, grouped, then addresses that match no post."""
    titles = {post.slug: post.title for post in posts}
    community = computed.community
    share_only = {
        person.id: shares
        for person in community.people
        if person.role in ("regular", "returning")
        and (shares := _share_only(computed.identity_of[person.id], titles))
    }
    return [
        *_no_op_entries(people, items),
        *_looks_like_you(computed.looks_like_author, people),
        *_bots_to_hide(community.people, computed.identity_of, share_only),
        *_regulars_to_pin(community.regulars, computed.identity_of, share_only),
        *_one_person_twice(community.people, computed.identity_of),
        *_name_only_in_friends(community.friends, computed.identity_of),
        *_unmatched(community.unmatched, community.unmatched_targets),
    ]


# -- YAML, one entry a line -------------------------------------------------


def _quoted(text: str) -> str:
    """A YAML scalar that reads back as ``text`` (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(entry: Mapping[str, str | list[str]]) -> str:
    parts = []
    for key, value in entry.items():
        if isinstance(value, list):
            if value:
                parts.append(f"{key}: [{', '.join(map(_quoted, value))}]")
        else:
            parts.append(f"{key}: {_quoted(value)}")
    return "{" + ", ".join(parts) + "}"


def _capped(lines: list[str], what: str = "") -> list[str]:
    if len(lines) <= MAX_PER_GROUP:
        return lines
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
    entry: dict[str, str | list[str]] = {"name": name, "urls": urls[:4]}
    entry["handles"] = handles[:2]
    return f"  - {_flow(entry)}  # {comment}"


# -- the groups ---------------------------------------------------------------


def _no_op_entries(people: PeopleFile, items: list[Interaction]) -> list[str]:
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


def _looks_like_you(found: list[Identity], people: PeopleFile) -> list[str]:
    if not found:
        return []
    me = people.me or PersonEntry(name="")
    urls, handles = list(me.urls), list(me.handles)
    listed = []
    for identity in sorted(found, key=lambda i: -len(i.items)):
        found_urls, found_handles = _addresses(identity)
        urls += [u for u in found_urls if u not in urls]
        handles += [h for h in found_handles if h not in handles]
        signed = [clean_name(i.author_name) for i in identity.items]
        listed.append(
            _entry_line(
                max(signed, key=signed.count),
                identity,
                f"{counted(len(identity.items), 'interaction')} under your name",
            )
        )
    block = {"urls": urls, "handles": handles}
    return [
        f"These accounts carry your name ({me.name}) but none of your addresses, "
        "so they are neither shown as you nor listed in the community.",
        "If they are you, put this 'me:' in community.yaml (replacing any 'me:' "
        "it has):",
        "me:",
        *(f"  {key}: [{', '.join(map(_quoted, v))}]" for key, v in block.items() if v),
        "If one of them is someone else, list it under 'people:' instead:",
        "people:",
        *_capped(listed),
    ]


def _share_only(identity: Identity, titles: dict[str, str]) -> int:
    """How many mentions ``identity`` made if each one only shares a link
    (or the platform flags the account as a bot), else 0."""
    talk = [item for item in identity.items if item.is_conversation]
    if any(item.extra.get("bot") == "true" for item in identity.items):
        return max(len(talk), 1)
    # A comment is written to the blog: only mentions made elsewhere can be
    # shares.
    if len(talk) < MIN_SHARES or any(item.kind != "mention" for item in talk):
        return 0
    known_titles = list(titles.values())
    words = [_words(item, known_titles) for item in talk]
    if all(
        item.extra.get("share") == "true"
        or len([w for w in found if w not in _LINK_WORDS]) <= _SHARE_WORDS
        for item, found in zip(talk, words, strict=True)
    ):
        return len(talk)
    return len(talk) if _one_template(words) else 0


def _words(item: Interaction, titles: Iterable[str]) -> list[str]:
    """The words a mention adds to the post's title, quoted titles, links,
    hashtags and handles."""
    text = plain_text(item.content).casefold()
    for title in (item.target_title, *titles):
        if title and len(title) > 3:
            text = text.replace(clean_name(title).casefold(), " ")
    text = _QUOTED.sub(" ", _TAGS.sub(" ", _URLISH.sub(" ", text)))
    return _WORD.findall(text)


def _one_template(texts: list[list[str]]) -> bool:
    """Every mention is the same words around a title: a share button's
    text ("I want <title> via @site"), or one text again and again."""
    prefix = _common_start(texts)
    suffix = _common_start([list(reversed(words)) for words in texts])
    if not prefix and not suffix:
        return False
    return all(len(words) - prefix - suffix <= _TITLE_WORDS for words in texts)


def _common_start(texts: list[list[str]]) -> int:
    shortest = min(len(words) for words in texts)
    for index in range(shortest):
        if len({words[index] for words in texts}) > 1:
            return index
    return shortest


def _bots_to_hide(
    people: list[Person], identity_of: dict[str, Identity], share_only: dict[str, int]
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
        bot = any(item.extra.get("bot") == "true" for item in identity.items)
        why = (
            "the platform flags it as a bot"
            if bot
            else (f"each of its {count} mentions only shares a link")
        )
        lines.append(f"  - {_flow(rule)}  # {person.name} ({person.role}): {why}")
    if not lines:
        return []
    return [
        "These look like bots or link aggregators, not readers: to leave them "
        "out, paste under 'hide:' in community.yaml:",
        "hide:",
        *_capped(lines),
    ]


def _regulars_to_pin(
    regulars: list[Person], identity_of: dict[str, Identity], share_only: dict[str, int]
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
    people: list[Person], identity_of: dict[str, Identity]
) -> list[str]:
    """People who look like one person: the same full name kept apart by
    what contradicted it, or "K. Bell" and "Karen Bell". A bare first name
    is paired with no one: too many strangers share one."""
    groups: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for person in people:
        initial = _initial_key(name_key(person.name))
        if initial is not None:
            groups[initial].append(person)
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
    if not lines:
        return []
    return [
        "These look like one person each: if they are, paste under 'people:' "
        "(or 'friends:') in community.yaml, in place of the entry a line names:",
        "people:",
        *_capped(sorted(lines)),
    ]


def _merge_line(together: list[Person], identity_of: dict[str, Identity]) -> str:
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
    entry: dict[str, str | list[str]] = {"name": names[0], "aliases": aliases}
    entry |= {"urls": urls, "handles": handles}
    if entry_of and entry_of.note:
        entry["note"] = entry_of.note
    roles = " + ".join(sorted(p.role for p in together))
    where = f"; replaces the entry on line {entry_of.line}" if entry_of else ""
    return f"  - {_flow(entry)}  # {roles}{where}"


def _name_only_in_friends(
    friends: list[Person], identity_of: dict[str, Identity]
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


def _unmatched(total: int, targets: dict[str, int]) -> list[str]:
    if not total:
        return []
    ordered = sorted(targets.items(), key=lambda tc: (-tc[1], tc[0]))
    lines = [f"  {count:5d}  {address}" for address, count in ordered]
    return [
        f"{counted(total, 'interaction')} at {counted(len(targets), 'address')} "
        f"{'matches' if total == 1 else 'match'} no post (they "
        "still count for their person): add an address to its post's 'Old_urls' "
        "metadata, or ignore it:",
        *_capped(lines, " addresses"),
    ]
