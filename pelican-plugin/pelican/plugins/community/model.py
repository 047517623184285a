"""The package's own records, shared by every stage: interactions, what a read
gave, and plain descriptions of the site's posts."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from operator import attrgetter
from types import MappingProxyType
from typing import Any, Generic, TypedDict, TypeVar, cast

__all__ = [
    "CONVERSATION_KINDS",
    "FIELD_NAMES",
    "KINDS",
    "REACTION_KINDS",
    "SOCIAL_METADATA",
    "WITHHELD",
    "AuthorFields",
    "Interaction",
    "InteractionFields",
    "ItemFields",
    "PostRef",
    "RecordMap",
    "SourceResult",
    "SourceState",
    "in_time_order",
    "withheld_record",
]

#: Article metadata naming a post's copy on a platform (``PostRef.social``).
SOCIAL_METADATA = ("mastodon", "bluesky")
#: Conversation: people talking with the author.
CONVERSATION_KINDS = ("comment", "mention")
#: Reactions: a tap, not a word.
#: ``share`` is a mention with no words of its own, as the views count it
#: (never archived as such): apart from ``repost``, so reposts equal the
#: source's.
REACTION_KINDS = ("like", "repost", "share", "bookmark")
KINDS = CONVERSATION_KINDS + REACTION_KINDS
#: ``extra`` key of a record its platform says must not be shown publicly.
WITHHELD = "withheld"
V = TypeVar("V")
W = TypeVar("W")


@dataclass(frozen=True, slots=True)
class Interaction:
    """One comment, reply, mention or reaction, as a source reported it.

    Every field is plain text so the record round-trips through the archive
    unchanged. Nothing here is trusted: names, URLs and content come from
    strangers and are escaped or sanitized when rendered.
    """

    source: str  #: the source's name (its id in the archive)
    id: str  #: stable id within the source
    kind: str  #: one of KINDS; replies are comments with a ``parent``
    published: str = ""  #: ISO 8601 in UTC ("2013-03-04T15:00:00+00:00"), or ""
    author_name: str = ""
    author_url: str = ""  #: the person's own site or profile (http/https only)
    author_handle: str = ""  #: "@user@instance", a Bluesky handle or a DID
    author_key: str = ""  #: opaque key for identity that rests on an email
    author_photo: str = ""
    author_is_me: bool = False  #: the source says the blog's own author wrote it
    target_url: str = ""  #: the post it is about, as the source gave it
    target_slug: str = ""  #: slug hint (WordPress wp:post_name), or ""
    target_title: str = ""  #: the post's title as the source knew it, or ""
    #: the post's publication date as the source knew it (ISO 8601), or ""
    target_date: str = ""
    #: the post's number on the old blog (WordPress ``wp:post_id``), or ""
    target_id: str = ""
    url: str = ""  #: permalink of the interaction itself
    content: str = ""  #: untrusted HTML (sanitized on render)
    parent: str = ""  #: id of the interaction it replies to, same source
    extra: Mapping[str, str] = field(default_factory=dict)  #: per-source facts

    def to_dict(self) -> dict[str, str | bool | dict[str, str]]:
        """Return a plain dict with empty fields dropped (compact archive lines)."""
        # Not dataclasses.asdict: its recursive deep copy is most of the cost
        # of writing a large archive, and every field but ``extra`` is text.
        # Every field is text, a flag or the ``extra`` dict: what is empty
        # or false is dropped.
        data = {
            name: value
            for name, value in zip(FIELD_NAMES, _VALUES_OF(self), strict=True)
            if value
        }
        if "extra" in data:
            # ``extra`` holds texts only: a copy of the dict is enough.
            data["extra"] = dict(data["extra"])
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Interaction:
        """Build a record from an archive line (a JSON object), ignoring
        unknown keys."""
        if _FIELD_SET.issuperset(data):
            values = dict(data)
        else:
            values = {k: v for k, v in data.items() if k in _FIELD_SET}
        extra = values.get("extra")
        # Most records have no extra facts: they share one empty mapping,
        # read-only, so no record can write into another's ``extra``.
        values["extra"] = dict(extra) if extra else _NO_EXTRA
        # A large archive repeats the same sources, posts and people on
        # thousands of lines: one string each, not one per line.
        for name, value in values.items():
            if name in _REPEATED_SET and type(value) is str:
                values[name] = sys.intern(value)
        return cls(**values)

    def without_content(self) -> Interaction:
        """The same record with no words (``content`` empty)."""
        values = list(_VALUES_OF(self))
        values[_CONTENT_AT] = ""
        return Interaction(*values)

    @property
    def is_conversation(self) -> bool:
        return self.kind in CONVERSATION_KINDS

    @property
    def is_withheld(self) -> bool:
        """A stand-in for an interaction that must never be shown."""
        return self.extra.get(WITHHELD) == "true"


#: What the archive remembers of one source between builds (its entry of
#: ``state.json``, a JSON object read back): content hashes, validators,
#: when each post was last checked.
SourceState = dict[str, Any]


class AuthorFields(TypedDict, total=False):
    """Who wrote an interaction, as a reader gathers it: keyword arguments
    of :class:`Interaction`."""

    author_name: str
    author_url: str
    author_handle: str
    author_photo: str
    author_is_me: bool


class ItemFields(TypedDict, total=False):
    """What an interaction is and what it answers, as a reader gathers it:
    keyword arguments of :class:`Interaction`."""

    id: str
    kind: str
    published: str
    target_url: str
    target_slug: str
    target_title: str
    target_date: str
    target_id: str
    url: str
    content: str
    parent: str


class InteractionFields(ItemFields, AuthorFields, total=False):
    """What a reader knows of one interaction before it becomes an
    :class:`Interaction`: every field but ``source``, ``author_key`` and
    ``extra``, which it adds when it makes the record."""


def in_time_order(item: Interaction) -> tuple[str, str, str]:
    """Sort key: oldest first, undated last, then by source and id."""
    return (item.published or "9999", item.source, item.id)


def withheld_record(
    *, source: str, id: str, kind: str, url: str, target_url: str, platform: str
) -> Interaction:
    """What a direct source keeps of an interaction its platform says must
    not be shown publicly (a reply that is not public, an account that asked
    not to be shown to logged-out viewers): only what names the status or
    post, so a copy that another source (Bridgy, through webmention.io)
    brings is recognised as the same one and left out with it. No name,
    handle, photo, date or content: the archive is often public.
    """
    return Interaction(
        source=source,
        id=id,
        kind=kind,
        target_url=target_url,
        url=url,
        extra={"platform": platform, WITHHELD: "true"},
    )


_NO_EXTRA: Mapping[str, str] = MappingProxyType({})
#: The record's fields, in order.
FIELD_NAMES = tuple(f.name for f in fields(Interaction))
_FIELD_SET = frozenset(FIELD_NAMES)
_VALUES_OF = attrgetter(*FIELD_NAMES)
_CONTENT_AT = FIELD_NAMES.index("content")
_REPEATED_SET = frozenset(
    (
        "source",
        "kind",
        "author_name",
        "author_url",
        "author_handle",
        "author_key",
        "author_photo",
        "target_url",
        "target_slug",
        "target_title",
        "target_date",
        "target_id",
    )
)


class RecordMap(Generic[V]):
    """A value per record (by its source and id), held per source by id: a
    million records cost no key tuples (the ids are the records' own
    strings). Indexed by the record itself."""

    __slots__ = ("_by_source",)

    def __init__(self) -> None:
        self._by_source: dict[str, dict[str, V]] = {}

    def translate(self, table: Mapping[V, W]) -> RecordMap[W]:
        """This map with each value replaced by ``table[value]``, in place:
        a million records' second map is never made."""
        for ids in self._by_source.values():
            for id, value in ids.items():
                ids[id] = table[value]  # type: ignore[assignment]
        return cast("RecordMap[W]", self)

    def __setitem__(self, item: Interaction, value: V) -> None:
        ids = self._by_source.get(item.source)
        if ids is None:
            ids = self._by_source[item.source] = {}
        ids[item.id] = value

    def __getitem__(self, item: Interaction) -> V:
        return self._by_source[item.source][item.id]

    def get(self, item: Interaction) -> V | None:
        ids = self._by_source.get(item.source)
        return None if ids is None else ids.get(item.id)

    def holds(self, source: str, id: str) -> bool:
        """Whether the record ``id`` of ``source`` has a value."""
        ids = self._by_source.get(source)
        return ids is not None and id in ids


@dataclass(frozen=True, slots=True)
class SourceResult:
    """What one read of one source produced.

    ``removed`` holds ids the source itself reports as gone (deleted, spam,
    trash, pending, private): the archive drops them. Anything merely absent
    from a read stays archived.
    """

    interactions: tuple[Interaction, ...] = ()
    removed: frozenset[str] = frozenset()
    skipped: dict[str, int] = field(default_factory=dict)  #: reason -> count
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PostRef:
    """One article, reduced to plain data (no Pelican objects past this point)."""

    slug: str
    url: str  #: absolute when SITEURL is set, else the site-relative URL
    title: str = ""
    date: str = ""  #: ISO 8601 in UTC
    old_urls: tuple[str, ...] = ()  #: from the article's ``old_urls`` metadata
    #: platform -> this post's copy there, from the article's metadata of that
    #: name (``mastodon``: a status URL; ``bluesky``: a post URL or at:// URI)
    social: Mapping[str, str] = field(default_factory=dict, hash=False)
    #: the article's source file, as Pelican read it ("" when not known)
    source_path: str = ""
    #: the site's name (SITENAME, SITESUBTITLE), as a page's title ends
    site: str = ""
    #: the post's summary and body (HTML): a share may quote them
    text: str = ""
