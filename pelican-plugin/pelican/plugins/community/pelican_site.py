"""All that reads Pelican: articles reduced to plain :class:`PostRef` data, and a
site's settings and articles read without building it (for the CLI)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import quote

import pelican
from markupsafe import Markup
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.settings import DEFAULT_CONFIG, read_settings

from .dates import to_utc_iso
from .errors import SettingsError
from .model import SOCIAL_METADATA, PostRef
from .settings import CommunitySettings, apply_defaults, load_settings
from .urls import host_of, public_http_url

__all__ = [
    "WATCHED_KEY",
    "PostLink",
    "announcements",
    "holds_no_intrasite_link",
    "post_links",
    "post_ref",
    "post_refs",
    "read_posts",
    "read_site",
    "under_autoreload",
    "unpublish_watched_inputs",
    "watch_for_autoreload",
    "webmention_endpoint",
]

logger = logging.getLogger(__name__)

_SPLIT = re.compile(r"[\s,]+")
#: The community's inputs added to ``STATIC_PATHS`` for ``pelican
#: --autoreload`` to watch (:func:`watch_for_autoreload`), in Pelican's settings.
WATCHED_KEY = "_COMMUNITY_WATCHED"


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
        source_path=str(getattr(article, "source_path", "") or ""),
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
    """The site's articles and pages (published and hidden), read by
    Pelican's own readers, as PostRefs: the posts a build gives a
    conversation, articles first (an article keeps a slug a page shares)."""
    context = settings.copy()
    context.update(generated_content={}, static_links=set(), static_content={})
    context["localsiteurl"] = settings["SITEURL"]
    with _quiet_pelican():
        articles = _read_with(ArticlesGenerator, context, settings)
        pages = _read_with(PagesGenerator, context, settings)
    return post_refs(
        [
            *articles.articles,
            *articles.hidden_articles,
            *pages.pages,
            *pages.hidden_pages,
        ],
        settings,
    )


def _read_with(kind: type, context: dict[str, Any], settings: dict[str, Any]) -> Any:
    """A Pelican generator of ``kind`` that has read the site's content
    (Pelican's readers change the working folder: it is restored)."""
    cwd = os.getcwd()
    generator = kind(
        context=context,
        settings=settings,
        path=settings["PATH"],
        theme=settings["THEME"],
        output_path=settings["OUTPUT_PATH"],
    )
    try:
        generator.generate_context()
    finally:
        os.chdir(cwd)
    return generator


#: Under Pelican's own INTRASITE_LINK_REGEX, a link to rewrite is an
#: attribute value that starts with "{" or "|" right after its quote.
_INTRASITE_STARTS = ('"{', '"|', "'{", "'|")


def holds_no_intrasite_link(html: str, settings: Mapping[str, Any]) -> bool:
    """Whether Pelican's intrasite link pass (``{filename}``, ``{static}``...)
    would leave ``html`` as it is: surely so when, under Pelican's default
    pattern, no quote in it is followed by "{" or "|" (a theme's own
    template may hold such links; a custom pattern is never guessed at)."""
    pattern = settings.get(
        "INTRASITE_LINK_REGEX", DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]
    )
    if pattern != DEFAULT_CONFIG["INTRASITE_LINK_REGEX"]:
        return False
    return not any(start in html for start in _INTRASITE_STARTS)


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


def under_autoreload() -> bool:
    """Whether this build runs inside ``pelican --autoreload``'s loop.

    Pelican tells a plugin nothing of it; its loop is the function
    ``pelican.autoreload``, so the question is whether that function is
    among the callers (cheap: asked once a build, and on a stopping error).
    """
    loop = getattr(getattr(pelican, "autoreload", None), "__code__", None)
    frame = sys._getframe(1) if loop is not None else None
    while frame is not None:
        if frame.f_code is loop:
            return True
        frame = frame.f_back
    return False


def watch_for_autoreload(settings: dict[str, Any], inputs: Iterable[Path]) -> None:
    """Have ``pelican --autoreload`` watch the community's ``inputs`` too.

    Between two builds Pelican's autoreload watches the settings file, the
    theme, ``PATH`` and each of ``STATIC_PATHS`` (joined to ``PATH``, so an
    absolute path stays itself), read from the same settings the build
    sees; it offers plugins no other way in. So each input that exists and
    lies outside ``PATH`` and the author's own ``STATIC_PATHS`` joins
    ``STATIC_PATHS`` as an absolute path, and
    :func:`unpublish_watched_inputs` takes it off the static files the
    build copies: watched, never published. Called by every build, so a
    people file or an archive folder made since the last one is watched
    from then on; a folder holding the output is never added.
    """
    ours = set(settings.get(WATCHED_KEY, ()))
    theirs = [path for path in settings.get("STATIC_PATHS") or [] if path not in ours]
    content = Path(os.path.realpath(settings.get("PATH") or "."))
    # Watched already: the content, and what the author publishes as static.
    covered = [content, *(Path(os.path.realpath(content / p)) for p in theirs)]
    output = Path(os.path.realpath(settings.get("OUTPUT_PATH") or "output"))
    watched: list[str] = []
    for path in (Path(os.path.realpath(path)) for path in inputs):
        if (
            path.exists()
            and not any(path.is_relative_to(folder) for folder in covered)
            and not output.is_relative_to(path)
            and str(path) not in watched
        ):
            watched.append(str(path))
    settings["STATIC_PATHS"] = [*theirs, *watched]
    if tuple(watched) != settings.get(WATCHED_KEY):
        logger.info(
            "community: autoreload also watches %s",
            ", ".join(watched) or "nothing more",
        )
    settings[WATCHED_KEY] = tuple(watched)


def unpublish_watched_inputs(generator: Any) -> None:
    """``static_generator_finalized``: the inputs that joined
    ``STATIC_PATHS`` only to be watched are no static files of the site."""
    watched = [Path(path) for path in generator.settings.get(WATCHED_KEY, ())]
    if not watched:
        return

    def is_input(static: Any) -> bool:
        source = Path(os.path.realpath(static.source_path))
        return any(source.is_relative_to(path) for path in watched)

    inputs = {id(static) for static in generator.staticfiles if is_input(static)}
    found = generator.context.get("static_content", {})
    for static in generator.staticfiles:
        if id(static) in inputs:
            found.pop(static.get_relative_source_path(), None)
    # The context holds this very list: the writer copies what is left in it.
    generator.staticfiles[:] = [
        static for static in generator.staticfiles if id(static) not in inputs
    ]
