"""pelican-community: show the small circle of real readers around a blog.

Pelican appears only here, at the two ends: settings in (``initialized``),
pages out (article and page attributes and a generator that writes through
Pelican's writer).
"""

from __future__ import annotations

import functools
import gc
import logging
import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

# Pelican ships no type information, and mypy sees this repository's
# namespace folder as ``pelican``: its submodule is unknown to it.
from pelican import signals  # type: ignore[attr-defined]
from pelican.generators import ArticlesGenerator, Generator, PagesGenerator
from pelican.utils import get_relative_path, path_to_url

from .cache import CACHE_DIR
from .errors import CommunityError
from .pelican_site import (
    announcements,
    holds_no_intrasite_link,
    post_links,
    post_refs,
    under_autoreload,
    unpublish_watched_inputs,
    watch_for_autoreload,
    webmention_endpoint,
)
from .photos import PHOTO_NAME, PHOTOS_DIR, local_photos, photo_name
from .pipeline import build_community
from .progress import ProgressWanted
from .settings import CommunitySettings, apply_defaults, load_settings
from .storage import write_atomically
from .templating import (
    PAGE_TEMPLATES,
    STYLESHEET,
    add_community_templates,
    dates_need_babel,
)
from .views.chart import NARROW_WIDTH as CHART_NARROW_WIDTH
from .views.chart import WIDTH as CHART_WIDTH
from .views.chart import circle_chart_svg
from .views.community import Community

if TYPE_CHECKING:
    from rich.console import Console

__all__ = [
    "ARTICLES_KEY",
    "CARDED_RETURNING",
    "CARDED_WELCOME",
    "PHOTOS_KEY",
    "SETTINGS_KEY",
    "BuildStopped",
    "CommunityPageGenerator",
    "add_lists_to_article_page",
    "add_templates",
    "attach_community",
    "carded_people",
    "configure",
    "get_generators",
    "register",
    "release_frozen_objects",
    "remember_articles",
    "restore_article_after_its_page",
]

logger = logging.getLogger(__name__)

#: Where the validated settings travel inside Pelican's settings and context.
SETTINGS_KEY = "_COMMUNITY_SETTINGS"
#: The photos a build shows (output path -> checked PNG bytes), in the context.
PHOTOS_KEY = "_COMMUNITY_PHOTOS"
#: The build's articles generator, kept in the context until the pages are read.
ARTICLES_KEY = "_COMMUNITY_ARTICLES"


class BuildStopped(Exception):
    """A build under ``pelican --autoreload`` stopped on bad local input
    (already logged)."""


def _stop_on_bad_input(receiver: Callable[..., Any]) -> Callable[..., Any]:
    """Bad local input stops the build with one line naming the culprit,
    not a traceback: Pelican logs any exception with its stack. Under
    ``pelican --autoreload``, whose loop ends on SystemExit but waits for
    the next change after an exception, the build stops and the loop goes
    on: saving the mended file builds again."""

    @functools.wraps(receiver)
    def wrapper(*args: Any) -> Any:
        try:
            return receiver(*args)
        except CommunityError as exc:
            logger.critical("%s", exc)
            if under_autoreload():
                raise BuildStopped(
                    "community: the build stopped at the error above; "
                    "autoreload builds again when a file changes"
                ) from None
            raise SystemExit(exc.exitcode) from None

    return wrapper


@_stop_on_bad_input
def configure(pelican: Any) -> None:
    """``initialized``: give every setting its default, validate them once."""
    apply_defaults(pelican.settings)
    pelican.settings[SETTINGS_KEY] = load_settings(pelican.settings)
    lang = pelican.settings.get("DEFAULT_LANG", "en")
    if dates_need_babel(lang):
        logger.warning(
            "community: DEFAULT_LANG %r: the community's words are in this "
            "language but its dates stay in English until Babel is installed: "
            'pip install "pelican-community[i18n]"',
            lang,
        )


def _settings_of(generator: Any) -> CommunitySettings:
    found: CommunitySettings | None = generator.settings.get(SETTINGS_KEY)
    if found is None:  # a generator made without Pelican's initialized signal
        apply_defaults(generator.settings)
        found = generator.settings[SETTINGS_KEY] = load_settings(generator.settings)
    return found


@_stop_on_bad_input
def add_templates(generator: Any) -> None:
    """``generator_init``: the default ``community/`` templates, behind the theme."""
    add_community_templates(
        generator.env,
        generator.settings.get("DEFAULT_LANG", "en"),
        _settings_of(generator),
    )


def remember_articles(generator: ArticlesGenerator) -> None:
    """``article_generator_finalized``: keep the articles for
    :func:`attach_community`, which waits for the pages (read next)."""
    generator.context[ARTICLES_KEY] = generator


@_stop_on_bad_input
def attach_community(generator: PagesGenerator) -> None:
    """``page_generator_finalized``: compute the community over the articles
    and the pages, give each of them its ``community``, share it with all
    templates.

    Pelican reads the pages right after the articles and before the static
    files: a page's comments (a Blogger "Feedback" page, a WordPress "About")
    are matched like an article's, and the inputs watched under
    ``--autoreload`` join ``STATIC_PATHS`` before they are read."""
    settings = _settings_of(generator)
    articles_generator = generator.context.get(ARTICLES_KEY)
    articles = list(getattr(articles_generator, "articles", ()))
    hidden = list(getattr(articles_generator, "hidden_articles", ()))
    every_article = [
        *articles,
        *getattr(articles_generator, "translations", ()),
        *hidden,
        *getattr(articles_generator, "hidden_translations", ()),
    ]
    # An article keeps a slug it shares with a page (see _with_slug_of): such
    # a page is left out of everything below, its link too.
    article_slugs = {article.slug for article in every_article}
    pages, hidden_pages, page_translations = (
        _with_slug_of(list(group), article_slugs)
        for group in (
            generator.pages,
            getattr(generator, "hidden_pages", ()),
            [
                *getattr(generator, "translations", ()),
                *getattr(generator, "hidden_translations", ()),
            ],
        )
    )
    # Only published articles and pages are linked from the community page;
    # a hidden one (``Status: hidden``) keeps its conversation on its own page.
    links = post_links([*articles, *pages])
    generator.context["community_posts"] = links
    cache_path = Path(generator.settings.get("CACHE_PATH") or "cache")
    try:
        community = build_community(
            settings,
            post_refs(
                [*articles, *hidden, *pages, *hidden_pages], generator.settings, links
            ),
            cache_path=cache_path,
            progress=_pelican_console(),
        )
    finally:
        # After the build has made the archive folder, and after a build
        # stopped by a mistake in the people file, so that its fix is seen.
        if under_autoreload():
            watch_for_autoreload(generator.settings, settings.local_inputs)
    generator.context["community"] = community
    generator.context["community_carded"] = carded_people(community, settings)
    generator.context["community_webmention"] = webmention_endpoint(
        settings, str(generator.settings.get("SITEURL") or "")
    )
    if settings.avatars:
        generator.context[PHOTOS_KEY] = _attach_photos(
            community, settings, cache_path / CACHE_DIR / PHOTOS_DIR
        )
    _keep_out_of_garbage_collection()
    for content in [*every_article, *pages, *hidden_pages, *page_translations]:
        content.community = community.for_post(content.slug)
        content.community_announcements = announcements(content)


def _with_slug_of(pages: list[Any], article_slugs: set[str]) -> list[Any]:
    """The pages whose slug no article has. The community knows a post by
    its slug: a page sharing an article's would show the article's
    conversation, so it shows none (said at INFO; docs/themes.md)."""
    kept = []
    for page in pages:
        if page.slug in article_slugs:
            logger.info(
                "community: the page %s has the slug %r of an article: the "
                "article shows the conversation, the page none",
                page.source_path,
                page.slug,
            )
        else:
            kept.append(page)
    return kept


#: How many returning readers and new voices the community page gives a card
#: (RETURNING_SHOWN and WELCOME_SHOWN in community.html).
CARDED_RETURNING, CARDED_WELCOME = 120, 48


def carded_people(community: Community, settings: CommunitySettings) -> frozenset[str]:
    """The ids of the people with a card on the community page, where a
    name in a thank-you list leads: made once per build, not once per
    article (thanks.html tested a list of them for every name)."""
    if not settings.save_as:
        return frozenset()
    groups = (
        community.friends,
        community.regulars,
        community.returning_recent[:CARDED_RETURNING],
        community.welcome[:CARDED_WELCOME],
    )
    return frozenset(person.id for group in groups for person in group)


def _attach_photos(
    community: Community, settings: CommunitySettings, folder: Path
) -> dict[str, bytes]:
    """Give each person whose photo is at hand their ``avatar`` (its URL in
    the output); return output path -> the photo's checked bytes, to be
    written there."""
    photos = local_photos(
        (person.photo for person in community.people if person.photo),
        folder,
        offline=settings.offline,
        budget=settings.fetch_budget,
    )
    shown: dict[str, bytes] = {}
    for person in community.people:
        cached = photos.get(person.photo)
        if cached is not None:
            person.avatar = f"{settings.photos_folder}/{photo_name(person.photo)}"
            shown[person.avatar] = cached
    return shown


def _pelican_console() -> ProgressWanted:
    """The rich console Pelican logs to, so that a progress bar for long
    fetches shows on a terminal with Pelican's log lines above it."""
    try:
        from pelican.log import console
    except ImportError:  # an older Pelican without rich logging
        return True
    pelicans: Console = console
    return pelicans


def _keep_out_of_garbage_collection() -> None:
    """The community (tens of thousands of objects on a large blog) lives
    until the build ends: freezing it spares every later collection of
    Pelican's garbage from walking it again. ``finalized`` unfreezes, so
    ``pelican --autoreload`` collects each build's leftovers as usual."""
    gc.freeze()


def release_frozen_objects(_pelican: Any) -> None:
    """``finalized``: what the build froze is collectable again."""
    gc.unfreeze()


def add_lists_to_article_page(generator: Any, content: Any) -> None:
    """``article_generator_write_article`` and ``page_generator_write_page``:
    with COMMUNITY_THANKS_IN_CONTENT, the thank-you list and the
    conversation join the article's (or page's) content for its own page
    only. Feeds are written before article pages, and index, tag and
    category pages after them, so none of them carries the lists."""
    if not _settings_of(generator).thanks_in_content:
        return
    if getattr(content, "community", None) is None:  # a draft
        return
    settings = generator.settings
    siteurl = settings.get("SITEURL", "")
    if settings.get("RELATIVE_URLS"):
        siteurl = path_to_url(get_relative_path(content.save_as))
    template = generator.env.get_template("community/in-content.html")
    html = template.render({**generator.context, "SITEURL": siteurl}, article=content)
    if not html.strip():
        return
    # The summary (a page's description, an index's excerpt) stays the
    # author's words: read before the lists join the content, and kept.
    content.summary  # noqa: B018 - memoized by Pelican
    page_siteurl = siteurl if settings.get("RELATIVE_URLS") else content.get_siteurl()
    rewritten = content.get_content(page_siteurl)
    content._community_unchanged = content._content
    content._content = (content._content or "") + html
    _forget_memoized(content)
    if holds_no_intrasite_link(html, settings):
        # Pelican would rewrite the links of the whole content again, the
        # lists' megabytes included, for nothing: the page reads this.
        content.get_content.cache[(content, page_siteurl)] = rewritten + html


def restore_article_after_its_page(_path: str, context: Any = None) -> None:
    """``content_written``: the article's (or page's) own page is written,
    its content is the author's alone again."""
    context = context or {}
    article = context.get("article") or context.get("page")
    if article is None or "_community_unchanged" not in vars(article):
        return
    article._content = vars(article).pop("_community_unchanged")
    _forget_memoized(article)


def _forget_memoized(article: Any) -> None:
    """Pelican memoizes ``get_content`` per object: drop this article's
    entries so the appended list shows (its summary is kept)."""
    cache = getattr(getattr(article, "get_content", None), "cache", None)
    if isinstance(cache, dict):
        for key in [k for k in cache if k and k[0] is article]:
            del cache[key]


# Pelican ships no type information: its Generator is Any to mypy.
class CommunityPageGenerator(Generator):  # type: ignore[misc]
    """Writes the community page and, if asked, the JSON report."""

    def generate_context(self) -> None:
        """Nothing to read: the community was computed with the articles."""

    @_stop_on_bad_input
    def generate_output(self, writer: Any) -> None:
        community: Community | None = self.context.get("community")
        if community is None:
            return
        settings = _settings_of(self)
        if settings.css_save_as:
            _copy_stylesheet(Path(self.output_path) / settings.css_save_as)
        if settings.avatars:
            _write_photos(
                Path(self.output_path) / settings.photos_folder,
                self.context.get(PHOTOS_KEY) or {},
            )
        if settings.save_as:
            chart = _circle_chart(community, settings)
            template = self.env.select_template(PAGE_TEMPLATES)
            writer.write_file(
                settings.save_as,
                template,
                self.context,
                relative_urls=self.settings.get("RELATIVE_URLS", False),
                url=settings.url,
                community=community,
                community_posts=self.context.get("community_posts") or {},
                community_chart=chart,
                page_name=settings.save_as.rsplit(".", 1)[0],
            )
        if settings.json_save_as:
            path = Path(self.output_path) / settings.json_save_as
            write_atomically(path, community.json_text())
            logger.info("community: wrote the report to %s", os.path.relpath(path))


def _write_photos(folder: Path, photos: dict[str, bytes]) -> None:
    """Write the photos the pages show into ``folder`` and remove the ones
    they no longer show (a forgotten person's, a changed photo's): a stale
    photo stays reachable at its URL otherwise."""
    for target, data in photos.items():
        write_atomically(folder / posixpath.basename(target), data)
    shown = {posixpath.basename(target) for target in photos}
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if PHOTO_NAME.match(path.name) and path.name not in shown:
            path.unlink(missing_ok=True)
            logger.debug("community: removed the stale photo %s", path)


def _circle_chart(
    community: Community, settings: CommunitySettings
) -> dict[str, Callable[[str], Markup]]:
    """The circle over the years, drawn wide and for a phone, as ``wide``
    and ``narrow``: each gives the chart's markup for a text alternative
    (the page's words, translated); {} when there is no chart to draw."""
    rows = community.circle_by_year
    if not settings.circle_chart or len(rows) < 2:
        return {}

    def drawn(width: int) -> Callable[[str], Markup]:
        def chart(label: str) -> Markup:
            plain = label.unescape() if isinstance(label, Markup) else label
            return Markup(circle_chart_svg(rows, plain, width))

        return chart

    return {"wide": drawn(CHART_WIDTH), "narrow": drawn(CHART_NARROW_WIDTH)}


def _copy_stylesheet(path: Path) -> None:
    """The default templates' stylesheet, linked from every page that shows
    the community."""
    write_atomically(path, STYLESHEET.read_bytes())


def get_generators(_pelican: Any) -> type[Generator]:
    """``get_generators``: add the community page generator."""
    return CommunityPageGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(configure)
    signals.generator_init.connect(add_templates)
    signals.article_generator_finalized.connect(remember_articles)
    signals.page_generator_finalized.connect(attach_community)
    signals.get_generators.connect(get_generators)
    signals.article_generator_write_article.connect(add_lists_to_article_page)
    signals.page_generator_write_page.connect(add_lists_to_article_page)
    signals.content_written.connect(restore_article_after_its_page)
    signals.finalized.connect(release_frozen_objects)
    signals.static_generator_finalized.connect(unpublish_watched_inputs)
