"""Matching interactions to the site's posts by URL, slug, old URL or title."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from operator import attrgetter
from urllib.parse import urlsplit

from ..model import Interaction, PostRef, RecordMap
from ..sanitize import markup_free
from ..urls import post_path, post_slug_guess

__all__ = ["PostMatcher", "title_key"]

_Target = tuple[str, str, str, str, str, str]
#: What an interaction says about the post it is on: every record of one
#: old post carries the same, so each key is resolved once.
_TARGET_OF: Callable[[Interaction], _Target] = attrgetter(
    "source", "target_slug", "target_url", "target_title", "target_date", "target_id"
)
#: WordPress's suffix for a slug already taken ("my-post-2"): 2 to 9 only,
#: so that "top-10" stays a slug of its own.
_DUPLICATE_SUFFIX = re.compile(r"^(.+)-[2-9]$")
_TITLE_WORD = re.compile(r"\w+")
_TITLE_SEPARATOR = re.compile(r"\s+[|\u2013\u2014\u00ab\u00bb\u00b7-]\s+|:\s+")
#: A publication day and a day either side: a date the old blog kept in
#: its time zone may fall on the next or the previous day in UTC.
_DAYS_APART = 1


def title_key(title: str) -> str:
    """A title as matching compares it: no markup, entities, case, accents,
    punctuation or spacing ("L&#8217;Été, again!" is "l ete again")."""
    if not title:
        return ""
    text = markup_free(title) if "<" in title or "&" in title else title
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(_TITLE_WORD.findall(text.replace("_", " ")))


def _title_keys(title: str) -> list[str]:
    """The title's key, then the keys of its parts around a separator, of
    two words or more: a Disqus thread is often titled "Blog name: Post"
    or "Post | Blog name"."""
    key = title_key(title)
    if not key:
        return []
    parts = [title_key(part) for part in _TITLE_SEPARATOR.split(title)]
    return [key, *(p for p in parts if p != key and p.count(" ") >= 1)]


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if len(value) >= 10 else None
    except ValueError:
        return None


class PostMatcher:
    """Finds the post an interaction is about.

    In order: the source's slug hint (WordPress ``wp:post_name``) equals a
    slug; the target URL's path equals a post's path (with or without
    ``SITEURL``, http/https, ``www.``, trailing slash, ``#fragment`` or
    ``/comment-page-N/``) or one of its ``old_urls``; the old post's number
    (``wp:post_id``) is the ``?p=N`` of an ``old_urls``; the last segment
    of the target URL equals a slug (an old permalink such as
    ``https://old.example/2013/03/04/my-post/``); the old post's title and
    publication day are an article's; its slug less WordPress's ``-2``
    suffix is a slug; its title is the title of one article only (and of
    one old post only, in :meth:`match_all`).

    Built once per computation: every map is made here, and each old post
    is resolved once however many records point at it.
    """

    def __init__(self, posts: Iterable[PostRef]) -> None:
        slugs: set[str] = set()
        self._paths: dict[str, str] = {}
        #: "p=45" or "page_id=45" -> the article listing that old address
        self._numbers: dict[str, str] = {}
        by_title: dict[str, list[PostRef]] = defaultdict(list)
        for post in sorted(posts, key=lambda p: p.slug):
            slugs.add(post.slug)
            for url in (post.url, *post.old_urls):
                path = post_path(url)
                if path:
                    self._paths.setdefault(path, post.slug)
                    # "?p=45", under whatever folder the old blog was.
                    if "?" in path:
                        self._numbers.setdefault(path.rpartition("?")[2], post.slug)
                # Also without SITEURL's own path (a site served under /blog/).
                site_path = post_path(urlsplit(url).path) if url else ""
                if site_path:
                    self._paths.setdefault(site_path, post.slug)
            key = title_key(post.title)
            if key:
                by_title[key].append(post)
        self._lowered = {slug.lower(): slug for slug in slugs}
        #: title -> (the article's publication day, its slug), each article
        self._by_title = {
            key: [(_day(post.date), post.slug) for post in found]
            for key, found in by_title.items()
        }
        self._cache: dict[_Target, str] = {}

    def match(self, item: Interaction) -> str:
        """The slug of the post ``item`` is about, or ""."""
        key = _TARGET_OF(item)
        if key not in self._cache:
            self._cache[key] = self._match(key, title_shared=False)
        return self._cache[key]

    def match_all(self, items: Iterable[Interaction]) -> RecordMap[str]:
        """The slug of the post each of ``items`` is about ("" for none).

        A title matches alone only when one old post of the source bears
        it: fifty "Weekly links" in an export are not the one article of
        that title. Old posts are told apart by their number; those with
        none (Disqus threads) are one page under as many addresses as the
        thread has."""
        # One pass: each record is given its old post's key (one tuple per
        # old post is kept, the others dropped at once); each key is then
        # resolved once, and replaced by its slug in the same map (no
        # second map of every record).
        keys: RecordMap[_Target] = RecordMap()
        targets: dict[_Target, _Target] = {}
        target_of, keep = _TARGET_OF, targets.setdefault
        for item in items:
            key = target_of(item)
            keys[item] = keep(key, key)
        old_posts: dict[tuple[str, str], set[str]] = defaultdict(set)
        for target in targets:
            source, _, _, title, _, number = target
            if title:
                old_posts[(source, title_key(title))].add(number)
        for target in targets:
            if target not in self._cache:
                shared = len(old_posts.get((target[0], title_key(target[3])), ())) > 1
                self._cache[target] = self._match(target, title_shared=shared)
        return keys.translate(self._cache)

    def _match(self, target: _Target, *, title_shared: bool) -> str:
        _source, slug_hint, url, title, when, number = target
        if slug_hint and slug_hint.lower() in self._lowered:
            return self._lowered[slug_hint.lower()]
        found = self._by_address(url) or self._by_number(number)
        if found:
            return found
        guess = post_slug_guess(url) if url else ""
        if guess in self._lowered:
            return self._lowered[guess]
        titled: list[tuple[date | None, str]] = []
        for key in _title_keys(title):
            titled = self._by_title.get(key, [])
            if titled:
                break
        day = _day(when)
        if day is not None:
            near = [
                slug
                for posted, slug in titled
                if posted is not None and abs(posted - day) <= timedelta(_DAYS_APART)
            ]
            if len(near) == 1:
                return near[0]
        for candidate in (slug_hint.lower(), guess):
            duplicate = _DUPLICATE_SUFFIX.match(candidate)
            if duplicate and duplicate.group(1) in self._lowered:
                return self._lowered[duplicate.group(1)]
        if len(titled) == 1 and not title_shared:
            return titled[0][1]
        return ""

    def _by_address(self, url: str) -> str:
        if not url:
            return ""
        path = post_path(url)
        if path in self._paths:
            return self._paths[path]
        # The path may carry a prefix the site no longer has (/blog/2013/...).
        for start in range(1, path.count("/") + 1):
            tail = path.split("/", start)[-1]
            if tail in self._paths:
                return self._paths[tail]
        return ""

    def _by_number(self, number: str) -> str:
        """The article whose ``old_urls`` hold the old post's ``?p=N`` (or
        ``?page_id=N``), on any host."""
        if not (number.isascii() and number.isdigit() and len(number) <= 20):
            return ""
        return self._numbers.get(f"p={int(number)}") or self._numbers.get(
            f"page_id={int(number)}", ""
        )
