"""The plugin's default templates and Jinja filters, added behind the theme's."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

TEMPLATES = Path(__file__).parent / "templates"
PAGE_TEMPLATES = ("community.html", "community/community.html")


def community_date(value: str, fmt: str = "%-d %B %Y") -> str:
    """``2013-03-04T15:00:00+00:00`` as ``4 March 2013``."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).strftime(fmt)
    except ValueError:
        return ""


def add_community_templates(env: Environment) -> None:
    """Let ``env`` find ``community/*.html`` after the theme's own templates
    (so the theme wins) and ``!community/*.html`` for explicit extension."""
    loader = env.loader
    ours = FileSystemLoader(str(TEMPLATES))
    prefixed = PrefixLoader(
        {"!community": FileSystemLoader(str(TEMPLATES / "community"))}
    )
    if isinstance(loader, ChoiceLoader):
        if not any(
            getattr(item, "searchpath", None) == ours.searchpath
            for item in loader.loaders
        ):
            loader.loaders = [*loader.loaders, ours, prefixed]
    else:
        env.loader = ChoiceLoader(
            [loader, ours, prefixed] if loader else [ours, prefixed]
        )
    env.filters.setdefault("community_date", community_date)
