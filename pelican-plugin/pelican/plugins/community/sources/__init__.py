"""The source registry: each source type is one module and one line here.

A local reader turns one file (or folder) into :class:`SourceResult` and knows
nothing of Pelican, people or roles.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..model import SourceResult
from .staticman_fields import FIELD_DEFAULTS

#: ``reader(path, source_name) -> SourceResult``
Reader = Callable[[Path, str], SourceResult]


@dataclass(frozen=True)
class SourceType:
    """What a ``COMMUNITY_SOURCES`` entry of one ``type`` may say."""

    #: the local reader as "module.function" in this package, or ""; imported
    #: when first used, so a build whose files did not change loads none
    reader: str = ""
    #: keys that point at the data; exactly one must be given (none: no keys)
    location_keys: tuple[str, ...] = ("path",)
    #: further optional keys and their defaults
    option_keys: tuple[tuple[str, str], ...] = ()
    #: an entry without ``path`` is fetched over the network (live.py)
    live: bool = False
    #: the reader takes the entry's options as keyword arguments
    reader_takes_options: bool = False

    @property
    def read_file(self) -> Reader | None:
        """The local reader function, or None for a network-only type."""
        if not self.reader:
            return None
        module, function = self.reader.rsplit(".", 1)
        return getattr(importlib.import_module(f"{__name__}.{module}"), function)


SOURCE_TYPES: dict[str, SourceType] = {
    "wordpress": SourceType(reader="wordpress.read_wxr"),
    "disqus": SourceType(reader="disqus.read_disqus"),
    "blogger": SourceType(reader="blogger.read_blogger"),
    "staticman": SourceType(
        reader="staticman.read_staticman",
        option_keys=tuple(FIELD_DEFAULTS.items()),
        reader_takes_options=True,
    ),
    "pelican-comment-system": SourceType(
        reader="pelican_comment_system.read_pelican_comment_system"
    ),
    "commento": SourceType(reader="commento.read_commento"),
    "feed": SourceType(
        reader="feed.read_feed", location_keys=("path", "url"), live=True
    ),
    "webmention.io": SourceType(
        reader="webmention_io.read_webmentions",
        location_keys=("path", "domain"),
        option_keys=(
            ("endpoint", "https://webmention.io"),
            ("token_env", "WEBMENTION_IO_TOKEN"),
        ),
        live=True,
    ),
    "mastodon": SourceType(location_keys=(), live=True),
    "bluesky": SourceType(
        location_keys=(),
        option_keys=(("appview", "https://public.api.bsky.app"),),
        live=True,
    ),
}
