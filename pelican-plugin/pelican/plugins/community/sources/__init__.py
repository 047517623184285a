"""The source registry: each source type is one module and one line here.

A local reader turns one file (or folder) into :class:`SourceResult` and knows
nothing of Pelican, people or roles.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..records import SourceResult
from . import (
    blogger,
    commento,
    disqus,
    feed,
    pelican_comment_system,
    staticman,
    webmention_io,
    wordpress,
)

#: ``reader(path, source_name) -> SourceResult``
Reader = Callable[[Path, str], SourceResult]


@dataclass(frozen=True)
class SourceType:
    """What a ``COMMUNITY_SOURCES`` entry of one ``type`` may say."""

    read_file: Reader | None = None
    #: keys that point at the data; exactly one must be given (none: no keys)
    location_keys: tuple[str, ...] = ("path",)
    #: further optional keys and their defaults
    option_keys: tuple[tuple[str, str], ...] = ()
    #: an entry without ``path`` is fetched over the network (live.py)
    live: bool = False
    #: the reader takes the entry's options as keyword arguments
    reader_takes_options: bool = False


SOURCE_TYPES: dict[str, SourceType] = {
    "wordpress": SourceType(read_file=wordpress.read_wxr),
    "disqus": SourceType(read_file=disqus.read_disqus),
    "blogger": SourceType(read_file=blogger.read_blogger),
    "staticman": SourceType(
        read_file=staticman.read_staticman,
        option_keys=tuple(staticman.FIELD_DEFAULTS.items()),
        reader_takes_options=True,
    ),
    "pelican-comment-system": SourceType(
        read_file=pelican_comment_system.read_pelican_comment_system
    ),
    "commento": SourceType(read_file=commento.read_commento),
    "feed": SourceType(
        read_file=feed.read_feed, location_keys=("path", "url"), live=True
    ),
    "webmention.io": SourceType(
        read_file=webmention_io.read_webmentions,
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
