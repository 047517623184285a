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
from itertools import accumulate, chain, islice, pairwise, repeat, starmap
from operator import eq, lt
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
FORMAT = 2
#: A conversation in a snapshot may inflate this many times its
#: stored size, plus a MiB, before it is taken for a bomb (JSON compresses
#: five to ten times).
INFLATE_RATIO = 64
#: Replies nested deeper than this in a snapshot not proven the user's own
#: are refused: a template nests once per level (``COMMUNITY_MAX_DEPTH``
#: keeps a computed thread far shallower).
MAX_NESTING = 64
_LENGTH = struct.Struct(">Q")
#: The plain preamble is a few hundred bytes: a longer one is not one.
_PREAMBLE_LIMIT = 1 << 16


class SnapshotError(ValueError):
    """A snapshot that is not what this code writes: read as a miss."""


# -- checks: each raises SnapshotError, none trusts what it is given ------


def _fail(what: str) -> SnapshotError:
    return SnapshotError(what)


def _only(values: Iterable[object], kind: type, what: str) -> None:
    if kind is str:
        # Joining is the quickest check: it refuses anything but text (and
        # JSON never gives a subclass of str).
        try:
            "".join(cast("Iterable[str]", values))
        except TypeError:
            raise _fail(f"{what}: not all str") from None
    elif not set(map(type, values)) <= {kind}:
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

#: The fields of a person that hold a date.
_PERSON_DATES = ("first_seen", "last_seen", "first_conversation")
#: What each field means beyond its type, checked on every read.
_KINDS = frozenset(KINDS)  # a comment's kind, and the keys of a person's counts
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


class _Tables:
    """The values many people share (their posts, reasons, years, counts):
    one table per field in the snapshot, each table checked at once, then
    one object per value, named by place in the people's columns."""

    def __init__(self, tables: object) -> None:
        if type(tables) is not dict:
            raise _fail("tables: not an object")
        self._tables = tables

    def column(self, name: str, kind: str, column: Sequence[object]) -> list[object]:
        what = f"person.{name}"
        table = _list(self._tables.get(name), f"the table of {what}")
        places = _indexes(column, len(table), what)
        made = _read_table(kind, table, what)
        return list(map(made.__getitem__, places))


def _read_table(kind: str, table: list[Any], what: str) -> list[object]:
    """The values of one table, checked a table at a time."""
    if kind == "counts":
        _only(table, dict, what)
        keys = _KINDS if what == "person.counts" else None
        _only(chain.from_iterable(table), str, what)
        counts = list(chain.from_iterable(map(dict.values, table)))
        _only(counts, int, what)
        if counts and min(counts) < 0:
            raise _fail(f"{what}: a negative count")
        if keys is not None and not all(map(eq, map(dict.keys, table), repeat(keys))):
            raise _fail(f"{what}: not the known kinds")
        return list(map(ReadOnlyCounts, table))
    _only(table, list, what)
    items = list(chain.from_iterable(table))
    _only(items, str if kind == "words" else int, what)
    if what == "person.conversation_years" and (
        (items and not 1990 <= min(items) <= max(items) <= 2200)
        or not all(map(_increasing, table))
    ):
        raise _fail(f"{what}: not years in order")
    return list(map(tuple, table))


def _increasing(values: list[int]) -> bool:
    return all(map(lt, values, islice(values, 1, None)))


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


def _people(columns: object, tables: _Tables, reading: _Reading) -> list[Person]:
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
            made.append(tables.column(name, _SHARED[hint], column))
            continue
        _typed(name, hint, column, "person")
        _check_person_column(name, column, reading)
        made.append(column)
    # The dates at once: a person's are often the same.
    dates = (made[PERSON_ROW.index(name)] for name in _PERSON_DATES)
    _dates(chain.from_iterable(dates), "a person's dates")
    return list(map(Person, *made))


def _person_columns(
    people: list[Person],
) -> tuple[list[list[object]], dict[str, list[object]]]:
    """People as columns; what they share (by identity) as one table of
    values per field, named by place."""
    tables: dict[str, list[object]] = {}
    columns = []
    for name, hint in _PERSON_PLAN:
        column: list[Any] = [getattr(person, name) for person in people]
        if hint in _SHARED:
            values: list[object] = []
            placed: dict[int, int] = {}
            for index, value in enumerate(column):
                place = placed.get(id(value))
                if place is None:
                    place = placed[id(value)] = len(values)
                    values.append(
                        dict(value) if isinstance(value, dict) else list(value)
                    )
                column[index] = place
            tables[name] = values
        columns.append(column)
    return columns, tables


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
    :data:`MAGIC`, the preamble's length and the preamble (small, plain
    JSON: the version, the token, the fields, the body's length), the body
    (JSON: people and posts as columns, the posts naming people by their
    place), then each conversation's packed bytes as the
    model holds them."""
    place = {id(person): index for index, person in enumerate(community.people)}
    columns, tables = _person_columns(community.people)
    views = list(community.posts.values())
    thanks = [view.thanks for view in views]
    reactors = [view.reactors for view in views]
    linked = [view.linked_from for view in views]
    blobs: list[bytes] = []
    sizes: list[int] = []
    named: list[list[int]] = []
    for view in views:
        packed = view.packed
        if packed is None and "conversation" in view.__dict__:
            packed = PackedConversation.of(view.conversation)
        if packed is None:
            sizes.append(-1)
            named.append([])
            continue
        sizes.append(len(packed.data))
        named.append([place[id(person)] for person in packed.people])
        blobs.append(packed.data)
    every_thanks = list(chain.from_iterable(thanks))
    every_link = list(chain.from_iterable(linked))
    posts = {
        "slug": [view.slug for view in views],
        "reactions": [dict(view.reactions) for view in views],
        "thanks": list(map(len, thanks)),
        "thanked": [place[id(t.person)] for t in every_thanks],
        "first_time": [t.first_time for t in every_thanks],
        "reactors": list(map(len, reactors)),
        "reacted": [place[id(p)] for p in chain.from_iterable(reactors)],
        "linked": list(map(len, linked)),
        "linked_site": [page.site for page in every_link],
        "linked_url": [page.url for page in every_link],
        "conversation": sizes,
        "conversation_people": list(map(len, named)),
        "conversation_named": list(chain.from_iterable(named)),
    }
    # Not compressed: inflating it cost a warm build more than reading and
    # authenticating the larger file (a CI cache and git compress it anyway).
    # Written a member at a time: the same bytes as one ``json.dumps`` of the
    # whole object, without the whole body held twice (as text, then bytes).
    members = {
        "tables": tables,
        "people": columns,
        "posts": posts,
        "unmatched": community.unmatched,
        "post_order": community.post_order,
        "unmatched_targets": community.unmatched_targets,
        "unmatched_comments": community.unmatched_comments,
        "unmatched_titles": community.unmatched_titles,
    }
    del columns, tables, posts
    body: list[bytes] = []
    for name in list(members):
        body += [b"," if body else b"{", _dumps(name), b":", _dumps(members.pop(name))]
    body.append(b"}")
    preamble = _dumps(
        {
            "format": FORMAT,
            "token": token,
            "person_fields": PERSON_ROW,
            "comment_fields": COMMENT_ROW,
            "body": sum(map(len, body)),
        }
    )
    yield MAGIC
    yield _LENGTH.pack(len(preamble))
    yield preamble
    for index, piece in enumerate(body):
        body[index] = b""  # each member let go once written
        yield piece
    yield from blobs


@dataclass
class Snapshot:
    """A snapshot read back: its token and community, and whether any comment
    HTML changed when sanitized again (then it is written anew)."""

    token: str
    community: Community
    changed: bool


def _preamble(data: bytes, token: str | None) -> tuple[str, int, int]:
    """The snapshot's token, and where its body starts and ends, once the
    plain preamble says the snapshot is of this version (and of ``token``,
    if given): a foreign or stale snapshot is refused before anything is
    inflated."""
    start = len(MAGIC) + _LENGTH.size
    if len(data) < start or not data.startswith(MAGIC):
        raise _fail("not a snapshot")
    (length,) = _LENGTH.unpack_from(data, len(MAGIC))
    if length > _PREAMBLE_LIMIT or start + length > len(data):
        raise _fail("cut short")
    try:
        preamble = json.loads(data[start : start + length])
    except (ValueError, TypeError, RecursionError) as exc:
        raise _fail(f"the preamble: {exc}") from None
    if type(preamble) is not dict:
        raise _fail("the preamble: not an object")
    if (
        preamble.get("format") != FORMAT
        or preamble.get("person_fields") != list(PERSON_ROW)
        or preamble.get("comment_fields") != list(COMMENT_ROW)
    ):
        raise _fail("written by another version")
    if type(preamble.get("token")) is not str:
        raise _fail("no token")
    if token is not None and preamble["token"] != token:
        raise _fail("another snapshot than its record's")
    body = preamble.get("body")
    start += length
    if type(body) is not int or not 0 <= body <= len(data) - start:
        raise _fail("cut short")
    return preamble["token"], start, start + body


def decode(
    data: bytes, *, trusted: bool, where: str = "", token: str | None = None
) -> Snapshot:
    """The community in snapshot ``data``, every value checked; comment
    HTML sanitized again unless ``trusted`` (proven the user's own), when
    conversations stay packed until shown. ``token``: the one its record
    names (anything else is refused before the body is inflated).
    :class:`SnapshotError` for anything this code does not write."""
    reading = _Reading(thorough=not trusted)
    found, start, end = _preamble(data, token)
    try:
        # ASCII: JSON as written here (anything else is refused).
        body = json.loads(str(memoryview(data)[start:end], "ascii"))
    except (ValueError, TypeError, RecursionError) as exc:
        raise _fail(f"the body: {exc}") from None
    if type(body) is not dict:
        raise _fail("the body: not an object")
    blobs = memoryview(data)[end:]
    people = _people(body.get("people"), _Tables(body.get("tables")), reading)
    posts, changed = _posts(body.get("posts"), people, blobs, reading, where)
    community = Community(
        people=people,
        posts=posts,
        unmatched=_count(body.get("unmatched"), "unmatched"),
        post_order=_words(body.get("post_order"), "post_order"),
        unmatched_targets=_counts(
            body.get("unmatched_targets"), "unmatched_targets", None
        ),
        unmatched_comments=_counts(
            body.get("unmatched_comments"), "unmatched_comments", None
        ),
        unmatched_titles=_titles(body.get("unmatched_titles")),
    )
    return Snapshot(found, community, changed)


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


def _post_column(posts: dict[str, Any], name: str, kind: type, size: int) -> list[Any]:
    """One column of the posts: ``size`` values of ``kind``."""
    column = _list(posts.get(name), f"posts.{name}")
    _only(column, kind, f"posts.{name}")
    if len(column) != size:
        raise _fail(f"posts.{name}: not one per post")
    return column


def _split(
    posts: dict[str, Any], counts: str, name: str, kind: type, size: int
) -> tuple[list[Any], list[int]]:
    """The flat column ``name`` (``kind`` values) and where each post's
    share of it starts, ``counts`` holding how many each post has."""
    many = _post_column(posts, counts, int, size)
    if many and min(many) < 0:
        raise _fail(f"posts.{counts}: negative")
    flat = _list(posts.get(name), f"posts.{name}")
    _only(flat, kind, f"posts.{name}")
    starts = list(accumulate(many, initial=0))
    if starts[-1] != len(flat):
        raise _fail(f"posts.{name}: not as many as posts.{counts} says")
    return flat, starts


def _each(values: list[Any], starts: list[int]) -> list[list[Any]]:
    """``values`` cut at ``starts``: one list per post."""
    return list(map(values.__getitem__, starmap(slice, pairwise(starts))))


def _posts(
    value: object,
    people: list[Person],
    blobs: memoryview,
    reading: _Reading,
    where: str,
) -> tuple[dict[str, PostCommunity], bool]:
    """The posts, from their columns (each checked at once); the people
    they name by place in ``people``."""
    if type(value) is not dict:
        raise _fail("posts: not an object")
    slugs = _words(value.get("slug"), "posts.slug")
    size = len(slugs)
    if len(set(slugs)) != size:
        raise _fail("posts.slug: one seen twice")
    reactions = _post_column(value, "reactions", dict, size)
    _only(chain.from_iterable(reactions), str, "posts.reactions")
    counts = list(chain.from_iterable(map(dict.values, reactions)))
    _only(counts, int, "posts.reactions")
    if (counts and min(counts) < 0) or not all(
        map(eq, map(dict.keys, reactions), repeat(_REACTIONS))
    ):
        raise _fail("posts.reactions: not counts of the known kinds")
    thanked, starts = _split(value, "thanks", "thanked", int, size)
    first, _ = _split(value, "thanks", "first_time", bool, size)
    thanks = _each(list(map(Thanks, _named(thanked, people, "thanks"), first)), starts)
    reacted, starts = _split(value, "reactors", "reacted", int, size)
    reactors = _each(_named(reacted, people, "a post's reactors"), starts)
    sites, starts = _split(value, "linked", "linked_site", str, size)
    urls, _ = _split(value, "linked", "linked_url", str, size)
    _links(urls, "a linking page", safe_http_url, reading.thorough)
    if "" in urls:
        raise _fail("a linking page: no address")
    linked = _each(list(map(LinkedPage, sites, urls)), starts)
    views = list(map(PostCommunity, slugs, thanks, reactions, reactors, linked))
    changed = _conversations(value, views, people, blobs, reading, where)
    return {view.slug: view for view in views}, changed


def _conversations(
    posts: dict[str, Any],
    views: list[PostCommunity],
    people: list[Person],
    blobs: memoryview,
    reading: _Reading,
    where: str,
) -> bool:
    """Each post's packed conversation (its size in the file, -1 for none)
    held by its view; whether sanitizing any again changed it."""
    sizes = _post_column(posts, "conversation", int, len(views))
    if sizes and (min(sizes) < -1 or sum(s for s in sizes if s > 0) > len(blobs)):
        raise _fail("a conversation's place: out of the file")
    named, starts = _split(
        posts, "conversation_people", "conversation_named", int, len(views)
    )
    named_people = _each(_named(named, people, "a conversation's people"), starts)
    changed = False
    offset = 0
    for view, size, its_people in zip(views, sizes, named_people, strict=True):
        if size < 0:
            continue
        data = bytes(blobs[offset : offset + size])
        offset += size
        if not reading.thorough:
            view.packed = CheckedConversation(data, tuple(its_people), where)
            continue
        # Read now, so that nothing unchecked is ever shown; kept packed
        # again (as the model holds it) to keep memory low.
        comments, sanitized = read_conversation(data, tuple(its_people), reading)
        if sanitized:
            changed = True
            view.keep_packed(comments)
        else:
            view.packed = PackedConversation(data, tuple(its_people))
    return changed


def _named(value: list[int], people: list[Person], what: str) -> list[Person]:
    return list(map(people.__getitem__, _indexes(value, len(people), what)))
