"""Count once what arrives twice: Bridgy-via-webmention.io and direct social copies."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from ..model import Interaction
from ..urls import post_path, split_http

__all__ = [
    "dedupe_interactions",
    "duplicate_key",
]

# Mastodon-style status URLs (Bridgy backfeeds these as the reply's ``url``).
_FEDI_STATUS = re.compile(
    r"^(?:/web)?/(?:@[A-Za-z0-9_.\-]+(?:@[A-Za-z0-9.\-]+)?"
    r"|users/[A-Za-z0-9_.\-]+/statuses|statuses)"
    r"/(?P<id>\d+)/?$|^/notice/(?P<notice>[A-Za-z0-9]+)/?$"
)
# A WordPress comment's permalink: its number is unique on its blog, whatever
# the path (pretty or ``?p=N`` permalink, ``/comment-page-N/``) around it.
_WP_COMMENT = re.compile(r"^comment-(?P<number>[0-9]{1,20})$")
_FEDI_REACTION = re.compile(r"^(?P<kind>favorited|reblogged)-by-(?P<who>[A-Za-z0-9]+)$")
_BSKY_POST = re.compile(r"^/profile/[^/]+/post/(?P<rkey>[A-Za-z0-9._:~\-]+)/?$")
_BSKY_REACTION = re.compile(
    r"^(?P<kind>liked|reposted)_by_(?P<who>did:[A-Za-z0-9._:%\-]+)$"
)
_REACTION_KIND = {
    "favorited": "like",
    "reblogged": "repost",
    "liked": "like",
    "reposted": "repost",
}


def dedupe_interactions(items: list[Interaction]) -> list[Interaction]:
    """Drop the copies of interactions that reached the archive twice.

    A reply, like or repost that Bridgy backfed through webmention.io and
    that the direct Mastodon or Bluesky source also fetched counts once: the
    direct source's record is kept (with the earliest known date when it has
    none). Keys come from the interaction's own URL: the status or post id
    (Bluesky by record key, since Bridgy names handles where the direct
    source names DIDs), plus the reacting account for likes and reposts.
    A WordPress comment collapses by its number on its blog (an export and
    the blog's comment feed both name it). Other records collapse only when
    two sources give the same permalink for the same post.

    A withheld record (the platform says the interaction must not be shown
    publicly) wins its group and then leaves with every copy: nothing after
    this step sees it, whichever source brought it.

    The result does not depend on the order of ``items``; survivors keep
    their input order.
    """
    # The groups are read by the choice and held by no name: they go
    # before the survivors are gathered.
    chosen, dropped = _choose_in_groups(_groups_of_copies(items))
    return _survivors(items, chosen, dropped)


_Group = Interaction | list[Interaction]


def _groups_of_copies(items: list[Interaction]) -> dict[str, _Group]:
    """The records by duplicate key. A key is held as one string, and a
    record without a twin as itself: a million records that are each one
    of a kind need no list apiece."""
    groups: dict[str, _Group] = {}
    for item in items:
        key = duplicate_key(item)
        if key:
            joined = "\0".join(key)
            found = groups.get(joined)
            if found is None:
                groups[joined] = item
            elif type(found) is list:
                found.append(item)
            else:
                groups[joined] = [found, item]  # type: ignore[list-item]
    return groups


def _choose_in_groups(
    groups: dict[str, _Group],
) -> tuple[dict[tuple[str, str], Interaction], set[tuple[str, str]]]:
    """Of each group of copies, the record kept (by (source, id)) and the
    copies dropped."""
    chosen: dict[tuple[str, str], Interaction] = {}
    dropped: set[tuple[str, str]] = set()
    for group in groups.values():
        if type(group) is not list:
            continue
        best = min(group, key=_preference)
        dates = sorted(item.published for item in group if item.published)
        if not best.published and dates:
            best = replace(best, published=dates[0])
        chosen[(best.source, best.id)] = best
        # A shared permalink within one source may be the source's own quirk
        # (a homepage as every reply's URL): only other sources' copies go.
        same_source_ok = duplicate_key(best)[0] == "url"
        for item in group:
            if item is best or (same_source_ok and item.source == best.source):
                continue
            dropped.add((item.source, item.id))
        dropped.discard((best.source, best.id))
    return chosen, dropped


def _survivors(
    items: list[Interaction],
    chosen: dict[tuple[str, str], Interaction],
    dropped: set[tuple[str, str]],
) -> list[Interaction]:
    """``items`` without the dropped copies and the withheld, each chosen
    one in its place, each (source, id) once, in input order."""
    survivors: list[Interaction] = []
    seen: dict[str, set[str]] = {}  # source -> ids (the records' own strings)
    for item in items:
        ids = seen.get(item.source)
        if ids is None:
            ids = seen[item.source] = set()
        if item.id in ids or item.is_withheld:
            continue
        if chosen or dropped:
            ident = (item.source, item.id)
            if ident in dropped:
                continue
            item = chosen.get(ident, item)
        ids.add(item.id)
        survivors.append(item)
    return survivors


def duplicate_key(item: Interaction) -> tuple[str, ...]:
    """What makes two records the same interaction; () when nothing does."""
    url = item.url or (item.id if item.id.startswith(("http://", "https://")) else "")
    if not url:
        return ()
    split = split_http(url)
    if split is None:
        try:
            parts = urlsplit(url)
        except ValueError:
            return ()
        split = (parts.hostname or "", parts.path, parts.query, parts.fragment)
    hostname, path, query, fragment = split
    host = hostname.lower().removeprefix("www.")
    kind = "conversation" if item.is_conversation else item.kind
    if host == "bsky.app":
        match = _BSKY_POST.match(path)
        if match:
            return _social_key("bsky", match["rkey"], kind, fragment, _BSKY_REACTION)
    match = _FEDI_STATUS.match(path)
    if match:
        status = match["id"] or match["notice"]
        return _social_key(f"fedi:{host}", status, kind, fragment, _FEDI_REACTION)
    wp_comment = _WP_COMMENT.match(fragment)
    if wp_comment and item.is_conversation:
        return ("url", "wp-comment", host, str(int(wp_comment["number"])))
    path = path.rstrip("/").lower()
    query = f"?{query}" if query else ""
    fragment = f"#{fragment}" if fragment else ""
    return ("url", kind, post_path(item.target_url), f"{host}{path}{query}{fragment}")


def _social_key(
    network: str, post: str, kind: str, fragment: str, reactions: re.Pattern[str]
) -> tuple[str, ...]:
    match = reactions.match(fragment)
    if match:
        return (network, post, _REACTION_KIND[match["kind"]], match["who"])
    if fragment:
        return ()  # an unknown fragment: do not guess
    return (network, post, kind)


def _preference(item: Interaction) -> tuple[int, int, int, str, str]:
    # The platform's word that it must not be shown outranks any copy.
    withheld = 0 if item.is_withheld else 1
    # Records from the direct Mastodon/Bluesky sources carry their platform.
    direct = 0 if item.extra.get("platform") in ("mastodon", "bluesky") else 1
    # An export's copy knows more (the email behind an opaque key) than a feed's.
    keyed = 0 if item.author_key else 1
    return (withheld, direct, keyed, item.source, item.id)
