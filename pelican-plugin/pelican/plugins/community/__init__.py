"""pelican-community: show the small circle of real readers around a blog.

Pelican appears only here, at the two ends: settings in (``initialized``),
pages out (article attributes and a generator that writes through Pelican's
writer).
"""

from __future__ import annotations

import functools
import gc
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

# Pelican ships no type information, and mypy sees this repository's
# namespace folder as ``pelican``: its submodule is unknown to it.
from pelican import signals  # type: ignore[attr-defined]
from pelican.generators import ArticlesGenerator, Generator

from .errors import CommunityError
from .pelican_site import post_links, post_refs
from .pipeline import build_community
from .settings import CommunitySettings, apply_defaults, load_settings
from .storage import write_atomically
from .templating import PAGE_TEMPLATES, add_community_templates
from .views.community import Community

logger = logging.getLogger(__name__)

#: Where the validated settings travel inside Pelican's settings and context.
SETTINGS_KEY = "_COMMUNITY_SETTINGS"


def _stop_on_bad_input(receiver: Callable[..., Any]) -> Callable[..., Any]:
    """Bad local input stops the build with one line naming the culprit,
    not a traceback: Pelican logs any exception with its stack."""

    @functools.wraps(receiver)
    def wrapper(*args: Any) -> Any:
        try:
            return receiver(*args)
        except CommunityError as exc:
            logger.critical("%s", exc)
            raise SystemExit(exc.exitcode) from None

    return wrapper


@_stop_on_bad_input
def configure(pelican: Any) -> None:
    """``initialized``: give every setting its default, validate them once."""
    apply_defaults(pelican.settings)
    pelican.settings[SETTINGS_KEY] = load_settings(pelican.settings)


def _settings_of(generator: Any) -> CommunitySettings:
    found = generator.settings.get(SETTINGS_KEY)
    if found is None:  # a generator made without Pelican's initialized signal
        apply_defaults(generator.settings)
        found = generator.settings[SETTINGS_KEY] = load_settings(generator.settings)
    return found


def add_templates(generator: Any) -> None:
    """``generator_init``: the default ``community/`` templates, behind the theme."""
    add_community_templates(generator.env)


@_stop_on_bad_input
def attach_community(generator: ArticlesGenerator) -> None:
    """``article_generator_finalized``: compute the community, give every
    article its ``community``, share it with all templates."""
    settings = _settings_of(generator)
    links = post_links(generator.articles)
    generator.context["community_posts"] = links
    community = build_community(
        settings,
        post_refs(generator.articles, generator.settings, links),
        cache_path=Path(generator.settings.get("CACHE_PATH") or "cache"),
        progress=_pelican_console(),
    )
    generator.context["community"] = community
    _keep_out_of_garbage_collection()
    articles = [*generator.articles, *generator.translations]
    for article in articles:
        article.community = community.for_post(article.slug)
    if settings.thanks_in_content:
        _append_to_content(generator, articles)


def _pelican_console() -> Any:
    """The rich console Pelican logs to, so that a progress bar for long
    fetches shows on a terminal with Pelican's log lines above it."""
    try:
        from pelican.log import console
    except ImportError:  # an older Pelican without rich logging
        return True
    return console


def _keep_out_of_garbage_collection() -> None:
    """The community (tens of thousands of objects on a large blog) lives
    until the build ends: freezing it spares every later collection of
    Pelican's garbage from walking it again. ``finalized`` unfreezes, so
    ``pelican --autoreload`` collects each build's leftovers as usual."""
    gc.freeze()


def release_frozen_objects(_pelican: Any) -> None:
    """``finalized``: what the build froze is collectable again."""
    gc.unfreeze()


def _append_to_content(generator: ArticlesGenerator, articles: list[Any]) -> None:
    template = generator.env.get_template("community/in-content.html")
    for article in articles:
        html = template.render(article=article, **generator.context)
        if not html.strip():
            continue
        if "summary" not in article.metadata:
            # Freeze the summary first, so index pages do not show the list.
            article.metadata["summary"] = article._summary = article.summary
        article._content = (article._content or "") + html
        _forget_memoized(article)


def _forget_memoized(article: Any) -> None:
    """Pelican memoizes ``get_content``/``get_summary`` per object: drop this
    article's entries so the appended list shows."""
    for name in ("get_content", "get_summary"):
        cache = getattr(getattr(article, name, None), "cache", None)
        if isinstance(cache, dict):
            for key in [k for k in cache if k and k[0] is article]:
                del cache[key]


class CommunityPageGenerator(Generator):
    """Writes the community page and, if asked, the JSON report."""

    def generate_context(self) -> None:
        """Nothing to read: the community was computed with the articles."""

    @_stop_on_bad_input
    def generate_output(self, writer: Any) -> None:
        community: Community | None = self.context.get("community")
        if community is None:
            return
        settings = _settings_of(self)
        if settings.save_as:
            template = self.env.select_template(PAGE_TEMPLATES)
            writer.write_file(
                settings.save_as,
                template,
                self.context,
                relative_urls=self.settings.get("RELATIVE_URLS", False),
                url=settings.url,
                community=community,
                community_posts=self.context.get("community_posts") or {},
                page_name=settings.save_as.rsplit(".", 1)[0],
            )
        if settings.json_save_as:
            path = Path(self.output_path) / settings.json_save_as
            write_atomically(path, community.json_text())
            logger.info("community: wrote the report to %s", os.path.relpath(path))


def get_generators(_pelican: Any) -> type[Generator]:
    """``get_generators``: add the community page generator."""
    return CommunityPageGenerator


def register() -> None:
    """Connect the plugin to Pelican's signals."""
    signals.initialized.connect(configure)
    signals.generator_init.connect(add_templates)
    signals.article_generator_finalized.connect(attach_community)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(release_frozen_objects)
