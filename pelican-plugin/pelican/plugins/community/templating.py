"""The plugin's default templates and Jinja filters, added behind the theme's."""

from __future__ import annotations

from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PrefixLoader

from .translations import Words

TEMPLATES = Path(__file__).parent / "templates"
PAGE_TEMPLATES = ("community.html", "community/community.html")
#: The default templates' stylesheet, copied to COMMUNITY_CSS_SAVE_AS.
STYLESHEET = Path(__file__).parent / "static" / "community.css"


def add_community_templates(env: Environment, lang: str = "en") -> None:
    """Let ``env`` find ``community/*.html`` after the theme's own templates
    (so the theme wins) and ``!community/*.html`` for explicit extension;
    give them their words and dates in ``lang``."""
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
    words = Words(lang)
    env.globals["_c"] = words.text
    env.globals["_cn"] = words.plural
    env.filters["community_date"] = words.date
