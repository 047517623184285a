"""Read webmentions saved from webmention.io (JF2 or the older ``links`` JSON)."""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from ..dates import parse_iso, to_utc_iso
from ..errors import SourceError
from ..memo import remembered
from ..model import (
    AuthorFields,
    Interaction,
    ItemFields,
    SourceResult,
    SourceState,
)
from ..urls import host_of, public_http_url, without_www
from ..vouching import is_bridgy, page_host, vouches_for
from ..words import counted
from . import SourceSpec
from ._files import (
    JSONObject,
    as_object,
    parse_json,
    parse_yaml,
    read_text,
    scalar_text,
)
from ._live import Client, LivePlan, LiveRequest, Outcome, SourceFailure

__all__ = [
    "JF2_KINDS",
    "LINKS_KINDS",
    "MAX_JSON_BYTES",
    "MAX_PAGES",
    "MAX_REMOVED_SHARE",
    "RECONCILE_EVERY",
    "WEBMENTION_PER_PAGE",
    "parse_jf2_entries",
    "parse_links_entries",
    "plan_fetch",
    "read_webmentions",
]

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
    """Read webmentions saved from webmention.io, in every shape sites save
    them: a JF2 list, ``{"children": [...]}`` (the API's answer),
    ``{"links": [...]}`` (the older API), ``{"lastFetched": ...,
    "webmentions": [...]}`` (Eleventy caches), a jekyll-webmention_io cache
    (YAML or JSON keyed by target, then by mention id), or a folder of such
    files (Hugo sites keep one per post, or one per mention)."""
    files = _saved_files(path) if path.is_dir() else [path]
    results = [_read_saved_file(file, source_name) for file in files]
    if len(results) == 1:
        return results[0]
    return _combined(results)


#: Suffixes of saved files in a folder of them.
_SAVED_SUFFIXES = frozenset({".json", ".yml", ".yaml"})


def _saved_files(folder: Path) -> list[Path]:
    """The saved files below ``folder``, in a stable order; hidden ones are
    left alone."""
    files = sorted(
        file
        for file in folder.rglob("*")
        if file.suffix.lower() in _SAVED_SUFFIXES
        and file.is_file()
        and not any(p.startswith(".") for p in file.relative_to(folder).parts)
    )
    if not files:
        raise SourceError(f"{folder}: no webmention files (*.json, *.yml) found")
    return files


def _read_saved_file(path: Path, source_name: str) -> SourceResult:
    text = read_text(path, MAX_JSON_BYTES, "a saved webmention.io file")
    if path.suffix.lower() in (".yml", ".yaml"):
        import yaml

        data = parse_yaml(text, path, yaml.safe_load)
    else:
        data = parse_json(text, path)
    entries = _saved_entries(data)
    if entries is None:
        raise SourceError(
            f"{path}: expected webmention.io data: a list of JF2 entries, an "
            'object with a "children", "webmentions" or "links" list, or a '
            f"jekyll-webmention_io cache; found {_shape_of(data)}"
        )
    jf2 = [e for e in entries if not _is_links_entry(e)]
    links = [e for e in entries if _is_links_entry(e)]
    if not links:
        return parse_jf2_entries(jf2, source_name)
    if not jf2:
        return parse_links_entries(links, source_name)
    return _combined(
        [parse_jf2_entries(jf2, source_name), parse_links_entries(links, source_name)]
    )


#: Keys of an object that hold the list of entries, in the shapes seen in
#: the wild: the API's ``children`` and ``links``, Eleventy's
#: ``webmentions``, and ``source`` (Hugo sites that save one file per post).
_LIST_KEYS = ("children", "webmentions", "links", "source")


def _saved_entries(data: object) -> list[object] | None:
    """The entries of one saved file, or None for a shape it is not."""
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        return None
    for key in _LIST_KEYS:
        entries = data.get(key)
        if isinstance(entries, list):
            return entries
    if _is_entry(data):  # one mention per file
        return [data]
    if data and all(isinstance(v, dict) or v is None for v in data.values()):
        return _jekyll_cache_entries(data)
    return None


def _is_entry(data: JSONObject) -> bool:
    return "wm-id" in data or "wm-property" in data or _is_links_entry(data)


def _is_links_entry(entry: object) -> bool:
    """An entry of the older ``links`` format (``activity`` and ``data``)."""
    return isinstance(entry, dict) and isinstance(entry.get("activity"), dict)


def _jekyll_cache_entries(cache: JSONObject) -> list[object] | None:
    """jekyll-webmention_io's ``webmention_io_received`` cache: target ->
    mention id -> what it kept, the API's own entry under ``raw``. Any other
    mapping of mappings is not this cache."""
    entries: list[object] = []
    for mentions in cache.values():
        if not isinstance(mentions, dict) or not mentions:  # None: no mentions
            continue
        if not all(isinstance(m, dict) for m in mentions.values()):
            return None
        for mention in mentions.values():
            raw = mention.get("raw")
            if not isinstance(raw, dict):
                return None
            entries.append(raw)
    return entries


def _combined(results: list[SourceResult]) -> SourceResult:
    """One result of several reads; an id read twice (Hugo sites keep a
    mention in its post's file and in a file of its own) counts once."""
    interactions: dict[str, Interaction] = {}
    skipped: Counter[str] = Counter()
    removed: set[str] = set()
    for result in results:
        skipped.update(result.skipped)
        removed |= result.removed
        for item in result.interactions:
            interactions.setdefault(item.id, item)
    return SourceResult(
        interactions=tuple(interactions.values()),
        removed=frozenset(removed - set(interactions)),
        skipped=dict(sorted(skipped.items())),
    )


def parse_jf2_entries(entries: Sequence[object], source_name: str) -> SourceResult:
    """Turn webmention.io JF2 entries (``/api/mentions.jf2``) into records.

    Private entries are reported as removed; RSVPs, unknown properties and
    entries that are not objects are counted in ``skipped``.
    """
    return _collect(entries, source_name, _jf2_mention)


def parse_links_entries(links: Sequence[object], source_name: str) -> SourceResult:
    """Turn entries of webmention.io's older ``/api/mentions`` format into
    records, with the same rules as :func:`parse_jf2_entries`."""
    return _collect(links, source_name, _links_mention)


class _Mention(NamedTuple):
    """What one entry says, in either format."""

    id: str
    private: bool
    skip: str  #: why it is not an interaction, or ""
    fields: ItemFields  #: ``id`` among them
    author: AuthorFields


def _collect(
    entries: Sequence[object],
    source_name: str,
    describe: Callable[[JSONObject], _Mention],
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
                Interaction(source=source_name, **mention.fields, **mention.author)
            )
    return SourceResult(
        interactions=tuple(interactions),
        removed=frozenset(removed),
        skipped=dict(sorted(skipped.items())),
    )


def _jf2_mention(entry: JSONObject) -> _Mention:
    prop = scalar_text(entry.get("wm-property"))
    kind = JF2_KINDS.get(prop, "")
    mention_id = scalar_text(entry.get("wm-id"))
    fields: ItemFields = {
        "id": mention_id,
        "kind": kind,
        "published": to_utc_iso(entry.get("published"))
        or to_utc_iso(entry.get("wm-received")),
        "target_url": public_http_url(scalar_text(entry.get("wm-target"))),
        "url": public_http_url(entry.get("url"))
        or public_http_url(entry.get("wm-source")),
        "content": "" if kind in _WORDLESS_KINDS else _jf2_content(entry),
    }
    author = _author_fields(
        as_object(entry.get("author")),
        scalar_text(entry.get("wm-source")),
        scalar_text(entry.get("url")),
        scalar_text(entry.get("wm-target")),
    )
    return _Mention(
        id=mention_id,
        private=entry.get("wm-private") is True,
        skip="" if kind else _skip_reason(prop, "other-property"),
        fields=fields,
        author=author,
    )


def _links_mention(link: JSONObject) -> _Mention:
    activity_type = scalar_text(as_object(link.get("activity")).get("type"))
    kind = LINKS_KINDS.get(activity_type, "")
    data = as_object(link.get("data"))
    content = data.get("content")
    mention_id = scalar_text(link.get("id"))
    fields: ItemFields = {
        "id": mention_id,
        "kind": kind,
        "published": to_utc_iso(data.get("published"))
        or to_utc_iso(link.get("verified_date")),
        "target_url": public_http_url(scalar_text(link.get("target"))),
        "url": public_http_url(data.get("url")) or public_http_url(link.get("source")),
        "content": ""
        if kind in _WORDLESS_KINDS or not isinstance(content, str)
        else content,
    }
    author = _author_fields(
        as_object(data.get("author")),
        scalar_text(link.get("source")),
        scalar_text(data.get("url")),
        scalar_text(link.get("target")),
    )
    return _Mention(
        id=mention_id,
        private=link.get("private") is True,
        skip="" if kind else _skip_reason(activity_type, "other-type"),
        fields=fields,
        author=author,
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


def _author_fields(
    author: JSONObject, source: str, post: str, target: str
) -> AuthorFields:
    claimed = public_http_url(author.get("url"))
    url = _vouched_author_url(claimed, source, post)
    if claimed and not url:
        url = _source_page(source, target)
    return {
        "author_name": " ".join(scalar_text(author.get("name")).split()),
        "author_url": url,
        "author_handle": _profile_handle(url),
        "author_photo": _avatar_url(author.get("photo")),
    }


_FEDI_POST = re.compile(r"^/@[^/]+/\d+/?$")
# A silo post's address -> its author's profile, for the silos Bridgy
# backfeeds: twitter.com/x/status/1, host/@x/1, bsky.app/profile/x/post/1.
_SILO_PROFILE = re.compile(r"^(/@[^/]+|/[^/@]+(?=/status(?:es)?/)|/profile/[^/]+)/")


def _vouched_author_url(url: str, source: str, post: str) -> str:
    """The author URL a mention claims, kept only where its source vouches
    for it (:func:`~..vouching.vouches_for`): the source page is on that
    URL's site and under its user's path, or it is Bridgy's copy of a silo
    post by that profile. Anyone can write any h-card: a page on
    attacker.example claiming a friend's address would otherwise be the
    friend. A Bridgy post whose author gave a website on their profile is
    known by the profile itself."""
    if not url:
        return ""
    page = source if page_host(source) else post
    if vouches_for(page, url):
        return url
    if is_bridgy(page):
        if is_bridgy(post):
            # Bridgy Fed renders the fediverse post it names in ``source``.
            post = unquote(parse_qs(urlsplit(post).query).get("source", [""])[0])
        if vouches_for(post, url):
            return url  # e.g. a fediverse account, from its own post
        if not post and _is_silo_profile(url):
            return url  # Bridgy names the silo account itself
        post_parts = urlsplit(post)
        if (
            post_parts.fragment
            and _FEDI_POST.match(post_parts.path)
            and _FEDI_PROFILE.match(urlsplit(url).path)
        ):
            # A like or boost (``#favorited-by-1``) of a fediverse post: no
            # post of theirs to compare, Bridgy names the account.
            return url
        match = _SILO_PROFILE.match(post_parts.path)
        if match and not post_parts.fragment and post_parts.scheme in ("http", "https"):
            # The author's own post (a like's address is the liked post's):
            # its profile, not the website they typed on it.
            return public_http_url(
                f"{post_parts.scheme}://{post_parts.netloc}{match.group(1)}"
            )
    return ""


_SILO_HOSTS = frozenset({"twitter.com", "x.com", "bsky.app", "github.com"})


def _is_silo_profile(url: str) -> bool:
    """A profile on a silo (``/@user`` on a fediverse server, a Twitter,
    Bluesky or GitHub account), not a website someone typed on it."""
    parts = urlsplit(url)
    if _FEDI_PROFILE.match(parts.path) or _BSKY_PROFILE.match(parts.path):
        return True
    segments = [s for s in parts.path.split("/") if s]
    return _site_host(url) in _SILO_HOSTS and len(segments) == 1


def _source_page(source: str, target: str) -> str:
    """Who wrote a mention whose author link was not vouched for: the
    author of that page, known by the page itself, so that a name alone
    never makes it someone else (a friend's name on attacker.example is
    not the friend) and two pages of one site are not one person (a group
    blog has many authors). None for Bridgy, or for a page of the blog
    itself (quoting someone does not make them the blog's author)."""
    host = _site_host(source)
    if not host or is_bridgy(source) or host == _site_host(target):
        return ""
    return public_http_url(source)


def _site_host(url: str) -> str:
    return without_www(host_of(url).rstrip("."))


@remembered()  # an author's link, on each of their mentions (memo.py)
def _profile_handle(url: str) -> str:
    """``https://host/@user`` -> ``@user@host``; ``https://bsky.app/profile/x``
    -> ``x``. Bridgy gives these as the author URL of social replies."""
    if not url:
        return ""
    parts = urlsplit(url)
    host = without_www((parts.hostname or "").lower())
    if host == "bsky.app":
        match = _BSKY_PROFILE.match(parts.path)
        return unquote(match.group(1)) if match else ""
    match = _FEDI_PROFILE.match(parts.path)
    if match and host not in _NOT_FEDIVERSE and not parts.query:
        return f"@{match.group(1)}@{host}"
    return ""


@remembered()  # one photo, on each of a person's mentions (memo.py)
def _avatar_url(value: object) -> str:
    url = public_http_url(value)
    return "" if _EMAIL_HASH_AVATAR.search(url) else url


def _jf2_content(entry: JSONObject) -> str:
    content = as_object(entry.get("content"))
    markup, text = content.get("html"), content.get("text")
    if isinstance(markup, str) and markup.strip():
        return markup
    if isinstance(text, str):
        return html.escape(text)
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
    source_state: SourceState,
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
    entries: list[object] = []
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
    state: SourceState = {}
    if not complete:
        # A huge site, or a server whose pages never end: keep what was read
        # (the archive only grows) and remove nothing.
        logger.warning(
            "community: %s: webmention.io listed more than %d pages; kept the "
            "%s read and removed none (the listing is not complete)",
            spec.name,
            MAX_PAGES,
            counted(len(result.interactions), "mention"),
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
                "community: %s: webmention.io's full listing %s; kept all %s "
                "and removed none",
                spec.name,
                doubt,
                counted(len(archived), "archived mention"),
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


def _listing_doubt(entries: Sequence[object], archived: set[str]) -> str:
    """Why a complete listing cannot be trusted to remove anything, or "".

    Every item must be a JF2 entry with a numeric ``wm-id``, and the listing
    must keep at least half of what is archived."""
    unusable = sum(1 for entry in entries if not _usable_id(entry))
    if unusable:
        return f"held {counted(unusable, 'item')} that are not entries with an id"
    listed = {_usable_id(entry) for entry in entries}
    gone = len(archived - listed)
    if archived and gone > len(archived) * MAX_REMOVED_SHARE:
        return (
            f"lacks {gone} of the {counted(len(archived), 'archived mention')}, "
            f"more than {MAX_REMOVED_SHARE:.0%}"
        )
    return ""
