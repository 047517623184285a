"""Matching interactions to the site's posts by URL, slug or old URL."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from ..model import Interaction, PostRef
from ..urls import post_path, post_slug_guess


class PostMatcher:
    """Finds the post an interaction is about.

    In order: the source's slug hint (WordPress ``wp:post_name``) equals a
    slug; the target URL's path equals a post's path (with or without
    ``SITEURL``, http/https, ``www.``, trailing slash, ``#fragment`` or
    ``/comment-page-N/``) or one of its ``old_urls``; the last segment of the
    target URL equals a slug (an old permalink such as
    ``https://old.example/2013/03/04/my-post/``).
    """

    def __init__(self, posts: Iterable[PostRef]) -> None:
        self.slugs: set[str] = set()
        self.paths: dict[str, str] = {}
        for post in sorted(posts, key=lambda p: p.slug):
            self.slugs.add(post.slug)
            for url in (post.url, *post.old_urls):
                path = post_path(url)
                if path:
                    self.paths.setdefault(path, post.slug)
                # Also without SITEURL's own path (a site served under /blog/).
                site_path = post_path(urlsplit(url).path) if url else ""
                if site_path:
                    self.paths.setdefault(site_path, post.slug)
        self._lowered = {slug.lower(): slug for slug in self.slugs}
        self._cache: dict[tuple[str, str], str] = {}

    def match(self, item: Interaction) -> str:
        """The slug of the post ``item`` is about, or ""."""
        key = (item.target_slug, item.target_url)
        if key not in self._cache:
            self._cache[key] = self._match(item.target_slug, item.target_url)
        return self._cache[key]

    def _match(self, slug_hint: str, url: str) -> str:
        if slug_hint and slug_hint.lower() in self._lowered:
            return self._lowered[slug_hint.lower()]
        if not url:
            return ""
        path = post_path(url)
        if path in self.paths:
            return self.paths[path]
        # The path may carry a prefix the site no longer has (/blog/2013/...).
        for start in range(1, path.count("/") + 1):
            tail = path.split("/", start)[-1]
            if tail in self.paths:
                return self.paths[tail]
        return self._lowered.get(post_slug_guess(url), "")
