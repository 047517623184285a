"""Telling friends, regulars and returning readers from one-off visitors and
drive-by likers, with reasons a person can read."""

from __future__ import annotations

from dataclasses import dataclass

from .dates import month_year

ROLES = ("friend", "regular", "returning", "one-off", "drive-by")


@dataclass(frozen=True)
class Activity:
    """What one person did, reduced to the figures roles are decided on."""

    pinned: bool
    conversation_posts: int  #: distinct posts (or unmatched targets) talked on
    counts: dict[str, int]  #: comment, mention, like, repost, bookmark
    reacted_posts: int  #: distinct posts liked, reposted or bookmarked
    first_conversation: str  #: ISO time of the first comment or mention, or ""
    last_seen: str  #: ISO time of the latest interaction, or ""
    first_post_title: str  #: title of the post of the first conversation
    answered: int  #: how many times the author replied to them


def classify(activity: Activity, regular_min_posts: int) -> str:
    """The person's role (see README "How roles are decided")."""
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


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


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
            text = f"{verb} {_plural(posts, 'post')}"
        reasons.append(f"{text} in {since}" if posts == 1 else f"{text} since {since}")
        last = month_year(activity.last_seen)
        if posts > 1 and last and last != since:
            reasons.append(f"last seen in {last}")
    reactions = [
        (activity.counts["like"], "like"),
        (activity.counts["repost"], "repost"),
        (activity.counts["bookmark"], "bookmark"),
    ]
    given = [_plural(count, word) for count, word in reactions if count]
    if given:
        lead = "only reacted" if role == "drive-by" else "also left"
        if role == "drive-by":
            reasons.append(f"{lead}: {', '.join(given)}, never a comment")
        else:
            reasons.append(f"{lead} {', '.join(given)}")
    if activity.answered:
        reasons.append(f"you replied to them {_plural(activity.answered, 'time')}")
    return reasons
