"""Plain descriptions of the site's posts: what matching and live sources need."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PostRef:
    """One article, reduced to plain data (no Pelican objects past this point)."""

    slug: str
    url: str  #: absolute when SITEURL is set, else the site-relative URL
    title: str = ""
    date: str = ""  #: ISO 8601 in UTC
    old_urls: tuple[str, ...] = ()  #: from the article's ``old_urls`` metadata
    mastodon: str = ""  #: status URL from the article's ``mastodon`` metadata
    bluesky: str = ""  #: post URL or at:// URI from the ``bluesky`` metadata
