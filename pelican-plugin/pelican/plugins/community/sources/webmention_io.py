"""Read webmentions saved from webmention.io (JF2 or the older ``links`` JSON)."""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

from ..dates import parse_iso, to_utc_iso
from ..errors import SourceError
from ..model import Interaction, SourceResult
from ..urls import public_http_url
from . import SourceSpec
from ._files import as_object, parse_json, read_text, scalar_text
from ._live import Client, LivePlan, LiveRequest, Outcome, SourceFailure

#: Saved files larger than this are refused rather than read into memory.
logger = logging.getLogger(__name__)

MAX_JSON_BYTES = 256 * 1024**2
#: JF2 ``wm-property`` -> interaction kind. ``rsvp`` is skipped.
JF2_KINDS = {
    "in-reply-to": "comment",
    "mention-of": "mention",
    "like-of": "like",
    "repost-of": "repost",
    "bookmark-of": "bookmark",
}
#: ``/api/mentions`` ``activity.type`` -> interaction kind.
LINKS_KINDS = {
    "reply": "comment",
    "link": "mention",
    "mention": "mention",
    "like": "like",
    "repost": "repost",
    "bookmark": "bookmark",
}
# Likes and reposts carry the liked post's text, not the person's words.
_WORDLESS_KINDS = frozenset({"like", "repost"})

_FEDI_PROFILE = re.compile(r"^/@([A-Za-z0-9_.\-]+)/?$")
_BSKY_PROFILE = re.compile(r"^/profile/([^/?#]+)/?$")
# Hosts whose /@name pages are not fediverse accounts.
_NOT_FEDIVERSE = frozenset(
    {"twitter.com", "x.com", "medium.com", "youtube.com", "threads.net", "bsky.app"}
)
# webmention.io proxies avatars as /avatar/<original host>/<hash>: a Gravatar
# behind it is still an email hash.
_EMAIL_HASH_AVATAR = re.compile(
    r"/avatar/(?:[^/]*\.)?(?:gravatar\.com|libravatar\.org)/"
)


def read_webmentions(path: Path, source_name: str) -> SourceResult:
    """Read a saved webmention.io response: a JF2 list, a JF2 object with
    ``children``, or the older ``{"links": [...]}`` format."""
    data = parse_json(
        read_text(path, MAX_JSON_BYTES, "a saved webmention.io file"), path
    )
    if isinstance(data, list):
        return parse_jf2_entries(data, source_name)
    if isinstance(data, dict):
        if isinstance(data.get("children"), list):
            return parse_jf2_entries(data["children"], source_name)
        if isinstance(data.get("links"), list):
            return parse_links_entries(data["links"], source_name)
    raise SourceError(
        f"{path}: expected webmention.io JSON: a list of JF2 entries, an "
        f'object with a "children" list, or an object with a "links" list; '
        f"found {_shape_of(data)}"
    )


def parse_jf2_entries(entries: list, source_name: str) -> SourceResult:
    """Turn webmention.io JF2 entries (``/api/mentions.jf2``) into records.

    Private entries are reported as removed; RSVPs, unknown properties and
    entries that are not objects are counted in ``skipped``.
    """
    return _collect(entries, source_name, _jf2_mention)


def parse_links_entries(links: list, source_name: str) -> SourceResult:
    """Turn entries of webmention.io's older ``/api/mentions`` format into
    records, with the same rules as :func:`parse_jf2_entries`."""
    return _collect(links, source_name, _links_mention)


class _Mention(NamedTuple):
    """What one entry says, in either format."""

    id: str
    private: bool
    skip: str  #: why it is not an interaction, or ""
    fields: dict


def _collect(
    entries: list, source_name: str, describe: Callable[[dict], _Mention]
) -> SourceResult:
    interactions: list[Interaction] = []
    removed: set[str] = set()
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    for entry in entries:
        if not isinstance(entry, dict):
            skipped["not-an-object"] += 1
            continue
        mention = describe(entry)
        if not mention.id:
            skipped["no-id"] += 1
        elif mention.private:
            removed.add(mention.id)
        elif mention.skip:
            skipped[mention.skip] += 1
        elif mention.id in seen:
            skipped["duplicate"] += 1
        else:
            seen.add(mention.id)
            interactions.append(
                Interaction(source=source_name, id=mention.id, **mention.fields)
            )
    return SourceResult(
        interactions=tuple(interactions),
        removed=frozenset(removed),
        skipped=dict(sorted(skipped.items())),
    )


def _jf2_mention(entry: dict) -> _Mention:
    prop = scalar_text(entry.get("wm-property"))
    kind = JF2_KINDS.get(prop, "")
    fields = {
        "kind": kind,
        "published": to_utc_iso(entry.get("published"))
        or to_utc_iso(entry.get("wm-received")),
        "target_url": public_http_url(scalar_text(entry.get("wm-target"))),
        "url": public_http_url(entry.get("url"))
        or public_http_url(entry.get("wm-source")),
        "content": "" if kind in _WORDLESS_KINDS else _jf2_content(entry),
        **_author_fields(as_object(entry.get("author"))),
    }
    return _Mention(
        id=scalar_text(entry.get("wm-id")),
        private=entry.get("wm-private") is True,
        skip="" if kind else _skip_reason(prop, "other-property"),
        fields=fields,
    )


def _links_mention(link: dict) -> _Mention:
    activity_type = scalar_text(as_object(link.get("activity")).get("type"))
    kind = LINKS_KINDS.get(activity_type, "")
    data = as_object(link.get("data"))
    content = data.get("content")
    fields = {
        "kind": kind,
        "published": to_utc_iso(data.get("published"))
        or to_utc_iso(link.get("verified_date")),
        "target_url": public_http_url(scalar_text(link.get("target"))),
        "url": public_http_url(data.get("url")) or public_http_url(link.get("source")),
        "content": ""
        if kind in _WORDLESS_KINDS or not isinstance(content, str)
        else content,
        **_author_fields(as_object(data.get("author"))),
    }
    return _Mention(
        id=scalar_text(link.get("id")),
        private=link.get("private") is True,
        skip="" if kind else _skip_reason(activity_type, "other-type"),
        fields=fields,
    )


def _skip_reason(name: str, other: str) -> str:
    return "rsvp" if name.startswith("rsvp") else other


def _shape_of(data: object) -> str:
    if isinstance(data, dict):
        keys = ", ".join(sorted(str(key) for key in data)[:5])
        return f"an object with keys {keys}" if keys else "an empty object"
    if data is None:
        return "null"
    names = {list: "an array", str: "a string", bool: "a boolean"}
    return names.get(type(data), "a number")


def _author_fields(author: dict) -> dict:
    url = public_http_url(author.get("url"))
    return {
        "author_name": " ".join(scalar_text(author.get("name")).split()),
        "author_url": url,
        "author_handle": _profile_handle(url),
        "author_photo": _avatar_url(author.get("photo")),
    }


def _profile_handle(url: str) -> str:
    """``https://host/@user`` -> ``@user@host``; ``https://bsky.app/profile/x``
    -> ``x``. Bridgy gives these as the author URL of social replies."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if host.startswith("www."):
        host = host[4:]
    if host == "bsky.app":
        match = _BSKY_PROFILE.match(parts.path)
        return unquote(match.group(1)) if match else ""
    match = _FEDI_PROFILE.match(parts.path)
    if match and host not in _NOT_FEDIVERSE and not parts.query:
        return f"@{match.group(1)}@{host}"
    return ""


def _avatar_url(value: object) -> str:
    url = public_http_url(value)
    return "" if _EMAIL_HASH_AVATAR.search(url) else url


def _jf2_content(entry: dict) -> str:
    content = entry.get("content")
    if not isinstance(content, dict):
        return ""
    if isinstance(content.get("html"), str) and content["html"].strip():
        return content["html"]
    if isinstance(content.get("text"), str):
        return html.escape(content["text"])
    return ""


# -- fetching -----------------------------------------------------------------

#: How often webmention.io is listed in full, to drop mentions it deleted.
RECONCILE_EVERY = timedelta(days=7)
WEBMENTION_PER_PAGE = 100
#: Upper bound on pagination, so a misbehaving server cannot keep us busy.
MAX_PAGES = 200


def plan_fetch(request: LiveRequest) -> LivePlan:
    """One job: the site's mentions, new ones or (weekly) every one."""
    spec = request.spec
    token = request.environ.get(spec.options["token_env"], "").strip()
    if not token:
        return LivePlan(
            failure=f"no webmention.io token: set the {spec.options['token_env']} "
            "environment variable"
        )
    request.add_secret(token)
    archived = request.archived_ids()
    return LivePlan(
        [
            (
                spec.options["domain"],
                lambda c: _fetch_webmentions(
                    c, spec, token, archived, request.source_state, request.now
                ),
            )
        ]
    )


def _fetch_webmentions(
    client: Client,
    spec: SourceSpec,
    token: str,
    archived: set[str],
    source_state: dict,
    now: datetime,
) -> Outcome:
    """Fetch new mentions (``since_id``: the newest archived one); once a
    week, list everything and drop archived mentions webmention.io no longer
    has. Only a complete listing (read up to an empty page) may remove
    anything: a page may come back short with more pages after it. And only
    a listing fully understood (:func:`_listing_doubt`): a garbled answer
    must not read as "everything was deleted"."""
    numeric = [int(item_id) for item_id in archived if item_id.isdigit()]
    last_full = parse_iso(source_state.get("last_full", ""))
    full = not numeric or last_full is None or now - last_full >= RECONCILE_EVERY
    params: dict[str, str | int] = {
        "domain": spec.options["domain"],
        "token": token,
        "per-page": WEBMENTION_PER_PAGE,
    }
    if not full:
        params["since_id"] = max(numeric)
    url = spec.options["endpoint"].rstrip("/") + "/api/mentions.jf2"
    entries: list = []
    complete = False
    for page in range(MAX_PAGES):
        data = client.get(url, params={**params, "page": page}).json()
        children = data.get("children") if isinstance(data, dict) else None
        if not isinstance(children, list):
            raise SourceFailure(
                f"{client.fetcher.redact(url)}: not a webmention.io JF2 answer "
                "(no 'children' list)"
            )
        if not children:
            complete = True
            break
        entries.extend(children)
    result = parse_jf2_entries(entries, spec.name)
    state: dict = {}
    if not complete:
        # A huge site, or a server whose pages never end: keep what was read
        # (the archive only grows) and remove nothing.
        logger.warning(
            "community: %s: webmention.io listed more than %d pages; kept the "
            "%d mention(s) read and removed none (the listing is not complete)",
            spec.name,
            MAX_PAGES,
            len(result.interactions),
        )
        # A full listing is as full as it gets: due again in a week. After an
        # incremental one, the next since_id would skip what lies below the
        # cut for good: list everything next time instead.
        state["last_full"] = to_utc_iso(now) if full else ""
    elif full:
        doubt = _listing_doubt(entries, archived)
        if doubt:
            # Removing on a listing we did not fully understand is how a
            # garbled answer could empty the archive: keep everything and
            # list in full again on the next fetch.
            logger.warning(
                "community: %s: webmention.io's full listing %s; kept all %d "
                "archived mention(s) and removed none",
                spec.name,
                doubt,
                len(archived),
            )
        else:
            listed = {_usable_id(entry) for entry in entries}
            gone = archived - listed
            result = replace(result, removed=result.removed | frozenset(gone))
            state["last_full"] = to_utc_iso(now)
    return Outcome(result, state)


#: A full listing that would remove more than this share of the archived
#: mentions removes none: webmention.io deleting half a site's mentions at
#: once is far less likely than an answer gone wrong.
MAX_REMOVED_SHARE = 0.5


def _usable_id(entry: object) -> str:
    """The entry's ``wm-id`` as archived (digits), or "" when it has none
    that could name an archived mention."""
    if not isinstance(entry, dict) or entry.get("type") != "entry":
        return ""
    wm_id = scalar_text(entry.get("wm-id"))
    return wm_id if wm_id.isdigit() else ""


def _listing_doubt(entries: list, archived: set[str]) -> str:
    """Why a complete listing cannot be trusted to remove anything, or "".

    Every item must be a JF2 entry with a numeric ``wm-id``, and the listing
    must keep at least half of what is archived."""
    unusable = sum(1 for entry in entries if not _usable_id(entry))
    if unusable:
        return f"held {unusable} item(s) that are not entries with an id"
    listed = {_usable_id(entry) for entry in entries}
    gone = len(archived - listed)
    if archived and gone > len(archived) * MAX_REMOVED_SHARE:
        return (
            f"lacks {gone} of the {len(archived)} archived mention(s), more than "
            f"{MAX_REMOVED_SHARE:.0%}"
        )
    return ""
