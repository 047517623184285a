"""The community as pages and the JSON report show it: people, per-post thanks
and conversations (the view model templates render; built by ``compute``)."""

from __future__ import annotations

import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from functools import cached_property
from itertools import starmap
from typing import Any, NoReturn

from markupsafe import Markup

from ..dates import month_year
from ..model import REACTION_KINDS
from ..names import name_key
from ..people.roles import ROLES
from ..urls import shown_account

__all__ = [
    "COMMENT_ROW",
    "CONCENTRATION_SHARE",
    "PERSON_ROLES",
    "WELCOME_WINDOW",
    "Comment",
    "Community",
    "Concentration",
    "LinkedPage",
    "PackedConversation",
    "Person",
    "PostCommunity",
    "ReadOnlyCounts",
    "Thanks",
    "YearOfConversation",
    "fewest_who_wrote",
    "pack_rows",
    "tell_apart",
    "thread",
]

#: What a person's ``role`` may be.
PERSON_ROLES = frozenset(ROLES)
#: First-timers this recent (before the newest conversation) are welcomed.
WELCOME_WINDOW = timedelta(days=365)
#: The concentration line names the fewest people who wrote this share.
CONCENTRATION_SHARE = 80


@dataclass(frozen=True)
class YearOfConversation:
    """One bar of the circle chart: people in conversation that year."""

    year: int
    new: int  #: their first conversation here
    returning: int  #: talked here in an earlier year too

    @property
    def total(self) -> int:
        return self.new + self.returning


def fewest_who_wrote(counts: Iterable[int], share: int = CONCENTRATION_SHARE) -> int:
    """How few of the writers of ``counts`` (each one's comments and
    mentions) wrote ``share`` percent of them all: the most prolific first,
    until their running total reaches that share. The community page's
    concentration line and the desk's years count alike."""
    ordered = sorted(counts, reverse=True)
    total = sum(ordered)
    running = how_many = 0
    for count in ordered:
        if running * 100 >= share * total:
            break
        running += count
        how_many += 1
    return how_many


@dataclass(frozen=True)
class Concentration:
    """ "9 people wrote 83% of the conversation since 2013"."""

    people: int
    share: int  #: percent of all comments and mentions, rounded
    of_people: int  #: everyone who took part in a conversation
    since: int


class ReadOnlyCounts(dict[str, int]):
    """Counts many people share (one value for the same counts): reading
    only, so no person's counts can change another's."""

    __slots__ = ()

    def _read_only(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("shared counts are read-only")

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only


@dataclass(slots=True)
class Person:
    """One member of the community, as pages and the JSON report show them."""

    id: str
    name: str
    url: str
    role: str  #: one of :data:`PERSON_ROLES`
    pinned: bool
    note: str
    posts: tuple[str, ...]
    counts: dict[str, int]
    first_seen: str | None
    last_seen: str | None
    reasons: tuple[str, ...]
    initials: str = ""
    first_conversation: str = ""
    conversation_posts: int = 0
    #: the years they took part in a conversation, oldest first
    conversation_years: tuple[int, ...] = ()
    #: the photo a source gave (http/https), fetched only with COMMUNITY_AVATARS
    photo: str = ""
    #: with COMMUNITY_AVATARS, the site's copy of that photo (from the root)
    avatar: str = ""
    #: mentions that only passed the link on (``counts["share"]``):
    #: many shares and little conversation is how link aggregators look
    shares: int = 0
    #: shown after the name when someone else has the same one: their
    #: handle or site ("@andybelldesign"), else when they were first here
    aka: str = ""

    @property
    def conversation_count(self) -> int:
        """Comments and mentions in their own words."""
        return self.counts.get("comment", 0) + self.counts.get("mention", 0)

    def to_json(self, *, for_author: bool = False) -> dict[str, Any]:
        """Public fields only; ``for_author`` adds the reasons (the author's
        tools speaking to the author) and the community.yaml note."""
        public = {
            "id": self.id,
            "name": self.name,
            "url": self.url or None,
            "role": self.role,
            "pinned": self.pinned,
            "posts": self.posts,
            "counts": self.counts,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
        } | ({"aka": self.aka} if self.aka else {})
        if not for_author:
            return public
        return (
            public
            | {"reasons": self.reasons}
            | ({"note": self.note} if self.note else {})
        )


@dataclass(slots=True)
class Thanks:
    """A person thanked on a post; ``first_time`` when it is their first
    conversation with the blog."""

    person: Person
    first_time: bool


@dataclass(slots=True)
class Comment:
    """One comment or mention shown under a post, with its replies."""

    id: str
    anchor: str  #: a page-safe id for the comment (a digest: source ids are untrusted)
    kind: str
    name: str
    url: str  #: the author's link (http/https) or ""
    permalink: str
    published: str
    content: Markup
    #: written by the blog's author, proven or by name: for the desk
    #: (what the author answered), never for the community
    by_author: bool
    person: Person | None
    initials: str
    summary: str = ""  #: content warning (Mastodon spoiler text), shown collapsed
    sensitive: bool = False
    #: styled as the author on public pages: only what proves it (the
    #: source's own author flag, the author's address, site or account);
    #: anyone can type the author's name into a comment box
    author_badge: bool = False
    #: the name it answers, when listed flat beside that comment (too deep)
    in_reply_to: str = ""
    replies: list[Comment] = field(default_factory=list)


@dataclass(frozen=True)
class LinkedPage:
    """A page that links to a post without naming its author."""

    site: str  #: its host, as a reader names it
    url: str  #: http(s) only


@dataclass
class PostCommunity:
    """``article.community``: who joined the conversation, and reactions."""

    slug: str
    thanks: list[Thanks] = field(default_factory=list)
    reactions: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(REACTION_KINDS, 0)
    )
    reactors: list[Person] = field(default_factory=list)
    #: pages that link to the post and name no author, folded into one line
    linked_from: list[LinkedPage] = field(default_factory=list)
    #: the conversation as it is held until something reads it (let go then)
    packed: PackedConversation | None = field(default=None, repr=False)

    @cached_property
    def conversation(self) -> list[Comment]:
        """The comments and mentions under the post, threaded: unpacked on
        first read (a theme that never shows them never pays for it)."""
        packed, self.packed = self.packed, None
        return [] if packed is None else packed.unpack()

    def keep_packed(self, conversation: list[Comment]) -> None:
        """Hold ``conversation`` packed until something asks for it."""
        self.__dict__.pop("conversation", None)
        self.packed = PackedConversation.of(conversation)

    @property
    def first_timers(self) -> list[Thanks]:
        return [t for t in self.thanks if t.first_time]

    def to_json(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "thanks": [
                {"id": t.person.id, "first_time": t.first_time} for t in self.thanks
            ],
            "reactions": dict(self.reactions),
        }


#: A packed comment's values, in this order (its replies are rebuilt).
COMMENT_ROW = tuple(f.name for f in fields(Comment) if f.name != "replies")
_CONTENT = COMMENT_ROW.index("content")
_PERSON = COMMENT_ROW.index("person")


@dataclass(frozen=True, slots=True)
class PackedConversation:
    """A post's conversation as plain data until a template shows it: every
    comment of the thread in reading order as a row of :data:`COMMENT_ROW`
    values (its person as an index into ``people``, -1 for none), with the
    index of each one's parent row (-1 for a thread's first comment), as
    JSON, compressed. Flat, so a thread of any depth costs no recursion;
    compressed, because a large archive's conversations are most of the
    memory a cold build holds. The warm-build cache keeps ``data`` as it is
    (``cache/codec.py``)."""

    data: bytes
    people: tuple[Person, ...]

    @classmethod
    def of(cls, roots: list[Comment]) -> PackedConversation:
        people: list[Person] = []
        index: dict[int, int] = {}
        rows: list[list[object]] = []
        parents: list[int] = []
        stack = [(comment, -1) for comment in reversed(roots)]
        while stack:
            comment, parent = stack.pop()
            position = len(rows)
            row: list[object] = [getattr(comment, name) for name in COMMENT_ROW]
            row[_CONTENT] = str(comment.content)
            person = comment.person
            if person is None:
                row[_PERSON] = -1
            else:
                if id(person) not in index:
                    index[id(person)] = len(people)
                    people.append(person)
                row[_PERSON] = index[id(person)]
            rows.append(row)
            parents.append(parent)
            stack.extend((reply, position) for reply in reversed(comment.replies))
        return cls(pack_rows(rows, parents), tuple(people))

    def rows(self) -> tuple[list[list[object]], list[int]]:
        """The rows and parents, as plain JSON values."""
        rows, parents = json.loads(zlib.decompress(self.data))
        return rows, parents

    def unpack(self) -> list[Comment]:
        """The thread, as :meth:`of` was given it (the process's own data;
        the cache checks what it reads before it holds it here)."""
        rows, parents = self.rows()
        named = (*self.people, None)  # -1 names no one
        for row in rows:
            row[_CONTENT] = Markup(row[_CONTENT])
            at = row[_PERSON]
            row[_PERSON] = named[at] if isinstance(at, int) else None
        return thread(list(starmap(Comment, rows)), parents)


def pack_rows(rows: list[list[object]], parents: list[int]) -> bytes:
    """Rows and parents as :class:`PackedConversation` holds them."""
    text = json.dumps([rows, parents], separators=(",", ":"), check_circular=False)
    return zlib.compress(text.encode("ascii"), 1)


def thread(flat: list[Comment], parents: list[int]) -> list[Comment]:
    """The first comments of each thread, each reply put under its parent
    (every parent comes before its replies)."""
    roots: list[Comment] = []
    for comment, parent in zip(flat, parents, strict=True):
        (roots if parent < 0 else flat[parent].replies).append(comment)
    return roots


def tell_apart(people: list[Person]) -> None:
    """Give each of the people who share a shown name what tells them
    apart on a page (``aka``): their handle or site, else the month they
    were first seen, else a number. No two cards read the same."""
    by_name: dict[str, list[Person]] = defaultdict(list)
    for person in people:
        by_name[name_key(person.name)].append(person)
    for same in by_name.values():
        if len(same) < 2:
            continue
        for person in same:
            person.aka = shown_account(person.url) or month_year(
                person.first_seen or ""
            )
        labels = Counter(person.aka for person in same)
        seen: Counter[str] = Counter()
        for person in same:
            if labels[person.aka] > 1 or not person.aka:
                seen[person.aka] += 1
                person.aka = " ".join(
                    filter(None, (person.aka, f"#{seen[person.aka]}"))
                )


@dataclass
class Community:
    """Everything the community page, the article pages and the report show."""

    people: list[Person]
    posts: dict[str, PostCommunity]
    unmatched: int
    post_order: list[str]
    #: address -> how many of the community's interactions point at it
    #: and match no post (``unmatched`` is their sum)
    unmatched_targets: dict[str, int] = field(default_factory=dict)
    #: address -> how many of those are comments (a build warns of them)
    unmatched_comments: dict[str, int] = field(default_factory=dict)
    #: address -> the old post's title as its source knew it, if it did
    unmatched_titles: dict[str, str] = field(default_factory=dict)

    def for_post(self, slug: str) -> PostCommunity:
        return self.posts.get(slug) or PostCommunity(slug)

    def by_role(self, role: str) -> list[Person]:
        return [p for p in self.people if p.role == role]

    @cached_property
    def friends(self) -> list[Person]:
        return self.by_role("friend")

    @cached_property
    def regulars(self) -> list[Person]:
        return self.by_role("regular")

    @cached_property
    def returning(self) -> list[Person]:
        return self.by_role("returning")

    @cached_property
    def returning_recent(self) -> list[Person]:
        """Returning readers, the most recently seen first."""
        return sorted(
            self.returning, key=lambda p: (p.last_seen or "", p.id), reverse=True
        )

    @cached_property
    def one_offs(self) -> list[Person]:
        return self.by_role("one-off")

    @cached_property
    def drive_by(self) -> list[Person]:
        return self.by_role("drive-by")

    @cached_property
    def welcome(self) -> list[Person]:
        """Recent first-timers, newest first: within a year of the newest
        conversation in the archive (not of today: builds stay reproducible)."""
        times = [p.first_conversation for p in self.people if p.first_conversation]
        if not times:
            return []
        cutoff = (datetime.fromisoformat(max(times)) - WELCOME_WINDOW).isoformat()
        recent = [p for p in self.one_offs if p.first_conversation >= cutoff]
        return sorted(recent, key=lambda p: (p.first_conversation, p.id), reverse=True)

    @cached_property
    def earlier_one_offs(self) -> list[Person]:
        """One-off visitors before the welcome window, newest first."""
        welcomed = {p.id for p in self.welcome}
        earlier = [p for p in self.one_offs if p.id not in welcomed]
        return sorted(earlier, key=lambda p: (p.first_conversation, p.id), reverse=True)

    @cached_property
    def circle_by_year(self) -> list[YearOfConversation]:
        """People in conversation each year, first to last (empty years
        included), new voices apart from returning ones."""
        everyone: Counter[int] = Counter()
        first: Counter[int] = Counter()
        for person in self.people:
            everyone.update(person.conversation_years)
            if person.conversation_years:
                first[person.conversation_years[0]] += 1
        if not everyone:
            return []
        return [
            YearOfConversation(year, first[year], everyone[year] - first[year])
            for year in range(min(everyone), max(everyone) + 1)
        ]

    @cached_property
    def concentration(self) -> Concentration | None:
        """The fewest people who wrote ``CONCENTRATION_SHARE`` percent of the
        comments and mentions; None while there is too little to tell."""
        written = sorted(
            (
                (p.counts["comment"] + p.counts["mention"], p)
                for p in self.people
                if p.conversation_years
            ),
            key=lambda pair: pair[0],
            reverse=True,
        )
        total = sum(count for count, _ in written)
        if len(written) < 5 or total < 20:
            return None
        how_many = fewest_who_wrote(count for count, _ in written)
        running = sum(count for count, _ in written[:how_many])
        return Concentration(
            people=how_many,
            share=round(running * 100 / total),
            of_people=len(written),
            since=min(p.conversation_years[0] for _, p in written),
        )

    @cached_property
    def reaction_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(REACTION_KINDS, 0)
        for person in self.people:
            for kind in REACTION_KINDS:
                totals[kind] += person.counts[kind]
        return totals

    def to_json(self, *, for_author: bool = False) -> dict[str, Any]:
        """What ``COMMUNITY_JSON_SAVE_AS`` publishes; ``for_author`` (``report
        --json``) adds each person's reasons and note."""
        posts = [self.posts[slug] for slug in self.post_order if slug in self.posts]
        return {
            "people": [p.to_json(for_author=for_author) for p in self.people],
            "posts": [p.to_json() for p in posts],
            "unmatched": self.unmatched,
        }

    def json_text(self, *, for_author: bool = False) -> str:
        """The report as text: the same inputs give byte-identical output.

        ``<``, ``>`` and ``&`` are written as ``\\u003c``, ``\\u003e`` and
        ``\\u0026`` (still the same JSON): a theme that inlines the report in
        a ``<script>`` block cannot be broken out of by a stranger's name.
        """
        text = json.dumps(
            self.to_json(for_author=for_author), ensure_ascii=False, indent=2
        )
        return text.translate(_SCRIPT_SAFE) + "\n"


#: Characters that could end a ``<script>`` block or start an HTML entity,
#: as JSON escapes (JSON text never holds them outside strings).
_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})
