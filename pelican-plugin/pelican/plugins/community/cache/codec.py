"""The computed community as a snapshot of plain data, read back like any input."""

from __future__ import annotations

import json
import logging
import re
import struct
import zlib
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from itertools import repeat
from typing import Any, cast, get_type_hints

from markupsafe import Markup

from .. import sanitize
from ..model import KINDS, REACTION_KINDS
from ..urls import public_http_url, safe_http_url
from ..views.community import (
    COMMENT_ROW,
    PERSON_ROLES,
    Comment,
    Community,
    LinkedPage,
    PackedConversation,
    Person,
    PostCommunity,
    ReadOnlyCounts,
    Thanks,
    thread,
)

__all__ = [
    "FORMAT",
    "INFLATE_RATIO",
    "MAGIC",
    "MAX_NESTING",
    "PERSON_ROW",
    "CheckedConversation",
    "Snapshot",
    "SnapshotError",
    "decode",
    "encode",
    "read_conversation",
]

logger = logging.getLogger(__name__)

#: What a snapshot file starts with.
MAGIC = b"pelican-community snapshot, JSON and zlib\n"
#: Bump when the snapshot's layout changes.
FORMAT = 1
#: A snapshot's header or a conversation may inflate this many times its
#: stored size, plus a MiB, before it is taken for a bomb (JSON compresses
#: five to ten times).
INFLATE_RATIO = 64
#: Replies nested deeper than this in a snapshot not proven the user's own
#: are refused: a template nests once per level (``COMMUNITY_MAX_DEPTH``
#: keeps a computed thread far shallower).
MAX_NESTING = 64
_LENGTH = struct.Struct(">Q")


class SnapshotError(ValueError):
    """A snapshot that is not what this code writes: read as a miss."""


# -- checks: each raises SnapshotError, none trusts what it is given ------


def _fail(what: str) -> SnapshotError:
    return SnapshotError(what)


def _only(values: Iterable[object], kind: type, what: str) -> None:
    if not set(map(type, values)) <= {kind}:
        raise _fail(f"{what}: not all {kind.__name__}")


def _counts(value: object, what: str, keys: frozenset[str] | None) -> dict[str, int]:
    if type(value) is not dict:
        raise _fail(f"{what}: not counts")
    _only(value, str, what)
    _only(value.values(), int, what)
    if value and min(value.values()) < 0:
        raise _fail(f"{what}: a negative count")
    if keys is not None and value.keys() != keys:
        raise _fail(f"{what}: not the known kinds")
    return value


def _list(value: object, what: str) -> list[Any]:
    if type(value) is not list:
        raise _fail(f"{what}: not a list")
    return value


def _indexes(
    values: Iterable[object], size: int, what: str, lowest: int = 0
) -> Sequence[int]:
    """``values``, each an index from ``lowest`` to below ``size``."""
    values = values if isinstance(values, Sequence) else list(values)
    seen = _ints(set(values), what)
    if seen and (min(seen) < lowest or max(seen) >= size):
        raise _fail(f"{what}: an index out of range")
    return cast("Sequence[int]", values)


def _ints(values: Collection[object], what: str) -> Collection[int]:
    """``values``, each a whole number (not a bool)."""
    if not set(map(type, values)) <= {int}:
        raise _fail(f"{what}: not all whole numbers")
    return cast("Collection[int]", values)


_HTTP = ("https://", "http://")
_ANCHOR = re.compile(r"c-[0-9a-f]{12}")
#: An avatar is the site's copy of a photo, under the output folder.
_AVATAR = re.compile(r"(?:[A-Za-z0-9_\-][A-Za-z0-9_.\-]*/)*[A-Za-z0-9_\-][\w.\-]*")


def _dates(values: Iterable[object], what: str) -> None:
    """Dates (or none: "" or None) that the calendar reads, as every
    template and property that reads them does (``datetime.fromisoformat``:
    no 30 February, no "last week"); text already checked to be text. Each
    distinct one once, at C speed."""
    distinct = set(values)
    distinct.discard(None)
    distinct.discard("")
    try:
        deque(map(datetime.fromisoformat, cast("set[str]", distinct)), maxlen=0)
    except ValueError:
        raise _fail(f"{what}: not a date") from None


def _links(
    values: Iterable[object],
    what: str,
    clean: Callable[[object], str],
    thorough: bool,
) -> None:
    """http(s) addresses only (or none), text already checked to be text:
    every one read again by the package's own URL check when the snapshot
    is not the user's own, by their scheme when it is."""
    distinct = cast("set[str]", set(values))
    distinct.discard("")
    if not all(map(str.startswith, distinct, repeat(_HTTP))):
        raise _fail(f"{what}: not an http(s) address")
    if thorough:
        for value in distinct:
            if clean(value) != value:
                raise _fail(f"{what}: not a safe http(s) address")


# -- columns: a dataclass's values, one list per field, checked by type ------


@dataclass(frozen=True, slots=True)
class _Reading:
    """How a snapshot is read: ``thorough`` when it is not proven to be the
    user's own (comment HTML sanitized again, every address re-read)."""

    thorough: bool


#: Column kinds, by the field's type.
_PLAIN: dict[object, type] = {str: str, bool: bool, int: int}
_SHARED = {
    tuple[str, ...]: "words",
    tuple[int, ...]: "numbers",
    dict[str, int]: "counts",
}


def _plan(cls: type, skip: tuple[str, ...] = ()) -> tuple[tuple[str, object], ...]:
    """(field, type) of ``cls`` in order; a type the codec does not know
    stops the import (a field added to the model needs its rule here)."""
    hints = get_type_hints(cls)
    plan = []
    for f in fields(cls):
        if f.name in skip:
            continue
        hint = hints[f.name]
        known = (
            hint in _PLAIN
            or hint in _SHARED
            or hint == (str | None)
            or hint is Markup
            or hint == (Person | None)
        )
        if not known:
            raise TypeError(
                f"cache/codec.py: no rule for {cls.__name__}.{f.name}: {hint}"
            )
        plan.append((f.name, hint))
    return tuple(plan)


_PERSON_PLAN = _plan(Person)
_COMMENT_PLAN = _plan(Comment, skip=("replies",))
assert tuple(name for name, _ in _COMMENT_PLAN) == COMMENT_ROW
PERSON_ROW = tuple(name for name, _ in _PERSON_PLAN)

#: What each field means beyond its type, checked on every read.
_KINDS = frozenset(KINDS)
_COUNT_KINDS = frozenset(KINDS)
_REACTIONS = frozenset(REACTION_KINDS)


def _check_person_column(
    name: str, column: Sequence[object], reading: _Reading
) -> None:
    thorough = reading.thorough
    if name == "role" and not set(column) <= PERSON_ROLES:
        raise _fail("person.role: not a known role")
    elif name == "id":
        if len(set(column)) != len(column) or "" in column:
            raise _fail("person.id: empty or not unique")
    elif name == "url":
        _links(column, "person.url", safe_http_url, thorough)
    elif name == "photo":
        _links(column, "person.photo", public_http_url, thorough)
    elif name == "avatar":
        for value in set(column):
            if value and (
                not isinstance(value, str)
                or not _AVATAR.fullmatch(value)
                or ".." in value
            ):
                raise _fail("person.avatar: not a path in the output")
    elif name in ("first_seen", "last_seen", "first_conversation"):
        _dates(column, f"person.{name}")
    elif name in ("conversation_posts", "shares"):
        numbers = _ints(column, f"person.{name}")
        if numbers and min(numbers) < 0:
            raise _fail(f"person.{name}: negative")


def _check_comment_column(
    name: str, column: Sequence[object], reading: _Reading
) -> None:
    thorough = reading.thorough
    if name == "kind" and not set(column) <= _KINDS:
        raise _fail("comment.kind: not a known kind")
    elif name == "anchor" and not all(
        map(_ANCHOR.fullmatch, cast("Sequence[str]", column))
    ):
        raise _fail("comment.anchor: not a page-safe id")
    elif name == "url":
        _links(column, "comment.url", public_http_url, thorough)
    elif name == "permalink":
        _links(column, "comment.permalink", safe_http_url, thorough)
    elif name == "published":
        _dates(column, "comment.published")


class _Shared:
    """The values many people share (posts, reasons, years, counts): one
    list in the snapshot, each read and checked once, then one object."""

    def __init__(self, values: list[Any]) -> None:
        self.values = values
        self._made: dict[str, list[object]] = {}

    def column(self, kind: str, column: Sequence[object], what: str) -> list[object]:
        places = _indexes(column, len(self.values), what)
        made = self._made.setdefault(what, [None] * len(self.values))
        values = self.values
        for at in set(places):
            if made[at] is None:
                made[at] = self._read(kind, values[at], what)
        return list(map(made.__getitem__, places))

    @staticmethod
    def _read(kind: str, value: object, what: str) -> object:
        if kind == "counts":
            keys = _COUNT_KINDS if what == "person.counts" else None
            return ReadOnlyCounts(_counts(value, what, keys))
        items = _list(value, what)
        _only(items, str if kind == "words" else int, what)
        if what == "person.conversation_years" and (
            items != sorted(set(items))
            or (items and not 1990 <= items[0] <= items[-1] <= 2200)
        ):
            raise _fail(f"{what}: not years in order")
        return tuple(items)


def _columns(rows: object, width: int, what: str) -> list[tuple[Any, ...]]:
    """``rows`` (a list of lists of ``width`` values) turned into columns."""
    rows = _list(rows, what)
    if not rows:
        return [()] * width
    if set(map(type, rows)) != {list} or set(map(len, rows)) != {width}:
        raise _fail(f"{what}: rows of the wrong shape")
    return list(zip(*rows, strict=True))


def _typed(name: str, hint: object, column: Sequence[object], what: str) -> None:
    kind = _PLAIN.get(hint)
    if kind is not None:
        _only(column, kind, f"{what}.{name}")
    elif hint == (str | None):
        if not set(map(type, column)) <= {str, type(None)}:
            raise _fail(f"{what}.{name}: not text")
    elif hint is Markup:
        _only(column, str, f"{what}.{name}")


# -- people ----------------------------------------------------------------


def _people(columns: object, shared: _Shared, reading: _Reading) -> list[Person]:
    """People from their columns (one list per field, in :data:`PERSON_ROW`
    order: each checked at once, and no rows to turn into columns)."""
    columns = _list(columns, "people")
    if len(columns) != len(_PERSON_PLAN) or set(map(type, columns)) - {list}:
        raise _fail("people: not of the known shape")
    if len(set(map(len, columns))) > 1:
        raise _fail("people: columns of different lengths")
    made: list[Sequence[object]] = []
    for (name, hint), column in zip(_PERSON_PLAN, columns, strict=True):
        if hint in _SHARED:
            kind = _SHARED[hint]
            made.append(shared.column(kind, column, f"person.{name}"))
            continue
        _typed(name, hint, column, "person")
        _check_person_column(name, column, reading)
        made.append(column)
    return list(map(Person, *made))


def _person_columns(people: list[Person]) -> tuple[list[list[object]], list[object]]:
    """People as columns; what they share (by identity) as one list of
    values, named by place."""
    values: list[object] = []
    placed: dict[int, int] = {}
    columns = []
    for name, hint in _PERSON_PLAN:
        column = [getattr(person, name) for person in people]
        if hint in _SHARED:
            for index, value in enumerate(column):
                place = placed.get(id(value))
                if place is None:
                    place = placed[id(value)] = len(values)
                    values.append(
                        dict(value) if isinstance(value, dict) else list(value)
                    )
                column[index] = place
        columns.append(column)
    return columns, values


# -- conversations ---------------------------------------------------------


def read_conversation(
    data: bytes, people: Sequence[Person], reading: _Reading
) -> tuple[list[Comment], bool]:
    """The comments of one packed conversation, checked (and their HTML
    sanitized again when ``reading.thorough``); whether that changed any."""
    try:
        text = _inflate(data)
        rows, parents = json.loads(text)
    except (ValueError, TypeError, zlib.error, RecursionError) as exc:
        raise _fail(f"a conversation: {exc}") from None
    columns = _columns(rows, len(_COMMENT_PLAN), "a conversation")
    count = len(columns[0])
    parents = _list(parents, "a conversation's parents")
    if len(parents) != count:
        raise _fail("a conversation's parents: not one per comment")
    _only(parents, int, "a conversation's parents")
    depth = [0] * count
    for at, parent in enumerate(parents):
        if not -1 <= parent < at:
            raise _fail("a conversation's parents: a reply before its parent")
        if parent >= 0:
            depth[at] = depth[parent] + 1
    if reading.thorough and count and max(depth) > MAX_NESTING:
        raise _fail("a conversation: nested too deep")
    made: list[Sequence[object]] = []
    changed = False
    for (name, hint), column in zip(_COMMENT_PLAN, columns, strict=True):
        if hint == (Person | None):
            _indexes(column, len(people), "comment.person", lowest=-1)
            named = (*people, None)
            made.append([named[at] for at in column])
            continue
        _typed(name, hint, column, "comment")
        if hint is Markup:
            if reading.thorough:
                clean = list(map(sanitize.clean_html, column))
                changed = clean != list(column)
                column = tuple(clean)
            made.append(list(map(Markup, column)))
            continue
        _check_comment_column(name, column, reading)
        made.append(column)
    return thread(list(map(Comment, *made)), parents), changed


@dataclass(frozen=True, slots=True)
class CheckedConversation(PackedConversation):
    """A conversation from a snapshot proven the user's own: kept packed,
    checked when it is unpacked (its HTML trusted as it was sanitized when
    computed). Something wrong there is told, and the post shown without
    its conversation: the build goes on."""

    where: str = ""

    def unpack(self) -> list[Comment]:
        try:
            comments, _ = read_conversation(self.data, self.people, _Reading(False))
        except SnapshotError as exc:
            logger.warning(
                "community: a conversation in %s is damaged (%s); shown without "
                "it: delete that file to compute it again",
                self.where,
                exc,
            )
            return []
        return comments


# -- the snapshot ----------------------------------------------------------


def _inflate(data: bytes) -> bytes:
    """``data`` decompressed, refused past :data:`INFLATE_RATIO`."""
    limit = len(data) * INFLATE_RATIO + (1 << 20)
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, limit)
    if inflater.unconsumed_tail or not inflater.eof:
        raise _fail("compressed data too large or cut short")
    return out


def _dumps(value: object) -> bytes:
    return json.dumps(value, separators=(",", ":"), check_circular=False).encode(
        "ascii"
    )


def encode(community: Community, token: str) -> Iterator[bytes]:
    """The snapshot of ``community`` in pieces, to be written in turn:
    :data:`MAGIC`, the header's length, the header (people as rows, posts
    naming them by their place in ``people``), then each conversation's
    packed bytes as the model holds them."""
    place = {id(person): index for index, person in enumerate(community.people)}
    columns, values = _person_columns(community.people)
    blobs: list[bytes] = []
    offset = 0
    posts = []
    for view in community.posts.values():
        packed = view.packed
        if packed is None and "conversation" in view.__dict__:
            packed = PackedConversation.of(view.conversation)
        conversation = None
        if packed is not None:
            conversation = [
                offset,
                len(packed.data),
                [place[id(p)] for p in packed.people],
            ]
            blobs.append(packed.data)
            offset += len(packed.data)
        posts.append(
            [
                view.slug,
                [
                    [place[id(t.person)] for t in view.thanks],
                    [t.first_time for t in view.thanks],
                ],
                dict(view.reactions),
                [place[id(person)] for person in view.reactors],
                [[page.site, page.url] for page in view.linked_from],
                conversation,
            ]
        )
    header = zlib.compress(
        _dumps(
            {
                "format": FORMAT,
                "token": token,
                "person_fields": PERSON_ROW,
                "comment_fields": COMMENT_ROW,
                "values": values,
                "people": columns,
                "posts": posts,
                "unmatched": community.unmatched,
                "post_order": community.post_order,
                "unmatched_targets": community.unmatched_targets,
                "unmatched_comments": community.unmatched_comments,
                "unmatched_titles": community.unmatched_titles,
            }
        ),
        1,
    )
    yield MAGIC
    yield _LENGTH.pack(len(header))
    yield header
    yield from blobs


@dataclass
class Snapshot:
    """A snapshot read back: its token and community, and whether any comment
    HTML changed when sanitized again (then it is written anew)."""

    token: str
    community: Community
    changed: bool


def decode(data: bytes, *, trusted: bool, where: str = "") -> Snapshot:
    """The community in snapshot ``data``, every value checked; comment
    HTML sanitized again unless ``trusted`` (proven the user's own), when
    conversations stay packed until shown. :class:`SnapshotError` for
    anything this code does not write."""
    reading = _Reading(thorough=not trusted)
    start = len(MAGIC) + _LENGTH.size
    if len(data) < start or not data.startswith(MAGIC):
        raise _fail("not a snapshot")
    (length,) = _LENGTH.unpack_from(data, len(MAGIC))
    if start + length > len(data):
        raise _fail("cut short")
    try:
        header = json.loads(_inflate(data[start : start + length]))
    except (ValueError, TypeError, zlib.error, RecursionError) as exc:
        raise _fail(f"the header: {exc}") from None
    blobs = memoryview(data)[start + length :]
    if type(header) is not dict:
        raise _fail("the header: not an object")
    if (
        header.get("format") != FORMAT
        or header.get("person_fields") != list(PERSON_ROW)
        or header.get("comment_fields") != list(COMMENT_ROW)
    ):
        raise _fail("written by another version")
    token = header.get("token")
    if type(token) is not str:
        raise _fail("no token")
    shared = _Shared(_list(header.get("values"), "values"))
    people = _people(header.get("people"), shared, reading)
    posts, changed = _posts(header.get("posts"), people, blobs, reading, where)
    community = Community(
        people=people,
        posts=posts,
        unmatched=_count(header.get("unmatched"), "unmatched"),
        post_order=_words(header.get("post_order"), "post_order"),
        unmatched_targets=_counts(
            header.get("unmatched_targets"), "unmatched_targets", None
        ),
        unmatched_comments=_counts(
            header.get("unmatched_comments"), "unmatched_comments", None
        ),
        unmatched_titles=_titles(header.get("unmatched_titles")),
    )
    return Snapshot(token, community, changed)


def _count(value: object, what: str) -> int:
    if type(value) is not int or value < 0:
        raise _fail(f"{what}: not a count")
    return value


def _words(value: object, what: str) -> list[str]:
    items = _list(value, what)
    _only(items, str, what)
    return items


def _titles(value: object) -> dict[str, str]:
    if type(value) is not dict:
        raise _fail("unmatched_titles: not an object")
    _only(value.values(), str, "unmatched_titles")
    return value


def _posts(
    rows: object,
    people: list[Person],
    blobs: memoryview,
    reading: _Reading,
    where: str,
) -> tuple[dict[str, PostCommunity], bool]:
    posts: dict[str, PostCommunity] = {}
    changed = False
    for row in _list(rows, "posts"):
        if type(row) is not list or len(row) != 6:
            raise _fail("a post: not of the known shape")
        slug, thanks, reactions, reactors, linked, conversation = row
        if type(slug) is not str or slug in posts:
            raise _fail("a post: no slug, or one seen before")
        view = PostCommunity(
            slug,
            thanks=_thanks(thanks, people),
            reactions=_counts(reactions, "a post's reactions", _REACTIONS),
            reactors=_named(reactors, people, "a post's reactors"),
            linked_from=_linked(linked, reading),
        )
        if conversation is not None:
            if type(conversation) is not list or len(conversation) != 3:
                raise _fail("a conversation: not of the known shape")
            offset, length, named = conversation
            if (
                type(offset) is not int
                or type(length) is not int
                or not 0 <= offset <= offset + length <= len(blobs)
            ):
                raise _fail("a conversation's place: out of the file")
            data = bytes(blobs[offset : offset + length])
            its_people = tuple(_named(named, people, "a conversation's people"))
            if reading.thorough:
                # Read now, so that nothing unchecked is ever shown; kept
                # packed again (as the model holds it) to keep memory low.
                comments, sanitized = read_conversation(data, its_people, reading)
                if sanitized:
                    changed = True
                    view.keep_packed(comments)
                else:
                    view.packed = PackedConversation(data, its_people)
            else:
                view.packed = CheckedConversation(data, its_people, where)
        posts[slug] = view
    return posts, changed


def _named(value: object, people: list[Person], what: str) -> list[Person]:
    indexes = _indexes(_list(value, what), len(people), what)
    return list(map(people.__getitem__, indexes))


def _thanks(value: object, people: list[Person]) -> list[Thanks]:
    """Thanks as two lists: the people thanked (by place), and whether it
    was each one's first time."""
    pair = _list(value, "a post's thanks")
    if len(pair) != 2:
        raise _fail("a post's thanks: not of the known shape")
    who = _named(pair[0], people, "a post's thanks")
    first = _list(pair[1], "a post's thanks")
    _only(first, bool, "a post's thanks")
    if len(first) != len(who):
        raise _fail("a post's thanks: not of the known shape")
    return list(map(Thanks, who, first))


def _linked(value: object, reading: _Reading) -> list[LinkedPage]:
    rows = _list(value, "a post's linking pages")
    if rows and (set(map(type, rows)) != {list} or set(map(len, rows)) != {2}):
        raise _fail("a post's linking pages: not of the known shape")
    _only([site for site, _ in rows], str, "a linking page's site")
    _only([url for _, url in rows], str, "a linking page")
    _links([url for _, url in rows], "a linking page", safe_http_url, reading.thorough)
    if any(url == "" for _, url in rows):
        raise _fail("a linking page: no address")
    return [LinkedPage(site, url) for site, url in rows]
