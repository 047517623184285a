"""Pelican articles reduced to plain :class:`PostRef` data."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .dates import to_utc_iso
from .posts import PostRef

_SPLIT = re.compile(r"[\s,]+")


def _metadata_list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(v for v in _SPLIT.split(value.strip()) if v)
    return tuple(str(v).strip() for v in value if str(v).strip())


def post_ref(article: Any, settings: Mapping[str, Any]) -> PostRef:
    """A :class:`PostRef` for a Pelican article (its absolute URL when
    ``SITEURL`` is set)."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    url = f"{siteurl}/{article.url}" if siteurl else f"/{article.url}"
    metadata = getattr(article, "metadata", {}) or {}
    return PostRef(
        slug=article.slug,
        url=url,
        title=str(getattr(article, "title", "") or ""),
        date=to_utc_iso(getattr(article, "date", None)),
        old_urls=_metadata_list(metadata.get("old_urls")),
        mastodon=str(metadata.get("mastodon") or "").strip(),
        bluesky=str(metadata.get("bluesky") or "").strip(),
    )


def post_refs(articles: Iterable[Any], settings: Mapping[str, Any]) -> list[PostRef]:
    """PostRefs of every published article, one per slug."""
    refs: dict[str, PostRef] = {}
    for article in articles:
        refs.setdefault(article.slug, post_ref(article, settings))
    return list(refs.values())
