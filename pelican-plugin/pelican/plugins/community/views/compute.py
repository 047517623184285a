"""The community, computed: people with roles, per-post thanks and conversations.

Pure functions over plain data: interactions, the people file and the posts
go in; the model templates render and the JSON the CLI prints come out.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Generic, TypeVar, overload

from markupsafe import Markup

from ..memo import Memo, Table, unremembered
from ..model import CONVERSATION_KINDS, Interaction, PostRef, RecordMap, in_time_order
from ..names import clean_name, initials, name_key, slugify_name
from ..people import roles
from ..people.hiding import hidden_interactions, hides_entry, rule_index
from ..people.identity import (
    AUTHOR,
    LOOKS_LIKE_AUTHOR,
    Identity,
    Signatures,
    merge_identities,
)
from ..people.people_file import PeopleFile
from ..people.roles import ROLES, activity_of, reasons_for
from ..people.shares import ShareDetector, counted_as_share, is_bot
from ..sanitize import clean_html
from ..urls import (
    host_of,
    public_http_url,
    safe_http_url,
    site_host,
    url_key,
    without_www,
)
from .community import (
    Comment,
    Community,
    LinkedPage,
    Person,
    PostCommunity,
    ReadOnlyCounts,
    Thanks,
    tell_apart,
)
from .matching import PostMatcher
from .post_words import PostWords, Words

__all__ = [
    "Computed",
    "HandedOver",
    "Records",
    "compute_community",
    "compute_with_identities",
    "unmatched_address",
]

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Cleaners:
    """Names and addresses repeat across a person's interactions: each
    distinct one is cleaned once, in the computation's memo (``memo.py``),
    which dies with the computation."""

    clean_name: Table[str, str]
    initials: Table[str, str]
    name_key: Table[str, str]
    safe_url: Table[str, str]
    url_key: Table[str, str]
    public_url: Table[str, str]

    @classmethod
    def of(cls, memo: Memo) -> _Cleaners:
        return cls(
            memo.table(clean_name),
            memo.table(initials),
            memo.table(name_key),
            memo.table(safe_http_url),
            memo.table(url_key),
            memo.table(public_http_url),
        )


@dataclass
class Computed:
    """The community, and for ``check`` the merged people behind it."""

    community: Community
    identity_of: dict[str, Identity]  #: person id -> their merged identity
    #: accounts that carry the author's name but not the author's addresses
    looks_like_author: list[Identity]


class HandedOver(Generic[T]):
    """Records handed over to the computation (a build's, read from the
    archive for it alone): it takes them from ``records`` one by one, so
    the list is empty once read and each record is let go as soon as the
    computation is done with it. A caller that keeps its records (``check``
    shows them) passes the plain list instead."""

    __slots__ = ("records",)

    def __init__(self, records: list[T]) -> None:
        self.records = records

    def taken(self) -> Iterator[T]:
        """Each record in order, taken from the list as it is given."""
        return _handed_over(self.records)


Records = list[Interaction] | HandedOver[Interaction]


@dataclass(frozen=True)
class _Inputs:
    """What the computation reads besides the records."""

    people_file: PeopleFile
    posts: list[PostRef]  #: sorted by date, then slug
    regular_min_posts: int
    max_depth: int


def compute_community(
    items: Records,
    people_file: PeopleFile,
    posts: list[PostRef],
    regular_min_posts: int,
    *,
    max_depth: int,
) -> Community:
    """Match, merge, classify and arrange every interaction; replies nest at
    most ``max_depth`` levels (COMMUNITY_MAX_DEPTH); deeper replies are
    listed flat at the last level, each saying whom it answers.

    ``items`` as :class:`HandedOver` records: the list is emptied as it is
    read, and each record is let go as soon as the computation is done with
    it (a build hands over a large archive's records: they are not held
    twice, and reactions are gone before the conversations are arranged)."""
    inputs = _inputs(people_file, posts, regular_min_posts, max_depth)
    return _compute(items, inputs, keep_identities=False).community


def compute_with_identities(
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
    regular_min_posts: int,
    *,
    max_depth: int,
) -> Computed:
    """:func:`compute_community`, keeping who is who for ``check``."""
    inputs = _inputs(people_file, posts, regular_min_posts, max_depth)
    return _compute(items, inputs, keep_identities=True)


def _inputs(
    people_file: PeopleFile,
    posts: list[PostRef],
    regular_min_posts: int,
    max_depth: int,
) -> _Inputs:
    ordered = sorted(posts, key=lambda p: (p.date, p.slug))
    return _Inputs(people_file, ordered, regular_min_posts, max_depth)


def _compute(items: Records, inputs: _Inputs, *, keep_identities: bool) -> Computed:
    """The community; with ``keep_identities``, each person's merged
    interactions too (``check`` reads them). Without it, each person's
    merged identity is let go once the person is described and counted.

    The steps hand their work on by one rule: what a step returns is read
    by the next and held by no name here, so it goes when that step is
    done (the records, then the merged identities), and what outlives a
    step is an attribute of the computation, named for what it holds."""
    # What the computation remembers (strangers' names and addresses) lives
    # in this memo, and dies with it, whether the computation ends or fails.
    with Memo() as memo:
        work = _Computation(inputs, memo)
        work.match(items.records if isinstance(items, HandedOver) else items)
        work.sort_identities(work.merge(work.counted(items)))
        work.describe_people(keep_identities)
        # Everyone is merged and described: what was remembered to do it (a
        # large archive's keys, sites and addresses) makes room for the
        # conversations.
        memo.forget(safe_http_url, url_key)
        return work.result()


class _Computation:
    """One computation of the community, step by step: the state each step
    leaves for the next, as attributes."""

    def __init__(self, inputs: _Inputs, memo: Memo) -> None:
        self.inputs = inputs
        self.titles = {p.slug: p.title for p in inputs.posts}
        self.signatures = Signatures(memo)
        self.cleaners = _Cleaners.of(memo)
        self.hide = rule_index(inputs.people_file.hide)
        # Set by match: each record's post ("" for none), and the tallies
        # per post that read it.
        self.slug_of: RecordMap[str]
        self.tallies: _Tallies
        #: the mentions that are shares (no words of their own)
        self.shares: set[tuple[str, str]] = set()
        #: per post, the pages that link to it without naming an author
        self.linked_from: dict[str, list[LinkedPage]] = {}
        #: per post, reactions no listed person gave (nameless, a bot's)
        self.unattributed: dict[str, Counter[str]] = defaultdict(Counter)
        #: comments signed by nobody: no one's, yet in the conversation
        self.anonymous: list[Interaction] = []
        #: per post, the words set aside from handed-over records
        self.words = PostWords()
        # Filled by sort_identities: the author's own interactions, and
        # those of accounts that only carry the author's name: in the
        # conversation and the post's reaction totals, never in the community.
        self.mine: list[Interaction] = []
        #: the author's by name only: answers for the desk, no public badge
        self.by_name: set[tuple[str, str]] = set()
        self.unlisted: list[Interaction] = []
        self.looks_like_author: list[Identity] = []
        self.hidden_items: set[tuple[str, str]] = set()
        self.shown: list[Identity] = []
        #: the comments the author answered, and how often
        self.answered: Counter[tuple[str, str]] = Counter()
        # Filled by describe_people.
        self.people: list[Person] = []
        self.kept: list[tuple[Person, Identity]] = []  #: for ``check``
        self.unmatched_targets: Counter[str] = Counter()
        #: per unmatched address, its comments, and its old post's title
        self.unmatched_comments: Counter[str] = Counter()
        self.unmatched_titles: dict[str, str] = {}

    def match(self, items: list[Interaction]) -> None:
        """Each record's post; the nameless ones set apart. Nameless mentions
        (a page that links, no author) are no one: folded into one line per
        post. Nameless reactions still count on the post. Comments signed by
        nobody ("Anonymous", no link, no email) are no one's: never counted,
        yet their words stay in the post's conversation."""
        slug_of = self.slug_of = PostMatcher(self.inputs.posts).match_all(items)
        self.tallies = _Tallies(slug_of)
        people_file = self.inputs.people_file
        self.shares = ShareDetector(self.inputs.posts, people_file.me).shares_among(
            items, slug_of
        )
        nameless = [i for i in items if self.signatures.is_anonymous(i)]
        self.linked_from = _linked_pages(
            [i for i in nameless if i.kind == "mention"], slug_of, self.cleaners
        )
        _count_reactions(
            self.unattributed, (i for i in nameless if not i.is_conversation), slug_of
        )
        self.anonymous = [
            i for i in nameless if i.kind == "comment" and i.content.strip()
        ]

    def counted(self, items: Records) -> list[Interaction]:
        """The records as they count: a share (a mention with no words of its
        own) as a reaction, ``share``. Handed over, each comment or mention
        goes on without its words (kept by post in ``words``, packed), so the
        merge holds no text it does not read."""
        handed_over = isinstance(items, HandedOver)
        records = items.taken() if isinstance(items, HandedOver) else items
        counted: list[Interaction] = []
        shares = self.shares
        for item in records:
            if shares and item.kind == "mention" and (item.source, item.id) in shares:
                item = counted_as_share(item)
            if handed_over and item.content and item.is_conversation:
                slug = self.slug_of[item]
                # Words that reach no post are shown nowhere.
                item = (
                    self.words.set_aside(slug, item) if slug else item.without_content()
                )
            counted.append(item)
        self.words.pack()
        return counted

    def merge(self, counted: list[Interaction]) -> list[Identity]:
        """The records merged into people."""
        return merge_identities(counted, self.inputs.people_file, self.signatures)

    def sort_identities(self, identities: list[Identity]) -> None:
        """Who is shown, who is the author, who looks like them, what is
        hidden."""
        for identity in identities:
            if identity.author == AUTHOR:  # the proven author: never hidden
                self.mine += identity.items
            elif hides_entry(identity.entry, self.hide):
                self.hidden_items |= {(i.source, i.id) for i in identity.items}
            else:
                self._sort_reader(identity)
        # The comments the author answered (only those are looked up: a map
        # of every record would be one more entry per interaction).
        answers = Counter((i.source, i.parent) for i in self.mine if i.parent)
        self.answered = Counter(
            {key: count for key, count in answers.items() if self.slug_of.holds(*key)}
        )
        # The author's comments and those signed by nobody are shown under
        # no card: one on a post the site lacks is still told, not lost.
        for item in (*self.mine, *self.anonymous):
            if item.kind == "comment" and not self.slug_of[item]:
                self._unmatched(item)
        # The merge and the hiding are done: what they remembered of every
        # signature goes.
        self.signatures.forget()

    def _sort_reader(self, identity: Identity) -> None:
        # A rule hides what matches it, not everyone merged with it.
        hidden = {
            (i.source, i.id)
            for i in hidden_interactions(identity, self.hide, self.signatures)
        }
        if hidden:
            self.hidden_items |= hidden
            identity.items = [
                i for i in identity.items if (i.source, i.id) not in hidden
            ]
        if identity.is_author:
            self.mine += identity.items
            self.by_name |= {(i.source, i.id) for i in identity.items}
        elif identity.author == LOOKS_LIKE_AUTHOR:
            self.unlisted += identity.items
            self.looks_like_author.append(identity)
        elif any(is_bot(i) for i in identity.items):
            # Accounts their platform flags as bots are never in the
            # community; what they tapped still counts on the post.
            self.hidden_items |= {(i.source, i.id) for i in identity.items}
            _count_reactions(
                self.unattributed,
                (i for i in identity.items if not i.is_conversation),
                self.slug_of,
            )
        elif identity.items or (identity.entry and identity.entry.pinned):
            self.shown.append(identity)

    def describe_people(self, keep_identities: bool) -> None:
        """Each person is described, then their interactions are added to
        their posts' tallies; unless kept for ``check``, the person's merged
        identity is let go right after (a large archive's likes do not wait
        for the conversations)."""
        first_records: list[tuple[str, str]] = []
        shared: dict[tuple[object, ...], object] = {}
        shown = self.shown if keep_identities else _handed_over(self.shown)
        for identity in shown:
            ordered = sorted(identity.items, key=in_time_order)
            person = _person(identity, ordered, self, shared)
            self.people.append(person)
            first_records.append(_first_record(identity))
            if self.tallies.add(person, ordered):
                # In merge order (by source and id): the first title
                # given for an address is the one kept.
                for item in identity.items:
                    if not self.slug_of[item]:
                        self._unmatched(item)
            if keep_identities:
                self.kept.append((person, identity))
        _assign_ids(self.people, first_records)
        tell_apart(self.people)
        _in_listing_order(self.people)

    def _unmatched(self, item: Interaction) -> None:
        address = unmatched_address(item)
        self.unmatched_targets[address] += 1
        if item.kind == "comment":
            self.unmatched_comments[address] += 1
        if item.target_title and address not in self.unmatched_titles:
            self.unmatched_titles[address] = item.target_title

    def post_views(self) -> dict[str, PostCommunity]:
        """Each post's thanks, reactions and conversation. Each post's
        comments are let go once its conversation is packed."""
        tallies = self.tallies
        threader = _Threader(
            tallies.person_of,
            {(item.source, item.id) for item in self.anonymous + self.unlisted},
            self.by_name,
            self.inputs.max_depth,
            self.cleaners,
        )
        tallies.add_no_ones((*self.mine, *self.unlisted, *self.anonymous))
        views: dict[str, PostCommunity] = {}
        for post in self.inputs.posts:
            view = self._post_view(post, threader)
            if view is not None:
                views[post.slug] = view
        return views

    def _post_view(self, post: PostRef, threader: _Threader) -> PostCommunity | None:
        slug = post.slug
        tallies = self.tallies
        items = sorted(tallies.conversations.pop(slug, []), key=in_time_order)
        counted = tallies.reactions.get(slug)
        extra_reactions = self.unattributed.get(slug)
        links = self.linked_from.get(slug, [])
        if not items and not counted and not extra_reactions and not links:
            return None
        view = PostCommunity(slug, linked_from=links)
        for tally in (extra_reactions, counted):
            for kind, count in (tally or {}).items():
                view.reactions[kind] += count
        seen: set[str] = set()
        for item in items:
            who = tallies.person_of.get(item)
            if who is not None and who.id not in seen:
                seen.add(who.id)
                first_time = tallies.first_post.get(id(who)) == slug
                view.thanks.append(Thanks(who, first_time))
        view.reactors = tallies.reactors(slug, seen)
        # Packed at once: a large archive's comments, threaded and
        # sanitized, would otherwise all be in memory together.
        hidden = self.hidden_items
        if hidden:
            items = [i for i in items if (i.source, i.id) not in hidden]
        view.keep_packed(
            threader.thread(
                items,
                self.words.take(slug),
                site_host(post.url),
            )
        )
        return view

    def result(self) -> Computed:
        community = Community(
            people=self.people,
            posts=self.post_views(),
            unmatched=sum(self.unmatched_targets.values()),
            post_order=[p.slug for p in self.inputs.posts],
            unmatched_targets=dict(self.unmatched_targets),
            unmatched_comments=dict(self.unmatched_comments),
            unmatched_titles=self.unmatched_titles,
        )
        return Computed(
            community,
            {person.id: identity for person, identity in self.kept},
            self.looks_like_author,
        )


def unmatched_address(item: Interaction) -> str:
    """The address an interaction that matches no post is about, one per
    page: no fragment, no trailing slash (``https://x/`` and ``https://x``
    are one address)."""
    if not item.target_url:
        return f"(no address, source {item.source})"
    address = item.target_url.split("#", 1)[0]
    return address.rstrip("/") if address.count("/") <= 3 else address


def _count_reactions(
    counts: dict[str, Counter[str]],
    items: Iterable[Interaction],
    slug_of: RecordMap[str],
) -> None:
    """Add reactions no listed person gave (nameless, a bot's) to their post."""
    for item in items:
        slug = slug_of[item]
        if slug:
            counts[slug][item.kind] += 1


def _linked_pages(
    items: list[Interaction], slug_of: RecordMap[str], cleaners: _Cleaners
) -> dict[str, list[LinkedPage]]:
    """Per post, the pages that link to it without naming an author: one
    each (http(s) only), in the order they linked."""
    pages: dict[str, dict[str, LinkedPage]] = defaultdict(dict)
    for item in sorted(items, key=in_time_order):
        slug = slug_of[item]
        url = cleaners.safe_url[item.url]
        host = site_host(url)
        if slug and url:
            pages[slug].setdefault(cleaners.url_key[url] or url, LinkedPage(host, url))
    return {slug: list(found.values()) for slug, found in pages.items()}


def _person(
    identity: Identity,
    ordered: list[Interaction],
    work: _Computation,
    shared: dict[tuple[object, ...], object],
) -> Person:
    """The person as pages show them (``ordered``: their interactions in
    time order). What many people have alike (the same counts, posts,
    reasons or years: a long tail of one-off visitors has a few hundred
    distinct ones) is one shared value in ``shared``, read-only like the
    rest of the result."""
    cleaners = work.cleaners
    activity = activity_of(
        identity, work.slug_of, work.titles, work.answered, ordered=ordered
    )
    role = roles.classify(activity, work.inputs.regular_min_posts)
    entry = identity.entry
    if entry:
        name = cleaners.clean_name[entry.name]
    else:
        name = _most_used_name(ordered, cleaners)
    posts = [key for key in activity.conversation_keys if not key.startswith("?")]
    reasons = reasons_for(activity, role)
    years = _conversation_years(identity)
    return Person(
        id="",
        name=name,
        url=_best_url(identity, cleaners),
        role=role,
        pinned=activity.pinned,
        note=entry.note if entry else "",
        posts=_one_of(shared, ("posts", *posts), posts),
        counts=_one_of(shared, ("counts", *activity.counts.items()), activity.counts),
        first_seen=activity.first_seen or None,
        last_seen=activity.last_seen or None,
        reasons=_one_of(shared, ("reasons", *reasons), reasons),
        initials=cleaners.initials[name],
        first_conversation=activity.first_conversation,
        conversation_posts=activity.conversation_posts,
        conversation_years=_one_of(shared, ("years", *years), years),
        photo=_newest_photo(identity),
        shares=activity.shares,
    )


@overload
def _one_of(
    shared: dict[tuple[object, ...], object],
    key: tuple[object, ...],
    value: dict[str, int],
) -> dict[str, int]: ...
@overload
def _one_of(
    shared: dict[tuple[object, ...], object],
    key: tuple[object, ...],
    value: Sequence[T],
) -> tuple[T, ...]: ...
def _one_of(
    shared: dict[tuple[object, ...], object],
    key: tuple[object, ...],
    value: Sequence[T] | dict[str, int],
) -> object:
    """The shared, read-only copy of ``value`` (a sequence or counts of plain
    values, which ``key`` spells out): a tuple or :class:`ReadOnlyCounts`,
    so no person can change what others share."""
    if key not in shared:
        shared[key] = ReadOnlyCounts(value) if isinstance(value, dict) else tuple(value)
    return shared[key]


def _newest_photo(identity: Identity) -> str:
    """The photo a source gave most recently (safe http(s) only; of two
    given at the same time, the last in alphabetical order). A regular's
    hundreds of mentions each carry one: the newest are found in one pass,
    and older ones are looked at only if none of those is safe."""
    newest = ""
    photos: set[str] = set()
    for item in identity.items:
        photo = item.author_photo
        if photo:
            when = item.published or ""
            if when > newest or not photos:
                newest, photos = when, {photo}
            elif when == newest:
                photos.add(photo)
    if not photos:
        return ""
    # A person's photo is theirs alone: read without the memo.
    best = max(map(_public_url_once, photos))
    return best or _newest_safe_photo(identity)


def _newest_safe_photo(identity: Identity) -> str:
    """:func:`_newest_photo` when the newest photos are not safe: every
    photo, newest first."""
    given: dict[str, set[str]] = defaultdict(set)  # time -> photos
    for item in identity.items:
        if item.author_photo:
            given[item.published or ""].add(item.author_photo)
    for when in sorted(given, reverse=True):
        newest = max(map(_public_url_once, given[when]))
        if newest:
            return newest
    return ""


def _conversation_years(identity: Identity) -> tuple[int, ...]:
    years = {
        int(item.published[:4])
        for item in identity.items
        if item.is_conversation and item.published[:4].isdigit()
    }
    return tuple(sorted(years))


def _most_used_name(items: list[Interaction], cleaners: _Cleaners) -> str:
    clean = cleaners.clean_name
    names = Counter(clean[i.author_name] for i in items if clean[i.author_name])
    if not names:
        # No name given anywhere: the site they wrote from.
        for item in items:
            if site := site_host(cleaners.safe_url[item.author_url]):
                return site
        return "Anonymous"
    # Most used; on a tie the one used last, then alphabetical.
    last_used = {clean[i.author_name]: (i.published, i.id) for i in items}
    return max(names, key=lambda n: (names[n], last_used.get(n, ("", "")), n))


def _best_url(identity: Identity, cleaners: _Cleaners) -> str:
    """The people-file URL, else the site they link most (conversation
    first), in the newest form they used (https preferred)."""
    safe_url, url_key_of = cleaners.safe_url, cleaners.url_key
    if identity.entry:
        for url in identity.entry.urls:
            if safe_url[url]:
                return safe_url[url]
    used: dict[str, list[tuple[bool, str, bool, str]]] = defaultdict(list)
    for item in identity.items:
        url = safe_url[item.author_url]
        key = url_key_of[url]
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


def _assign_ids(people: list[Person], first_records: list[tuple[str, str]]) -> None:
    """Slug ids from names, unique, independent of input order (ties by
    each person's smallest (source, id), in ``first_records``)."""
    used: Counter[str] = Counter()
    # Sorted key by key, the last first (a stable sort keeps each earlier
    # order among equals): no tuple of keys per person.
    order = sorted(range(len(people)), key=first_records.__getitem__)
    order.sort(key=lambda at: people[at].name)
    order.sort(key=lambda at: people[at].first_seen or "9999")
    order.sort(key=lambda at: not people[at].pinned)
    for at in order:
        person = people[at]
        base = slugify_name(person.name)
        used[base] += 1
        person.id = base if used[base] == 1 else f"{base}-{used[base]}"


def _first_record(identity: Identity) -> tuple[str, str]:
    """The smallest (source, id) of the identity's interactions."""
    if not identity.items:
        return ("", "")
    first = min(identity.items, key=_source_and_id)
    return (first.source, first.id)


_source_and_id = attrgetter("source", "id")


def _in_listing_order(people: list[Person]) -> None:
    """Sort ``people`` as pages list them: by role, the posts they talked
    on, all they did (most first), then name and id. Key by key, the last
    first (a stable sort keeps each earlier order among equals): no tuple
    of keys per person."""
    people.sort(key=lambda person: person.id)
    people.sort(key=lambda person: person.name.casefold())
    people.sort(key=lambda person: sum(person.counts.values()), reverse=True)
    people.sort(key=lambda person: person.conversation_posts, reverse=True)
    people.sort(key=lambda person: _ROLE_RANK[person.role])


_ROLE_RANK = {role: rank for rank, role in enumerate(ROLES)}


class _Tallies:
    """What the listed people's interactions add up to, post by post,
    gathered person by person."""

    def __init__(self, slug_of: RecordMap[str]) -> None:
        self.slug_of = slug_of
        self.person_of: RecordMap[Person] = RecordMap()
        #: per post, the comments and mentions it received
        self.conversations: dict[str, list[Interaction]] = defaultdict(list)
        self.reactions: dict[str, Counter[str]] = defaultdict(Counter)
        #: per post, each reacting person's first reaction (by ``id(person)``)
        self.first_reaction: dict[
            str, dict[int, tuple[tuple[str, str, str], Person]]
        ] = defaultdict(dict)
        #: ``id(person)`` -> the post of their first comment or mention
        self.first_post: dict[int, str] = {}

    def add(self, person: Person, ordered: list[Interaction]) -> bool:
        """Add ``person``'s interactions (in time order: the first seen of
        each kind is the earliest) to their posts; whether any of them
        matches no post."""
        slug_of, person_of, conversations = (
            self.slug_of,
            self.person_of,
            self.conversations,
        )
        unmatched = False
        first_post: str | None = None
        for item in ordered:
            slug = slug_of[item]
            if not slug:
                unmatched = True
            if item.kind in CONVERSATION_KINDS:
                if first_post is None:
                    first_post = slug
                if slug:
                    person_of[item] = person
                    conversations[slug].append(item)
            elif slug:
                self.reactions[slug][item.kind] += 1
                firsts = self.first_reaction[slug]
                if id(person) not in firsts:
                    firsts[id(person)] = (in_time_order(item), person)
        if first_post is not None:
            self.first_post[id(person)] = first_post
        return unmatched

    def add_no_ones(self, items: tuple[Interaction, ...]) -> None:
        """Add interactions no listed person made: the author's own, those
        that only carry the author's name, anonymous comments. No one to
        thank; a reaction all the same."""
        for item in items:
            slug = self.slug_of[item]
            if not slug:
                continue
            if item.is_conversation:
                self.conversations[slug].append(item)
            else:
                self.reactions[slug][item.kind] += 1

    def reactors(self, slug: str, thanked: set[str]) -> list[Person]:
        """Who reacted to the post and did not talk, by first reaction."""
        firsts = sorted(self.first_reaction.get(slug, {}).values(), key=_earliest)
        return [who for _, who in firsts if who.id not in thanked]


def _earliest(first: tuple[tuple[str, str, str], Person]) -> tuple[str, str, str]:
    return first[0]


def _handed_over(items: list[T]) -> Iterator[T]:
    """Each of ``items`` in order, taken from the list as it is given (the
    list is empty at the end, and holds no item given)."""
    items.reverse()
    while items:
        yield items.pop()


@dataclass(frozen=True)
class _Threader:
    """What threading a post's conversation reads besides its comments."""

    person_of: RecordMap[Person]
    #: comments by no one (anonymous, or carrying only the author's name)
    no_one: set[tuple[str, str]]
    #: the author's comments by name only: hers, but shown without the badge
    by_name: set[tuple[str, str]]
    max_depth: int
    cleaners: _Cleaners

    def thread(
        self, items: list[Interaction], words: Words, site: str = ""
    ) -> list[Comment]:
        return _thread(items, self, words, site)


def _original_link(item: Interaction, site: str, target_sites: dict[str, str]) -> str:
    """The comment's own page elsewhere, for its "original" link; "" for
    a comment on the old blog (its permalink on the host of the post it
    was on, which is not this site's host ``site``): that page is usually
    gone after the move, and the comment is here, at its anchor.
    ``target_sites``: the post's addresses' sites, as they are read."""
    # Each permalink is one of a kind: read without the memo, whose tables
    # it would only fill (the post's addresses repeat: read once each).
    url = _safe_url_once(item.url)
    target = item.target_url
    if url and target:
        target_site = target_sites.get(target)
        if target_site is None:
            target_site = target_sites[target] = site_host(target)
        # On this site's own post, the permalink's host cannot be both.
        if target_site != site:
            host = without_www(_host_once(url))
            if host != site and host == target_site:
                return ""
    return url


#: :func:`safe_http_url`, :func:`host_of` and :func:`public_http_url`
#: computed on every call.
_safe_url_once = unremembered(safe_http_url)
_host_once = unremembered(host_of)
_public_url_once = unremembered(public_http_url)


def _thread(
    items: list[Interaction], threader: _Threader, words: Words, site: str = ""
) -> list[Comment]:
    """Comments nested under the ones they reply to (same source), oldest
    first, at most ``max_depth`` levels deep (each one's words from
    ``words`` where they were set aside). One pass, no recursion: a chain
    of any length costs what its comments cost."""
    person_of, no_one, cleaners = threader.person_of, threader.no_one, threader.cleaners
    max_depth = threader.max_depth
    comments: dict[tuple[str, str], Comment] = {}
    roots: list[Comment] = []
    target_sites: dict[str, str] = {}
    for item in items:
        person = person_of.get(item)
        name, url = _signed(item, person, cleaners)
        key = (item.source, item.id)
        by_author = person is None and key not in no_one
        comments[key] = Comment(
            id=item.id,
            anchor="c-"
            + hashlib.sha256(f"{item.source}\0{item.id}".encode()).hexdigest()[:12],
            kind=item.kind,
            name=name,
            url=url,
            permalink=_original_link(item, site, target_sites),
            published=item.published,
            content=Markup(clean_html(words.get((item.source, item.id), item.content))),
            by_author=by_author,
            author_badge=by_author and key not in threader.by_name,
            person=person,
            initials=cleaners.initials[name],
            summary=cleaners.clean_name[item.extra.get("content_warning", "")],
            sensitive=item.extra.get("sensitive") == "true",
        )
    position = {key: index for index, key in enumerate(comments)}
    depth: dict[tuple[str, str], int] = {}
    #: the comment whose replies list holds each reply
    host: dict[tuple[str, str], tuple[str, str]] = {}
    for item in items:
        key = (item.source, item.id)
        parent_key = (item.source, item.parent)
        # Only an earlier comment can be a parent: a loop of replies from a
        # garbled source cannot hide comments.
        if item.parent and position.get(parent_key, len(position)) < position[key]:
            if depth[parent_key] < max_depth:
                depth[key], host[key] = depth[parent_key] + 1, parent_key
                comments[parent_key].replies.append(comments[key])
            else:
                # Deeper than a page can indent (or a template can recurse):
                # listed beside its parent, saying whom it answers.
                depth[key], host[key] = max_depth, host[parent_key]
                comments[key].in_reply_to = comments[parent_key].name
                comments[host[key]].replies.append(comments[key])
        else:
            depth[key] = 0
            roots.append(comments[key])
    return roots


def _signed(
    item: Interaction, person: Person | None, cleaners: _Cleaners
) -> tuple[str, str]:
    """The name and link a comment is shown with: those it was signed with
    (a person's other names and links stay theirs to show). A comment
    signed with the person's shown name and no link gets the person's only
    if it carries more than a name (an email key, a handle): anyone can type
    a friend's name in a comment box."""
    name = cleaners.clean_name[item.author_name]
    url = cleaners.public_url[item.author_url]
    if person is not None:
        if not name:
            name = person.name
        if (
            not url
            and (item.author_key or item.author_handle)
            and cleaners.name_key[name] == cleaners.name_key[person.name]
        ):
            url = person.url
    return name or "Someone", url
