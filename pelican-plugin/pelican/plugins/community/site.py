"""Reading a Pelican site's settings and articles without building it (for the CLI)."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pelican.generators import ArticlesGenerator
from pelican.settings import read_settings

from .errors import SettingsError
from .pelican_posts import post_refs
from .posts import PostRef
from .settings import CommunitySettings, apply_defaults, load_settings


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
    settings = read_settings(str(path))
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
