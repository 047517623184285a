"""Telling friends, regulars and returning readers from one-off visitors and
drive-by likers, with reasons a person can read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..dates import month_year
from ..model import KINDS, Interaction, RecordMap, in_time_order
from ..names import clean_name
from ..urls import post_path, url_key
from ..words import counted
from .identity import Identity
from .shares import is_counted_share

__all__ = [
    "ROLES",
    "Activity",
    "activity_of",
    "classify",
    "conversation_key",
    "reasons_for",
]

ROLES = ("friend", "regular", "returning", "one-off", "drive-by")


@dataclass(frozen=True)
class Activity:
    """What one person did, reduced to the figures roles are decided on."""

    pinned: bool
    #: slugs (or "?target" for unmatched addresses) talked on, in first-time order
    conversation_keys: tuple[str, ...]
    counts: dict[str, int]  #: comment, mention, like, repost, bookmark
    first_conversation: str  #: ISO time of the first comment or mention, or ""
    first_seen: str  #: ISO time of the earliest interaction, or ""
    last_seen: str  #: ISO time of the latest interaction, or ""
    first_post_title: str  #: title of the post of the first conversation
    answered: int  #: how many times the author replied to them
    shares: int = 0  #: mentions with no words of their own (among ``repost``)

    @property
    def conversation_posts(self) -> int:
        """Distinct posts (or unmatched targets) talked on."""
        return len(self.conversation_keys)


def conversation_key(item: Interaction, slug: str) -> str:
    """What one conversation counts as: its post, else its target address."""
    if slug:
        return slug
    # An unmatched target counts once however many times it is talked on:
    # by its path, else (a blog's home page) by its address.
    path = post_path(item.target_url) or url_key(item.target_url)
    return f"?{path}" if path else f"?{item.source}:{item.id}"


def activity_of(
    identity: Identity,
    slug_of: RecordMap[str],
    titles: Mapping[str, str],
    answered: Counter[tuple[str, str]],
    ordered: Sequence[Interaction] | None = None,
) -> Activity:
    """What one merged person did, from their interactions: ``slug_of`` gives
    each interaction's post ("" unmatched), ``answered`` the author's replies
    to each; ``ordered``: those interactions already in time order, if the
    caller sorted them."""
    items = sorted(identity.items, key=in_time_order) if ordered is None else ordered
    counts = dict.fromkeys(KINDS, 0)
    conversation: dict[str, str] = {}  # key -> first time
    first_conv: Interaction | None = None
    pages: dict[str, str] = {}  # a mentioning page -> what it counted as
    for item in items:
        counts[item.kind] += 1
        if item.is_conversation:
            key = conversation_key(item, slug_of[item])
            if item.kind == "mention" and item.url:
                # One page that links several posts is one conversation
                # (a round-up, or a scraper copying an article).
                key = pages.setdefault(item.url, key)
            conversation.setdefault(key, item.published)
            first_conv = first_conv or item
    times = [i.published for i in items if i.published]
    title = ""
    if first_conv is not None:
        slug = slug_of[first_conv]
        title = clean_name(titles.get(slug, "") or first_conv.target_title)
    return Activity(
        pinned=bool(identity.entry and identity.entry.pinned),
        conversation_keys=tuple(conversation),
        counts=counts,
        first_conversation=first_conv.published if first_conv else "",
        first_seen=min(times) if times else "",
        last_seen=max(times) if times else "",
        first_post_title=title,
        # The author answered few: most people need no look-up at all.
        answered=sum(answered[(i.source, i.id)] for i in items) if answered else 0,
        shares=sum(1 for i in items if is_counted_share(i)),
    )


def classify(activity: Activity, regular_min_posts: int) -> str:
    """The person's role (see docs/roles.md)."""
    if activity.pinned:
        return "friend"
    posts = activity.conversation_posts
    if posts >= regular_min_posts:
        return "regular"
    if posts >= 2:  # below the regular bar, however high it is set
        return "returning"
    if posts == 1:
        return "one-off"
    return "drive-by"


def reasons_for(activity: Activity, role: str) -> list[str]:
    """Human-readable reasons, the first one saying why the role was given."""
    reasons: list[str] = []
    if activity.pinned:
        reasons.append("pinned in community.yaml")
    comments, mentions = activity.counts["comment"], activity.counts["mention"]
    posts = activity.conversation_posts
    since = month_year(activity.first_conversation)
    if posts:
        if comments and mentions:
            verb = "commented on or mentioned"
        elif comments:
            verb = "commented on"
        else:
            verb = "mentioned"
        if posts == 1 and activity.first_post_title:
            text = f"{verb} “{activity.first_post_title}”"
        else:
            text = f"{verb} {counted(posts, 'post')}"
        reasons.append(f"{text} in {since}" if posts == 1 else f"{text} since {since}")
        last = month_year(activity.last_seen)
        if posts > 1 and last and last != since:
            reasons.append(f"last seen in {last}")
    reactions = [
        (activity.counts["like"], "like"),
        (activity.counts["repost"], "repost"),
        (activity.counts["share"], "share"),
        (activity.counts["bookmark"], "bookmark"),
    ]
    given = [counted(count, word) for count, word in reactions if count]
    if given:
        lead = "only reacted" if role == "drive-by" else "also left"
        if role == "drive-by":
            reasons.append(f"{lead}: {', '.join(given)}, never a comment")
        else:
            reasons.append(f"{lead} {', '.join(given)}")
    if activity.answered:
        reasons.append(f"you replied to them {counted(activity.answered, 'time')}")
    return reasons
