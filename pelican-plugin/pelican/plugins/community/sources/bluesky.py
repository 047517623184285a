"""Turn Bluesky AppView JSON (a post thread, likes, reposts) into records."""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..dates import to_utc_iso
from ..model import (
    AuthorFields,
    Interaction,
    PostRef,
    SourceResult,
    withheld_record,
)
from ..urls import handle_key, public_http_url, safe_http_url
from . import SourceSpec
from ._files import JSONObject, as_list, as_object, scalar_text
from ._live import (
    MAX_SOCIAL_PAGES,
    Client,
    LivePlan,
    LiveRequest,
    Outcome,
    SourceFailure,
    combine_results,
    plan_per_post,
)

__all__ = [
    "LIKE_FRAGMENT",
    "NO_UNAUTHENTICATED",
    "PLATFORM",
    "POST_COLLECTION",
    "REPOST_FRAGMENT",
    "BskyPostRef",
    "is_hidden_account",
    "next_cursor",
    "parse_actors",
    "parse_post_ref",
    "parse_thread",
    "plan_fetch",
    "post_web_url",
    "resolved_did",
]

PLATFORM = "bluesky"
#: Accounts that asked not to be shown to logged-out viewers.
NO_UNAUTHENTICATED = "!no-unauthenticated"
#: Bridgy's synthetic fragments for likes and reposts, reused so both agree.
LIKE_FRAGMENT = "liked_by_"
REPOST_FRAGMENT = "reposted_by_"
POST_COLLECTION = "app.bsky.feed.post"

_WEB_POST = re.compile(
    r"^/profile/(?P<actor>[^/]+)/post/(?P<rkey>[A-Za-z0-9._:~\-]+)/?$"
)
_AT_URI = re.compile(
    r"^at://(?P<actor>[^/]+)/(?P<collection>[a-z0-9.\-]+)/(?P<rkey>[A-Za-z0-9._:~\-]+)$",
    re.IGNORECASE,
)
_THREAD_VIEW = "app.bsky.feed.defs#threadViewPost"


@dataclass(frozen=True)
class BskyPostRef:
    """A Bluesky post named by an article: its author (handle or DID) and rkey."""

    actor: str
    rkey: str

    @property
    def needs_resolving(self) -> bool:
        return not self.actor.startswith("did:")

    def at_uri(self, did: str = "") -> str:
        return f"at://{did or self.actor}/{POST_COLLECTION}/{self.rkey}"


def parse_post_ref(value: str) -> BskyPostRef | None:
    """``https://bsky.app/profile/<handle-or-did>/post/<rkey>`` or an
    ``at://`` URI as a :class:`BskyPostRef`; None if it is neither."""
    value = (value or "").strip()
    match = _AT_URI.match(value)
    if match and match["collection"] == POST_COLLECTION:
        return BskyPostRef(match["actor"], match["rkey"])
    url = safe_http_url(value)
    if not url:
        return None
    match = _WEB_POST.match(urlsplit(url).path)
    return BskyPostRef(unquote(match["actor"]), match["rkey"]) if match else None


def post_web_url(at_uri: str) -> str:
    """``at://did/app.bsky.feed.post/rkey`` as its bsky.app URL (by DID)."""
    match = _AT_URI.match(at_uri or "")
    if not match or match["collection"] != POST_COLLECTION:
        return ""
    return f"https://bsky.app/profile/{match['actor']}/post/{match['rkey']}"


def resolved_did(data: object) -> str:
    """The DID in a ``com.atproto.identity.resolveHandle`` answer."""
    did = data.get("did") if isinstance(data, dict) else None
    if not isinstance(did, str) or not did.startswith("did:"):
        raise ValueError("resolveHandle answered without a DID")
    return did


def parse_thread(data: object, source_name: str, target_url: str) -> SourceResult:
    """Replies from ``app.bsky.feed.getPostThread``, threaded by ``parent``.

    ``notFoundPost`` and ``blockedPost`` entries are skipped. A post by an
    account labelled ``!no-unauthenticated`` becomes a withheld record (its
    id and URL, nothing about its author or words): it replaces an archived
    copy, and Bridgy's copy of it, collapsed into it, is never shown either.
    """
    thread = data.get("thread") if isinstance(data, dict) else None
    if not isinstance(thread, dict):
        raise ValueError("a getPostThread answer has a 'thread' object")
    if thread.get("$type", _THREAD_VIEW) != _THREAD_VIEW:
        raise ValueError(
            f"the post is unavailable ({scalar_text(thread.get('$type'))})"
        )
    root = as_object(thread.get("post"))
    root_uri = scalar_text(root.get("uri"))
    me = scalar_text(as_object(root.get("author")).get("did"))
    interactions: list[Interaction] = []
    skipped: Counter[str] = Counter()
    for node in _walk_replies(thread, skipped):
        post = as_object(node["post"])  # a dict: _walk_replies checked
        uri = scalar_text(post.get("uri"))
        author = as_object(post.get("author"))
        if not uri or not scalar_text(author.get("did")):
            skipped["no-uri"] += 1
            continue
        if is_hidden_account(author):
            interactions.append(
                withheld_record(
                    source=source_name,
                    id=uri,
                    kind="comment",
                    url=post_web_url(uri),
                    target_url=target_url,
                    platform=PLATFORM,
                )
            )
            continue
        record = as_object(post.get("record"))
        parent = scalar_text(
            as_object(as_object(record.get("reply")).get("parent")).get("uri")
        )
        interactions.append(
            Interaction(
                source=source_name,
                id=uri,
                kind="comment",
                published=to_utc_iso(record.get("createdAt"))
                or to_utc_iso(post.get("indexedAt")),
                target_url=target_url,
                url=post_web_url(uri),
                content=_paragraphs(scalar_text(record.get("text"))),
                parent="" if parent == root_uri else parent,
                extra=_actor_extra(author),
                **_author_fields(author, me),
            )
        )
    return SourceResult(tuple(interactions), skipped=dict(sorted(skipped.items())))


def parse_actors(
    data: object, kind: str, post_uri: str, source_name: str, target_url: str
) -> SourceResult:
    """Likes (``getLikes``) or reposts (``getRepostedBy``) of one post.

    The id and URL follow Bridgy (``<post URL>#liked_by_<did>``), so the same
    like backfed through webmention.io is recognised as one. A like or
    repost by an account labelled ``!no-unauthenticated`` is withheld, as
    its replies are.
    """
    key = "likes" if kind == "like" else "repostedBy"
    entries = data.get(key) if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ValueError(
            f"a {'getLikes' if kind == 'like' else 'getRepostedBy'} "
            f"answer has a '{key}' list"
        )
    fragment = LIKE_FRAGMENT if kind == "like" else REPOST_FRAGMENT
    post_url = post_web_url(post_uri)
    interactions: list[Interaction] = []
    skipped: Counter[str] = Counter()
    for entry in entries:
        entry = as_object(entry)
        actor = as_object(entry.get("actor")) if kind == "like" else entry
        did = scalar_text(actor.get("did"))
        if not did:
            skipped["no-did"] += 1
            continue
        url = f"{post_url}#{fragment}{did}"
        if is_hidden_account(actor):
            interactions.append(
                withheld_record(
                    source=source_name,
                    id=url,
                    kind=kind,
                    url=url,
                    target_url=target_url,
                    platform=PLATFORM,
                )
            )
            continue
        interactions.append(
            Interaction(
                source=source_name,
                id=url,
                kind=kind,
                published=to_utc_iso(entry.get("createdAt")) if kind == "like" else "",
                target_url=target_url,
                url=url,
                extra=_actor_extra(actor),
                **_author_fields(actor, ""),
            )
        )
    return SourceResult(tuple(interactions), skipped=dict(sorted(skipped.items())))


def next_cursor(data: object) -> str:
    """The pagination cursor of a list answer, or "" on the last page."""
    cursor = data.get("cursor") if isinstance(data, dict) else None
    return cursor if isinstance(cursor, str) else ""


def is_hidden_account(actor: JSONObject) -> bool:
    """Whether the account asked not to be shown to logged-out viewers."""
    return any(
        isinstance(label, dict) and label.get("val") == NO_UNAUTHENTICATED
        for label in as_list(actor.get("labels"))
    )


def _walk_replies(thread: JSONObject, skipped: Counter[str]) -> list[JSONObject]:
    """Every reachable reply below ``thread``, depth first, parents first."""
    found: list[JSONObject] = []
    stack = list(reversed(as_list(thread.get("replies"))))
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        kind = scalar_text(node.get("$type"))
        if kind and kind != _THREAD_VIEW:
            skipped[kind.rsplit("#", 1)[-1]] += 1  # notFoundPost, blockedPost
            continue
        if not isinstance(node.get("post"), dict):
            skipped["no-post"] += 1
            continue
        found.append(node)
        stack.extend(reversed(as_list(node.get("replies"))))
    return found


def _author_fields(actor: JSONObject, me: str) -> AuthorFields:
    did = scalar_text(actor.get("did"))
    return {
        "author_name": " ".join(
            (
                scalar_text(actor.get("displayName"))
                or scalar_text(actor.get("handle"))
            ).split()
        ),
        "author_url": f"https://bsky.app/profile/{did}",
        "author_handle": did,
        "author_photo": public_http_url(actor.get("avatar")),
        "author_is_me": bool(me) and did == me,
    }


def _actor_extra(actor: JSONObject) -> dict[str, str]:
    extra = {"platform": PLATFORM}
    handle = scalar_text(actor.get("handle"))
    # Only a real handle: not "handle.invalid", markup or an address.
    if handle != "handle.invalid" and handle_key(handle).startswith("bsky:"):
        extra["handle"] = handle
    return extra


def _paragraphs(text: str) -> str:
    """Plain post text as safe HTML paragraphs (the archive keeps HTML)."""
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]
    return "".join(
        "<p>" + html.escape(block).replace("\n", "<br>") + "</p>" for block in blocks
    )


# -- fetching -----------------------------------------------------------------


def plan_fetch(request: LiveRequest) -> LivePlan:
    """One job per due post with a ``bluesky`` post in its metadata."""
    return plan_per_post(request, "bluesky", _fetch_bluesky_post)


def _fetch_bluesky_post(
    client: Client, spec: SourceSpec, post: PostRef, address: str
) -> Outcome:
    ref = parse_post_ref(address)
    if ref is None:
        raise SourceFailure(f"{post.slug}: {address!r} is not a Bluesky post URL")
    xrpc = spec.options["appview"].rstrip("/") + "/xrpc/"
    try:
        did = ref.actor
        if ref.needs_resolving:
            answer = client.get(
                xrpc + "com.atproto.identity.resolveHandle",
                params={"handle": ref.actor},
            )
            did = resolved_did(answer.json())
        uri = ref.at_uri(did)
        thread = client.get(
            xrpc + "app.bsky.feed.getPostThread",
            params={"uri": uri, "depth": 100, "parentHeight": 0},
        ).json()
        results = [parse_thread(thread, spec.name, post.url)]
        for kind, method in (("like", "getLikes"), ("repost", "getRepostedBy")):
            for page in _cursor_pages(client, xrpc + "app.bsky.feed." + method, uri):
                results.append(parse_actors(page, kind, uri, spec.name, post.url))
    except ValueError as exc:
        raise SourceFailure(f"{address}: unexpected answer ({exc})") from None
    return Outcome(combine_results(results))


def _cursor_pages(client: Client, url: str, uri: str) -> Iterator[object]:
    """Each page of an XRPC list that paginates with ``cursor``."""
    cursor = ""
    for _page in range(MAX_SOCIAL_PAGES):
        params: dict[str, str | int] = {"uri": uri, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        data = client.get(url, params=params).json()
        yield data
        new_cursor = next_cursor(data)
        if not new_cursor or new_cursor == cursor:
            return
        cursor = new_cursor
