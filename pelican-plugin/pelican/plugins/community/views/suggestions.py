"""What ``pelican-community check`` suggests the author edit."""

from __future__ import annotations

from collections import Counter, defaultdict

from ..model import Interaction, PostRef
from ..names import name_key
from ..people.identity import is_me
from ..people.people_file import PeopleFile
from .community import Community, Person
from .matching import PostMatcher

#: At most this many unmatched targets are listed.
MAX_UNMATCHED_LISTED = 10


def suggest_edits(
    community: Community,
    items: list[Interaction],
    people_file: PeopleFile,
    posts: list[PostRef],
) -> list[str]:
    """Plain-language suggestions: regulars to pin, names that look like one
    person, and interactions that match no post."""
    return [
        *_regulars_to_pin(community),
        *_look_alike_names(community.people),
        *_unmatched_targets(items, people_file, posts),
    ]


def _regulars_to_pin(community: Community) -> list[str]:
    return [
        f"{p.name} is a regular ({p.reasons[0]}): pin them under 'friends:' "
        "in the people file if they are a friend"
        for p in community.regulars
    ]


def _tokens(name: str) -> list[str]:
    return name_key(name).replace(".", " ").split()


def _looks_alike(a: str, b: str) -> bool:
    ta, tb = _tokens(a), _tokens(b)
    if not ta or not tb:
        return False
    if ta == tb:
        return True
    short, long_ = sorted((ta, tb), key=len)
    if len(short) == len(long_):
        # "K. Bell" and "Karen Bell": same last name, matching initial.
        return (
            len(short) > 1
            and short[-1] == long_[-1]
            and short[:-1] != long_[:-1]
            and all(
                x[0] == y[0] and (len(x) == 1 or len(y) == 1)
                for x, y in zip(short[:-1], long_[:-1], strict=True)
            )
        )
    # "Priya" and "Priya Nair".
    return long_[: len(short)] == short


def _look_alike_names(people: list[Person]) -> list[str]:
    lines = []
    ordered = sorted(people, key=lambda p: p.id)
    partners: dict[str, list[Person]] = defaultdict(list)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if _looks_alike(a.name, b.name):
                partners[a.id].append(b)
    for a in ordered:
        for b in partners.get(a.id, []):
            lines.append(
                f"“{a.name}” ({a.role}) and “{b.name}” ({b.role}) look like one "
                "person: if they are, add a 'people:' entry with both names as "
                "name and alias (and their URLs or handles)"
            )
    return lines


def _unmatched_targets(
    items: list[Interaction], people_file: PeopleFile, posts: list[PostRef]
) -> list[str]:
    matcher = PostMatcher(posts)
    targets: Counter[str] = Counter()
    for item in items:
        if not is_me(item, people_file) and not matcher.match(item):
            targets[item.target_url or f"(no target, source {item.source})"] += 1
    lines = [
        f"{count} interaction(s) point at {target}, which matches no post: add it to "
        "that post's 'old_urls' metadata, or ignore it"
        for target, count in sorted(targets.items(), key=lambda tc: (-tc[1], tc[0]))[
            :MAX_UNMATCHED_LISTED
        ]
    ]
    if len(targets) > MAX_UNMATCHED_LISTED:
        lines.append(
            f"... and {len(targets) - MAX_UNMATCHED_LISTED} more unmatched targets"
        )
    return lines
