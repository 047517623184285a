"""All that reads Pelican: articles reduced to plain :class:`PostRef` data, and a
site's settings and articles read without building it (for the CLI)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

from markupsafe import Markup
from pelican.generators import ArticlesGenerator
from pelican.settings import read_settings

from .dates import to_utc_iso
from .errors import SettingsError
from .model import SOCIAL_METADATA, PostRef
from .settings import CommunitySettings, apply_defaults, load_settings
from .urls import host_of, public_http_url

_SPLIT = re.compile(r"[\s,]+")


def _metadata_list(value: Any) -> tuple[str, ...]:
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(v for v in _SPLIT.split(value.strip()) if v)
    return tuple(str(v).strip() for v in value if str(v).strip())


class PostLink(NamedTuple):
    """What the community page needs of a post to link to it."""

    url: str  #: site-relative, as Pelican's ``article.url``
    title: str  #: plain text


def post_links(articles: Iterable[Any]) -> dict[str, PostLink]:
    """Each article's URL and plain-text title by slug (the first article
    of a slug wins, as in :func:`post_refs`). Pelican formats an article's
    URL anew on every access: this is the one place that asks."""
    links: dict[str, PostLink] = {}
    for article in articles:
        if article.slug not in links:
            title = Markup(str(article.title)).striptags()
            links[article.slug] = PostLink(article.url, title)
    return links


def post_ref(
    article: Any, settings: Mapping[str, Any], link: PostLink | None = None
) -> PostRef:
    """A :class:`PostRef` for a Pelican article (its absolute URL when
    ``SITEURL`` is set); ``link`` spares working its URL out again."""
    siteurl = (settings.get("SITEURL") or "").rstrip("/")
    path = link.url if link is not None else article.url
    url = f"{siteurl}/{path}" if siteurl else f"/{path}"
    metadata = getattr(article, "metadata", {}) or {}
    return PostRef(
        slug=article.slug,
        url=url,
        title=str(getattr(article, "title", "") or ""),
        date=to_utc_iso(getattr(article, "date", None)),
        old_urls=_metadata_list(metadata.get("old_urls")),
        social={
            platform: address
            for platform in SOCIAL_METADATA
            if (address := str(metadata.get(platform) or "").strip())
        },
        site=" ".join(
            str(settings.get(name) or "") for name in ("SITENAME", "SITESUBTITLE")
        ).strip(),
        text=_summary_and_body(article),
    )


def _summary_and_body(article: Any) -> str:
    """The article's summary and content as Pelican renders them (HTML): a
    share may quote them (people/shares.py)."""
    parts = (str(getattr(article, name, "") or "") for name in ("summary", "content"))
    return "\n".join(dict.fromkeys(part for part in parts if part))


def post_refs(
    articles: Iterable[Any],
    settings: Mapping[str, Any],
    links: Mapping[str, PostLink] | None = None,
) -> list[PostRef]:
    """PostRefs of every published article, one per slug."""
    links = links or {}
    refs: dict[str, PostRef] = {}
    for article in articles:
        if article.slug not in refs:
            refs[article.slug] = post_ref(article, settings, links.get(article.slug))
    return list(refs.values())


@contextlib.contextmanager
def _quiet_pelican() -> Iterator[None]:
    """Pelican's readers log at INFO while reading; the CLI prints its own."""
    log = logging.getLogger("pelican")
    level = log.level
    log.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        log.setLevel(level)


def read_site(settings_file: str) -> tuple[dict[str, Any], CommunitySettings]:
    """Pelican's settings from ``settings_file`` and the plugin's, validated;
    relative paths resolve against the settings file's folder."""
    path = Path(settings_file)
    if not path.is_file():
        raise SettingsError(f"{settings_file}: settings file not found")
    try:
        settings = read_settings(str(path))
    except Exception as exc:  # Pelican's own checks (Exception before 4.10)
        theme = re.fullmatch(r"Could not find the theme (.*)", str(exc), re.S)
        if theme:
            raise SettingsError(
                f"THEME: no theme folder {theme.group(1)!r} (set in "
                f"{settings_file}): point THEME at the folder holding the "
                "theme's templates/, or remove it for Pelican's default theme"
            ) from None
        raise SettingsError(f"{settings_file}: {exc}") from None
    apply_defaults(settings)
    return settings, load_settings(settings, root=path.resolve().parent)


def read_posts(settings: dict[str, Any]) -> list[PostRef]:
    """The site's articles, read by Pelican's own readers, as PostRefs."""
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={})
    context["localsiteurl"] = settings["SITEURL"]
    cwd = os.getcwd()
    with _quiet_pelican():
        generator = ArticlesGenerator(
            context=context,
            settings=settings,
            path=settings["PATH"],
            theme=settings["THEME"],
            output_path=settings["OUTPUT_PATH"],
        )
        generator.generate_context()
    os.chdir(cwd)
    return post_refs(generator.articles, settings)


def announcements(article: Any) -> dict[str, str]:
    """platform -> the web address of the post's announcement (``Mastodon:``,
    ``Bluesky:`` in its metadata), for the "Reply on ..." links; an ``at://``
    URI or anything not http(s) gives no link."""
    metadata = getattr(article, "metadata", {}) or {}
    found = {}
    for platform in SOCIAL_METADATA:
        url = public_http_url(str(metadata.get(platform) or "").strip())
        if url:
            found[platform] = url
    return found


def webmention_endpoint(settings: CommunitySettings, siteurl: str) -> str:
    """webmention.io's endpoint for the site, once a ``webmention.io`` source
    is set: its ``domain``, else the host of ``SITEURL``; "" otherwise."""
    for spec in settings.sources:
        if spec.type != "webmention.io":
            continue
        domain = spec.options.get("domain") or host_of(public_http_url(siteurl))
        if domain:
            endpoint = spec.options.get("endpoint") or "https://webmention.io"
            return f"{endpoint.rstrip('/')}/{quote(domain, safe='.-')}/webmention"
    return ""
