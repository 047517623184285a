"""The author's desk: whom they owe a reply, who has gone quiet, who is coming
back, and the circle in numbers. Private: computed from the same community
as the page, shown only by ``pelican-community desk``, never published.

Pure functions over the computed :class:`Community`, each person's merged
interactions and the posts; "now" is an argument, so the same archive gives
the same desk.
"""

from __future__ import annotations

import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import pairwise

from ..model import Interaction, PostRef
from ..people.identity import Identity
from ..people.people_edit import entry_for, entry_yaml
from ..people.people_file import PeopleFile
from ..sanitize import plain_text
from ..urls import safe_http_url
from .community import Comment, Community, Person, fewest_who_wrote
from .suggestions import one_person_twice

__all__ = [
    "COMING_BACK_DAYS",
    "FIRST_WORDS",
    "QUIET_RHYTHM",
    "WAITING_ROLES",
    "WELCOME_DAYS",
    "ComingBack",
    "Desk",
    "Quiet",
    "Waiting",
    "Year",
    "compute_desk",
    "newest_interaction",
]

#: Roles whose unanswered words wait for the author.
WAITING_ROLES = ("friend", "regular", "returning")
#: First-timers this recent get a section of their own.
WELCOME_DAYS = 30
#: People who became returning or regular this recently are "coming back".
COMING_BACK_DAYS = 90
#: Gone quiet: silent for this many times their usual gap...
QUIET_RHYTHM = 3
#: ...and for COMMUNITY_DESK_QUIET_MONTHS at least.

FIRST_WORDS = 160


@dataclass(frozen=True)
class Waiting:
    """A comment or mention the author has not answered."""

    person: Person
    kind: str
    published: str
    post_title: str
    post_url: str  #: the post's address (absolute when SITEURL is set)
    words: str  #: the first words, plain text
    link: str  #: the comment's own http(s) permalink, else the post's address


@dataclass(frozen=True)
class Quiet:
    """A friend or regular silent for longer than their usual rhythm."""

    person: Person
    last: str  #: their last conversation
    post_title: str
    post_url: str
    rhythm_days: int | None  #: their median gap between two conversations
    silent_days: int
    last_reaction: str  #: a like or repost since, or ""


@dataclass(frozen=True)
class ComingBack:
    """Someone who just became a returning reader or a regular."""

    person: Person
    crossed: str  #: when they reached their role
    entry_line: int  #: their ``people:`` entry's line, 0 when they have none
    snippet: str  #: the ``friends:`` entry to paste


@dataclass(frozen=True)
class Year:
    """One calendar year of the circle, in figures."""

    year: int
    people: int  #: people in conversation
    new_people: int  #: of whom in conversation for the first time
    conversation: int  #: comments and mentions
    answered: int  #: of which the author answered
    top_people: int  #: the fewest people who wrote CONCENTRATION_SHARE % of it
    likes: int
    reposts: int
    shares: int = 0  #: mentions that only passed the link on

    @property
    def reply_rate(self) -> float | None:
        return self.answered / self.conversation if self.conversation else None

    @property
    def reactions_per_comment(self) -> float | None:
        taps = self.likes + self.reposts + self.shares
        return taps / self.conversation if self.conversation else None


@dataclass(frozen=True)
class Desk:
    """Everything the desk shows."""

    now: datetime
    waiting: list[Waiting]
    older_waiting: int  #: unanswered, but older than ``waiting_months``
    first_timers: list[Waiting]
    quiet: list[Quiet]
    coming_back: list[ComingBack]
    years: list[Year]
    waiting_months: int
    quiet_months: int
    #: people of one shown name, each a ``people:`` line merging them
    one_name_twice: tuple[str, ...] = ()


def newest_interaction(items: Iterable[Interaction]) -> datetime | None:
    """The date of the newest interaction: the desk's "now" unless told,
    so that a desk opened on an old archive reads as it did that day."""
    newest = max((item.published for item in items if item.published), default="")
    return datetime.fromisoformat(newest) if newest else None


@dataclass(frozen=True)
class _Said:
    """One comment of a person's, where it was and whether it was answered."""

    comment: Comment
    person: Person
    slug: str
    answered: bool


def compute_desk(
    community: Community,
    identities: dict[str, Identity],
    posts: list[PostRef],
    people_file: PeopleFile,
    now: datetime,
    *,
    regular_min_posts: int,
    waiting_months: int,
    quiet_months: int,
) -> Desk:
    """The desk as of ``now`` (an aware datetime)."""
    now = now.astimezone(UTC)
    by_slug = {post.slug: post for post in posts}
    said = list(_everything_said(community))
    cutoff = _months_before(now, waiting_months).isoformat()
    welcome = (now - timedelta(days=WELCOME_DAYS)).isoformat()
    waiting, first_timers, older = [], [], 0
    for s in said:
        if s.answered:
            continue
        if s.person.role in WAITING_ROLES:
            if s.comment.published >= cutoff:
                waiting.append(_waiting(s, by_slug))
            else:
                older += 1
        elif s.person.role == "one-off" and s.person.first_conversation >= welcome:
            first_timers.append(_waiting(s, by_slug))
    newest_first = lambda w: (w.published, w.person.id)  # noqa: E731
    by_person: dict[str, list[_Said]] = defaultdict(list)
    for s in said:
        by_person[s.person.id].append(s)
    return Desk(
        now=now,
        waiting=sorted(waiting, key=newest_first, reverse=True),
        older_waiting=older,
        first_timers=sorted(first_timers, key=newest_first, reverse=True),
        quiet=_gone_quiet(community, by_person, identities, by_slug, now, quiet_months),
        coming_back=_coming_back(
            community, by_person, identities, people_file, now, regular_min_posts
        ),
        years=_years(community, said, identities),
        waiting_months=waiting_months,
        quiet_months=quiet_months,
        one_name_twice=tuple(one_person_twice(community.people, identities)),
    )


def _everything_said(community: Community) -> Iterator[_Said]:
    """Every comment and mention by someone, with whether the author
    answered it: a reply of theirs below it, or a later comment of theirs
    on the same post that names the person."""
    patterns: dict[str, re.Pattern[str]] = {}
    for slug in community.post_order:
        view = community.posts.get(slug)
        if view is None or not view.thanks:
            continue
        flat = _with_author_below(view.conversation)
        mine = [
            (c.published, plain_text(str(c.content), 100_000))
            for c, _ in flat
            if c.by_author
        ]
        for comment, replied in flat:
            person = comment.person
            if person is None:
                continue
            if person.name not in patterns:
                patterns[person.name] = _names(person.name)
            named = patterns[person.name]
            answered = replied or any(
                when > comment.published and named.search(text) for when, text in mine
            )
            yield _Said(comment, person, slug, answered)


def _with_author_below(roots: list[Comment]) -> list[tuple[Comment, bool]]:
    """Each comment of a conversation, and whether the author replied
    anywhere below it (without recursion: threads can be hundreds deep)."""
    flat: list[Comment] = []
    parents: list[int] = []
    stack = [(comment, -1) for comment in reversed(roots)]
    while stack:
        comment, parent = stack.pop()
        parents.append(parent)
        flat.append(comment)
        stack.extend((reply, len(flat) - 1) for reply in reversed(comment.replies))
    below = [False] * len(flat)
    for index in range(len(flat) - 1, -1, -1):
        parent = parents[index]
        if parent >= 0 and (below[index] or flat[index].by_author):
            below[parent] = True
    return list(zip(flat, below, strict=True))


def _names(name: str) -> re.Pattern[str]:
    """How the author's words name someone: their name, or its first word
    (a first name of three letters or more)."""
    words = [re.escape(name)]
    first = name.split()[0] if name.split() else ""
    if len(first) >= 3 and first.isalpha() and first != name:
        words.append(re.escape(first))
    return re.compile(r"(?<!\w)(?:" + "|".join(words) + r")(?!\w)", re.IGNORECASE)


def _waiting(said: _Said, by_slug: dict[str, PostRef]) -> Waiting:
    comment = said.comment
    post = by_slug.get(said.slug)
    post_url = post.url if post else ""
    return Waiting(
        person=said.person,
        kind=comment.kind,
        published=comment.published,
        post_title=plain_text(post.title, 200) if post else said.slug,
        post_url=post_url,
        words=plain_text(str(comment.content), FIRST_WORDS),
        link=safe_http_url(comment.permalink) or post_url,
    )


def _months_before(now: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the month's last
    day when it is shorter)."""
    month = now.month - 1 - months
    year, month = now.year + month // 12, month % 12 + 1
    for day in range(now.day, 0, -1):
        try:
            return now.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _gone_quiet(
    community: Community,
    by_person: dict[str, list[_Said]],
    identities: dict[str, Identity],
    by_slug: dict[str, PostRef],
    now: datetime,
    quiet_months: int,
) -> list[Quiet]:
    floor = _months_before(now, quiet_months).isoformat()
    quiet = []
    for person in community.friends + community.regulars:
        said = sorted(by_person.get(person.id, []), key=lambda s: s.comment.published)
        said = [s for s in said if s.comment.published]
        if not said or said[-1].comment.published > floor:
            continue
        last = said[-1]
        days = sorted(
            {datetime.fromisoformat(s.comment.published).date() for s in said}
        )
        gaps = [(b - a).days for a, b in pairwise(days)]
        rhythm = round(statistics.median(gaps)) if gaps else None
        silent = (now.date() - days[-1]).days
        if rhythm is not None and silent < QUIET_RHYTHM * rhythm:
            continue
        post = by_slug.get(last.slug)
        reactions = [
            i.published
            for i in identities[person.id].items
            if not i.is_conversation and i.published > last.comment.published
        ]
        quiet.append(
            Quiet(
                person=person,
                last=last.comment.published,
                post_title=plain_text(post.title, 200) if post else last.slug,
                post_url=post.url if post else "",
                rhythm_days=rhythm,
                silent_days=silent,
                last_reaction=max(reactions, default=""),
            )
        )
    return sorted(quiet, key=lambda q: (q.last, q.person.id), reverse=True)


def _coming_back(
    community: Community,
    by_person: dict[str, list[_Said]],
    identities: dict[str, Identity],
    people_file: PeopleFile,
    now: datetime,
    regular_min_posts: int,
) -> list[ComingBack]:
    since = (now - timedelta(days=COMING_BACK_DAYS)).isoformat()
    found = []
    for person in community.regulars + community.returning:
        if person.pinned:
            continue
        first_on: dict[str, str] = {}
        for s in sorted(
            by_person.get(person.id, []), key=lambda s: s.comment.published
        ):
            first_on.setdefault(s.slug, s.comment.published)
        times = sorted(first_on.values())
        needed = regular_min_posts if person.role == "regular" else 2
        crossed = times[min(needed, len(times)) - 1] if times else ""
        if crossed < since:
            continue
        identity = identities[person.id]
        entry = entry_for(identity, person.name, people_file)
        found.append(
            ComingBack(
                person=person,
                crossed=crossed,
                entry_line=identity.entry.line if identity.entry else 0,
                snippet=entry_yaml(entry, flow=people_file.flow_lists),
            )
        )
    return sorted(found, key=lambda c: (c.crossed, c.person.id), reverse=True)


def _years(
    community: Community, said: list[_Said], identities: dict[str, Identity]
) -> list[Year]:
    talk: dict[int, Counter[str]] = defaultdict(Counter)
    answered: Counter[int] = Counter()
    for s in said:
        if s.comment.published:
            year = int(s.comment.published[:4])
            talk[year][s.person.id] += 1
            answered[year] += s.answered
    new: Counter[int] = Counter(
        int(p.first_conversation[:4]) for p in community.people if p.first_conversation
    )
    taps: dict[int, Counter[str]] = defaultdict(Counter)
    for identity in identities.values():
        for item in identity.items:
            if item.kind in ("like", "repost", "share") and item.published:
                taps[int(item.published[:4])][item.kind] += 1
    years = []
    # A year of reactions only has nothing to show per comment: no row.
    for year in sorted(set(talk), reverse=True):
        counts = talk[year]
        total = sum(counts.values())
        top = fewest_who_wrote(counts.values())
        years.append(
            Year(
                year=year,
                people=len(counts),
                new_people=new[year],
                conversation=total,
                answered=answered[year],
                top_people=top,
                likes=taps[year]["like"],
                reposts=taps[year]["repost"],
                shares=taps[year]["share"],
            )
        )
    return years
