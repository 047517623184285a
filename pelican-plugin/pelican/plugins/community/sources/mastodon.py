"""Turn Mastodon API JSON (a status' context, favourites, boosts) into records."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

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
from ._files import JSONObject, scalar_text
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
    "PLATFORM",
    "REPOST_FRAGMENT",
    "StatusRef",
    "account_handle",
    "parse_accounts",
    "parse_context",
    "parse_status_url",
    "plan_fetch",
    "verified_website",
]

PLATFORM = "mastodon"
#: Bridgy's synthetic fragments for likes and boosts, reused so both agree.
LIKE_FRAGMENT = "favorited-by-"
REPOST_FRAGMENT = "reblogged-by-"

_STATUS_PATHS = (
    re.compile(
        r"^/@(?P<user>[A-Za-z0-9_.\-]+)(?:@[A-Za-z0-9.\-]+)?/(?P<id>[A-Za-z0-9]+)/?$"
    ),
    re.compile(r"^/users/(?P<user>[A-Za-z0-9_.\-]+)/statuses/(?P<id>[A-Za-z0-9]+)/?$"),
    re.compile(
        r"^/web/(?:@(?P<user>[A-Za-z0-9_.\-]+)/|statuses/)(?P<id>[A-Za-z0-9]+)/?$"
    ),
)
_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


@dataclass(frozen=True)
class StatusRef:
    """A status on its own instance, from the URL in an article's metadata."""

    url: str  #: the status URL as the author gave it
    base: str  #: ``https://instance`` (scheme, host and port of ``url``)
    host: str  #: the instance's host name
    status_id: str
    username: str  #: the local user who posted it ("" when the URL lacks it)

    def api(self, endpoint: str) -> str:
        """The URL of ``/api/v1/statuses/<id>/<endpoint>``."""
        return f"{self.base}/api/v1/statuses/{self.status_id}/{endpoint}"


def parse_status_url(url: str) -> StatusRef | None:
    """``https://instance/@user/123`` (or ``/users/user/statuses/123``,
    ``/web/statuses/123``) as a :class:`StatusRef`; None if it is not one."""
    url = safe_http_url((url or "").strip())
    if not url:
        return None
    parts = urlsplit(url)
    for pattern in _STATUS_PATHS:
        match = pattern.match(parts.path)
        if match:
            base = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
            host = (parts.hostname or "").lower()
            return StatusRef(url, base, host, match["id"], match["user"] or "")
    return None


def parse_context(
    data: object, status: StatusRef, source_name: str, target_url: str
) -> SourceResult:
    """Public replies from ``GET /api/v1/statuses/:id/context``.

    Only ``public`` statuses are kept whole. A reply whose visibility is
    anything else becomes a withheld record (its id and URL, nothing about
    its author or words): it replaces an archived copy, and Bridgy's copy of
    it, collapsed into it, is never shown either. Replies keep their thread
    (``parent``) when the parent is a reply too.
    """
    if not isinstance(data, dict) or not isinstance(data.get("descendants"), list):
        raise ValueError("a Mastodon context has a 'descendants' list")
    statuses = [s for s in data["descendants"] if isinstance(s, dict) and s.get("id")]
    ids_by_local_id = {str(s["id"]): _status_key(s) for s in statuses}
    # Replies to the status itself name its author's account id: the author.
    me = next(
        (
            scalar_text(s.get("in_reply_to_account_id"))
            for s in statuses
            if scalar_text(s.get("in_reply_to_id")) == status.status_id
        ),
        "",
    )
    interactions: list[Interaction] = []
    skipped: Counter[str] = Counter()
    for reply in statuses:
        key = _status_key(reply)
        if not key:
            skipped["no-url"] += 1
            continue
        url = public_http_url(reply.get("url")) or public_http_url(reply.get("uri"))
        if reply.get("visibility") != "public":
            interactions.append(
                withheld_record(
                    source=source_name,
                    id=key,
                    kind="comment",
                    url=url,
                    target_url=target_url,
                    platform=PLATFORM,
                )
            )
            continue
        account = reply.get("account")
        if not isinstance(account, dict):
            skipped["no-account"] += 1
            continue
        extra = {"platform": PLATFORM, **_account_extra(account)}
        if scalar_text(reply.get("spoiler_text")):
            extra["content_warning"] = scalar_text(reply.get("spoiler_text"))
        if reply.get("sensitive") is True:
            extra["sensitive"] = "true"
        interactions.append(
            Interaction(
                source=source_name,
                id=key,
                kind="comment",
                published=to_utc_iso(reply.get("created_at")),
                target_url=target_url,
                url=url,
                content=scalar_text(reply.get("content")),
                parent=ids_by_local_id.get(str(reply.get("in_reply_to_id") or ""), ""),
                extra=extra,
                **_author_fields(account, status, me),
            )
        )
    return SourceResult(tuple(interactions), skipped=dict(sorted(skipped.items())))


def parse_accounts(
    data: object, kind: str, status: StatusRef, source_name: str, target_url: str
) -> SourceResult:
    """Likes (``favourited_by``) or boosts (``reblogged_by``): a list of accounts.

    The id and URL follow Bridgy (``<status URL>#favorited-by-<account id>``),
    so the same like backfed through webmention.io is recognised as one.
    """
    if not isinstance(data, list):
        raise ValueError("a Mastodon account list is a JSON list")
    fragment = LIKE_FRAGMENT if kind == "like" else REPOST_FRAGMENT
    interactions: list[Interaction] = []
    skipped: Counter[str] = Counter()
    for account in data:
        if not isinstance(account, dict) or not scalar_text(account.get("id")):
            skipped["not-an-account"] += 1
            continue
        url = f"{status.url.split('#')[0]}#{fragment}{scalar_text(account.get('id'))}"
        interactions.append(
            Interaction(
                source=source_name,
                id=url,
                kind=kind,
                target_url=target_url,
                url=url,
                extra={"platform": PLATFORM, **_account_extra(account)},
                **_author_fields(account, status),
            )
        )
    return SourceResult(tuple(interactions), skipped=dict(sorted(skipped.items())))


def account_handle(account: JSONObject, instance_host: str) -> str:
    """``@user@instance``: ``acct`` lacks the domain for the instance's own users."""
    acct = scalar_text(account.get("acct")).lstrip("@")
    if not acct:
        return ""
    if "@" not in acct:
        host = urlsplit(safe_http_url(account.get("url"))).hostname or instance_host
        acct = f"{acct}@{host.lower()}"
    # Anything else is not an account: markup, or an address typed in.
    return f"@{acct}" if handle_key(acct).startswith("acct:") else ""


def verified_website(account: JSONObject) -> str:
    """The first profile link the instance verified (``fields[].verified_at``)."""
    fields = account.get("fields")
    for entry in fields if isinstance(fields, list) else ():
        if not isinstance(entry, dict) or not entry.get("verified_at"):
            continue
        value = scalar_text(entry.get("value"))
        match = _HREF.search(value)
        url = public_http_url(match.group(1) if match else value)
        if url:
            return url
    return ""


def _status_key(status: JSONObject) -> str:
    """A reply's id in the archive: its ActivityPub ``uri``, unique everywhere."""
    return scalar_text(status.get("uri")) or scalar_text(status.get("url"))


def _author_fields(
    account: JSONObject, status: StatusRef, me: str = ""
) -> AuthorFields:
    handle = account_handle(account, status.host)
    own = f"@{status.username}@{status.host}".lower() if status.username else ""
    is_me = (me and scalar_text(account.get("id")) == me) or (
        own and handle.lower() == own
    )
    return {
        "author_name": " ".join(
            (
                scalar_text(account.get("display_name"))
                or scalar_text(account.get("username"))
            ).split()
        ),
        "author_url": public_http_url(account.get("url")),
        "author_handle": handle,
        "author_photo": public_http_url(account.get("avatar")),
        "author_is_me": bool(is_me),
    }


def _account_extra(account: JSONObject) -> dict[str, str]:
    extra: dict[str, str] = {}
    website = verified_website(account)
    if website:
        extra["verified_url"] = website
    if account.get("bot") is True:
        extra["bot"] = "true"
    return extra


# -- fetching -----------------------------------------------------------------


def plan_fetch(request: LiveRequest) -> LivePlan:
    """One job per due post with a ``mastodon`` status in its metadata."""
    return plan_per_post(request, "mastodon", _fetch_mastodon_post)


def _fetch_mastodon_post(
    client: Client, spec: SourceSpec, post: PostRef, address: str
) -> Outcome:
    status = parse_status_url(address)
    if status is None:
        raise SourceFailure(f"{post.slug}: {address!r} is not a Mastodon status URL")
    try:
        context = client.get(status.api("context")).json()
        results = [parse_context(context, status, spec.name, post.url)]
        for kind, endpoint in (("like", "favourited_by"), ("repost", "reblogged_by")):
            for page in _link_pages(client, status.api(endpoint), status.base):
                results.append(parse_accounts(page, kind, status, spec.name, post.url))
    except ValueError as exc:
        raise SourceFailure(f"{status.url}: unexpected answer ({exc})") from None
    return Outcome(combine_results(results))


def _link_pages(client: Client, url: str, origin: str) -> Iterator[object]:
    """Each page of a list that paginates with ``Link: <...>; rel="next"``."""
    response = client.get(url, params={"limit": 80})
    for _page in range(MAX_SOCIAL_PAGES):
        yield response.json()
        next_url = response.link("next")
        if not next_url:
            return
        # The next URL comes from the server: same instance, or a public address.
        response = client.get(next_url, untrusted=True, trusted_origin=origin)
