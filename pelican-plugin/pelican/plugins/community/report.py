"""The community, computed: people with roles, per-post thanks, the JSON report.

Pure functions over plain data: interactions, the people file and the posts
go in; the model templates render and the JSON the CLI prints come out.
"""

from __future__ import annotations

import hashlib
import io
import json
import pickle
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from functools import cached_property, lru_cache

from markupsafe import Markup

from .matching import PostMatcher
from .model import REACTION_KINDS, Interaction, PostRef
from .names import clean_name, initials, slugify_name
from .people.identity import (
    Identity,
    clear_caches,
    hidden_by,
    is_anonymous,
    me_matcher,
    merge_identities,
)
from .people.people_file import PeopleFile
from .people.roles import ROLES, activity_of, classify, reasons_for
from .sanitize import clean_html
from .urls import safe_http_url, url_key

#: First-timers this recent (before the newest conversation) are welcomed.
WELCOME_WINDOW = timedelta(days=365)

# Names and addresses repeat across a person's interactions: each distinct
# one is cleaned once per computation (emptied when it ends).
_CACHE_SIZE = 1 << 18
_clean_name = lru_cache(maxsize=_CACHE_SIZE)(clean_name)
_safe_url = lru_cache(maxsize=_CACHE_SIZE)(safe_http_url)
_url_key = lru_cache(maxsize=_CACHE_SIZE)(url_key)


@dataclass
class Person:
    """One member of the community, as pages and the JSON report show them."""

    id: str
    name: str
    url: str
    role: str
    pinned: bool
    note: str
    posts: list[str]
    counts: dict[str, int]
    first_seen: str | None
    last_seen: str | None
    reasons: list[str]
    initials: str = ""
    first_conversation: str = ""
    conversation_posts: int = 0

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": self.name,
            "url": self.url or None,
            "role": self.role,
            "pinned": self.pinned,
            "posts": self.posts,
            "counts": self.counts,
            "first_seen": self.first_seen,
            "last_seen": self.last_seen,
            "reasons": self.reasons,
        } | ({"note": self.note} if self.note else {})


@dataclass
class Thanks:
    """A person thanked on a post; ``first_time`` when it is their first
    conversation with the blog."""

    person: Person
    first_time: bool


@dataclass
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
    by_author: bool
    person: Person | None
    initials: str
    summary: str = ""  #: content warning (Mastodon spoiler text), shown collapsed
    sensitive: bool = False
    replies: list[Comment] = field(default_factory=list)


@dataclass
class PostCommunity:
    """``article.community``: who joined the conversation, and reactions."""

    slug: str
    thanks: list[Thanks] = field(default_factory=list)
    reactions: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys(REACTION_KINDS, 0)
    )
    conversation: list[Comment] = field(default_factory=list)
    reactors: list[Person] = field(default_factory=list)

    @property
    def first_timers(self) -> list[Thanks]:
        return [t for t in self.thanks if t.first_time]

    def to_json(self) -> dict:
        return {
            "slug": self.slug,
            "thanks": [
                {"id": t.person.id, "first_time": t.first_time} for t in self.thanks
            ],
            "reactions": dict(self.reactions),
        }

    # Pickled (the warm-build cache) with its conversation as one opaque
    # blob, flat: a thread of a few hundred replies would otherwise nest as
    # deep in the pickler and hit the recursion limit; and a build whose
    # theme never shows the conversation (most of the cache by size) does
    # not pay to unpickle it. The people a conversation names travel in the
    # outer pickle, so they stay the same objects as in ``thanks``.
    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        if "conversation" in state:
            state["conversation"] = _pack_conversation(state["conversation"])
        else:  # never unpacked since the last unpickling: pass it on as is
            state["conversation"] = state.pop("_packed_conversation")
        return state

    def __setstate__(self, state: dict) -> None:
        state = dict(state)
        state["_packed_conversation"] = state.pop("conversation")
        self.__dict__.update(state)

    def keep_packed(self, conversation: list[Comment]) -> None:
        """Hold ``conversation`` packed until something asks for it."""
        self.__dict__.pop("conversation", None)
        self.__dict__["_packed_conversation"] = _pack_conversation(conversation)

    def __getattr__(self, name: str) -> object:
        # Only reached while ``conversation`` is still packed.
        packed = self.__dict__.get("_packed_conversation")
        if name != "conversation" or packed is None:
            raise AttributeError(name)
        conversation = _unpack_conversation(packed)
        self.__dict__["conversation"] = conversation
        del self.__dict__["_packed_conversation"]
        return conversation


def _pack_conversation(roots: list[Comment]) -> tuple[bytes, list[Person]]:
    people: list[Person] = []
    index: dict[int, int] = {}

    class Packer(pickle.Pickler):
        def persistent_id(self, obj: object) -> int | None:
            if type(obj) is not Person:
                return None
            if id(obj) not in index:
                index[id(obj)] = len(people)
                people.append(obj)
            return index[id(obj)]

    buffer = io.BytesIO()
    Packer(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(_flatten(roots))
    return buffer.getvalue(), people


def _unpack_conversation(packed: tuple[bytes, list[Person]]) -> list[Comment]:
    data, people = packed

    class Unpacker(pickle.Unpickler):
        def persistent_load(self, pid: object) -> Person:
            return people[pid]  # type: ignore[index]

    return _rethread(*Unpacker(io.BytesIO(data)).load())


def _flatten(roots: list[Comment]) -> tuple[list[Comment], list[int]]:
    """Every comment of a thread in reading order, without its replies, and
    the index of each one's parent (-1 for a top-level comment)."""
    flat: list[Comment] = []
    parents: list[int] = []
    stack = [(comment, -1) for comment in reversed(roots)]
    while stack:
        comment, parent = stack.pop()
        index = len(flat)
        flat.append(replace(comment, replies=[]))
        parents.append(parent)
        stack.extend((reply, index) for reply in reversed(comment.replies))
    return flat, parents


def _rethread(flat: list[Comment], parents: list[int]) -> list[Comment]:
    roots: list[Comment] = []
    for comment, parent in zip(flat, parents, strict=True):
        (roots if parent < 0 else flat[parent].replies).append(comment)
    return roots


@dataclass
class Community:
    """Everything the community page, the article pages and the report show."""

    people: list[Person]
    posts: dict[str, PostCommunity]
    unmatched: int
    post_order: list[str]
    hidden: int = 0

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
    def reaction_totals(self) -> dict[str, int]:
        totals = dict.fromkeys(REACTION_KINDS, 0)
        for person in self.people:
            for kind in REACTION_KINDS:
                totals[kind] += person.counts[kind]
        return totals

    def to_json(self) -> dict:
        posts = [self.posts[slug] for slug in self.post_order if slug in self.posts]
        return {
            "people": [p.to_json() for p in self.people],
            "posts": [p.to_json() for p in posts],
            "unmatched": self.unmatched,
        }

    def json_text(self) -> str:
        """The report as text: the same inputs give byte-identical output."""
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def compute_community(
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
    regular_min_posts: int = 3,
) -> Community:
    """Match, merge, classify and arrange every interaction."""
    try:
        return _compute_community(items, people_file, posts, regular_min_posts)
    finally:
        for cached in (_clean_name, _safe_url, _url_key):
            cached.cache_clear()
        clear_caches()


def _compute_community(
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
    regular_min_posts: int,
) -> Community:
    posts = sorted(posts, key=lambda p: (p.date, p.slug))
    titles = {p.slug: p.title for p in posts}
    matcher = PostMatcher(posts)
    is_mine = me_matcher(people_file)
    mine: list[Interaction] = []
    others: list[Interaction] = []
    for item in items:
        (mine if is_mine(item) else others).append(item)

    identities = merge_identities(others, people_file)
    shown: list[Identity] = []
    hidden_items: set[tuple[str, str]] = set()
    for identity in identities:
        if hidden_by(identity, people_file.hide):
            hidden_items |= {(i.source, i.id) for i in identity.items}
        elif identity.items or (identity.entry and identity.entry.pinned):
            shown.append(identity)

    slug_of = {(i.source, i.id): matcher.match(i) for i in items}
    parent_author = {(i.source, i.id): i for i in others}
    answered: Counter[tuple[str, str]] = Counter()
    for item in mine:
        parent = parent_author.get((item.source, item.parent))
        if parent is not None:
            answered[(parent.source, parent.id)] += 1

    people_with_items: list[tuple[Person, Identity]] = []
    for identity in shown:
        person = _person(identity, slug_of, titles, answered, regular_min_posts)
        people_with_items.append((person, identity))
    _assign_ids(people_with_items)
    people_with_items.sort(key=lambda pi: _person_order(pi[0]))
    people = [p for p, _ in people_with_items]

    # Comments signed by nobody ("Anonymous", no link, no email) are no one's:
    # never counted, yet their words stay in the post's conversation.
    anonymous = [i for i in others if i.is_conversation and is_anonymous(i)]
    post_views = _post_views(
        people_with_items, mine, anonymous, slug_of, hidden_items, posts
    )
    unmatched = sum(
        1
        for _, identity in people_with_items
        for item in identity.items
        if not slug_of[(item.source, item.id)]
    )
    return Community(
        people=people,
        posts=post_views,
        unmatched=unmatched,
        post_order=[p.slug for p in posts],
        hidden=len(hidden_items),
    )


def _person(
    identity: Identity,
    slug_of: dict[tuple[str, str], str],
    titles: dict[str, str],
    answered: Counter[tuple[str, str]],
    regular_min_posts: int,
) -> Person:
    activity = activity_of(identity, slug_of, titles, answered)
    role = classify(activity, regular_min_posts)
    entry = identity.entry
    if entry:
        name = _clean_name(entry.name)
    else:
        name = _most_used_name(
            sorted(
                identity.items, key=lambda i: (i.published or "9999", i.source, i.id)
            )
        )
    return Person(
        id="",
        name=name,
        url=_best_url(identity),
        role=role,
        pinned=activity.pinned,
        note=entry.note if entry else "",
        posts=[key for key in activity.conversation_keys if not key.startswith("?")],
        counts=activity.counts,
        first_seen=activity.first_seen or None,
        last_seen=activity.last_seen or None,
        reasons=reasons_for(activity, role),
        initials=initials(name),
        first_conversation=activity.first_conversation,
        conversation_posts=activity.conversation_posts,
    )


def _most_used_name(items: list[Interaction]) -> str:
    names = Counter(
        _clean_name(i.author_name) for i in items if _clean_name(i.author_name)
    )
    if not names:
        return "Someone"
    # Most used; on a tie the one used last, then alphabetical.
    last_used = {_clean_name(i.author_name): (i.published, i.id) for i in items}
    return max(names, key=lambda n: (names[n], last_used.get(n, ("", "")), n))


def _best_url(identity: Identity) -> str:
    """The people-file URL, else the site they link most (conversation
    first), in the newest form they used (https preferred)."""
    if identity.entry:
        for url in identity.entry.urls:
            if _safe_url(url):
                return _safe_url(url)
    used: dict[str, list[tuple[bool, str, str, str]]] = defaultdict(list)
    for item in identity.items:
        url = _safe_url(item.author_url)
        key = _url_key(url)
        if key:
            used[key].append(
                (item.is_conversation, item.published, url.startswith("https:"), url)
            )
    if not used:
        return ""

    def weight(key: str) -> tuple[int, int, str]:
        uses = used[key]
        return (sum(1 for u in uses if u[0]), len(uses), key)

    best = max(used, key=weight)
    return max(used[best], key=lambda u: (u[1], u[2], u[3]))[3]


def _assign_ids(people: list[tuple[Person, Identity]]) -> None:
    """Slug ids from names, unique, independent of input order."""
    used: Counter[str] = Counter()
    ordered = sorted(
        people,
        key=lambda pi: (
            not pi[0].pinned,
            pi[0].first_seen or "9999",
            pi[0].name,
            min(((i.source, i.id) for i in pi[1].items), default=("", "")),
        ),
    )
    for person, _ in ordered:
        base = slugify_name(person.name)
        used[base] += 1
        person.id = base if used[base] == 1 else f"{base}-{used[base]}"


def _person_order(person: Person) -> tuple:
    total = sum(person.counts.values())
    return (
        ROLES.index(person.role),
        -person.conversation_posts,
        -total,
        person.name.casefold(),
        person.id,
    )


def _post_views(
    people_with_items: list[tuple[Person, Identity]],
    mine: list[Interaction],
    anonymous: list[Interaction],
    slug_of: dict[tuple[str, str], str],
    hidden_items: set[tuple[str, str]],
    posts: list[PostRef],
) -> dict[str, PostCommunity]:
    views: dict[str, PostCommunity] = {}
    first_post: dict[str, str] = {}
    person_of: dict[tuple[str, str], Person] = {}
    by_post: dict[str, list[Interaction]] = defaultdict(list)
    for person, identity in people_with_items:
        for item in identity.items:
            person_of[(item.source, item.id)] = person
            slug = slug_of[(item.source, item.id)]
            if slug:
                by_post[slug].append(item)
    for person, identity in people_with_items:
        conv = sorted(
            (i for i in identity.items if i.is_conversation),
            key=lambda i: (i.published or "9999", i.source, i.id),
        )
        if conv:
            first_post[person.id] = slug_of[(conv[0].source, conv[0].id)]
    for item in mine:
        slug = slug_of[(item.source, item.id)]
        if slug and item.is_conversation:
            by_post[slug].append(item)
    no_one = {(item.source, item.id) for item in anonymous}
    for item in anonymous:
        slug = slug_of[(item.source, item.id)]
        if slug:
            by_post[slug].append(item)

    for post in posts:
        items = sorted(
            by_post.get(post.slug, []),
            key=lambda i: (i.published or "9999", i.source, i.id),
        )
        if not items:
            continue
        view = PostCommunity(post.slug)
        seen: set[str] = set()
        reactors: dict[str, Person] = {}
        for item in items:
            person = person_of.get((item.source, item.id))
            if person is None:
                continue  # the author's own reply, or an anonymous comment
            if item.is_conversation and person.id not in seen:
                seen.add(person.id)
                view.thanks.append(
                    Thanks(person, first_post.get(person.id) == post.slug)
                )
            elif not item.is_conversation:
                view.reactions[item.kind] += 1
                reactors.setdefault(person.id, person)
        view.reactors = [p for pid, p in reactors.items() if pid not in seen]
        # Packed at once: a large archive's comments, threaded and
        # sanitized, would otherwise all be in memory together.
        view.keep_packed(
            _thread(
                [
                    i
                    for i in items
                    if i.is_conversation and (i.source, i.id) not in hidden_items
                ],
                person_of,
                no_one,
            )
        )
        views[post.slug] = view
    return views


def _thread(
    items: list[Interaction],
    person_of: dict[tuple[str, str], Person],
    no_one: set[tuple[str, str]],
) -> list[Comment]:
    """Comments nested under the ones they reply to (same source), oldest first."""
    comments: dict[tuple[str, str], Comment] = {}
    roots: list[Comment] = []
    for item in items:
        person = person_of.get((item.source, item.id))
        name = person.name if person else _clean_name(item.author_name) or "Someone"
        comments[(item.source, item.id)] = Comment(
            id=item.id,
            anchor="c-"
            + hashlib.sha256(f"{item.source}\0{item.id}".encode()).hexdigest()[:12],
            kind=item.kind,
            name=name,
            url=(person.url if person else _safe_url(item.author_url)) or "",
            permalink=_safe_url(item.url),
            published=item.published,
            content=Markup(clean_html(item.content)),
            by_author=person is None and (item.source, item.id) not in no_one,
            person=person,
            initials=initials(name),
            summary=_clean_name(item.extra.get("content_warning", "")),
            sensitive=item.extra.get("sensitive") == "true",
        )
    position = {key: index for index, key in enumerate(comments)}
    for item in items:
        key = (item.source, item.id)
        parent_key = (item.source, item.parent)
        # Only an earlier comment can be a parent: a loop of replies from a
        # garbled source cannot hide comments.
        if item.parent and position.get(parent_key, len(position)) < position[key]:
            comments[parent_key].replies.append(comments[key])
        else:
            roots.append(comments[key])
    return roots
